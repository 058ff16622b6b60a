"""Finding the people, titles, places, list names and other words a request names.

Each finder reads lower-case tokens and returns token ranges with a SLURP slot type;
tokens already taken by a time slot are never reused.
"""

from __future__ import annotations

from collections.abc import Callable

from automate.runtime.nlu.intents.cues import drops_a_line, names_list_topic
from automate.runtime.nlu.intents.lexicon import (
    CALENDAR_NOUNS,
    CONTACT_NOUNS,
    DATE_WORDS,
    DETAIL_KINDS,
    EMAIL_NOUNS,
    EVENT_NOUNS,
    FUNCTION_WORDS,
    LIST_NOUNS,
    MEAL_WORDS,
    MONTHS,
    NUMBER_WORDS,
    ORDINALS,
    RELATIONS,
    REMINDER_WORDS,
    TIME_OF_DAY,
    VERBS,
    WEEKDAYS,
    wordset,
)
from automate.runtime.nlu.intents.text import Token

__all__ = ["EntitySlot", "find_entities"]

EntitySlot = tuple[str, int, int]
"""A slot type and a token range [i, j)."""

_DOMAIN_WORDS = (
    CALENDAR_NOUNS
    | CONTACT_NOUNS
    | EMAIL_NOUNS
    | LIST_NOUNS
    | REMINDER_WORDS
    | MEAL_WORDS
    | wordset("message messages alarm alarms note notes subject body address number")
)
_NOT_A_NAME = (
    FUNCTION_WORDS
    | _DOMAIN_WORDS
    | EVENT_NOUNS
    | RELATIONS
    | WEEKDAYS
    | MONTHS
    | DATE_WORDS
    | TIME_OF_DAY
    | NUMBER_WORDS
    | wordset(
        "following people person guy guys lady somebody everybody family group "
        "am pm o clock hours minutes daily weekly about regarding re subject titled called "
        "named saying says stating asking telling because since meet meeting lunch dinner "
        "coffee drinks later soon asap early late again back right away time stamp word "
        "information info details happy phone number address name email birthday contact "
        "house home place office work school company club surprise"
    )
    # "has john replied": a verb in the past after a name is what the person did.
    | wordset("replied sent wrote emailed texted messaged called said asked answered responded forwarded")
    | wordset("starts begins ends finishes opens closes happens already yet still ever finally")
    | wordset("whatever whenever whoever wherever whichever")
    | wordset("online virtual remote over cancelled canceled postponed join joins joining attending")
    | wordset("inbox spam junk drafts outbox trash")
    | wordset("cc bcc")  # "and cc bruno": the cue of a copied recipient, never a name
)
# Verbs are not names, except those that are also common first names.
_NOT_A_NAME |= VERBS - wordset("mark bill pat will drew sue rob jack chase grant")
_PERSON_TRIGGERS = wordset(
    "with to from cc bcc invite invites inviting meet meeting named called ask remind ping text"
)
# "to" introduces a person only after a word of sending ("send an email to Ana"), not a verb
# ("remind me to pick up").
_SENDING = wordset(
    "email emails mail message messages send reply write forward note letter invite invitation "
    "it this that sent"
)
_OWNERS = wordset("my our his her their the")
_EVENT_EXCLUDED = wordset("event events date visit deadline show")
# "this specific list", "the whole list": words that pick a list out rather than name it.
_LIST_STOP = (
    FUNCTION_WORDS
    | DATE_WORDS
    | WEEKDAYS
    | VERBS
    | NUMBER_WORDS
    | ORDINALS
    | wordset("specific particular certain whole entire current existing")
)
# What a person has that a request may ask about: "john's phone number", "ana's email".
_BELONGINGS = EMAIL_NOUNS | wordset(
    "phone number address last first full name contact details info cell mobile"
)
_ADDRESSING_VERBS = wordset("email mail message tell call text send ask ping inform forward")
_THINGS_SENT = wordset("send forward")
_SENDING_VERBS = wordset(
    "send sent write wrote written email emailed reply replied message messaged call called "
    "answer answered respond responded text texted forward forwarded"
)
_RECORD_NOUNS = wordset("alarm alarms reminder reminders list lists")
_TOP_DOMAINS = wordset("com org net edu gov io co uk de fr in info biz")
_TASK_CUES = wordset("remind reminder remember tell")
_TASK_STOPS = wordset(
    "at on by from in every because before after for with and then until till tomorrow today to "
    "tonight this next"
)
_PLACE_TRIGGERS = wordset("at in from")
_TOPIC_PREPOSITIONS = wordset("to on onto from off in")
# "called gym", "labelled standup": the words that introduce a name are not part of it.
_NAMING = wordset("called named titled labelled labeled entitled")
# Where an event stands in order says which one, not what it is called.
_ORDER_WORDS = wordset("earliest latest last first soonest final previous following")
_ABOUT = wordset("about of")
_NOT_OBJECTS = wordset("following date time entry details info information event events")
_SCHEDULING_VERBS = wordset("add put schedule book plan arrange organize organise pencil")
_OBJECT_DETERMINERS = wordset("the a an my our this that some")
# "do i have carla in my contacts", "save dana@x.org as dana reis in my address book"
_CONTACT_VERBS = wordset("add save delete remove update edit find for of up have as")
_CARD_DETAILS = wordset("number address phone details")
_DWELLINGS = wordset("place house home apartment flat office")
# Common places named by their kind: "at the office", "in the gym".
_PLACE_NOUNS = wordset("office school gym hospital airport station church library park clinic")
_PERSONAL_DAYS = wordset("birthday birthdays bday anniversary")
_TIME_PREPOSITIONS = wordset("at on in by for")
# Records whose name may follow "called": "an alarm called gym", "an event named launch".
_NAMED_RECORDS = wordset("alarm alarms reminder reminders event events meeting appointment entry")
_ROOMS = wordset("room rooms hall centre center")
_FOLDERS = wordset("inbox spam junk drafts outbox")
_INFO = ("phone number", "last name", "contact details", "contact info", "email address", "address")


