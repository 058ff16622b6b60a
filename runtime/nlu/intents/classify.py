"""Choosing the intent of a request from its cues: domain first, then the act within it."""

from __future__ import annotations

import itertools

from automate.runtime.nlu.intents.cues import Act, Cues, read_cues
from automate.runtime.nlu.intents.lexicon import (
    EMAIL_NOUNS,
    EVENT_NOUNS,
    FILLERS,
    GROCERIES,
    OFF_TOPIC,
    REMINDER_WORDS,
    WEEKDAYS,
)
from automate.runtime.nlu.intents.table import NONE

__all__ = ["classify"]

_OWN_TIME_QUESTIONS = (
    ("do", "i", "have"),
    ("what", "do", "i", "have"),
    ("what", "have", "i", "got"),
    ("what", "am", "i", "doing"),
    ("where", "am", "i"),
    ("where", "do", "i", "need"),
    ("where", "do", "i", "have"),
    ("am", "i", "doing"),
    ("what", "am", "i", "up", "to"),
    ("when", "do", "i"),
    ("where", "should", "i", "be"),
    ("what", "should", "i", "be"),
    ("am", "i", "working"),
    ("am", "i", "off"),
    ("what", "am", "i", "supposed"),
    ("where", "am", "i", "supposed"),
    ("what's", "next"),
    ("what", "is", "next"),
    ("have", "i", "got"),
    ("what", "did", "i", "do"),
    ("what", "did", "we", "do"),
    ("have", "we", "got"),
    ("whom", "am", "i"),
    ("who", "am", "i"),
)
# "when is my next appointment": a time asked about something of one's own.
_WHEN_MINE = (
    ("when", "is", "my"),
    ("when's", "my"),
    ("when", "are", "my"),
    ("when", "will", "my"),
    ("when", "do", "i"),
    ("what", "time", "do", "i"),
    ("when", "do", "we"),
    ("what", "time", "do", "we"),
)
_OBLIGATIONS = (
    ("i", "have", "to"),
    ("i", "need", "to", "be"),
    ("i", "must"),
    ("i've", "got", "to"),
    ("i", "have", "got", "to"),
    ("i'm", "going", "to", "the"),
    ("i", "am", "going", "to", "the"),
    ("i'll", "be", "at"),
    ("i", "will", "be", "at"),
    ("i", "need", "to", "go"),
    ("i", "have", "to", "go"),
    ("we", "have", "to"),
    ("we", "need", "to"),
    ("we", "must"),
)
# "i want to see the dentist on monday", "i'll be visiting grandma on sunday": a person's own
# plan to see someone or go somewhere, at a time, is a calendar entry.
_DETAIL_WORDS = frozenset({"details", "information", "info", "know", "more", "tell"})
_ABOUT = frozenset({"about", "on", "regarding", "for"})
_THE_OR_MINE = frozenset({"the", "my", "our", "this", "that"})
# Nouns naming a calendar entry for sure, whatever else the request mentions.
_NAMED_CALENDAR = frozenset({"calendar", "meeting", "meetings", "appointment", "appointments"})
_SHOPPING_VERBS = frozenset({"buy", "order", "pick", "get", "grab"})
_OWN_RECORDS = frozenset({"schedule", "agenda", "diary", "planner", "plans"})
_ARRIVALS = frozenset({"visiting", "coming", "arriving", "due", "staying"})
# Event nouns that are also verbs when they open a request.
_EVENT_VERBS = frozenset({"call", "meet", "visit", "show", "test", "review", "practice", "shift", "play"})
_SENDING_FIRST = frozenset({"send", "forward", "email", "mail", "share"})
# Words that open what a message says: "email ana saying ...", "... asking if ...".
_MESSAGE_CUES = frozenset({"saying", "says", "stating", "asking", "telling", "say"})
# A message named in the singular: "the email from the bank" is one to open.
_ONE_MESSAGE = frozenset({"email", "e-mail", "mail", "message"})
_SHOWING = frozenset({"show", "display", "view", "bring", "pull"})
# "email ana that ...": what a message opened by "email" says sets no topic.
_MAILING_FIRST = frozenset({"email", "e-mail", "mail"})
_SUBJECTS = frozenset({"i", "i'm", "i'll", "i'd", "we", "we're", "we'll"})
_PLAN_VERBS = frozenset({"see", "seeing", "visit", "visiting", "meet", "meeting", "go", "going"})
# "what's happening tomorrow", "anything going on this weekend": asked of a time, with no
# place named, it is about one's own calendar.
_HAPPENING_TIMES = (
    frozenset(["today", "tomorrow", "tonight", "this", "next", "on", "for", "later", "weekend"]) | WEEKDAYS
)
# Topics no agent serves, by a word that names them (for a clear reason, not for routing).
_TOPICS = {
    **dict.fromkeys(("weather", "rain", "raining", "snow", "forecast", "temperature"), "the weather"),
    **dict.fromkeys(("play", "music", "song", "songs", "playlist", "radio", "podcast"), "music and audio"),
    **dict.fromkeys(("lights", "light", "lamp", "thermostat", "vacuum", "plug"), "devices at home"),
    **dict.fromkeys(("news", "headlines"), "the news"),
    **dict.fromkeys(("taxi", "uber", "train", "flight", "ticket", "traffic"), "travel"),
    **dict.fromkeys(("recipe", "cook", "cooking"), "cooking"),
    **dict.fromkeys(("stock", "stocks", "currency", "exchange"), "finance"),
    **dict.fromkeys(("joke", "jokes"), "jokes"),
    **dict.fromkeys(("tweet", "twitter", "facebook", "instagram"), "social media"),
}
_OUT_OF_SCOPE = "no agent here handles that kind of request"
# Questions about an event that can only be about the person's own calendar.
_OWN_EVENT_QUESTIONS = frozenset(
    {"when", "when's", "do", "is", "are", "any", "who", "who's", "whom", "where"}
)
_WHICH = frozenset({"what", "what's", "whats", "which"})
_YEARLY = frozenset({"birthday", "birthdays", "bday", "anniversary", "anniversaries", "holiday", "holidays"})
_WHEN_NOUNS = frozenset({"date", "day", "time", "hour"})


