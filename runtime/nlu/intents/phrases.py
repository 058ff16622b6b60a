"""Pulling free text out of a request: a message body, a subject, a reminder, a list item.

Each function takes the request (original case) and returns the words the person
wants carried over verbatim, or None.
"""

from __future__ import annotations

import re

__all__ = [
    "duration_minutes",
    "list_item",
    "message_body",
    "message_object",
    "message_subject",
    "reminder_text",
    "strip_spans",
]

_FLAGS = re.IGNORECASE
_BODY = re.compile(
    r"\b(?:saying|says|that\s+says|to\s+say|stating|with\s+the\s+(?:message|text)|"
    r"(?:and\s+)?(?:tell|telling|ask|asking|let)\s+(?:him|her|them|me)(?:\s+know)?(?:\s+that)?|"
    r"that)\s+(?P<body>\S.*)$",
    _FLAGS,
)
_SUBJECT = re.compile(
    r"\b(?:about|regarding|re:?|subject(?:\s+line)?(?:\s+is)?:?)\s+(?P<subject>\S.*?)"
    r"(?=\s+(?:saying|says|that\s+says|stating|and\s+(?:tell|say|ask))\b|$)",
    _FLAGS,
)
_OBJECT = re.compile(
    r"\b(?:e-?mail|mail|send|forward|write)\s+(?:\S+\s+){1,2}?"
    r"(?P<what>(?:the|a|an|my|our|this|some)\s+[^,.;!?]+?)\s*$",
    _FLAGS,
)
_SENT_THING = re.compile(
    r"\b(?:send|forward|mail|e-?mail)\s+(?P<what>(?:the|a|an|my|our|this|these|some)\s+[^,.;!?]+?)"
    r"\s+to\s+\S",
    _FLAGS,
)
_MEDIA = frozenset({"email", "e-mail", "mail", "message", "note", "reply", "emails", "messages"})
_REMINDER = re.compile(
    r"\b(?:remind(?:er)?s?|remember|note|notify|alert)\b(?:\s+(?:me|us|him|her|them))?"
    r"(?:\s+(?:to|that|about|of|for))?\s+(?P<text>\S.*)$",
    _FLAGS,
)
_ADD_ITEM = re.compile(
    r"\b(?:add|put|include|insert|append|write|enter)\s+(?P<item>\S.*?)\s+"
    r"(?:to|on|onto|in|into)\s+(?:the|my|our|a|an)?\s*(?P<list>.*?)\s*\blists?\b",
    _FLAGS,
)
_REMOVE_ITEM = re.compile(
    r"\b(?:remove|delete|take|cross|drop|scratch|strike|erase|cancel)\s+(?P<item>\S.*?)\s+"
    r"(?:off(?:\s+of)?|from|out\s+of)\s+(?:the|my|our|a|an)?\s*(?P<list>.*?)\s*\blists?\b",
    _FLAGS,
)
_DURATION = re.compile(
    r"\bfor\s+(?P<num>\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"fifteen|twenty|thirty|forty[- ]five|forty|fifty|ninety|half\s+an?)\s+"
    r"(?P<unit>hours?|hrs?|minutes?|mins?)\b(?P<half>\s+and\s+a\s+half)?",
    _FLAGS,
)
_WORD_NUMBERS = {
    "a": 1.0,
    "an": 1.0,
    "one": 1.0,
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "five": 5.0,
    "six": 6.0,
    "seven": 7.0,
    "eight": 8.0,
    "nine": 9.0,
    "ten": 10.0,
    "fifteen": 15.0,
    "twenty": 20.0,
    "thirty": 30.0,
    "forty": 40.0,
    "forty five": 45.0,
    "forty-five": 45.0,
    "fifty": 50.0,
    "ninety": 90.0,
    "half a": 0.5,
    "half an": 0.5,
}
_DANGLING = re.compile(
    r"(?:\s+(?:at|on|in|by|for|from|until|till|this|next|every|and|then|please))+\s*$", _FLAGS
)
_LEADING = re.compile(r"^(?:(?:the|a|an|some|my)\s+)", _FLAGS)


def _clean(text: str) -> str | None:
    text = _DANGLING.sub("", text.strip(" ,.;:!?\"'"))
    text = text.strip(" ,.;:!?\"'")
    return text or None


def strip_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` without the character spans given (times, say), spaces tidied."""
    parts = []
    last = 0
    for start, end in sorted(spans):
        if start < last:
            continue
        parts.append(text[last:start])
        last = end
    parts.append(text[last:])
    return " ".join("".join(parts).split())


def message_body(text: str) -> str | None:
    """What a message should say ("... saying the report is ready" -> "the report is ready")."""
    match = _BODY.search(text)
    return _clean(match.group("body")) if match else None


def message_object(text: str) -> str | None:
    """What is sent when no words are quoted ("email her the agenda", "send the notes to Bob")."""
    match = _SENT_THING.search(text) or _OBJECT.search(text)
    what = _clean(match.group("what")) if match else None
    # "send an email to Bob" names the medium, not what it says.
    if what is None or what.lower().split()[-1] in _MEDIA:
        return None
    return what


def message_subject(text: str) -> str | None:
    """What a message is about ("... about the budget" -> "the budget")."""
    match = _SUBJECT.search(text)
    return _clean(match.group("subject")) if match else None


def reminder_text(text: str) -> str | None:
    """What to be reminded of ("remind me to call mom" -> "call mom")."""
    match = _REMINDER.search(text)
    return _clean(match.group("text")) if match else None


def list_item(text: str, *, removing: bool) -> tuple[str | None, str | None]:
    """The item and the list a request adds or removes ("add milk to my grocery list")."""
    match = (_REMOVE_ITEM if removing else _ADD_ITEM).search(text)
    if not match:
        return None, None
    item = _clean(_LEADING.sub("", match.group("item")))
    name = _clean(match.group("list"))
    return item, name


def duration_minutes(text: str) -> int | None:
    """A stated length ("for 2 hours", "for 45 minutes", "for an hour and a half")."""
    match = _DURATION.search(text)
    if not match:
        return None
    raw = " ".join(match.group("num").lower().replace("-", " ").split())
    amount = float(raw) if raw[0].isdigit() else _WORD_NUMBERS.get(raw, 0.0)
    if match.group("half"):
        amount += 0.5
    minutes = amount * 60 if match.group("unit").lower().startswith("h") else amount
    return int(minutes) if 1 <= minutes <= 24 * 60 * 14 else None