def _name_like(word: str) -> bool:
    base = word[:-2] if word.endswith("'s") else word
    return base.isalpha() and base not in _NOT_A_NAME and len(base) > 1


def _relation_at(words: list[str], i: int) -> int:
    """End of a relation word (or "co workers") at `i`, or `i`."""
    if words[i] in {"co", "co-"} and i + 1 < len(words) and words[i + 1].startswith("worker"):
        return i + 2
    return i + 1 if words[i] in RELATIONS or words[i][:-2] in RELATIONS else i


def _people(words: list[str], free: list[bool], out: list[EntitySlot]) -> None:
    n = len(words)
    for i in range(n):
        if not free[i]:
            continue
        if words[i] in {"my", "our"} and i + 1 < n:
            end = _relation_at(words, i + 1)
            # "my doctor appointment" is an appointment, not the doctor
            possessive = words[end - 1].endswith("'s") if end > i + 1 else False
            if end > i + 1 and (possessive or not (end < n and words[end] in EVENT_NOUNS)):
                out.append(("relation", i + 1, end))
                # "my friend rohit": the name that follows the relation ("my son's soccer
                # game" names the game, not a person)
                if not possessive and end < n and free[end] and _name_like(words[end]):
                    out.append(("person", end, end + 1))
            continue
        if words[i] == "the" and i > 0 and words[i - 1] in _PERSON_TRIGGERS and i + 1 < n:
            end = _relation_at(words, i + 1)
            if end > i + 1:
                out.append(("relation", i, end))
            continue
        if "@" in words[i]:
            out.append(("email_address", i, _dotted_end(words, i + 1)))
            continue
        spoken = _spoken_address_end(words, i)
        if spoken > i:
            out.append(("email_address", i, spoken))
            continue
        starts_name = (
            (i > 0 and words[i - 1] in _PERSON_TRIGGERS and _trigger_ok(words, i - 1))
            # "between me and carol", "with me and dan"
            or (i > 1 and words[i - 1] == "and" and words[i - 2] in {"me", "us"})
            # "add liam to my contacts", "contact details for mason"
            or (i > 0 and words[i - 1] in _CONTACT_VERBS and _contacts_named(words))
            # "add a contact tom", "save new contact rita": the name the contact is given
            or (i > 0 and words[i - 1] in CONTACT_NOUNS and words[i - 1] != "contacts")
            # "email mary about it", "forward greg the agenda"; "send flowers to mom" sends flowers
            # ("email bruno to say ..." writes to bruno: only things are sent on "to" someone)
            or (i == 1 and words[0] in _ADDRESSING_VERBS and _addressee_first(words, 0))
            # "shoot lee a note": whom the line is dropped
            or (i == 1 and drops_a_line(words, 0))
            # "let ana know by email": the person to be told
            or (i > 0 and words[i - 1] == "let" and words[i + 1 : i + 2] == ["know"])
            # "i need to email susan", "and message tom", "can you email bruno"
            or (
                i > 1
                and words[i - 1] in _ADDRESSING_VERBS
                and words[i - 2] in {"to", "and", "then", "please", "you"}
                and _addressee_first(words, i - 1)
            )
            # "did mike send me an email", "has ana replied", "if sarah wrote me"
            or (
                words[i + 1 : i + 2] != []
                and (words[i + 1] in _SENDING_VERBS or words[i + 1] == "say")  # "what did ana say"
                and (
                    (i > 0 and words[i - 1] in {"did", "has", "have"})
                    or words[i + 2 : i + 3] in (["me"], ["us"])
                )
            )
            # "is sarah coming to the meeting", "will tom join us"
            or (
                i > 0
                and words[i - 1] in {"is", "are", "will", "was"}
                and words[i + 1 : i + 2]
                in (["coming"], ["attending"], ["going"], ["joining"], ["join"], ["come"])
            )
            # "when did bob last email me"
            or (
                i > 0
                and words[i - 1] in {"did", "has", "have"}
                and words[i + 1 : i + 2] in (["last"], ["ever"], ["already"], ["just"])
                and words[i + 2 : i + 3] != []
                and words[i + 2] in _SENDING_VERBS
            )
        )
        if (
            starts_name
            and i > 1
            and words[i - 1] in _NAMING
            and _NAMED_RECORDS & set(words[max(0, i - 3) : i])
        ):
            continue  # "an alarm called swim" names the alarm
        if starts_name and _relation_at(words, i) > i:
            out.append(("relation", i, _relation_at(words, i)))
            continue
        # "mom's birthday", "dad's number": a relation owning an event or a detail.
        if _owns_thing(words, i) and words[i][:-2] in RELATIONS and (i == 0 or words[i - 1] not in _OWNERS):
            out.append(("relation", i, i + 1))
            continue
        possessive = _owns_thing(words, i)
        if (starts_name or possessive) and _name_like(words[i]):
            end = i + 1
            if not possessive and end < n and free[end] and _name_like(words[end]):
                end += 1
            # "with mike jim and bob": two names before "and" one more are a list of first names.
            listed = (
                end == i + 2
                and words[end : end + 1] == ["and"]
                and end + 1 < n
                and _name_like(words[end + 1])
            )
            if listed:
                out.append(("person", i, i + 1))
                out.append(("person", i + 1, end))
            else:
                out.append(("person", i, end))
            j = end
            # "with ana and tom": a second name joined by "and".
            while j + 1 < n and words[j] == "and" and _name_like(words[j + 1]) and free[j + 1]:
                out.append(("person", j + 1, j + 2))
                j += 2


