"""Tagging the date, time, part-of-day and frequency words of a request, SLURP style.

This only marks which words say when (for slot spans and routing); turning them
into datetimes is the job of `runtime.nlu.time`.
"""

from __future__ import annotations

from automate.runtime.nlu.intents.lexicon import (
    EVENT_NOUNS,
    FREQUENCY_WORDS,
    MONTHS,
    NUMBER_WORDS,
    ORDINALS,
    TIME_OF_DAY,
    WEEKDAYS,
    wordset,
)
from automate.runtime.nlu.intents.text import Token

__all__ = ["TimeSlot", "tag_times"]

TimeSlot = tuple[str, int, int]
"""A slot type ("date", "time", "timeofday", "general_frequency") and a token range [i, j)."""

_DAY_NAMES = wordset("today tomorrow yesterday")
_SPAN_NOUNS = wordset("week weeks weekend weekends month months year years fortnight")
_DEICTIC = wordset("this next last coming following upcoming current")
_UNITS = wordset("minute minutes hour hours day days week weeks month months")
_TIME_TRIGGERS = wordset("at for by until till til around about from between to before after")
_MERIDIEM = wordset("am pm a.m p.m a.m. p.m.")
_PERIODS = [[w] for w in ("day", "week", "month", "year", "weekend", "morning", "evening")]
_SPAN_PREPOSITIONS = wordset("for during in over through throughout")
_WEEK_PARTS = wordset("weekend weekends weekday weekdays weeknight weeknights")
_CLOCK_LINKS = wordset("past after")
_CLOCK_LINKS_BACK = wordset("to till til before")
# Holidays said by name; each entry is the words in order.
_HOLIDAYS = (
    ("christmas", "eve"),
    ("christmas", "day"),
    ("christmas",),
    ("new", "year's", "eve"),
    ("new", "year's", "day"),
    ("new", "years", "eve"),
    ("easter", "sunday"),
    ("easter",),
    ("thanksgiving",),
    ("halloween",),
    ("valentine's", "day"),
    ("mother's", "day"),
    ("father's", "day"),
    ("labor", "day"),
    ("memorial", "day"),
    ("independence", "day"),
    ("boxing", "day"),
    ("hanukkah",),
    ("diwali",),
    ("ramadan",),
)
_HOLIDAY_FIRST = frozenset(h[0] for h in _HOLIDAYS)
_DAY_PHRASES = (
    ("day", "after", "tomorrow"),
    ("day", "before", "yesterday"),
)
_AFTER_BARE_DAY = wordset(
    "at in on of for from to and or by until till this next morning afternoon evening night"
)
# Nouns a bare number counts rather than a clock time ("a table for 4 people").
_COUNTED = wordset(
    "people persons person guests adults children kids seats tickets items times copies pieces "
    "rooms beds players members participants attendees of"
)
_ARTICLES = wordset("the a an my our his her their")
_PERIOD_WORDS = wordset("day week month year hour morning night evening weekday weekend")


def _is_number(word: str) -> bool:
    return word in NUMBER_WORDS or word.isdigit() or _is_clock(word)


def _is_ordinal(word: str) -> bool:
    return word in ORDINALS or (word[:1].isdigit() and word[-2:] in {"st", "nd", "rd", "th"})


def _is_clock(word: str) -> bool:
    """A single token that is a clock time by itself ("3pm", "10:30", "7am")."""
    return word[:1].isdigit() and (word.endswith(("am", "pm", "m.")) or ":" in word or "." in word)


def _is_numeric_date(word: str) -> bool:
    """A date written with digits and separators ("12/05", "2026-11-27")."""
    return word[:1].isdigit() and ("/" in word or "-" in word or word.count(".") == 2)


def _base(word: str) -> str:
    return word[:-2] if word.endswith("'s") else word


