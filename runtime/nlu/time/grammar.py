"""The one grammar every rule module registers into, and the helpers rules share."""

from __future__ import annotations

from datetime import datetime, timedelta

from .chart import Ctx, Grammar, Transform
from .forms import Form, Span
from .grains import add_grain, truncate
from .lexicon import GROUPS
from .values import Grain

__all__ = ["GRAMMAR", "clock", "concrete", "day_span", "recurring_name", "unit_span"]

GRAMMAR = Grammar()


def _declare_roles(grammar: Grammar) -> None:
    """Number roles as aliases (they filter and convert, adding no chart nodes); declared
    before any rule so every pattern that names a role expands to its sources."""

    # Number values are (value, digits), digits 0 for words; runs of over six digits
    # are not numbers to the grammar at all (see tokens.py).
    grammar.alias("int", {"num": None, "numw": None, "tens": None, "intw": None})
    grammar.alias("count", {"int": lambda n: n[0] if 1 <= n[0] <= 10000 else None, "fewcount": None})
    grammar.alias(
        "year",
        {
            "num": lambda n: n[0] if n[1] == 4 and 1000 <= n[0] <= 2999 else None,
            "intw": lambda n: n[0] if 1000 <= n[0] <= 2999 else None,
        },
    )
    grammar.alias("ord", {"ordw": None, "ordx": None})
    grammar.alias("dom", {"ord": lambda n: n if 1 <= n <= 31 else None, "thedom": None})
    grammar.alias(
        "domn",
        {
            "num": lambda n: n[0] if n[1] <= 2 and 1 <= n[0] <= 31 else None,
            "numw": lambda n: n[0] if 1 <= n[0] <= 31 else None,
            "intw": lambda n: n[0] if 1 <= n[0] <= 31 else None,
            "dom": None,
        },
    )
    grammar.alias(
        "mins",
        {
            "int": lambda n: n[0] if 1 <= n[0] <= 59 else None,
            "w:quarter": lambda _: 15,
            "w:half": lambda _: 30,
            "minsw": None,
        },
    )
    grammar.alias("nth", {"ord": None, "nthx": None})
    grammar.alias("dsep", {"p:/": None, "p:-": None, "p:.": None})
    # A bare number is an hour only where a rule says a clock time may stand: "clocky"
    # accepts it; rules naming "time" never see it.
    grammar.alias("clocky", {"time": None, "hourn": None})
    for cat, words in GROUPS.items():
        # A `w:` node's value is its word, so a group value equal to the word needs no
        # transform (and no extra call).
        sources: dict[str, Transform | None] = {
            "w:" + word: None if value == word else _constant(value) for word, value in words.items()
        }
        if cat == "which":
            sources["whichx"] = None  # "the end", "at the end"
        grammar.alias(cat, sources)


def _constant(value: object) -> Transform:
    return lambda _word: value


_declare_roles(GRAMMAR)


def clock(
    hour: int, minute: int | None = None, second: int | None = None, latent: bool = False
) -> Form | None:
    """A time of day; hours 1-12 without am/pm keep both readings."""
    if not 0 <= hour <= 24 or (minute is not None and not 0 <= minute <= 59):
        return None
    if second is not None and not 0 <= second <= 59:
        return None
    if hour == 24:
        hour = 0
    # Built by position (as concrete() does): a keyword call fills defaults in Python.
    fields = (*_NO_DATE, hour, minute, second, 1 <= hour <= 12, None, None, None, None, False, latent)
    return tuple.__new__(Form, (*fields, *_PLAIN[1:]))


def concrete(start: datetime, grain: Grain, interval: bool = False, end: datetime | None = None) -> Form:
    """A form fixed to one span."""
    if end is None:
        end = start + _FIXED[grain] if grain in _FIXED else add_grain(start, grain)
    span = tuple.__new__(Span, (start, end, grain))
    return tuple.__new__(Form, (*_UNSET, span, None, None, interval, *_PLAIN))


# A form's fields before `span` (year ... pod), and the flags after `interval`, all unset.
_UNSET = (*(None,) * 8, False, None)
_PLAIN = (False, False, False, None)
_NO_DATE = (None,) * 5  # year, quarter, month, day, weekday
assert Form(span=None)[:10] == _UNSET and Form()[14:] == _PLAIN, "Form fields changed; update concrete()"
_FIXED = {
    "second": timedelta(seconds=1),
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(days=7),
}


def unit_span(ctx: Ctx, unit: Grain, offset: int) -> Form:
    """The unit containing the reference time, moved by `offset` units ("next week")."""
    start = add_grain(truncate(ctx.ref, unit), unit, offset)
    return concrete(start, unit)


def day_span(ctx: Ctx, offset: int) -> Form:
    """The day `offset` days from the reference day."""
    ref = ctx.ref
    start = ref.replace(hour=0, minute=0, second=0, microsecond=0)
    if offset:
        start += timedelta(days=offset)
    return concrete(start, "day")


def recurring_name(t: Form) -> bool:
    """A month or holiday with no year or anchor: it comes back every year."""
    return (t.month is not None or t.holiday is not None) and t.span is None and t.year is None
