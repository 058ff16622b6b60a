"""The word list: which words name weekdays, months, units, parts of day, numbers..."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["GROUPS", "WORDS", "categories"]

_WEEKDAYS = {
    0: "monday mon mondays",
    1: "tuesday tue tues tuesdays",
    2: "wednesday wed weds wednesdays",
    3: "thursday thu thur thurs thursdays",
    4: "friday fri fridays",
    5: "saturday sat saturdays",
    6: "sunday sun sundays",
}
_MONTHS = {
    1: "january jan",
    2: "february feb",
    3: "march mar",
    4: "april apr",
    5: "may",
    6: "june jun",
    7: "july jul",
    8: "august aug",
    9: "september sep sept",
    10: "october oct",
    11: "november nov",
    12: "december dec",
}
_UNITS = {
    "second": "second seconds sec secs s",
    "minute": "minute minutes min mins m",
    "hour": "hour hours hr hrs h",
    "day": "day days",
    "week": "week weeks wk wks",
    "month": "month months",
    "quarter": "quarter quarters qtr qtrs q",
    "year": "year years yr yrs",
}
_NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {
    20: "twenty",
    30: "thirty",
    40: "forty",
    50: "fifty",
    60: "sixty",
    70: "seventy",
    80: "eighty",
    90: "ninety",
}
_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]
_TENS_ORD = {30: "thirtieth"}
# Parts of day as hour windows [start, end).
_PARTS = {
    "morning": (0, 12),
    "afternoon": (12, 19),
    "evening": (18, 24),
    "night": (18, 24),
    "lunch": (12, 14),
    "lunchtime": (12, 14),
}
# Which stretch of a day, week, month or year ("end of April", "mid-march").
_WHICH = {
    "end": "end",
    "beginning": "begin",
    "start": "begin",
    "late": "end",
    "early": "begin",
    "mid": "mid",
    "middle": "mid",
}
# Words that behave alike in the grammar share one category.
_GROUPS = {
    "next": "next following coming upcoming",
    "last": "last past previous preceding prior",
    "this": "this current present",
    "to": "to till til until untill thru through",
    "ago": "ago back",
    "hence": "hence later",
    "about": "about around approximately roughly circa",
    "every": "every each",
    "some": "sometime anytime",
    "just": "just right",
    "until": "until till til untill",
    # Words that may lead a range or open interval without changing it.
    "lead": "the in over during for throughout sometime anytime",
    "end": "end eom",
}


def _table() -> dict[str, list[tuple[str, object]]]:
    table: dict[str, list[tuple[str, object]]] = {}

    def add(words: str, cat: str, value: object) -> None:
        for word in words.split():
            table.setdefault(word, []).append((cat, value))

    for day, words in _WEEKDAYS.items():
        add(words, "dow", day)
    for month, words in _MONTHS.items():
        add(words, "month", month)
    for unit, words in _UNITS.items():
        add(words, "unit", unit)
    for value, word in enumerate(_NUMBERS):
        add(word, "numw", (value, 0))
    for value, word in _TENS.items():
        add(word, "tens", (value, 0))
    for value, word in enumerate(_ORDINALS, start=1):
        add(word, "ordw", value)
    for value, word in _TENS_ORD.items():
        add(word, "ordw", value)
    for word, window in _PARTS.items():
        add(word, "pod", window)
        add(word + "ish", "pod", window)
    add("st nd rd th", "ordsuf", None)
    add("a an", "a", 1)
    add("fortnight fortnights", "fortnight", 14)
    add("weekend weekends", "weekend", "weekend")
    add("season seasons", "season", "season")
    add("spring", "seasonname", (3, 20, 6, 21))
    add("summer", "seasonname", (6, 21, 9, 24))
    add("fall autumn", "seasonname", (9, 23, 12, 21))
    add("winter", "seasonname", (12, 21, 3, 20))
    add("p", "mer_short", "pm")
    add("a", "mer_short", "am")
    add("tomorrow tomorrows tmrw", "dayrel", 1)
    add("today todays", "dayrel", 0)
    add("yesterday", "dayrel", -1)
    add("tonight tonite", "tonight", (18, 24))
    add("noon midday", "noon", 12)
    add("midnight", "midnight", 0)
    add("o'clock oclock", "oclock", None)
    return table


_TABLE = _table()

# Word groups: the grammar declares each as an alias over the words' own `w:` categories,
# so a word of a group adds no node of its own to a parse.
GROUPS: dict[str, dict[str, object]] = {
    cat: {word: word for word in words.split()} for cat, words in _GROUPS.items()
}
GROUPS["bound"] = {"after": "after", "since": "after", "from": "after", "before": "before"}
GROUPS["which"] = dict(_WHICH)

# Every word the lexicon knows.
WORDS = frozenset(_TABLE) | frozenset(word for group in GROUPS.values() for word in group)


@lru_cache(maxsize=4096)
def categories(word: str) -> tuple[tuple[str, object], ...]:
    """Lexical categories of a lower-cased word; every word is also `w:<word>`."""
    found = list(_TABLE.get(word, ()))
    if not found and word.endswith("'s"):
        found = list(_TABLE.get(word[:-2], ()))
    if not found and word.endswith("'"):
        found = list(_TABLE.get(word[:-1], ()))
    found.append(("w:" + word, word))
    return tuple(found)