def _addressee_first(words: list[str], verb: int) -> bool:
    """Whether the word after the verb at `verb` is whom it addresses: not a thing sent on
    "to" someone ("send flowers to mom")."""
    return words[verb + 2 : verb + 3] != ["to"] or words[verb] not in _THINGS_SENT


def _owns_thing(words: list[str], i: int) -> bool:
    """ "ana's party", "bob's email": a possessive before an event or a detail."""
    if not words[i].endswith("'s") or i + 1 >= len(words):
        return False
    nxt = words[i + 1]
    # "dad's work number", "ana's new address": a kind of detail may come between
    if nxt in DETAIL_KINDS and words[i + 2 : i + 3] and words[i + 2] in _BELONGINGS:
        return True
    return nxt in EVENT_NOUNS or nxt in _BELONGINGS


def _contacts_named(words: list[str]) -> bool:
    return any(w in CONTACT_NOUNS or w in _CARD_DETAILS for w in words)


def _dotted_end(words: list[str], i: int) -> int:
    """End of " dot com"-style parts read after an address ("ana@gmail dot com")."""
    while i + 1 < len(words) and words[i] == "dot" and words[i + 1].isalnum():
        i += 2
    return i


def _spoken_address_end(words: list[str], i: int) -> int:
    """End of an address read aloud ("ana at gmail dot com", "bo at mail dot co dot uk"), or `i`."""
    n = len(words)
    if not (i + 4 < n and words[i].isalnum() and words[i + 1] == "at" and words[i + 3] == "dot"):
        return i
    end = i + 3
    while end + 1 < n and words[end] == "dot" and words[end + 1].isalnum():
        end += 2
    return end if words[end - 1] in _TOP_DOMAINS else i


