"""Pulling free text out of a request: a message body, a subject, a reminder, a list item.

Each function takes the request (original case) and returns the words the person
wants carried over verbatim, or None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from automate.runtime.nlu.intents.lexicon import (
    FILLERS,
    FUNCTION_WORDS,
    ONE_THING_PAIRS,
    REMOVE_VERBS,
    TASK_VERBS,
    wordset,
)

__all__ = [
    "adds_nothing",
    "antecedent",
    "duration_minutes",
    "list_item",
    "list_items",
    "list_named",
    "mail_sought",
    "meeting_topic",
    "message_body",
    "message_object",
    "message_spans",
    "message_subject",
    "reminder_query",
    "reminder_text",
    "strip_spans",
]

_FLAGS = re.IGNORECASE
_BODY = re.compile(
    r"\b(?:saying|says|that\s+says|(?:to|and)\s+say|stating|with\s+the\s+(?:message|text)|"
    r"(?:and\s+)?(?:tell|telling|ask|asking|let)\s+(?:him|her|them|me)(?:\s+know)?(?:\s+by\s+e-?mail)?(?:\s+that)?|"
    r"asking|that)\s+(?P<body>\S.*)$",
    _FLAGS,
)
# Words the person quoted after "subject" or "body" are carried over as written, "?" and all.
_QUOTES = '"“”'
_QUOTED = rf"\s*(?:is\s+)?:?\s*[{_QUOTES}](?P<said>[^{_QUOTES}]+)[{_QUOTES}]"
_QUOTED_SUBJECT = re.compile(rf"\b(?:subject(?:\s+line)?|titled|entitled){_QUOTED}", _FLAGS)
_QUOTED_BODY = re.compile(rf"\b(?:body|message|text){_QUOTED}", _FLAGS)
# "email bruno and ana: the meeting moved": after the people, a colon opens the message
# (a colon right after "subject" or "re" opens a subject instead; "10:30" has no space).
_COLON_BODY = re.compile(
    rf"^(?P<head>[^:{_QUOTES}]*?)(?<!\bsubject)(?<!\bre)(?<!\bbody):\s+(?P<body>\S.*)$", _FLAGS
)
_SUBJECT = re.compile(
    r"\b(?:about|regarding|re:?|subject(?:\s+line)?(?:\s+is)?:?)\s+(?P<subject>\S.*?)"
    r"(?=\s+(?:saying|says|that\s+says|stating|telling|asking|and\s+(?:tell|say|ask))\b|$)",
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
# "from the power company": a sender named by words, up to what the request says next.
_SENDER = re.compile(
    r"\bfrom\s+(?:the\s+)?(?P<who>[^\W\d][\w' ]*?)\s*(?=$|[,.;!?]|\s+(?:about|regarding|with|in|on)\b)",
    _FLAGS,
)
# "emails with quarterly report in the subject": the words a subject holds.
_SUBJECT_HOLDS = re.compile(r"\bwith\s+(?P<what>\S.*?)\s+in\s+(?:the|its)\s+subject\b", _FLAGS)
_NAMED_MESSAGE = re.compile(
    r"\b(?:the|that|this|my)\s+(?P<what>(?:[^\W\d]+\s+){1,3}?)(?:e-?mail|mail|message)\b", _FLAGS
)
_WHICH_MESSAGE = frozenset(
    {"last", "latest", "newest", "recent", "most", "first", "new", "unread", "old", "oldest", "previous"}
)
_MEDIA = frozenset({"email", "e-mail", "mail", "message", "note", "reply", "emails", "messages"})
# What to be reminded of follows the word and its connectors ("a reminder for to submit…"
# once the time is taken out); a connector alone ("set a reminder for") names nothing.
_CONNECTORS = r"(?:to|that|about|of|for)"
_REMINDER = re.compile(
    r"\b(?:remind(?:er|ing)?s?|remember|note|notify|alert)\b(?:\s+(?:me|us|him|her|them))?"
    rf"(?:\s+{_CONNECTORS}\b)*\s+(?!{_CONNECTORS}\b)(?P<text>\S.*)$",
    _FLAGS,
)
# "my pay rent reminder": the words in the clause just before the word name it.
_NAMED_BEFORE = re.compile(r"(?P<name>[^,.;!?]*?)\s*\b(?:reminders?|alarms?)\b", _FLAGS)
# Words around a name that say what to do with the thing, not which thing it is.
_NOT_A_NAME = FUNCTION_WORDS | REMOVE_VERBS | FILLERS | wordset("turn forget get rid kill nix")
# "that reminder", "cross it off": the thing was named in the clause before.
_POINTERS = wordset("it that this them those")
# "i fixed the bike, cross it off…": the statement ends where the first command begins.
_COMMAND = re.compile(
    r"^(?P<before>.+?)[\s,;]+(?:(?:so|and|then|please|you\s+can|can\s+you|could\s+you)[\s,]+)*"
    r"(?:put|add|cross|tick|mark|take|remove|delete|drop|scratch|strike|erase|cancel|stop|turn|"
    r"forget|clear)\b",
    _FLAGS,
)
# "i already watered the plants, …": the person and the words saying it is done or wanted.
_STATEMENT_HEAD = re.compile(
    r"^\s*(?:(?:i|we)(?:'ve|'m|'re)?\s+)?(?:(?:already|finally|just|now|have|has|had)\s+)*"
    r"(?:(?:need|needs|want|wanna|have|got|must|should)\s+(?:to\s+)?(?:buy|get|pick\s+up)\s+"
    r"|(?:are|am|'re|'m)?\s*(?:out|running\s+out|ran\s+out|low)\s+(?:of|on)\s+)?",
    _FLAGS,
)
# The list is named up to the word "list", or to the end when the word is left out
# ("add tea to groceries").
_LIST_TAIL = r"(?:the|my|our|a|an)?\s*(?P<list>.*?)\s*(?:\blists?\b.*|[.!?]*)$"
_ADD_ITEM = re.compile(
    r"\b(?:add|put|include|insert|append|write|enter|(?:note|jot)(?:\s+down)?)\s+(?P<item>\S.*?)\s+"
    r"(?:to|on|onto|in|into)\s+" + _LIST_TAIL,
    _FLAGS,
)
_REMOVE_ITEM = re.compile(
    r"\b(?:remove|delete|take|cross|drop|scratch|strike|erase|cancel)\s+(?P<item>\S.*?)\s+"
    r"(?:off(?:\s+of)?|from|out\s+of)\s+" + _LIST_TAIL,
    _FLAGS,
)
# "remove bread": an item without the list it is on (the agent finds the list holding it).
_REMOVE_BARE = re.compile(
    r"\b(?:remove|delete|cross|drop|scratch|strike|erase)\s+(?P<item>\S.*?)(?:\s+off)?[\s.!?]*$",
    _FLAGS,
)
# "add to my shopping list: bananas": the list first, the item after it.
_ADD_AFTER_LIST = re.compile(
    r"\b(?:add|put|include|insert|append)\s+(?:to|on|onto|in|into)\s+(?:the|my|our)?\s*"
    r"(?P<list>\S.*?)\s+lists?\b[\s:,-]*(?P<item>\S.*)$",
    _FLAGS,
)
# "add to my shopping list": where, but not what.
_ADD_NOTHING = re.compile(r"\b(?:add|put|include|insert|append)\s+(?:to|on|onto|in|into)\b", _FLAGS)
# "start a christmas gifts list": a list named by the words between an article and "list".
_NAMED_LIST = re.compile(
    r"\b(?:a|an|the|my|our|new)\s+(?P<list>(?:(?!(?:a|an|the|my|our|new)\b)\S+\s+){1,3}?)lists?\b",
    _FLAGS,
)
# What a meeting is for: "about the budget", or a purpose, "to go over the roadmap" (a
# verb after "to"; "to my calendar", "to her" say where or whom, not why).
_TOPIC = re.compile(
    r"\b(?:about|regarding|concerning|re:|on\s+the\s+subject\s+of)\s+(?P<about>\S.*?)\s*$"
    r"|\bto\s+(?P<purpose>(?!(?:the|a|an|my|our|your|his|her|their|this|that|these|those|"
    r"me|him|them|us|it|calendar|schedule)\b)[a-z]\S*(?:\s+\S+)*?)\s*$",
    _FLAGS,
)
_TOPIC_TAIL = re.compile(r"\s+(?:with|for|at|in|on)\s+.*$|\s+please$", _FLAGS)
# "apples, pears and plums": commas separate items, and so does the last "and" of such a
# series; see `list_items` for when a lone "and" does.
_ITEM_COMMAS = re.compile(r"\s*[,;]\s*")
_LAST_AND = re.compile(r"^(?P<head>.+?)\s+(?:and|&)\s+(?P<last>.+)$", _FLAGS)
# A length longer than two weeks is no event's length ("for 3 months" is a period).
_LONGEST_MINUTES = 14 * 24 * 60
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


def _said(text: str) -> str | None:
    """Words of a message as the person wrote them: only spaces and quotes trimmed."""
    return text.strip(f" \t'{_QUOTES}") or None


def _body_at(text: str) -> tuple[str, int] | None:
    """The body and where it starts: quoted after "body", after a colon, or after "saying"."""
    quoted = _QUOTED_BODY.search(text)
    if quoted:
        return quoted.group("said"), quoted.start("said")
    subject = _QUOTED_SUBJECT.search(text)
    after = subject.end() if subject else 0  # words inside a quoted subject open no body
    colon = _COLON_BODY.match(text)
    if colon and colon.start("body") > after:
        return colon.group("body"), colon.start("body")
    match = _BODY.search(text, after)
    if match is None:
        return None
    body = _said(_DANGLING.sub("", match.group("body").rstrip(" ,.;:")))
    return (body, match.start("body")) if body else None


def message_body(text: str) -> str | None:
    """What a message should say ("... saying the report is ready" -> "the report is ready")."""
    found = _body_at(text)
    return _said(found[0]) if found else None


def message_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of a message's own words (a quoted subject, the body): a name or
    an address there is what the message says ("saying please call bob@x.org"), not a
    recipient."""
    spans = []
    subject = _QUOTED_SUBJECT.search(text)
    if subject:
        spans.append((subject.start("said"), subject.end("said")))
    found = _body_at(text)
    if found:
        spans.append((found[1], len(text)))
    return spans