def _alarm(cues: Cues, has_time: bool) -> str:
    if cues.remove_anywhere or cues.act is Act.REMOVE or cues.no_longer:
        return "alarm_cancel"
    if cues.act in {Act.CREATE, Act.MOVE, Act.SEND}:
        return "alarm_create"
    if cues.act is Act.QUERY:
        return "alarm_list"
    return "alarm_create" if has_time else "alarm_list"


def _lists(cues: Cues) -> str:
    if cues.act is Act.REMOVE or (cues.remove_anywhere and cues.act is not Act.CREATE):
        return "list_remove"
    if cues.off and cues.act is not Act.CREATE:
        return "list_remove"
    if cues.act in {Act.CREATE, Act.SEND} or (
        cues.act is None and (cues.onto_list or cues.wants_more or cues.new_list)
    ):
        return "list_add"
    return "list_show"


def _contacts(cues: Cues) -> str:
    if cues.act in {Act.CREATE, Act.SEND}:
        return "contact_add"
    return "contact_find"


def _email(cues: Cues, words: list[str]) -> str:
    wset = set(words)
    if cues.act is Act.SEND:
        return "email_send"
    if cues.act is Act.CREATE and "to" in wset:
        return "email_send"
    # "tell my brother happy birthday by email", "let ana know by email": someone is told.
    if cues.addressed:
        return "email_send"
    if cues.act is Act.QUERY or wset & {"read", "open"}:
        return "email_read" if wset & {"read", "open"} or _one_message(words) else "email_search"
    if wset & {"reply", "respond"}:
        return "email_send"
    return "email_search"


def _one_message(words: list[str]) -> bool:
    """ "show me the quarterly report email", "what did ana say about the flight": the one
    message the person means, not a search."""
    if words[:2] == ["what", "did"]:
        return True
    for i, word in enumerate(words):
        if word in _ONE_MESSAGE and "the" in words[max(0, i - 4) : i] and _SHOWING & set(words[:i]):
            return True
    return False


def _off_topic_asked(words: list[str]) -> bool:
    """Whether an off-topic word is in what is asked: "email ana that the train leaves at 7"
    tells her of a train, "email me the lyrics" asks for lyrics."""
    if words[0] not in _MAILING_FIRST or "that" not in words:
        return True
    return read_cues(words[: words.index("that")]).hard_off_topic


def _before_message(words: list[str]) -> list[str]:
    """A request to send mail without the message's own words ("saying please contact bob"):
    what the message says is not what the person asks done."""
    if not words or words[0] not in _SENDING_FIRST:
        return words
    for i, word in enumerate(words[1:], 1):
        if word in _MESSAGE_CUES:
            return words[:i]
    return words


def _calendar(cues: Cues, has_time: bool) -> str:
    reminder = cues.reminder
    removing = cues.remove_anywhere or (cues.no_longer and cues.act is None)
    if cues.act is Act.REMOVE and cues.move_anywhere:
        return "event_move"  # "cancel it and reschedule it for thursday"
    if cues.act is Act.REMOVE or (removing and cues.act is not Act.CREATE):
        return "reminder_cancel" if reminder else "event_cancel"
    if cues.act is Act.MOVE:
        return "event_move"
    if cues.act in {Act.CREATE, Act.SEND}:
        return "reminder_create" if reminder else "event_create"
    if cues.act is Act.QUERY:
        if cues.free and not reminder:
            return "free_slots"
        return "reminder_list" if reminder else "event_list"
    if cues.asks:
        return "reminder_list" if reminder else "event_list"
    if reminder:
        return "reminder_create"
    return "event_create" if has_time and cues.one_event else "event_list"