def _number_run(words: list[str], i: int) -> int:
    """End of a spoken or written number starting at `i` ("one hundred and thirty")."""
    j = i
    while j < len(words):
        word = words[j]
        if _is_number(word) or (word == "and" and j > i and words[j - 1] in {"hundred", "thousand"}):
            j += 1
        else:
            break
    return j


def _clock_end(words: list[str], i: int) -> int:
    """End of a clock time starting at `i`, or `i` when there is none."""
    if _is_clock(words[i]):
        j = i + 1
    elif _is_number(words[i]):
        j = _number_run(words, i)
        # "555 1234": digit groups with a long one are a phone number, not a time
        if j > i + 1 and any(len(w) > 2 and w.isdigit() for w in words[i:j]):
            return i
        # "half past two", "quarter to five", "ten after six"
        links_back = words[i] in {"half", "quarter"}
        if (
            j + 1 < len(words)
            and _is_number(words[j + 1])
            and (words[j] in _CLOCK_LINKS or (links_back and words[j] in _CLOCK_LINKS_BACK))
        ):
            j = _number_run(words, j + 1)
    else:
        return i
    if j < len(words) and words[j] in _MERIDIEM:
        return j + 1
    # "5 a.m." is read as the letters "a" and "m"
    if words[j : j + 2] in (["a", "m"], ["p", "m"]):
        return j + 2
    if j + 1 < len(words) and words[j] == "o" and words[j + 1] in {"clock", "'clock"}:
        return j + 2
    if j < len(words) and words[j] in {"o'clock", "oclock"}:
        return j  # SLURP leaves a one-token "o'clock" out of the time
    if j < len(words) and words[j] in {"noon", "midnight"}:
        return j + 1
    return j


def _holiday_end(words: list[str], i: int) -> int:
    """End of a holiday's name starting at `i`, or `i`."""
    for holiday in _HOLIDAYS:
        if tuple(words[i : i + len(holiday)]) == holiday:
            return i + len(holiday)
    return i


def _noun_follows(words: list[str], i: int) -> bool:
    """A bare ordinal is a day ("on the fourteenth") unless a noun follows ("the first list")."""
    if i + 1 >= len(words):
        return False
    nxt = words[i + 1]
    return nxt.isalpha() and nxt not in MONTHS and nxt not in _AFTER_BARE_DAY


def _date_end(words: list[str], i: int) -> int:
    """End of a calendar date starting at `i` ("march seventh", "the 21st of may", "friday")."""
    n = len(words)
    word = _base(words[i])
    for phrase in _DAY_PHRASES:
        if tuple(words[i : i + len(phrase)]) == phrase:
            return i + len(phrase)
    if _is_numeric_date(word):
        return i + 1
    if word in WEEKDAYS and words[i + 1 : i + 2] == ["the"] and i + 2 < n and _is_ordinal(words[i + 2]):
        return i + 3  # "friday the thirteenth"
    if word in _DAY_NAMES or word in WEEKDAYS or word in _WEEK_PARTS:
        return i + 1
    if word in MONTHS:
        j = i + 1
        # "june the fifth"
        if words[j : j + 1] == ["the"] and j + 1 < n and _is_ordinal(words[j + 1]):
            j += 1
        if j < n and (_is_ordinal(words[j]) or _is_number(words[j])):
            j = _number_run(words, j) if _is_number(words[j]) else j + 1
            if j < n and _is_ordinal(words[j]):
                j += 1
        return j
    if _is_ordinal(word) and _noun_follows(words, i):
        return i
    if _is_ordinal(word) or (word in NUMBER_WORDS and i + 1 < n):
        j = i
        while j < n and (_is_number(words[j]) or _is_ordinal(words[j])):
            j += 1
        if j < n and words[j] == "of" and j + 1 < n and words[j + 1] in MONTHS:
            j += 2
        elif words[j : j + 3] in (["of", "this", "month"], ["of", "next", "month"]):
            j += 3
        elif j < n and words[j] in MONTHS:
            j += 1
        elif not _is_ordinal(words[j - 1]):
            return i
        if j < n and words[j] in {"two", "nineteen", "twenty"} and _number_run(words, j) > j + 1:
            j = _number_run(words, j)
        return j
    return i