def message_object(text: str) -> str | None:
    """What is sent when no words are quoted ("email her the agenda", "send the notes to Bob")."""
    match = _SENT_THING.search(text) or _OBJECT.search(text)
    what = _clean(match.group("what")) if match else None
    # "send an email to Bob" names the medium, not what it says.
    if what is None or what.lower().split()[-1] in _MEDIA:
        return None
    return what


def message_subject(text: str) -> str | None:
    """What a message is about ("... about the budget" -> "the budget"), or its quoted subject.

    "About" inside the body is what the body says, not the subject.
    """
    quoted = _QUOTED_SUBJECT.search(text)
    if quoted:
        return _said(quoted.group("said"))
    found = _body_at(text)
    match = _SUBJECT.search(text[: found[1]] if found else text)
    return _clean(match.group("subject")) if match else None


def _group(match: re.Match[str] | None, name: str) -> str | None:
    return match.group(name) if match else None


def mail_sought(text: str) -> tuple[str | None, str | None]:
    """Who sent the mail a person looks for and words it holds: "the email from the power
    company" is sent by "power company"; "the quarterly report email" and "the email about
    the invoice" hold "quarterly report" and "invoice".

    `text` should have its time expressions taken out.
    """
    sender = _SENDER.search(text)
    about = message_subject(text) or _group(_SUBJECT_HOLDS.search(text), "what")
    named = _NAMED_MESSAGE.search(text)
    words = _LEADING.sub("", about) if about else (named.group("what") if named else None)
    if words and not about:  # "the latest email" says which one, not what it holds
        words = " ".join(w for w in words.split() if w.lower() not in _WHICH_MESSAGE)
    return (_clean(sender.group("who")) if sender else None), (_clean(words) if words else None)