def _trigger_ok(words: list[str], at: int) -> bool:
    if words[at] == "with" and at > 0 and words[at - 1] in {"do", "deal", "dealing"}:
        return False  # "having to do with budgets" is a topic
    if words[at] != "to":
        return True
    if words[0] in {"send", "forward", "email", "mail"} and words[1:2] != ["me"]:
        return True  # "send the meeting notes to Bob"
    return any(w in _SENDING for w in words[max(0, at - 3) : at])


def _events(words: list[str], free: list[bool], out: list[EntitySlot]) -> None:
    _named_records(words, free, out)
    for i, word in enumerate(words):
        if not free[i]:
            continue
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in MEAL_WORDS and (nxt not in EVENT_NOUNS or nxt in _EVENT_EXCLUDED):
            out.append(("meal_type", i, i + 1))
            continue
        # A professional not claimed as a person ("the dentist on friday") is the visit itself.
        if word not in EVENT_NOUNS or word in _EVENT_EXCLUDED:
            continue
        if nxt in EVENT_NOUNS and nxt not in _EVENT_EXCLUDED and free[i + 1]:
            continue  # "marriage anniversary": the head is the last noun
        if word == "call" and (i == 0 or words[i - 1] in {"up", "to"}):
            continue
        if nxt in _RECORD_NOUNS:
            continue  # "yoga alarms", "birthday reminder": the event only names the record
        if nxt in _ROOMS:
            continue  # "the conference room" is a place
        start = i
        while start > 0 and i - start < 2 and free[start - 1] and _modifier(words[start - 1]):
            start -= 1
        # "bola birthday", "john marriage anniversary": before a personal day, a name is its person.
        if (
            word in _PERSONAL_DAYS
            and start < i
            and _name_like(words[start])
            and words[start] not in EVENT_NOUNS
        ):
            out.append(("person", start, start + 1))
            start += 1
        out.append(("event_name", start, i + 1))


