"""What a request talks about (its domain) and what it asks done (its act), from words alone."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import Enum

from automate.runtime.nlu.intents.lexicon import (
    ALARM_NOUNS,
    CALENDAR_NOUNS,
    CONTACT_NOUNS,
    CREATE_VERBS,
    DETAIL_KINDS,
    EMAIL_NOUNS,
    EVENT_NOUNS,
    FILLERS,
    FUNCTION_WORDS,
    GROCERIES,
    HARD_OFF_TOPIC,
    LIST_NOUNS,
    LIST_TOPICS,
    MEAL_WORDS,
    MOVE_VERBS,
    NUMBER_WORDS,
    OFF_TOPIC,
    RELATIONS,
    REMINDER_WORDS,
    REMOVE_VERBS,
    wordset,
)

__all__ = ["Act", "Cues", "drops_a_line", "names_list_topic", "read_cues"]


class Act(Enum):
    """What the person wants done, before knowing to what."""

    CREATE = "create"
    QUERY = "query"
    REMOVE = "remove"
    MOVE = "move"
    SEND = "send"


# Words that open a question when they start a clause.
_QUESTION_OPENERS = wordset(
    "what what's whats when when's which who who's whom how where is are am do does did any "
    "have has were was will whats"
)
# Words that ask to see something wherever they stand.
_LOOK_VERBS = wordset(
    "show list tell read check give display find search look view see pull bring lookup "
    "review upcoming pending browse provide"
)
_DROPPING = wordset("drop shoot")
_SEND_VERBS = wordset("send compose reply respond forward write draft shoot answer")
# Lead-ins that carry no act ("can you", "i want to", "i'd like to").
_LEADINS = wordset(
    "can could would will you u i i'd i'm we want wanna need like love to go ahead "
    "and just also now quickly let me us at"
)
_PARTICIPLE_CUES = wordset(
    "have has had i've is are was were been be alarm alarms reminder reminders already"
)
_DETERMINERS = wordset("my the a an this that your our his her their")
_LENGTH_UNITS = wordset("minute minutes min mins hour hours hr hrs day days")
# What follows "let me know" when it asks for something now rather than a later notice.
_TOLD_NOW = wordset("the what what's which who whom how if whether my all")
_NOTICE_TIMES = wordset("morning afternoon evening night day week hour minute moment")
_GERUNDS = {
    "adding": "add",
    "scheduling": "schedule",
    "booking": "book",
    "creating": "create",
    "putting": "put",
    "cancelling": "cancel",
    "canceling": "cancel",
    "deleting": "delete",
    "removing": "remove",
    "rescheduling": "reschedule",
    "moving": "move",
    "sending": "send",
    "emailing": "email",
    "setting": "set",
}
_WANTING = frozenset(
    {
        "need more",
        "need some",
        "out of",
        "don't want",
        "dont want",
        "don't need",
        "we need",
        "i need",
        "buy more",
    }
)
_WANTING_MORE = frozenset({"need more", "need some", "out of", "we need", "i need", "buy more", "get more"})
_CALLS_FOR_NOTICE = wordset("remind alert notify wake tell ping")
_NOTICES = wordset("reminder alert notification alarm heads-up")
_PREPOSITIONS = wordset("for about of on at until till before after to")
# "the meeting is off", "i won't be attending", "don't remind me": it is not to happen.
_CALLED_OFF = frozenset(
    {
        "any more",
        "no longer",
        "don't need",
        "dont need",
        "no need",
        "is off",
        "are off",
        "won't be",
        "can't make",
        "cannot make",
        "won't make",
        "not going",
        "can't attend",
        "won't attend",
        "not attending",
        "don't remind",
        "dont remind",
    }
)
_ASKING_LEADS = wordset("me us and know tell see check find show wonder wondering ask so")
# Having bought something takes it off the shopping list.
_BOUGHT = wordset("bought purchased enough")
_PERFECT = wordset("have has had did do")
_CREATE_CUES = wordset("remind remember wake new alert notify meet invite")
_OTHER_RECORDS = CALENDAR_NOUNS | EMAIL_NOUNS | ALARM_NOUNS | REMINDER_WORDS | CONTACT_NOUNS
# "events near me", "in my location": a search of the world around, not of one's calendar.
_LOCAL_SEARCH = frozenset({"my location", "near me", "around me", "close to", "my area"})
_LIST_PREPOSITIONS = wordset("to from off on onto")
_SCHEDULING = wordset("schedule plan arrange organize organise pencil reserve add put block")
_CONTACT_PHRASES = frozenset(
    {
        "phone number",
        "area code",
        "last name",
        "contact details",
        "email address",
        "email of",
        "address of",
        "phone of",
        "contact info",
        "contact information",
        "address book",
        "this number",
        "new number",
        "his number",
        "her number",
        "their number",
    }
)
# What a contact card holds: "bob's address", "ana's phone".
_DETAILS = wordset("address phone number contact cell mobile")
_TELLING = wordset("tell inform notify")
_NOT_ADDRESSEES = wordset("me the a an my your this that it be do")
_WAKING = frozenset(
    {"wake up", "wake me", "waking up", "wake-up", "get up", "getting up", "i'm up", "be up", "be awake"}
)
# "buzz me at 6", "set an alert for 7": a sound at a time is an alarm.
_SOUNDING = frozenset({"buzz me", "ring me", "beep me", "an alert", "alert for"})
_REMEMBERING = frozenset({"remember me", "remember to", "me forget", "not forget", "don't forget", "ping me"})
_NEGATIONS = wordset("not won't can't cannot don't unable never")
_YES_NO = wordset("is are will would")
# Verbs that turn a polite yes/no question into a request ("is it possible to book ...").
_REQUEST_VERBS = wordset(
    "schedule book add create remind cancel delete remove move reschedule postpone send email "
    "arrange organize organise put set make plan invite"
)
_PHRASAL_REMOVE = wordset("turn take cross strike knock tick scratch switch call")
_QUESTION_WORDS = wordset("what what's when when's which who how whats")
_AVAILABILITY = wordset("free busy available availability")
# "do I have anything going on", "anywhere to be", "any plans": the calendar without naming it.
_PLANS = frozenset(
    {"going on", "anywhere to", "any plans", "my plans", "scheduled for", "anything scheduled"}
)
# "what does my day look like", "anything planned": one's own time is the calendar's business.
_MY_TIME = frozenset(
    {
        "i planned",
        "anything planned",
        "i booked",
        "i scheduled",
        "day look",
        "week look",
        "day looking",
        "week looking",
        "schedule looking",
        "are booked",
        "is booked",
        "day like",
        "week like",
        "weekend like",
        "weekend look",
        "schedule look",
        "coming up",
        "is planned",
        "have planned",
    }
)
_SELF = frozenset(
    {"am i", "i am", "are we", "we are", "free time", "my availability", "free slot", "free slots"}
)
# Off-topic words that may only name where an event takes place.
_VENUES = wordset("restaurant city town theater theatre venue area")
_MESSAGING_ELSEWHERE = wordset("text sms whatsapp tweet twitter facebook slack")


@dataclass(frozen=True, slots=True)
class Cues:
    """The domain anchors and the act found in a request."""

    alarm: bool
    email: bool
    contact: bool
    lists: bool
    list_topic: bool
    calendar: bool
    calendar_named: bool
    reminder: bool
    event_noun: bool
    one_event: bool
    onto_list: bool
    off_topic: bool
    hard_off_topic: bool
    act: Act | None
    remove_anywhere: bool
    move_anywhere: bool
    free: bool
    availability: bool
    schedules: bool
    addressed: bool
    asks: bool
    off: bool
    no_longer: bool
    wants_more: bool
    new_list: bool


def _content(words: list[str]) -> list[str]:
    """The words without fillers, an action said as a gerund ("mind adding") as its verb."""
    return [_GERUNDS.get(w, w) for w in words if w not in FILLERS]


def _is_list_noun(words: list[str], i: int) -> bool:
    word = words[i]
    if word not in LIST_NOUNS:
        return word == "do" and i > 0 and words[i - 1] == "to" and _followed_by_list(words, i)
    if i > 0 and words[i - 1] in {"play", "mailing", "wish", "guest", "contact", "contacts"}:
        return words[i - 1] == "wish"
    # "the list of events in my calendar" is the calendar's business, not a list.
    if words[i + 1 : i + 2] == ["of"] and words[i + 2 : i + 3] and words[i + 2] in _OTHER_RECORDS:
        return False
    # A list verb opening the request ("list the rooms") is not a list.
    return not (word == "list" and i == 0 and len(words) > 1 and words[1] not in {"of", "for"})


def names_list_topic(words: list[str], i: int, prepositions: frozenset[str] = _LIST_PREPOSITIONS) -> bool:
    """ "from the groceries", "off my shopping", "show groceries": a list named by what it is for."""
    if words[i] not in LIST_TOPICS or i == 0:
        return False
    j = i - 1
    while j > 0 and words[j] in {"my", "the", "our", "me", "us"}:  # "show me my groceries"
        j -= 1
    before = words[j]
    # After a word of looking the topic is what is looked at, unless a noun follows it
    # ("show groceries"; "show shopping centres" is no list).
    looked_at = before in _LOOK_VERBS and i + 1 == len(words)
    return before in prepositions or looked_at


def _followed_by_list(words: list[str], i: int) -> bool:
    return i + 1 < len(words) and words[i + 1] in {"list", "lists"}


def _word_act(words: list[str], i: int, start: int) -> Act | None:
    """The act word `i` names in its place, if any."""
    word = words[i]
    before = words[i - 1] if i else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    # "take the meeting off my calendar", "cross eggs off", "turn my alarm off"
    if word in {"off", "out"} and _PHRASAL_REMOVE & set(words[max(0, i - 5) : i]):
        return Act.REMOVE
    # "my list", "my weekly plan", "the schedule": after a determiner the word is a noun.
    if i > start and (before in _DETERMINERS or words[i - 2 : i - 1] == ["my"]):
        return None
    # "a 2 hour review", "a thirty minute call": after a length the word is what lasts that long.
    if i > start + 1 and before in _LENGTH_UNITS and (words[i - 2].isdigit() or words[i - 2] in NUMBER_WORDS):
        return None
    if drops_a_line(words, i):
        return Act.SEND
    if word in REMOVE_VERBS or (word == "rid" and before == "get"):
        return Act.REMOVE
    if word in MOVE_VERBS:
        return Act.MOVE
    if word in _SEND_VERBS or (word in {"email", "mail", "e-mail", "message"} and i == start):
        return Act.SEND
    if word == "make" and after in {"sure", "certain", "blank", "clear", "empty"}:
        return None
    # "set" after "have"/"you"/"alarm" is a participle: "the alarm I have set".
    if word == "set" and (
        before in _PARTICIPLE_CUES or (before in {"you", "i", "we"} and i >= 2 and words[i - 2] in _PERFECT)
    ):
        return None
    if word in CREATE_VERBS or word in _CREATE_CUES:
        # "I won't be able to make the meeting": a negated verb asks for nothing.
        if _NEGATIONS & set(words[max(0, i - 4) : i]):
            return None
        return Act.CREATE
    # "give me a reminder at 5": what is given is a new notice.
    if word == "give" and after in {"me", "us"} and set(words[i + 2 : i + 5]) & _NOTICES:
        return Act.CREATE
    if word in _LOOK_VERBS:
        return Act.QUERY
    return None


def drops_a_line(words: list[str], i: int) -> bool:
    """ "drop my mom a line", "shoot bruno a quick note": writing to someone, as an idiom."""
    return words[i] in _DROPPING and any(
        words[j : j + 1] == ["a"] and {"line", "note"} & set(words[j + 1 : j + 3])
        for j in range(i + 1, i + 4)
    )


def _first_act(words: list[str]) -> Act | None:
    """The act of the first word that names one, after lead-ins like "can you".

    A question word opening the request makes it a query, except that a yes/no
    opener followed by an action ("is it possible to book ...") is that action.
    """
    start = 0
    while start < len(words) and words[start] in _LEADINS:
        start += 1
    if (
        start < len(words)
        and words[start] in _QUESTION_OPENERS
        and (start == 0 or words[start - 1] in {"you", "at", "and"})
        # "do not let me forget" is an order, not a question
        and words[start + 1 : start + 2] != ["not"]
    ):
        # "when the game starts remind me": the question word opens a clause of time.
        if words[start] == "when" and any(
            words[i] in _CALLS_FOR_NOTICE and words[i + 1 : i + 2] in (["me"], ["us"])
            for i in range(start + 1, len(words))
        ):
            return Act.CREATE
        # "do you think you could book ..." asks for the booking; "do i need to ..." asks a question.
        if words[start] in _YES_NO or words[start : start + 2] == ["do", "you"]:
            for i in range(start + 1, len(words)):
                # "are there any reminders set": a participle asks about what exists
                if words[i] in _REQUEST_VERBS and (act := _word_act(words, i, start)) is not None:
                    return act
        return Act.QUERY
    # "let me know the alarm time" asks; "let me know of the meeting" asks to be told later.
    if start >= 2 and words[start - 2 : start + 1] == ["let", "me", "know"] and start + 1 < len(words):
        # "let me know the day before", "the morning of the exam": that time is when to be told.
        when = words[start + 2 : start + 4]
        notice = bool(when) and when[0] in _NOTICE_TIMES and when[1:] in ([], ["of"], ["before"], ["after"])
        return Act.QUERY if words[start + 1] in _TOLD_NOW and not notice else Act.CREATE
    for i in range(start, len(words)):
        act = _word_act(words, i, start)
        if act is Act.QUERY:
            # "check my calendar and add the party": looking first, the act that follows is the aim.
            return _act_after_and(words, i) or act
        if act is not None:
            return act
    return None


def _act_after_and(words: list[str], i: int) -> Act | None:
    for j in range(i + 1, len(words) - 1):
        if words[j] == "and":
            act = _word_act(words, j + 1, j + 1)
            return act if act in {Act.CREATE, Act.REMOVE, Act.MOVE, Act.SEND} else None
    return None


def _wrote_to_me(words: list[str]) -> bool:
    """ "did anyone write to me", "who wrote me", "did the bank write back": mail received."""
    return any(
        w in {"write", "wrote", "written", "sent"}
        and bool({"me", "back"} & set(words[i + 1 : i + 3]))
        # "write me a poem" opens with an order to write, not with mail received
        and not (w == "write" and (i == 0 or words[i - 1] in _LEADINS))
        for i, w in enumerate(words)
    )


def _one_event(word: str) -> bool:
    """A single, particular event ("dentist", "party"), not "events" or "meetings"."""
    if word in {"event", "events"}:
        return False
    if word in MEAL_WORDS:
        return True
    return word in EVENT_NOUNS and not (word.endswith("s") and word[:-1] in EVENT_NOUNS)


def _gets_me_up(words: list[str]) -> bool:
    return any(words[i : i + 3] in (["get", "me", "up"], ["get", "us", "up"]) for i in range(len(words)))


def _what_they_said(words: list[str]) -> bool:
    """ "what did the school say about the trip": what someone said in a message."""
    return (
        words[:2] == ["what", "did"]
        and words[2:3] not in (["you"], ["i"], ["we"])
        and bool({"say", "write"} & set(words[2:6]))
        # "what did ana say about the flight": what she said may be of anything; "what did
        # the forecast say" asks the forecast.
        and not OFF_TOPIC & set(words[: _said_at(words) + 1])
    )


def _said_at(words: list[str]) -> int:
    """Where "say" or "write" stands in "what did <someone> say"."""
    return next(i for i, w in enumerate(words) if w in {"say", "write"})


def _after_leadins(words: list[str]) -> list[str]:
    """The words after "can you", "i need to", "please" and the like."""
    start = 0
    while start < len(words) - 1 and words[start] in _LEADINS:
        start += 1
    return words[start:]


def _addressed(words: list[str]) -> bool:
    """A message to someone: "write to Mary", "send this to Bob", "tell Bob I'm late"."""
    if not words or set(words) & _MESSAGING_ELSEWHERE:
        return False
    if words[:3] in (["reach", "out", "to"], ["get", "in", "touch"]) or drops_a_line(words, 0):
        return True
    # "let bob know i'm late": someone else is to be told.
    if words[0] == "let" and words[2:3] == ["know"] and words[1] not in {"me", "us"}:
        return True
    if words[0] in _SEND_VERBS:
        # "send a note to", cut short, still names a message to someone; "write to the landlord".
        if any(
            a == "to" and (b not in _NOT_ADDRESSEES or (b in {"the", "my", "our"} and c in RELATIONS))
            for a, b, c in zip(words, [*words[1:], ""], [*words[2:], "", ""], strict=False)
        ):
            return True
        # "send ana the notes": a name, then what is sent.
        return (
            len(words) > 2
            and words[1].isalpha()
            and words[1] not in FUNCTION_WORDS
            and words[1] not in _NOT_ADDRESSEES
            and words[2] in _DETERMINERS
        )
    if words[0] in _TELLING and len(words) > 2:
        who = words[2] if words[1] in {"my", "our", "the"} else words[1]
        return who.isalpha() and who not in FUNCTION_WORDS and who not in _NOT_ADDRESSEES
    return False


def _off_topic_words(words: list[str], wset: set[str], act: Act | None, event_noun: bool) -> set[str]:
    """Off-topic words, without the places an event being made or changed happens at.

    "schedule dinner at the italian restaurant": the restaurant is where the dinner is.
    """
    found = wset & OFF_TOPIC
    if not found or not event_noun or act not in {Act.CREATE, Act.MOVE, Act.REMOVE}:
        return found
    at_places = {
        w for i, w in enumerate(words) if w in _VENUES and {"at", "in"} & set(words[max(0, i - 3) : i])
    }
    return found - at_places


def _wants_groceries(words: list[str], wset: set[str], bigrams: set[str]) -> bool:
    """ "we need more milk", "i don't want eggs", "out of bread", "i bought the milk", "cross off
    the eggs": shopping said without a list."""
    if not wset & GROCERIES or wset & OFF_TOPIC:
        return False
    return (
        bool(_WANTING & bigrams)
        or bool(wset & REMOVE_VERBS)
        or bool(wset & _BOUGHT)
        or ("off" in wset and bool(wset & _PHRASAL_REMOVE))
    )