def reminder_text(text: str) -> str | None:
    """What to be reminded of ("remind me to call mom" -> "call mom")."""
    match = _REMINDER.search(text)
    return _clean(match.group("text")) if match else None


def reminder_query(text: str) -> str | None:
    """The words naming a reminder to find: after the word ("stop reminding me to call mom"),
    before it ("delete my pay rent reminder"), or in the clause before ("…, cancel that reminder").
    """
    after = reminder_text(text)
    if after and any(w not in _NOT_A_NAME for w in after.lower().split()):  # not "please", "it"
        return after
    named = _NAMED_BEFORE.search(text)
    said = named.group("name").split() if named else []
    if said and said[-1].lower() in _POINTERS:  # "that reminder"
        return antecedent(text)
    return " ".join(w for w in said if w.lower() not in _NOT_A_NAME) or None


def antecedent(text: str) -> str | None:
    """What "it"/"that" stands for: the statement before the command, without the person's
    "I need to buy" ("i need to buy coffee, put it on the list" -> "coffee"; "i fixed the
    bike, cross it off" -> "fixed the bike")."""
    match = _COMMAND.match(text)
    if match is None:
        return None
    return _clean(_LEADING.sub("", _STATEMENT_HEAD.sub("", match.group("before"), count=1)))


def list_item(text: str, *, removing: bool) -> tuple[str | None, str | None]:
    """The item and the list a request adds or removes ("add milk to my grocery list").

    A removal may leave the list out ("remove bread"): the item comes back without one.
    """
    match = _REMOVE_ITEM.search(text) if removing else _ADD_ITEM.search(text) or _ADD_AFTER_LIST.search(text)
    if not match:
        bare = _REMOVE_BARE.search(text) if removing else None
        item = _clean(_LEADING.sub("", bare.group("item"))) if bare else None
        if item is None or item.lower().split()[-1] in {"list", "lists"}:
            return None, None  # "delete the packing list" names a list, not an item
        return item, None
    item = _clean(_LEADING.sub("", match.group("item")))
    name = _clean(match.group("list"))
    return item, name


