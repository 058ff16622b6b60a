"""Intervals between two times and open intervals.

"from 3 to 5pm", "between 9:30 and 11 on thursday", "July 13-15", "from the 13th to the 15th
of July", "after 5pm", "before noon", "by 2pm", "ASAP".
"""

from __future__ import annotations

from ..chart import Ctx
from ..forms import Form, Open, Range, apply_meridiem, intersect
from ..grains import truncate
from ..grammar import GRAMMAR as G
from ..grammar import concrete

__all__: list[str] = []

_DATE_FIELDS = ("year", "month", "day", "weekday")


def _inherit(lo: Form, hi: Form) -> tuple[Form, Form] | None:
    """Share what one end says and the other leaves out ("3-4pm", "July 13 to 15")."""
    if lo.hour is not None and hi.hour is not None and lo.h12 and not hi.h12 and hi.hour >= 12:
        pm = apply_meridiem(lo, "pm")
        if pm is not None and pm.hour is not None and pm.hour <= hi.hour:
            lo = pm
    for name in _DATE_FIELDS:
        a, b = getattr(lo, name), getattr(hi, name)
        if a is not None and b is None and (hi.has_date or hi.has_time) and name != "weekday":
            hi = hi.evolve(**{name: a})
        elif b is not None and a is None and lo.has_date and name != "weekday":
            lo = lo.evolve(**{name: b})
    if lo.tz is None and hi.tz is not None:
        lo = lo.evolve(tz=hi.tz)
    return lo, hi


def _range(lo: Form, hi: Form, latent_ok: bool = False) -> Range | None:
    if not latent_ok and lo.latent and hi.latent:
        return None
    if lo.has_time != hi.has_time and not (lo.span or hi.span):
        return None
    pair = _inherit(lo.evolve(latent=False), hi.evolve(latent=False))
    if pair is None:
        return None
    first, last = pair
    # A bare number starting a range runs forward to the other end ("3-5pm"); if it
    # cannot ("15 to noon"), it is not the start of a range.
    backwards = (
        first.hour is not None
        and last.hour is not None
        and first.hour >= last.hour
        and not (first.h12 and first.hour < 12)
    )
    if lo.latent and backwards and not last.has_date:
        return None
    # Built by position, as on every path a phrase takes (no constructor call).
    return tuple.__new__(Range, (first, last, False))


@G.rule("range", "clocky", "p:-", "clocky")
def _dash(ctx: Ctx, lo: Form, _d: str, hi: Form) -> Range | None:
    return _range(lo, hi)


@G.rule("range", "clocky", "to", "clocky")
def _to(ctx: Ctx, lo: Form, _t: str, hi: Form) -> Range | None:
    return _range(lo, hi)


@G.rule("range", "w:from", "range")
def _from_range(ctx: Ctx, _f: str, r: Range) -> Range:
    return r


@G.rule("range", "w:from", "clocky", "to", "clocky")
def _from_to(ctx: Ctx, _f: str, lo: Form, _t: str, hi: Form) -> Range | None:
    return _range(lo, hi, latent_ok=True)


@G.rule("range", "w:between", "clocky", "w:and", "clocky")
def _between(ctx: Ctx, _b: str, lo: Form, _a: str, hi: Form) -> Range | None:
    return _range(lo, hi, latent_ok=True)


@G.rule("range", "w:later", "w:than", "clocky", "w:but", "w:before", "clocky")
def _later_than(ctx: Ctx, *parts: object) -> Range | None:
    lo, hi = parts[2], parts[5]
    assert isinstance(lo, Form) and isinstance(hi, Form)
    return _range(lo, hi, latent_ok=True)


# --- day-of-month ranges: "13-15 July", "from the 13th to the 15th of July" ----------


@G.rule("days", "domn", "p:-", "domn")
def _days_dash(ctx: Ctx, a: int, _d: str, b: int) -> tuple[int, int] | None:
    return (a, b) if a < b else None


@G.rule("days", "domn", "to", "domn")
def _days_to(ctx: Ctx, a: int, _d: str, b: int) -> tuple[int, int] | None:
    return (a, b) if a < b else None


