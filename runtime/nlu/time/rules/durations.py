"""Durations and the times they reach: "in 2 hours", "3 days ago", "a year from christmas"."""

from __future__ import annotations

from datetime import timedelta

from ..chart import Ctx
from ..forms import Duration, Form, Open, Range, Span, intersect
from ..grains import add_grain, finer, next_grain, truncate
from ..grammar import GRAMMAR as G
from ..grammar import concrete, recurring_name
from ..resolve import resolve_form
from ..values import Grain

__all__: list[str] = []

Num = tuple[int, int]


@G.rule("dur", "int", "unit")
def _n_units(ctx: Ctx, n: Num, unit: Grain) -> Duration | None:
    return tuple.__new__(Duration, (n[0], unit)) if n[0] <= 10000 else None


@G.rule("dur", "a", "unit")
def _a_unit(ctx: Ctx, _a: int, unit: Grain) -> Duration:
    return Duration(1, unit)


@G.rule("dur", "int", "p:-", "unit")
def _hyphened_units(ctx: Ctx, n: Num, _d: str, unit: Grain) -> Duration | None:
    """ "a 2-hour review", "a 30-minute call": the length said as an adjective."""
    return _n_units(ctx, n, unit)


@G.rule("dur", "dur", "w:and", "a", "w:half")
def _and_a_half(ctx: Ctx, d: Duration, _a: str, _n: int, _h: str) -> Duration:
    """ "an hour and a half", "2 days and a half": half of the unit more."""
    return _plus_half(d.amount, d.unit)


@G.rule("dur", "int", "w:and", "a", "w:half", "unit")
def _n_and_a_half_units(ctx: Ctx, n: Num, _a: str, _n: int, _h: str, unit: Grain) -> Duration:
    """ "one and a half hours", "2 and a half days"."""
    return _plus_half(n[0], unit)


def _plus_half(amount: float, unit: Grain) -> Duration:
    # Half an hour is 30 minutes; half of a longer unit stays a fraction of it.
    return Duration((amount + 0.5) * 60, "minute") if unit == "hour" else Duration(amount + 0.5, unit)


@G.rule("dur", "a", "fortnight")
def _fortnight(ctx: Ctx, _a: int, days: int) -> Duration:
    return Duration(days, "day")


@G.rule("dur", "int", "fortnight")
def _fortnights(ctx: Ctx, n: Num, days: int) -> Duration:
    return Duration(n[0] * days, "day")


@G.rule("dur", "fewcount", "unit")
def _few_units(ctx: Ctx, n: int, unit: Grain) -> Duration:
    """ "a couple of hours", "a few days"."""
    return Duration(n, unit)


@G.rule("fraction", "num", "p:/", "num")
def _fraction(ctx: Ctx, a: Num, _s: str, b: Num) -> float | None:
    return a[0] / b[0] if b[0] in (2, 4) and 0 < a[0] < b[0] else None


@G.rule("fraction", "w:half", "a")
def _half_an(ctx: Ctx, _h: str, _a: int) -> float:
    return 0.5


@G.rule("fraction", "a", "w:quarter", "w:of", "a")
def _quarter_of_an(ctx: Ctx, *_: object) -> float:
    return 0.25


@G.rule("fraction", "int", "p:-", "w:quarters", "w:of", "a")
def _quarters_of_an(ctx: Ctx, n: Num, *_: object) -> float | None:
    return n[0] / 4 if 1 <= n[0] <= 3 else None


@G.rule("fraction", "int", "w:quarters", "w:of", "a")
def _quarters_of_an2(ctx: Ctx, n: Num, *_: object) -> float | None:
    return n[0] / 4 if 1 <= n[0] <= 3 else None


@G.rule("dur", "num", "p:.", "num", "unit")
def _decimal_units(ctx: Ctx, whole: Num, _p: str, part: Num, unit: Grain) -> Duration | None:
    """ "2.5 hours"."""
    if whole[1] > 4 or part[1] > 3:
        return None
    return Duration(whole[0] + part[0] / 10 ** part[1], unit)


@G.rule("dur", "fraction", "unit")
def _fraction_unit(ctx: Ctx, f: float, unit: Grain) -> Duration | None:
    if unit != "hour":
        return None
    return Duration(round(f * 60), "minute")


@G.rule("dur", "num", "p:'")
def _minutes_mark(ctx: Ctx, n: Num, _m: str) -> Duration:
    """ "15'" is fifteen minutes."""
    return Duration(n[0], "minute")


@G.rule("dur", "num", 'p:"')
def _seconds_mark(ctx: Ctx, n: Num, _m: str) -> Duration:
    return Duration(n[0], "second")