def _about_events(cues: Cues, words: list[str], has_time: bool) -> bool:
    """An event noun and a sign it is the person's own: an act on it, or a question about it."""
    if not cues.event_noun or cues.off_topic:
        return False
    if cues.act in {Act.CREATE, Act.MOVE, Act.REMOVE}:
        return True
    if cues.act is Act.QUERY:
        # "at what time is my haircut": a preposition may lead the question.
        asked = words[1:] if words[0] in {"at", "and", "so", "but"} else words
        if asked and (asked[0] in _OWN_EVENT_QUESTIONS or asked[:2] in (["what", "time"], ["how", "many"])):
            return True
        # "what's the date of the conference", "which day is the interview": when it is.
        # A yearly day ("what day is my birthday") is a question about the calendar of the year.
        if asked and asked[0] in _WHICH and _WHEN_NOUNS & set(asked[1:4]) and not _YEARLY & set(words):
            return True
    # "details about the tournament", "more about the concert": what is known of a given event.
    if _about_the_event(words):
        return True
    return has_time and cues.act is not Act.QUERY


def _about_the_event(words: list[str]) -> bool:
    """ "about the <event>", "info on the <event>", asked for details, information or more;
    "how long is the <event>"."""
    if words[:2] == ["how", "long"]:
        return any(w in EVENT_NOUNS for w in words[2:6])
    if not _DETAIL_WORDS & set(words):
        return False
    for i, word in enumerate(words[:-2]):
        if word in _ABOUT and words[i + 1] in _THE_OR_MINE:
            return any(w in EVENT_NOUNS for w in words[i + 2 : i + 4])
    return False


def _asks_own_time(words: list[str]) -> bool:
    return any(tuple(words[: len(q)]) == q for q in _OWN_TIME_QUESTIONS)


def _obliged(words: list[str]) -> bool:
    return any(tuple(words[i : i + len(o)]) == o for o in _OBLIGATIONS for i in range(min(3, len(words))))


def _asks_whats_on(words: list[str]) -> bool:
    return words[:2] in (["what's", "on"], ["whats", "on"], ["anything", "on"]) or words[:3] in (
        ["what", "is", "on"],
        ["is", "anything", "on"],
        ["is", "there", "anything"],
    )


def _plans(words: list[str]) -> bool:
    """A first-person clause whose verb, within a few words, is seeing, visiting or going."""
    if not words or words[0] not in _SUBJECTS:
        return False
    return any(w in _PLAN_VERBS for w in words[1:5])


def _asks_happening(words: list[str]) -> bool:
    """ "what's happening on friday": happening or going on, said right before a time."""
    if set(words) & OFF_TOPIC - {"happening"}:
        return False
    for i, word in enumerate(words[:-1]):
        if word == "happening" or (word == "on" and i > 0 and words[i - 1] == "going"):
            return words[i + 1] in _HAPPENING_TIMES
    return False


def _reminded_first(words: list[str]) -> bool:
    """ "remind me to email kevin": a reminder whose task is to write mail is still a reminder."""
    for word in words:
        if word in REMINDER_WORDS:
            return True
        if word in EMAIL_NOUNS or word in {"message", "messages", "reply", "respond"}:
            return False
    return False


def _shops_for(words: list[str]) -> bool:
    """Buying or ordering an everyday shop item."""
    return bool(_SHOPPING_VERBS & set(words)) and bool(GROCERIES & set(words)) and not OFF_TOPIC & set(words)


def _my_calendar(words: list[str]) -> bool:
    """ "my schedule", "our agenda": one's own calendar, whatever else the request mentions."""
    return any(a in {"my", "our"} and b in _OWN_RECORDS for a, b in itertools.pairwise(words))


def _why_not(words: list[str]) -> str:
    """Why a request is declined, naming its topic when a word gives it away."""
    for word in words:
        topic = _TOPICS.get(word)
        if topic:
            return f"it is about {topic}, which no agent here handles"
    return _OUT_OF_SCOPE