@G.rule("days", "w:from", "days")
def _from_days(ctx: Ctx, _f: str, d: tuple[int, int]) -> tuple[int, int]:
    return d


def _days_in(days: tuple[int, int], t: Form) -> Range | None:
    if t.month is None or t.day is not None or t.has_time:
        return None
    return Range(t.evolve(day=days[0], latent=False), t.evolve(day=days[1], latent=False))


@G.rule("range", "days", "time")
def _days_month(ctx: Ctx, days: tuple[int, int], t: Form) -> Range | None:
    return _days_in(days, t)


@G.rule("range", "days", "w:of", "time")
def _days_of_month(ctx: Ctx, days: tuple[int, int], _o: str, t: Form) -> Range | None:
    return _days_in(days, t)


@G.rule("range", "time", "p:-", "domn")
def _month_day_dash(ctx: Ctx, t: Form, _d: str, day: int) -> Range | None:
    """ "July 13-15"."""
    if t.month is None or t.day is None or t.has_time or day <= t.day:
        return None
    return Range(t, t.evolve(day=day))


@G.rule("range", "time", "to", "domn")
def _month_day_to(ctx: Ctx, t: Form, _d: str, day: int) -> Range | None:
    return _month_day_dash(ctx, t, _d, day)


# --- a range on a day: "9:30 - 11:00 on Thursday", "Thursday from 9:30 to 11:00" -----


def _on_day(r: Range, t: Form) -> Range | None:
    if r.lo.has_date or r.hi.has_date or t.latent:
        return None
    lo, hi = intersect(r.lo, t), intersect(r.hi, t)
    return Range(lo, hi, r.hi_exclusive) if lo is not None and hi is not None else None


@G.rule("range", "range", "w:on", "time")
def _range_on(ctx: Ctx, r: Range, _o: str, t: Form) -> Range | None:
    return _on_day(r, t)


@G.rule("range", "range", "time")
def _range_time(ctx: Ctx, r: Range, t: Form) -> Range | None:
    return _on_day(r, t)


@G.rule("range", "time", "range")
def _time_range(ctx: Ctx, t: Form, r: Range) -> Range | None:
    return _on_day(r, t)


@G.rule("range", "lead", "range")
def _lead_range(ctx: Ctx, _p: str, r: Range) -> Range:
    """ "the next 3 days", "in the next 2 hours", "sometime next week" read as the range."""
    return r


@G.rule("open", "lead", "open")
def _lead_open(ctx: Ctx, _p: str, o: Open) -> Open:
    """ "anytime after 6"."""
    return o


@G.rule("open", "w:any", "w:time", "open")
def _any_time_open(ctx: Ctx, _a: str, _t: str, o: Open) -> Open:
    return o


@G.rule("range", "about", "range")
def _about_range(ctx: Ctx, _a: str, r: Range) -> Range:
    return r


# --- open intervals ------------------------------------------------------------------


def _open(t: Form, after: bool) -> Open | None:
    if t.latent and t.hour is None and t.pod is None:
        return None
    return tuple.__new__(Open, (t.evolve(latent=False), after, False))


@G.rule("open", "bound", "clocky")
def _bounded(ctx: Ctx, side: str, t: Form) -> Open | None:
    """ "after 5pm", "since monday", "from 2 pm", "before noon"."""
    return _open(t, side == "after")


@G.rule("open", "until", "clocky")
def _until(ctx: Ctx, _u: str, t: Form) -> Open | None:
    """ "until 2pm", "till tomorrow"."""
    return _open(t, False)


@G.rule("open", "w:by", "clocky")
def _by(ctx: Ctx, _b: str, t: Form) -> Open | None:
    """ "by 2pm": from now until then."""
    if t.latent and t.hour is None:
        return None
    return Open(t.evolve(latent=False), after=False, from_now=True)


def _asap(ctx: Ctx) -> Open:
    return Open(concrete(truncate(ctx.ref, "second"), "second"), after=True)


@G.rule("open", "w:asap")
def _asap_word(ctx: Ctx, _a: str) -> Open:
    return _asap(ctx)


@G.rule("open", "w:as", "w:soon", "w:as", "w:possible")
def _asap_words(ctx: Ctx, *_: str) -> Open:
    return _asap(ctx)