@G.rule("dur", "w:sec")
def _a_sec(ctx: Ctx, _s: str) -> Duration:
    return Duration(1, "second")


@G.rule("dur", "w:about", "dur")
def _about(ctx: Ctx, _a: str, d: Duration) -> Duration:
    return d


@G.rule("dur", "about", "dur")
def _around(ctx: Ctx, _a: str, d: Duration) -> Duration:
    return d


def _shifted(ctx: Ctx, d: Duration, sign: int) -> Form:
    """Now moved by a duration, rounded one grain finer than its unit (as people mean it)."""
    grain = next_grain(d.unit)
    start = truncate(add_grain(ctx.ref, d.unit, sign * d.amount), grain)
    return concrete(start, grain)


@G.rule("time", "w:in", "dur")
def _in(ctx: Ctx, _i: str, d: Duration) -> Form:
    return _shifted(ctx, d, 1)


@G.rule("time", "w:in", "dur", "time")
def _in_days_at(ctx: Ctx, _i: str, d: Duration, clock: Form) -> Form | None:
    """ "in 3 days at 9am": the day that many days on, at that time of day (not at this hour)."""
    if d.unit != "day" or clock.hour is None or clock.has_date or clock.latent:
        return None
    day = add_grain(ctx.ref, "day", d.amount)
    return intersect(Form(year=day.year, month=day.month, day=day.day), clock)


@G.rule("time", "time", "w:in", "dur", cost=2)
def _named_in(ctx: Ctx, t: Form, _i: str, d: Duration) -> Form | None:
    """ "thanksgiving in a year", "March in 2 years": the first one after that long."""
    if not recurring_name(t):
        return None
    after = add_grain(truncate(ctx.ref, "day"), d.unit, d.amount)
    got = resolve_form(t, ctx.ref, not_before=after)
    return Form(span=got.span) if got else None


@G.rule("time", "w:in", "num")
def _in_minutes(ctx: Ctx, _i: str, n: Num) -> Form | None:
    """ "in 15": a bare count after "in" is minutes."""
    return _shifted(ctx, Duration(n[0], "minute"), 1) if 1 <= n[0] <= 59 else None


@G.rule("time", "dur", "ago")
def _ago(ctx: Ctx, d: Duration, _a: str) -> Form:
    return _shifted(ctx, d, -1)


@G.rule("time", "dur", "hence")
def _hence(ctx: Ctx, d: Duration, _h: str) -> Form:
    return _shifted(ctx, d, 1)


@G.rule("time", "dur", "w:from", "w:now")
def _from_now(ctx: Ctx, d: Duration, *_: str) -> Form:
    return _shifted(ctx, d, 1)


def _moved(t: Form, ctx: Ctx, d: Duration, sign: int) -> Form | None:
    """`t` moved by a duration. A time that recurs ("christmas") is read as a series:
    the first of its shifted occurrences still to come ("a year after christmas" said in
    February 2013 is 2013-12-25, a year after Christmas 2012)."""
    ref = ctx.ref if t.span is not None else add_grain(ctx.ref, d.unit, -sign * d.amount)
    got = resolve_form(t, ref)
    if got is None:
        return None
    start = add_grain(got.span.start, d.unit, sign * d.amount)
    return concrete(start, got.span.grain)


@G.rule("time", "dur", "w:from", "time", cost=2)
def _from_time(ctx: Ctx, d: Duration, _f: str, t: Form) -> Form | None:
    """ "3 years from today", "a year from christmas"."""
    return None if t.latent else _moved(t, ctx, d, 1)


@G.rule("time", "dur", "w:after", "time", cost=2)
def _after_time(ctx: Ctx, d: Duration, _f: str, t: Form) -> Form | None:
    return None if t.latent else _moved(t, ctx, d, 1)


@G.rule("time", "dur", "w:before", "time", cost=2)
def _before_time(ctx: Ctx, d: Duration, _f: str, t: Form) -> Form | None:
    return None if t.latent else _moved(t, ctx, d, -1)


# --- counted weekdays: "3 fridays from now", "2 thursdays ago" -----------------------


def _nth_weekday(ctx: Ctx, n: Num, day: int, sign: int) -> Form | None:
    if not 1 <= n[0] <= 520:
        return None
    got = resolve_form(Form(weekday=day, not_immediate=True, past=sign < 0), ctx.ref)
    if got is None:
        return None
    return concrete(got.span.start + timedelta(days=7 * sign * (n[0] - 1)), "day")


@G.rule("time", "int", "dow", "w:from", "w:now")
def _dows_from_now(ctx: Ctx, n: Num, day: int, *_: str) -> Form | None:
    return _nth_weekday(ctx, n, day, 1)


