"""Recurrences for reminders: "every monday at 9", "every day at 7am", "every 2 weeks"."""

from __future__ import annotations

from ..chart import Ctx
from ..forms import Form, Recur, intersect
from ..grammar import GRAMMAR as G
from ..values import Grain

__all__: list[str] = []

Num = tuple[int, int]
_FREQ = {
    "second": "SECONDLY",
    "minute": "MINUTELY",
    "hour": "HOURLY",
    "day": "DAILY",
    "week": "WEEKLY",
    "month": "MONTHLY",
    "year": "YEARLY",
}
_ADVERBS = {
    "hourly": "HOURLY",
    "daily": "DAILY",
    "nightly": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "yearly": "YEARLY",
    "annually": "YEARLY",
}


@G.rule("recur", "every", "unit")
def _every_unit(ctx: Ctx, _e: str, unit: Grain) -> Recur | None:
    freq = _FREQ.get(unit)
    return Recur(freq, 1, Form()) if freq else None


@G.rule("recur", "every", "int", "unit")
def _every_n_units(ctx: Ctx, _e: str, n: Num, unit: Grain) -> Recur | None:
    freq = _FREQ.get(unit)
    return Recur(freq, n[0], Form()) if freq and 1 <= n[0] <= 1000 else None


@G.rule("recur", "every", "w:other", "unit")
def _every_other(ctx: Ctx, _e: str, _o: str, unit: Grain) -> Recur | None:
    freq = _FREQ.get(unit)
    return Recur(freq, 2, Form()) if freq else None


@G.rule("recur", "every", "dow")
def _every_weekday(ctx: Ctx, _e: str, day: int) -> Recur:
    return Recur("WEEKLY", 1, Form(weekday=day), (day,))


@G.rule("recur", "every", "w:other", "dow")
def _every_other_weekday(ctx: Ctx, _e: str, _o: str, day: int) -> Recur:
    return Recur("WEEKLY", 2, Form(weekday=day), (day,))


@G.rule("recur", "every", "w:weekday")
def _every_workday(ctx: Ctx, _e: str, _w: str) -> Recur:
    return Recur("WEEKLY", 1, Form(), (0, 1, 2, 3, 4))


@G.rule("recur", "w:weekdays")
def _weekdays(ctx: Ctx, _w: str) -> Recur:
    return Recur("WEEKLY", 1, Form(), (0, 1, 2, 3, 4))


@G.rule("recur", "every", "pod")
def _every_pod(ctx: Ctx, _e: str, pod: tuple[int, int]) -> Recur:
    """ "every morning": daily, at the part of day."""
    return Recur("DAILY", 1, Form(pod=pod))


@G.rule("recur", "every", "w:night")
def _every_night(ctx: Ctx, _e: str, _n: str) -> Recur:
    return Recur("DAILY", 1, Form(pod=(18, 24)))


for _word, _freq in _ADVERBS.items():
    G.rule("recur", "w:" + _word)(lambda ctx, word: Recur(_ADVERBS[word], 1, Form()))


def _at(r: Recur, t: Form) -> Recur | None:
    if t.span is not None or t.holiday is not None:
        return None
    if t.has_date and r.freq not in ("YEARLY", "MONTHLY") and t.weekday is None:
        return None
    pattern = intersect(r.pattern, t.evolve(latent=False, not_immediate=False))
    if pattern is None:
        return None
    byday = r.byday
    if t.weekday is not None and not byday:
        if r.freq != "WEEKLY":
            return None
        byday = (t.weekday,)
    return Recur(r.freq, r.interval, pattern, byday)


@G.rule("recur", "recur", "time")
def _recur_time(ctx: Ctx, r: Recur, t: Form) -> Recur | None:
    return _at(r, t) if t.has_time or t.has_date else None


@G.rule("recur", "recur", "w:at", "clocky")
def _recur_at(ctx: Ctx, r: Recur, _a: str, t: Form) -> Recur | None:
    return _at(r, t) if t.hour is not None else None


@G.rule("recur", "recur", "w:on", "time")
def _recur_on(ctx: Ctx, r: Recur, _a: str, t: Form) -> Recur | None:
    return _at(r, t) if t.weekday is not None else None


@G.rule("recur", "clocky", "recur")
def _time_recur(ctx: Ctx, t: Form, r: Recur) -> Recur | None:
    """ "at 9 every monday"."""
    return _at(r, t) if t.hour is not None else None