def classify(words: list[str], has_time: bool) -> tuple[str, str]:
    """The intent name for lower-case `words` (or "none") and, for "none", why."""
    words = _before_message(words)
    cues = read_cues(words)
    if not words:
        return NONE, _why_not(words)
    if cues.alarm:
        return _alarm(cues, has_time), ""
    # "remind me to buy more soap": a reminder to shop is an item for the shopping list.
    if cues.reminder and _shops_for(words) and not cues.calendar_named:
        return "list_add", ""
    if cues.reminder and (not cues.email or _reminded_first(words)):
        return _calendar(cues, has_time), ""
    if cues.hard_off_topic and "calendar" not in words and _off_topic_asked(words):
        return NONE, _why_not(words)
    # "send john's number to mary": a contact card sent to someone is a message.
    if cues.contact and words[0] in _SENDING_FIRST and ("to" in words[1:] or cues.addressed):
        return "email_send", ""
    if cues.contact:
        return _contacts(cues), ""
    # "what's my sister's email": someone's address, asked of the address book (not their mail).
    asks_what = words[:2] == ["what", "is"] or words[0] in {"what's", "whats"}
    if asks_what and len(words) > 2 and words[-1] in _ONE_MESSAGE and words[-2].endswith("'s"):
        return "contact_find", ""
    # "who is bruno@example.com": whose address it is, asked of the address book.
    if (words[:2] == ["who", "is"] or words[0] == "who's") and any("@" in w for w in words):
        return "contact_find", ""
    if cues.lists:
        return _lists(cues), ""
    if cues.email:
        return _email(cues, words), ""
    if cues.addressed and not cues.off_topic:
        return "email_send", ""
    if cues.list_topic and not cues.calendar:
        return _lists(cues), ""
    if cues.calendar and not (
        cues.off_topic and not _NAMED_CALENDAR & set(words) and not _my_calendar(words)
    ):
        return _calendar(cues, has_time), ""
    # "do I have anything tomorrow": a question about one's own time is about the calendar.
    if not cues.off_topic and (
        (_asks_own_time(words) and has_time) or any(tuple(words[: len(q)]) == q for q in _WHEN_MINE)
    ):
        return _calendar(cues, has_time), ""
    # "I have to see the bank manager at 3 tomorrow": an obligation at a time is a calendar entry.
    if has_time and not cues.off_topic and _obliged(words):
        return "event_create", ""
    # "is tomorrow afternoon free", "plan a dinner on friday", "what's on tomorrow"
    if has_time and not cues.off_topic and (cues.availability or cues.schedules or _asks_whats_on(words)):
        return _calendar(cues, has_time), ""
    if has_time and _asks_happening(words):
        return _calendar(cues, has_time), ""
    # "how about lunch with ana tomorrow": an event suggested at a time is one to make.
    if (
        has_time
        and not cues.off_topic
        and cues.event_noun
        and words[:2] in (["how", "about"], ["what", "about"])
    ):
        return "event_create", ""
    # "my parents are visiting next weekend", "the plumber is coming at 10": a visit, stated.
    if has_time and not cues.off_topic and not cues.asks and _ARRIVALS & set(words) and cues.act is None:
        return "event_create", ""
    if has_time and not cues.off_topic and _plans(words):
        return "event_create", ""
    # "push my 2 o'clock to 3", "clear out next week": moving or clearing a time is the calendar's.
    if has_time and cues.act in {Act.MOVE, Act.REMOVE} and not cues.off_topic:
        return ("event_move" if cues.act is Act.MOVE else "event_cancel"), ""
    # "mark friday as my cheat day", "book tuesday afternoon": making something at a time.
    if has_time and cues.act is Act.CREATE and not cues.off_topic:
        return "event_create", ""
    # "add toilet paper": adding a thing that is no event, at no time, puts it on a list.
    content = [w for w in words if w not in FILLERS]
    adding = content[:1] == ["add"] or content[:2] in (["put", "down"], ["jot", "down"], ["write", "down"])
    if adding and len(content) > 1 and not (has_time or cues.event_noun or cues.off_topic):
        return "list_add", ""
    # "i'm not going to the party anymore": an event called off is one to cancel.
    if cues.event_noun and cues.no_longer and not cues.off_topic and cues.act in {None, Act.REMOVE}:
        return "event_cancel", ""
    # "john's retirement party": a short request that only names one event is one to note down.
    # ("call mom" opens with a verb: a phone call asked for, not an entry)
    if (
        cues.act is None
        and cues.one_event
        and not cues.asks
        and not cues.off_topic
        and len(words) <= 4
        and words[0] not in _EVENT_VERBS
    ):
        return "event_create", ""
    # "details for the wedding", "how long is the concert": asking what is known of an event.
    if cues.event_noun and not cues.off_topic and cues.act in {None, Act.QUERY} and _about_the_event(words):
        return "event_list", ""
    if _about_events(cues, words, has_time):
        return _calendar(cues, has_time), ""
    return NONE, _why_not(words)