def _objects(words: list[str], free: list[bool], out: list[EntitySlot]) -> None:
    """The thing scheduled when no event noun names it: "put church on sunday", "remind me
    about the book fair" (SLURP's event_name, without its article)."""
    if any(slot[0] in {"event_name", "meal_type"} for slot in out):
        return
    n = len(words)
    for i, word in enumerate(words):
        about = word in _ABOUT and any(w in REMINDER_WORDS for w in words[max(0, i - 3) : i])
        if not (about or (word in _SCHEDULING_VERBS and i <= 2)):
            continue
        start = i + 1
        if start < n and words[start] in _OBJECT_DETERMINERS:
            start += 1
        end = start
        while end < n and end - start < 3 and free[end] and _object_word(words[end]):
            end += 1
        # The object ends where the request does or where a time or a preposition starts.
        if end > start and (end == n or not free[end] or words[end] in FUNCTION_WORDS):
            out.append(("event_name", start, end))
        return


def _object_word(word: str) -> bool:
    return (
        word.isalpha()
        and word not in FUNCTION_WORDS
        and word not in _DOMAIN_WORDS
        and word not in VERBS
        and word not in _NOT_OBJECTS
        and word not in TIME_OF_DAY
        and word not in DATE_WORDS
    )


def _named_records(words: list[str], free: list[bool], out: list[EntitySlot]) -> None:
    """ "an alarm called gym", "an event named team lunch": the name is the event_name."""
    n = len(words)
    for i, word in enumerate(words):
        if word not in _NAMING or not _NAMED_RECORDS & set(words[max(0, i - 2) : i]):
            continue
        end = i + 1
        while (
            end < n
            and end - i <= 3
            and free[end]
            and words[end].isalpha()
            and words[end] not in FUNCTION_WORDS
        ):
            end += 1
        if end > i + 1:
            out.append(("event_name", i + 1, end))
            for k in range(i + 1, end):
                free[k] = False


def _modifier(word: str) -> bool:
    if word in MEAL_WORDS:
        return True  # "dinner party"
    return (
        word.isalpha()
        and word not in FUNCTION_WORDS
        and word not in VERBS
        and word not in RELATIONS
        and word not in _DOMAIN_WORDS
        and word not in {"upcoming", "pending", "next", "new", "recurring", "any"}
        and word not in _ORDER_WORDS
        and word not in _NAMING
    ) or (word in EVENT_NOUNS and word not in _EVENT_EXCLUDED)


def _tasks(words: list[str], free: list[bool], out: list[EntitySlot]) -> None:
    """What to be reminded to do: "remind me to <pick up the dog> at 5" (SLURP's event_name)."""
    n = len(words)
    for i, word in enumerate(words):
        if word not in _TASK_CUES or i + 2 >= n:
            continue
        j = i + 1
        if words[j] in {"me", "us"}:
            j += 1
        # "remind me at 4 to call the plumber": the time may come before the task.
        while j < n and (not free[j] or (words[j] in _TIME_PREPOSITIONS and j + 1 < n and not free[j + 1])):
            j += 1
        if j >= n or words[j] != "to":
            continue
        start = end = j + 1
        while end < n and free[end] and words[end] not in _TASK_STOPS:
            end += 1
        while end > start and words[end - 1] in FUNCTION_WORDS:
            end -= 1  # "fix a (meeting)": no dangling article
        if end - start >= 2:
            out.append(("event_name", start, end))
        return


def _lists(words: list[str], free: list[bool], out: list[EntitySlot]) -> None:
    _list_names(words, free, out)
    _list_topics(words, free, out)