def _names_event(words: list[str]) -> bool:
    return any(w in EVENT_NOUNS or w in CALENDAR_NOUNS for w in words)


def _asks_what_to_buy(words: list[str], wset: set[str]) -> bool:
    """ "what do we need to buy", "what do i need from the store": the shopping list, asked."""
    if "what" not in wset or wset & OFF_TOPIC:
        return False
    return any(
        words[i : i + 2] == ["to", "buy"] or words[i : i + 3] == ["from", "the", "store"]
        for i in range(len(words))
    )


def _asks_at(words: list[str], i: int) -> bool:
    """Whether word `i` asks a question: not after a preposition ("a reminder for when"), and
    "which"/"who" after a noun open a relative clause ("my son, who is visiting")."""
    word = words[i]
    if word not in _QUESTION_WORDS:
        return False
    if i == 0:
        return True
    before = words[i - 1]
    if before in _PREPOSITIONS:
        return False
    return word not in {"which", "who"} or before in _ASKING_LEADS


def _bigrams(words: list[str]) -> set[str]:
    return {f"{a} {b}" for a, b in itertools.pairwise(words)}


def read_cues(words: list[str]) -> Cues:
    """Anchors and act of a tokenized request (lower-case words)."""
    words = _content(words)
    # "the meeting's time", "tomorrow's alarm": a possessive still names its noun.
    wset = set(words) | {w[:-2] for w in words if w.endswith("'s")}
    bigrams = _bigrams(words)
    lists = any(_is_list_noun(words, i) for i in range(len(words)))
    list_topic = (
        any(names_list_topic(words, i) for i in range(len(words)))
        or bool(wset & {"item", "items", "line", "lines"} and wset & (REMOVE_VERBS | {"add", "put"}))
        or _wants_groceries(words, wset, bigrams)
        or _asks_what_to_buy(words, wset)
        or any(a in {"my", "our"} and b in LIST_TOPICS for a, b in itertools.pairwise(words))
    )
    calendar_named = bool(wset & CALENDAR_NOUNS)
    # "alert me" is an alarm unless it is about an event ("alert me before my appointment").
    alerting = "alert me" in bigrams and not calendar_named
    alarm = (
        bool(wset & ALARM_NOUNS)
        or bool(_WAKING & bigrams)
        or alerting
        or _gets_me_up(words)
        or "wake" in wset
        or (bool(_SOUNDING & bigrams) and not calendar_named)
    )
    # "where does bob live": where someone lives is on their contact card.
    card = words[:2] == ["where", "does"] and "live" in words
    # "the number for the plumber", "an address for sarah" (not "the address for the event")
    card = card or any(
        w in {"number", "address"}
        and words[i + 1 : i + 2] == ["for"]
        and not _names_event(words[i + 2 : i + 4])
        for i, w in enumerate(words)
    )
    contact = (
        card
        or bool(wset & CONTACT_NOUNS)
        or bool(_CONTACT_PHRASES & bigrams)
        # "bob's phone", "my sister's new address"
        or any(
            w.endswith("'s") and (nxt in _DETAILS or (nxt in DETAIL_KINDS and after in _DETAILS))
            for w, nxt, after in zip(words, [*words[1:], ""], [*words[2:], "", ""], strict=False)
        )
    )
    messages = bool(wset & {"message", "messages"}) and not wset & _MESSAGING_ELSEWHERE
    email = (
        bool(wset & EMAIL_NOUNS)
        or messages
        or (bool(wset & {"reply", "respond", "compose", "replied", "responded"}) and not wset & _NEGATIONS)
        or _wrote_to_me(words)
        or _what_they_said(words)
        or "e mail" in bigrams
        # "anything from billing@power.example": mail received from an address
        or any("@" in w and before in {"from", "by"} for before, w in itertools.pairwise(words))
    )
    # "tell me to take my keys": being told to do something is being reminded.
    told = any(words[i : i + 3] == ["tell", "me", "to"] for i in range(len(words) - 2))
    # "make a note that the plumber comes on monday": a note to oneself is a reminder.
    noted = any(
        words[i : i + 3] in (["make", "a", "note"], ["take", "a", "note"], ["add", "a", "note"])
        for i in range(len(words) - 2)
    )
    reminder = bool(wset & REMINDER_WORDS) or bool(_REMEMBERING & bigrams) or told or noted
    # "am I free", "I'm busy", "do I have anything going on": the calendar without naming it.
    asks_self = bool(wset & {"i", "i'm", "we"})
    busy = (bool(wset & _AVAILABILITY) and bool(_SELF & bigrams)) or (asks_self and bool(_PLANS & bigrams))
    calendar = calendar_named or reminder or busy or bool(_MY_TIME & bigrams)
    act = Act.CREATE if told else _first_act(words)
    event_noun = bool(wset & (EVENT_NOUNS | MEAL_WORDS)) or "meet" in wset
    return Cues(
        alarm=alarm,
        email=email,
        contact=contact,
        lists=lists,
        list_topic=list_topic,
        calendar=calendar,
        calendar_named=calendar_named,
        reminder=reminder,
        event_noun=event_noun,
        one_event=any(_one_event(w) for w in wset),
        onto_list=any(
            w in {"list", "lists"} and "to" in words[max(0, i - 3) : i] for i, w in enumerate(words)
        ),
        off_topic=bool(_off_topic_words(words, wset, act, event_noun)) or bool(_LOCAL_SEARCH & bigrams),
        hard_off_topic=any(
            w in HARD_OFF_TOPIC and not _followed_by_list(words, i) for i, w in enumerate(words)
        ),
        act=act,
        remove_anywhere=bool(wset & REMOVE_VERBS) or "get rid" in bigrams,
        move_anywhere=bool(wset & MOVE_VERBS),
        free=bool(wset & _AVAILABILITY) and busy,
        availability=bool(wset & _AVAILABILITY),
        schedules=bool(wset & _SCHEDULING),
        addressed=_addressed(words) or _addressed(_after_leadins(words)),
        # "a reminder for when the plumber comes": after a preposition a question word asks nothing.
        asks=any(_asks_at(words, i) for i in range(len(words))),
        wants_more=bool(_WANTING_MORE & bigrams),
        # "i want a list for the party": a list wanted is a list to make
        new_list=bool({"a list", "new list", "another list"} & bigrams),
        no_longer=bool(wset & {"anymore"})
        or bool(_CALLED_OFF & bigrams)
        or ("forget" in wset and not _REMEMBERING & bigrams),
        off=bool(wset & {"off", "anymore", "not", "don't", "dont", "shouldn't"} | wset & _BOUGHT)
        or bool({"don't want", "dont want", "any more", "no longer"} & bigrams),
    )
