"""What a request talks about (its domain) and what it asks done (its act), from words alone."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import Enum

from runtime.nlu.intents.lexicon import (
    ALARM_NOUNS,
    CALENDAR_NOUNS,
    CONTACT_NOUNS,
    CREATE_VERBS,
    EMAIL_NOUNS,
    EVENT_NOUNS,
    FILLERS,
    HARD_OFF_TOPIC,
    LIST_NOUNS,
    MEAL_WORDS,
    MOVE_VERBS,
    OFF_TOPIC,
    REMINDER_WORDS,
    REMOVE_VERBS,
    wordset,
)

__all__ = ["Act", "Cues", "read_cues"]


class Act(Enum):
    """What the person wants done, before knowing to what."""

    CREATE = "create"
    QUERY = "query"
    REMOVE = "remove"
    MOVE = "move"
    SEND = "send"


# Words that open a question when they start a clause.
_QUESTION_OPENERS = wordset(
    "what what's whats when when's which who who's how where is are am do does did any "
    "have has were was will whats"
)
# Words that ask to see something wherever they stand.
_LOOK_VERBS = wordset(
    "show list tell read check give display find search look view see pull bring lookup "
    "review upcoming pending browse provide"
)
_SEND_VERBS = wordset("send compose reply respond forward write draft")
# Lead-ins that carry no act ("can you", "i want to", "i'd like to").
_LEADINS = wordset(
    "can could would will you u i i'd i'm we want wanna need like love to go ahead "
    "and just also now quickly let me us at"
)
_PARTICIPLE_CUES = wordset(
    "have has had you i is are was were been be alarm alarms reminder reminders already"
)
_CREATE_CUES = wordset("remind remember wake new alert notify meet")
_AVAILABILITY = wordset("free busy available availability")
# "do I have anything going on", "anywhere to be", "any plans": the calendar without naming it.
_PLANS = frozenset(
    {"going on", "anywhere to", "any plans", "my plans", "scheduled for", "anything scheduled"}
)
_SELF = frozenset(
    {"am i", "i am", "are we", "we are", "free time", "my availability", "free slot", "free slots"}
)
_MESSAGING_ELSEWHERE = wordset("text sms whatsapp tweet twitter facebook slack")


@dataclass(frozen=True, slots=True)
class Cues:
    """The domain anchors and the act found in a request."""

    alarm: bool
    email: bool
    contact: bool
    lists: bool
    calendar: bool
    reminder: bool
    event_noun: bool
    off_topic: bool
    hard_off_topic: bool
    act: Act | None
    remove_anywhere: bool
    move_anywhere: bool
    free: bool
    off: bool


def _content(words: list[str]) -> list[str]:
    return [w for w in words if w not in FILLERS]


def _is_list_noun(words: list[str], i: int) -> bool:
    word = words[i]
    if word not in LIST_NOUNS:
        return word == "do" and i > 0 and words[i - 1] == "to" and _followed_by_list(words, i)
    if i > 0 and words[i - 1] in {"play", "mailing", "wish", "guest", "contact", "contacts"}:
        return words[i - 1] == "wish"
    # A list verb opening the request ("list the rooms") is not a list.
    return not (word == "list" and i == 0 and len(words) > 1 and words[1] not in {"of", "for"})


def _followed_by_list(words: list[str], i: int) -> bool:
    return i + 1 < len(words) and words[i + 1] in {"list", "lists"}


def _first_act(words: list[str]) -> Act | None:
    """The act of the first word that names one, after lead-ins like "can you"."""
    start = 0
    while start < len(words) and words[start] in _LEADINS:
        start += 1
    for i in range(start, len(words)):
        word = words[i]
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if word in _QUESTION_OPENERS and (i == 0 or (i == start and before in {"you", "at", "and"})):
            return Act.QUERY
        if word in REMOVE_VERBS or (word == "rid" and before == "get"):
            return Act.REMOVE
        if word in {"off", "out"} and before in {"turn", "take", "cross", "strike", "knock"}:
            return Act.REMOVE
        if word in MOVE_VERBS:
            return Act.MOVE
        if word in _SEND_VERBS or (word in {"email", "mail", "e-mail"} and i == start):
            return Act.SEND
        if word == "make" and after in {"sure", "certain", "blank", "clear", "empty"}:
            continue
        # "set" after "have"/"you"/"alarm" is a participle: "the alarm I have set".
        if word == "set" and before in _PARTICIPLE_CUES:
            continue
        if word in CREATE_VERBS or word in _CREATE_CUES:
            return Act.CREATE
        if word in _LOOK_VERBS:
            return Act.QUERY
    return None


def _bigrams(words: list[str]) -> set[str]:
    return {f"{a} {b}" for a, b in itertools.pairwise(words)}


def read_cues(words: list[str]) -> Cues:
    """Anchors and act of a tokenized request (lower-case words)."""
    words = _content(words)
    wset = set(words)
    bigrams = _bigrams(words)
    lists = any(_is_list_noun(words, i) for i in range(len(words)))
    alarm = bool(wset & ALARM_NOUNS) or bool({"wake up", "wake me", "alert me"} & bigrams)
    contact = bool(wset & CONTACT_NOUNS) or bool(
        {"phone number", "area code", "last name", "contact details", "email address"} & bigrams
    )
    messages = bool(wset & {"message", "messages"}) and not wset & _MESSAGING_ELSEWHERE
    email = bool(wset & EMAIL_NOUNS) or messages or bool(wset & {"reply", "respond", "compose"})
    reminder = bool(wset & REMINDER_WORDS) or bool({"remember me", "remember to"} & bigrams)
    # "am I free", "I'm busy", "do I have anything going on": the calendar without naming it.
    asks_self = bool(wset & {"i", "i'm", "we"})
    busy = (bool(wset & _AVAILABILITY) and bool(_SELF & bigrams)) or (asks_self and bool(_PLANS & bigrams))
    calendar = bool(wset & CALENDAR_NOUNS) or reminder or busy
    return Cues(
        alarm=alarm,
        email=email,
        contact=contact,
        lists=lists,
        calendar=calendar,
        reminder=reminder,
        event_noun=bool(wset & (EVENT_NOUNS | MEAL_WORDS)) or "meet" in wset,
        off_topic=bool(wset & OFF_TOPIC),
        hard_off_topic=any(
            w in HARD_OFF_TOPIC and not _followed_by_list(words, i) for i, w in enumerate(words)
        ),
        act=_first_act(words),
        remove_anywhere=bool(wset & REMOVE_VERBS) or "get rid" in bigrams,
        move_anywhere=bool(wset & MOVE_VERBS),
        free=bool(wset & _AVAILABILITY) and busy,
        off=bool(wset & {"off", "anymore"})
        or bool({"don't want", "dont want", "any more", "no longer"} & bigrams),
    )