def adds_nothing(text: str) -> bool:
    """Whether a request says where to add but not what ("add to my shopping list")."""
    return _ADD_NOTHING.search(text) is not None


def list_named(text: str) -> str | None:
    """The words a request names a list by before the word "list" ("a christmas gifts list")."""
    match = _NAMED_LIST.search(text)
    return _clean(match.group("list")) if match else None


def _two_things(item: str) -> list[str]:
    """ "toothpaste and shampoo" is two items, but "mac and cheese" and "call mom and dad" one.

    A lone "and" joins two items when each side could stand on a list by itself: the
    phrase is not a thing known by the pair ("fish and chips", `ONE_THING_PAIRS`), and it
    is not a task whose verb takes both ("call mom and dad", `TASK_VERBS`).
    """
    pair = _LAST_AND.match(item.strip())
    plain = _LEADING.sub("", item.strip()).lower()
    if pair is None or plain in ONE_THING_PAIRS or plain.split()[0] in TASK_VERBS:
        return [item]
    return [cleaned for p in pair.groups() if (cleaned := _clean(_LEADING.sub("", p)))]


def list_items(item: str) -> list[str]:
    """The items a series names ("apples, pears and plums" is three); one item otherwise."""
    parts = [p for p in _ITEM_COMMAS.split(item.strip()) if p]
    if len(parts) < 2:
        return _two_things(item)
    last = _LAST_AND.match(parts[-1])
    if last:
        parts[-1:] = [last.group("head"), last.group("last")]
    parts = [re.sub(r"^(?:and|&)\s+", "", p, flags=_FLAGS) for p in parts]  # "…, and plums"
    return [cleaned for p in parts if (cleaned := _clean(_LEADING.sub("", p)))]


def meeting_topic(text: str) -> str | None:
    """What a meeting is for, as a title ("... to go over the roadmap" -> "Go over the roadmap").

    `text` should have its time expressions taken out; the people it is with are cut off.
    """
    match = _TOPIC.search(text)
    if not match:
        return None
    about = match.group("about")
    topic = _LEADING.sub("", about) if about else match.group("purpose")
    topic = _clean(_TOPIC_TAIL.sub("", topic))
    return topic[:1].upper() + topic[1:] if topic else None


def duration_minutes(text: str, times: Sequence[tuple[int, int]] = ()) -> int | None:
    """The length a request gives ("a 2-hour review", "for 90 minutes", "book an hour").

    Lengths inside the time expressions at the character spans `times` are not counted:
    "in 2 hours" says when, not how long.
    """
    from automate.runtime.nlu.time import find_lengths  # the grammar is costly to import

    for match in find_lengths(text):
        if any(match.start < end and start < match.end for start, end in times):
            continue
        minutes = match.length.total_seconds() / 60
        if 1 <= minutes <= _LONGEST_MINUTES:
            return int(minutes)
    return None