_STARTERS = (
    frozenset(
        {"every", "rest", "end", "start", "beginning", "middle", "the", "in", "within", "a", "an", "past"}
    )
    | FREQUENCY_WORDS
    | _DEICTIC
    | _DAY_NAMES
    | WEEKDAYS
    | MONTHS
    | NUMBER_WORDS
    | ORDINALS
    | TIME_OF_DAY
    | _HOLIDAY_FIRST
    | _WEEK_PARTS
    | {"day", "one"}
)


def _unit_kind(unit: str) -> str:
    """Minutes and hours make a time; days and longer make a date."""
    return "time" if unit.startswith(("minute", "hour", "second")) else "date"


def _tag_at(words: list[str], i: int, found: list[TimeSlot]) -> int:
    """Tag what starts at token `i`; return the index to continue from."""
    n = len(words)
    word = words[i]
    nxt = words[i + 1] if i + 1 < n else ""
    if word == "every" or word in FREQUENCY_WORDS:
        j = i + 1 if word == "every" else i
        while j < n and words[j] in {"single", "other"}:
            j += 1
        if word == "every" and j < n and (words[j] in WEEKDAYS or words[j] in MONTHS):
            end = _date_end(words, j)
            found.append(("date", i, end))
            return end
        if word == "every" and j < n and _is_number(words[j]):
            end = _number_run(words, j)
            if end < n and words[end] in _UNITS:
                found.append((_unit_kind(words[end]), j, end + 1))  # "every thirty minutes"
                return end + 1
        if word == "every" and j < n and words[j] in _PERIOD_WORDS:
            found.append(("general_frequency", i, j + 1))
            return j + 1
        if word in FREQUENCY_WORDS:
            found.append(("general_frequency", i, i + 1))
            return i + 1
        return i + 1
    if word in {"end", "start", "beginning", "middle"} and nxt == "of" and i + 2 < n:
        j = i + 3 if words[i + 2] in {"the", "this", "next"} else i + 2
        if j < n and words[j] in _SPAN_NOUNS | {"day"}:
            found.append(("date", i, j + 1))
            return j + 1
    if word in _HOLIDAY_FIRST:
        end = _holiday_end(words, i)
        if end > i:
            found.append(("date", i, end))
            return end
    if word == "rest" and words[i + 1 : i + 3] == ["of", "the"] and words[i + 3 : i + 4] in _PERIODS:
        start = i - 1 if i > 0 and words[i - 1] == "the" else i
        found.append(("time", start, i + 4))
        return i + 4
    if (
        word == "the"
        and nxt in _SPAN_NOUNS | {"day"}
        and i > 0
        and words[i - 1] in _SPAN_PREPOSITIONS
        and words[i + 2 : i + 3] not in (["after"], ["before"])
    ):
        found.append(("date", i, i + 2))
        return i + 2
    if word in {"next", "last", "past", "coming"} and _is_number(nxt):
        j = _number_run(words, i + 1)
        if j < n and words[j] in _UNITS:
            found.append(("time", i, j + 1))
            return j + 1
    if word in _DEICTIC and nxt in _DEICTIC:
        after = words[i + 2] if i + 2 < n else ""
        if after in WEEKDAYS or after in _SPAN_NOUNS:
            found.append(("date", i, i + 3))
            return i + 3
    if word in _DEICTIC and (nxt in WEEKDAYS or nxt in _SPAN_NOUNS):
        end = i + 2
        if end < n and words[end] in TIME_OF_DAY:
            found.append(("date", i, end))
            found.append(("timeofday", end, end + 1))
            return end + 1
        found.append(("date", i, end))
        return end
    if word in _DEICTIC and nxt in TIME_OF_DAY:
        found.append(("timeofday", i + 1, i + 2))
        return i + 2
    # "in a couple of days", "within a few weeks"
    if word in {"in", "within"} and words[i + 1 : i + 3] in (["a", "couple"], ["a", "few"]):
        j = i + 4 if words[i + 3 : i + 4] == ["of"] else i + 3
        if j < n and words[j] in _UNITS:
            found.append((_unit_kind(words[j]), i + 1, j + 1))
            return j + 1
    if word in {"in", "within"} and (_is_number(nxt) or nxt in {"a", "an"}):
        j = _number_run(words, i + 1) if _is_number(nxt) else i + 2
        if j < n and words[j] in _UNITS:
            found.append((_unit_kind(words[j]), i + 1, j + 1))
            return j + 1
    if _is_number(word) or word in {"a", "an"}:
        j = _number_run(words, i) if _is_number(word) else i + 1
        # "two days ago", "an hour later"; "an hour before the meeting" is an offset
        if j + 1 < n and words[j] in _UNITS and words[j + 1] in {"ago", "later"}:
            found.append((_unit_kind(words[j]), i, j + 2))
            return j + 2
        if j + 1 < n and words[j] in _UNITS and words[j + 1] in {"before", "after", "prior"}:
            found.append(("time", i, j + 1))
            return j + 1
    if (
        word in {"a", "one"}
        and nxt in _UNITS
        and words[i + 2 : i + 4] in (["from", "today"], ["from", "tomorrow"], ["from", "now"])
    ):
        kind = "time" if words[i + 3] == "now" else "date"
        found.append((kind, i + 1, i + 4))
        return i + 4
    if _is_number(word):
        j = _number_run(words, i)
        if j < n and words[j] in _UNITS and words[j + 1 : j + 3] == ["from", "now"]:
            found.append(("time", i, j + 3))
            return j + 3
        # "for ten minutes", "block two hours": a length is said with its unit.
        if j < n and words[j] in _UNITS and not _is_clock(words[j - 1]):
            found.append((_unit_kind(words[j]), i, j + 1))
            return j + 1
    if word in {"past", "last"} and nxt in {"hour", "minute", "hours", "minutes"}:
        found.append(("time", i, i + 2))
        return i + 2
    # "the morning meeting", "my evening class": the part of day is part of the event's name.
    if word in TIME_OF_DAY and i > 0 and words[i - 1] in _ARTICLES and nxt in EVENT_NOUNS:
        return i + 1
    if word in TIME_OF_DAY:
        after_day = bool(found) and found[-1][0] == "date" and found[-1][2] == i
        kind = "time" if word == "night" and after_day else "timeofday"
        found.append((kind, i, i + 1))
        return i + 1
    end = _date_end(words, i)
    if end > i:
        found.append(("date", i, end))
        return end
    end = _clock_end(words, i)
    if end > i:
        triggered = i > 0 and (words[i - 1] in _TIME_TRIGGERS or words[i - 1] == "and")
        # "for 3 people", "at 2 guests": a bare number counting something is no time.
        if triggered and end == _number_run(words, i) and words[end : end + 1] and words[end] in _COUNTED:
            return end
        explicit = _is_clock(word) or (end > i + 1 and not _is_number(words[end - 1]))
        if triggered or explicit:
            found.append(("time", i, end))
        return end
    return i + 1


def tag_times(tokens: list[Token]) -> list[TimeSlot]:
    """The date/time/timeofday/frequency slots among `tokens`, as token ranges."""
    words = [t.word for t in tokens]
    found: list[TimeSlot] = []
    i = 0
    n = len(words)
    while i < n:
        word = words[i]
        # Most words can start no time expression: skip them cheaply.
        if word in _STARTERS or word[:1].isdigit() or _base(word) in _STARTERS:
            i = _tag_at(words, i, found)
        else:
            i += 1
    # "the christmas list", "my weekend list": a word naming a list is its name, not a time.
    return [slot for slot in found if words[slot[2] : slot[2] + 1] not in (["list"], ["lists"])]