def _list_names(words: list[str], free: list[bool], out: list[EntitySlot]) -> None:
    n = len(words)
    for i, word in enumerate(words):
        if word not in {"list", "lists"}:
            continue
        if i >= 2 and words[i - 2 : i] == ["to", "do"]:
            out.append(("list_name", i - 2, i))
            continue
        start = i
        while start > 0 and i - start < 2 and free[start - 1] and _list_word(words[start - 1]):
            start -= 1
        if start < i:
            out.append(("list_name", start, i))
            continue
        j = i + 1
        if j < n and words[j] in {"of", "titled", "called", "named", "for"}:
            # "a list of my pending bills", "a list of monthly groceries": the name starts after
            # an owner or a frequency.
            first = j + 1
            while first < n and (words[first] in {"my", "our"} or not free[first]):
                first += 1
            end = first
            while (
                end < n
                and end - first < 3
                and free[end]
                # "things to do", "books to read": a plural noun and what it is for
                and (_list_word(words[end]) or (words[end] == "to" and words[end - 1].endswith("s")))
            ):
                end += 1
            if words[end - 1] == "to":
                # "things to do" keeps its verb; "groceries to be bought" is no name
                end += 1 if end < n and words[end] not in {"be", "the", "a", "an", "my"} else -1
            if end > first:
                out.append(("list_name", first, end))


def _list_topics(words: list[str], free: list[bool], out: list[EntitySlot]) -> None:
    """ "add eggs to groceries", "off my shopping": a list named by what it is for."""
    if any(slot[0] == "list_name" for slot in out):
        return
    for i in range(len(words)):
        if not free[i] or words[i + 1 : i + 2] in (["list"], ["lists"]):
            continue
        if names_list_topic(words, i, _TOPIC_PREPOSITIONS):
            out.append(("list_name", i, i + 1))
            return


def _list_word(word: str) -> bool:
    return (word.replace("-", "").isalpha() and word not in _LIST_STOP) or word in {"things", "thing"}


def _places(words: list[str], free: list[bool], out: list[EntitySlot]) -> None:
    n = len(words)
    for i, word in enumerate(words):
        if word not in _PLACE_TRIGGERS or i + 1 >= n:
            continue
        j = i + 1
        if words[j] == "the":
            j += 1
        end = j
        while end < n and end - j < 3 and free[end] and _place_word(words, end, j):
            end += 1
            # "jack's place", "ana's house"
            if words[end - 1].endswith("'s") and end < n and words[end] in _DWELLINGS:
                end += 1
        if end > j and (word in {"at", "in"} or words[i + 1] == "the"):
            out.append(("place_name", j, end))


def _place_word(words: list[str], k: int, start: int) -> bool:
    """Whether word `k` can be part of a place's name that starts at `start`."""
    word = words[k]
    nxt = words[k + 1] if k + 1 < len(words) else ""
    if _name_like(word) or word in _PLACE_NOUNS:
        return True
    if k == start and word == "new" and _name_like(nxt):
        return True  # "new york", "new delhi"
    # "the conference room", "the meeting room"
    return (word in EVENT_NOUNS and nxt in _ROOMS) or (word in _ROOMS and k > start)


def _misc(words: list[str], free: list[bool], out: list[EntitySlot]) -> None:
    text = " ".join(words)
    for i, word in enumerate(words):
        if word in _FOLDERS:
            out.append(("email_folder", i, i + 1))
    for phrase in _INFO:
        at = text.find(phrase)
        if at >= 0:
            i = text[:at].count(" ")
            out.append(("personal_info", i, i + phrase.count(" ") + 1))
            break


_FINDERS: dict[str, Callable[[list[str], list[bool], list[EntitySlot]], None]] = {
    "people": _people,
    "tasks": _tasks,
    "objects": _objects,
    "events": _events,
    "lists": _lists,
    "places": _places,
    "misc": _misc,
}


def find_entities(tokens: list[Token], taken: list[bool], kinds: tuple[str, ...]) -> list[EntitySlot]:
    """Entity slots among `tokens` (`taken` marks time tokens), from the finders named."""
    words = [t.word for t in tokens]
    found: list[EntitySlot] = []
    for kind in kinds:
        free = [not t for t in taken]
        for slot in found:
            for k in range(slot[1], slot[2]):
                free[k] = False
        _FINDERS[kind](words, free, found)
    return found