@G.rule("time", "int", "dow", "ago")
def _dows_ago(ctx: Ctx, n: Num, day: int, _a: str) -> Form | None:
    return _nth_weekday(ctx, n, day, -1)


# --- counted units: "upcoming 2 weeks", "next 3 days", "last 2 seconds" --------------


def _unit_ahead(ctx: Ctx, n: int, unit: Grain) -> Form:
    start = add_grain(truncate(ctx.ref, unit), unit, n)
    return concrete(start, unit)


@G.rule("time", "w:upcoming", "int", "unit")
def _upcoming(ctx: Ctx, _u: str, n: Num, unit: Grain) -> Form:
    return _unit_ahead(ctx, n[0], unit)


@G.rule("time", "int", "w:upcoming", "unit")
def _n_upcoming(ctx: Ctx, n: Num, _u: str, unit: Grain) -> Form:
    return _unit_ahead(ctx, n[0], unit)


@G.rule("fewcount", "a", "w:few")
def _a_few(ctx: Ctx, *_: object) -> int:
    return 3


@G.rule("fewcount", "w:few")
def _few_count(ctx: Ctx, _f: str) -> int:
    return 3


@G.rule("fewcount", "a", "w:couple", "w:of")
def _couple_count(ctx: Ctx, *_: object) -> int:
    return 2


@G.rule("fewcount", "a", "w:couple")
def _couple_bare(ctx: Ctx, *_: object) -> int:
    return 2


@G.rule("range", "next", "count", "unit")
def _next_n(ctx: Ctx, word: str, n: int, unit: Grain) -> Range | None:
    if word == "upcoming":
        return None
    start = add_grain(truncate(ctx.ref, unit), unit, 1)
    return _units_range(start, n, unit)


@G.rule("range", "last", "count", "unit")
def _last_n(ctx: Ctx, _l: str, n: int, unit: Grain) -> Range:
    end = truncate(ctx.ref, unit)
    return _units_range(add_grain(end, unit, -n), n, unit)


def _units_range(start: object, n: int, unit: Grain) -> Range:
    from datetime import datetime

    assert isinstance(start, datetime)
    end = add_grain(start, unit, n)
    lo = Form(span=Span(start, add_grain(start, unit), unit))
    hi = Form(span=Span(end, end, unit))
    return Range(lo, hi, hi_exclusive=True)


@G.rule("range", "w:within", "dur")
def _within(ctx: Ctx, _w: str, d: Duration) -> Range:
    end = _shifted(ctx, d, 1)
    now = concrete(truncate(ctx.ref, "second"), "second")
    assert end.span is not None
    return Range(now, Form(span=Span(end.span.start, end.span.start, "second")), True)


@G.rule("open", "w:after", "dur")
def _after_dur(ctx: Ctx, _a: str, d: Duration) -> Open:
    return Open(_shifted(ctx, d, 1), after=True)


# --- a time and a length: "4pm for 30 mins", "for 10 days from 18th Dec" --------------


def _lasting(ctx: Ctx, t: Form, d: Duration) -> Range | None:
    if t.latent:
        return None
    got = resolve_form(t, ctx.ref)
    if got is None:
        return None
    grain = finer(got.span.grain, d.unit)
    last = add_grain(got.span.start, d.unit, d.amount)
    lo = Form(span=Span(got.span.start, add_grain(got.span.start, grain), grain))
    return Range(lo, Form(span=Span(last, add_grain(last, grain), grain)))


@G.rule("range", "time", "w:for", "dur", cost=2)
def _time_for(ctx: Ctx, t: Form, _f: str, d: Duration) -> Range | None:
    return _lasting(ctx, t, d)


@G.rule("range", "w:from", "time", "w:for", "dur", cost=2)
def _from_time_for(ctx: Ctx, _fr: str, t: Form, _f: str, d: Duration) -> Range | None:
    return _lasting(ctx, t, d)


@G.rule("range", "w:for", "dur", "w:from", "time", cost=2)
def _for_from(ctx: Ctx, _f: str, d: Duration, _fr: str, t: Form) -> Range | None:
    return _lasting(ctx, t, d)


@G.rule("range", "w:for", "dur", "w:starting", "w:from", "time", cost=2)
def _for_starting(ctx: Ctx, _f: str, d: Duration, _s: str, _fr: str, t: Form) -> Range | None:
    return _lasting(ctx, t, d)


@G.rule("range", "w:for", "dur", "w:starting", "time", cost=2)
def _for_starting_at(ctx: Ctx, _f: str, d: Duration, _s: str, t: Form) -> Range | None:
    return _lasting(ctx, t.evolve(latent=False), d)
