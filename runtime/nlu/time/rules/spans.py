"""Named stretches and parts of them: weekends, seasons, quarters, "end of the month",
"first tuesday of october", "last weekend of October", "third last week of 2018"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from ..chart import Ctx
from ..forms import Form, Span
from ..grains import add_grain, truncate
from ..grammar import GRAMMAR as G
from ..grammar import concrete, unit_span
from ..resolve import resolve_form
from ..values import Grain

__all__: list[str] = []

Num = tuple[int, int]
Season = tuple[int, int, int, int]


# --- weekends ------------------------------------------------------------------------


def _weekend_from(friday: date, tz: object) -> Form:
    start = datetime(friday.year, friday.month, friday.day, 18, tzinfo=tz)  # type: ignore[arg-type]
    return concrete(start, "hour", interval=True, end=start + timedelta(hours=54))


def _weekend(ctx: Ctx, offset: int) -> Form:
    week = truncate(ctx.ref, "week") + timedelta(days=7 * offset)
    return _weekend_from((week + timedelta(days=4)).date(), ctx.ref.tzinfo)


@G.rule("time", "this", "weekend")
def _this_weekend(ctx: Ctx, _t: str, _w: str) -> Form:
    return _weekend(ctx, 0)


@G.rule("weekend", "w:week", "p:-", "end")
def _weekend_dash_word(ctx: Ctx, *_: object) -> str:
    return "weekend"


@G.rule("weekend", "w:week", "end")
def _weekend_words(ctx: Ctx, *_: object) -> str:
    return "weekend"


@G.rule("time", "w:the", "weekend")
def _the_weekend(ctx: Ctx, _t: str, _w: str) -> Form:
    return _weekend(ctx, 0)


@G.rule("time", "this", "last", "weekend")
def _this_past_weekend(ctx: Ctx, _t: str, word: str, _w: str) -> Form | None:
    """ "this past weekend"."""
    return _weekend(ctx, -1) if word == "past" else None


@G.rule("time", "next", "weekend")
def _next_weekend(ctx: Ctx, _t: str, _w: str) -> Form:
    return _weekend(ctx, 1)


@G.rule("time", "last", "weekend")
def _last_weekend(ctx: Ctx, _t: str, _w: str) -> Form:
    return _weekend(ctx, -1)


# --- seasons -------------------------------------------------------------------------


def _season_span(year: int, season: Season, tz: object) -> Span:
    m1, d1, m2, d2 = season
    start = datetime(year, m1, d1, tzinfo=tz)  # type: ignore[arg-type]
    end = datetime(year + (1 if m2 < m1 else 0), m2, d2, tzinfo=tz)  # type: ignore[arg-type]
    return Span(start, end, "day")


def _season_at(ctx: Ctx, season: Season, offset: int) -> Form:
    ref = ctx.ref
    year = ref.year
    span = _season_span(year, season, ref.tzinfo)
    if span.start > ref:
        span = _season_span(year - 1, season, ref.tzinfo)
    if offset == 0 and span.end <= ref:
        span = _season_span(span.start.year + 1, season, ref.tzinfo)
    else:
        span = _season_span(span.start.year + offset, season, ref.tzinfo)
    return Form(span=span, interval=True)


@G.rule("time", "this", "seasonname")
def _this_season(ctx: Ctx, _t: str, season: Season) -> Form:
    return _season_at(ctx, season, 0)


@G.rule("time", "seasonname")
def _season(ctx: Ctx, season: Season) -> Form:
    """A season alone is the current one, or the next."""
    return _season_at(ctx, season, 0)


@G.rule("time", "next", "seasonname")
def _next_season_name(ctx: Ctx, _n: str, season: Season) -> Form:
    return _season_at(ctx, season, 1)


@G.rule("time", "last", "seasonname")
def _last_season_name(ctx: Ctx, _n: str, season: Season) -> Form:
    return _season_at(ctx, season, -1)


_SEASONS: tuple[Season, ...] = ((3, 20, 6, 21), (6, 21, 9, 24), (9, 24, 12, 21), (12, 21, 3, 20))


def _season_step(ctx: Ctx, offset: int) -> Form:
    """The season containing now, moved by `offset` seasons."""
    ref = ctx.ref
    ordered = sorted(
        (_season_span(y, s, ref.tzinfo) for y in range(ref.year - 2, ref.year + 2) for s in _SEASONS),
        key=lambda span: span.start,
    )
    here = max(i for i, span in enumerate(ordered) if span.start <= ref)
    return Form(span=ordered[here + offset], interval=True)


@G.rule("time", "this", "season")
def _this_season_any(ctx: Ctx, _t: str, _s: str) -> Form:
    return _season_step(ctx, 0)


@G.rule("time", "next", "season")
def _next_season(ctx: Ctx, _t: str, _s: str) -> Form:
    return _season_step(ctx, 1)


@G.rule("time", "last", "season")
def _last_season(ctx: Ctx, _t: str, _s: str) -> Form:
    return _season_step(ctx, -1)


# --- quarters ------------------------------------------------------------------------


@G.rule("time", "ord", "unit")
def _nth_quarter(ctx: Ctx, n: int, unit: Grain) -> Form | None:
    return Form(quarter=n) if unit == "quarter" and 1 <= n <= 4 else None


@G.rule("time", "num", "w:q", "num")
def _year_q(ctx: Ctx, y: Num, _q: str, n: Num) -> Form | None:
    """ "2018Q4", "18q4"."""
    year = y[0] if y[1] == 4 else (2000 + y[0] if y[1] == 2 else None)
    if year is None or not 1 <= n[0] <= 4:
        return None
    return Form(year=year, quarter=n[0])


# --- beginning, middle and end of a stretch ------------------------------------------


def _part(span: Span, which: str) -> Form | None:
    """The first, middle or last stretch of a day, week, month or year."""
    start = span.start
    if span.grain == "month":
        bounds = {"begin": (0, 10), "mid": (10, 20), "end": (20, None)}[which]
        lo = start + timedelta(days=bounds[0])
        hi = start + timedelta(days=bounds[1]) if bounds[1] is not None else span.end
        return concrete(lo, "day", interval=True, end=hi)
    if span.grain == "year":
        months = {"begin": (0, 3), "mid": (3, 8), "end": (8, 12)}[which]
        lo, hi = add_grain(start, "month", months[0]), add_grain(start, "month", months[1])
        return concrete(lo, "month", interval=True, end=hi)
    if span.grain == "day":
        hours = {"begin": (0, 12), "mid": (11, 14), "end": (18, 24)}[which]
        lo, hi = start + timedelta(hours=hours[0]), start + timedelta(hours=hours[1])
        return concrete(lo, "hour", interval=True, end=hi)
    if span.grain == "week":
        days = {"begin": (0, 3), "mid": (2, 5), "end": (4, 7)}[which]
        lo, hi = start + timedelta(days=days[0]), start + timedelta(days=days[1])
        return concrete(lo, "day", interval=True, end=hi)
    return None


def _part_of(ctx: Ctx, which: str, t: Form) -> Form | None:
    if t.has_time:
        return None
    got = resolve_form(t, ctx.ref)
    return _part(got.span, which) if got is not None else None


@G.rule("whichx", "w:the", "which")
def _the_which(ctx: Ctx, _t: str, which: str) -> str:
    return which


@G.rule("whichx", "w:at", "which")
def _at_which(ctx: Ctx, _t: str, which: str) -> str:
    return which


@G.rule("time", "which", "w:of", "time")
def _which_of(ctx: Ctx, which: str, _o: str, t: Form) -> Form | None:
    """ "end of April", "beginning of this week"."""
    return _part_of(ctx, which, t)


@G.rule("time", "which", "p:-", "time")
def _which_dash_time(ctx: Ctx, which: str, _d: str, t: Form) -> Form | None:
    """ "mid-march"."""
    return _part_of(ctx, which, t)


@G.rule("time", "which", "time")
def _which_time(ctx: Ctx, which: str, t: Form) -> Form | None:
    """ "late March", "mid 2014"."""
    return _part_of(ctx, which, t)


@G.rule("time", "which", "w:of", "unit")
def _which_of_unit(ctx: Ctx, which: str, _o: str, unit: Grain) -> Form | None:
    """ "end of month": the current one."""
    if unit not in ("day", "week", "month", "year"):
        return None
    span = unit_span(ctx, unit, 0).span
    return _part(span, which) if span is not None else None


@G.rule("time", "which", "w:of", "w:the", "unit")
def _which_of_the_unit(ctx: Ctx, which: str, _o: str, _t: str, unit: Grain) -> Form | None:
    return _which_of_unit(ctx, which, _o, unit)


@G.rule("time", "which", "w:of", "w:year")
def _which_of_year(ctx: Ctx, which: str, _o: str, _y: str) -> Form | None:
    return _which_of_unit(ctx, which, _o, "year")


_ACRONYMS = {
    "eod": ("end", "day"),
    "eom": ("end", "month"),
    "bom": ("begin", "month"),
    "eoy": ("end", "year"),
    "boy": ("begin", "year"),
    "eow": ("end", "week"),
    "bow": ("begin", "week"),
}


def _acronym(ctx: Ctx, word: str) -> Form | None:
    which, unit = _ACRONYMS[word]
    return _which_of_unit(ctx, which, "of", unit)  # type: ignore[arg-type]


for _word in _ACRONYMS:
    G.rule("time", "w:" + _word)(lambda ctx, w: _acronym(ctx, w))


# --- the nth of something inside a stretch -------------------------------------------


def _container(ctx: Ctx, t: Form) -> Span | None:
    if t.latent and t.year is None:
        return None
    got = resolve_form(t, ctx.ref)
    if got is None or got.span.grain in ("second", "minute", "hour", "day"):
        return None
    return got.span


def _days(span: Span) -> Iterator[datetime]:
    day = span.start
    while day < span.end:
        yield day
        day += timedelta(days=1)


def _pick(items: list[datetime], n: int) -> datetime | None:
    """The nth item (1-based); negative counts from the end."""
    index = n - 1 if n > 0 else n
    return items[index] if -len(items) <= index < len(items) else None


@G.rule("nthx", "w:the", "nth")
def _the_nth(ctx: Ctx, _t: str, n: int) -> int:
    return n


@G.rule("nthx", "last")
def _nth_last(ctx: Ctx, word: str) -> int | None:
    return -1 if word == "last" else None


@G.rule("nthx", "ord", "last")
def _nth_from_end(ctx: Ctx, n: int, word: str) -> int | None:
    return -n if word == "last" else None


@G.rule("time", "nth", "dow", "w:of", "time", cost=2)
def _nth_dow_of(ctx: Ctx, n: int, day: int, _o: str, t: Form) -> Form | None:
    span = _container(ctx, t)
    if span is None:
        return None
    days = [d for d in _days(span) if d.weekday() == day]
    hit = _pick(days, n)
    return concrete(hit, "day") if hit else None


@G.rule("time", "nth", "dow", "w:of", "w:the", "unit", cost=2)
def _nth_dow_of_the_unit(ctx: Ctx, n: int, day: int, _o: str, _t: str, unit: Grain) -> Form | None:
    """ "the last friday of the month": of the current one."""
    if unit not in ("month", "quarter", "year"):
        return None
    return _nth_dow_of(ctx, n, day, _o, unit_span(ctx, unit, 0))


@G.rule("time", "nth", "dow", "w:in", "time", cost=2)
def _nth_dow_in(ctx: Ctx, n: int, day: int, _o: str, t: Form) -> Form | None:
    return _nth_dow_of(ctx, n, day, _o, t)


@G.rule("time", "nth", "w:day", "w:of", "time", cost=2)
def _nth_day_of(ctx: Ctx, n: int, _d: str, _o: str, t: Form) -> Form | None:
    span = _container(ctx, t)
    if span is None:
        return None
    hit = _pick(list(_days(span)), n)
    return concrete(hit, "day") if hit else None


@G.rule("time", "nth", "w:day", "w:in", "time", cost=2)
def _nth_day_in(ctx: Ctx, n: int, _d: str, _o: str, t: Form) -> Form | None:
    return _nth_day_of(ctx, n, _d, _o, t)


def _nth_unit(ctx: Ctx, n: int, unit: str, t: Form) -> Form | None:
    span = _container(ctx, t)
    if span is None:
        return None
    if unit == "week":
        weeks = [d for d in _days(span) if d.weekday() == 0 and d + timedelta(days=7) <= span.end]
        hit = _pick(weeks, n)
        return concrete(hit, "week") if hit else None
    if unit == "weekend":
        fridays = [d for d in _days(span) if d.weekday() == 4]
        hit = _pick(fridays, n)
        return _weekend_from(hit.date(), hit.tzinfo) if hit else None
    return None


@G.rule("time", "nth", "unit", "w:of", "time", cost=2)
def _nth_unit_of(ctx: Ctx, n: int, unit: str, _o: str, t: Form) -> Form | None:
    return _nth_unit(ctx, n, unit, t)


@G.rule("time", "nth", "weekend", "w:of", "time", cost=2)
def _nth_weekend_of(ctx: Ctx, n: int, _w: str, _o: str, t: Form) -> Form | None:
    return _nth_unit(ctx, n, "weekend", t)


@G.rule("time", "nth", "weekend", "w:in", "time", cost=2)
def _nth_weekend_in(ctx: Ctx, n: int, _w: str, _o: str, t: Form) -> Form | None:
    return _nth_unit(ctx, n, "weekend", t)


@G.rule("time", "nth", "dow", "w:after", "time", cost=2)
def _nth_dow_after(ctx: Ctx, n: int, day: int, _a: str, t: Form) -> Form | None:
    """ "third tuesday after christmas 2014"."""
    if n < 1 or t.latent:
        return None
    got = resolve_form(t, ctx.ref)
    if got is None:
        return None
    first = got.span.start + timedelta(days=1)
    while first.weekday() != day:
        first += timedelta(days=1)
    return concrete(truncate(first, "day") + timedelta(days=7 * (n - 1)), "day")


@G.rule("time", "w:week", "w:of", "time", cost=2)
def _week_of(ctx: Ctx, _w: str, _o: str, t: Form) -> Form | None:
    """ "the week of october 7th": the week that day is in."""
    if t.day is None and t.holiday is None:
        return None
    got = resolve_form(t, ctx.ref)
    return concrete(truncate(got.span.start, "week"), "week") if got else None


# --- the closest one: "the closest xmas to today", "the second closest Mon to Oct 5th" --


def _occurrences(form: Form, ctx: Ctx, after: datetime, count: int, past: bool) -> list[Span]:
    """Up to `count` spans fitting `form`, going forward from `after` (or back)."""
    found: list[Span] = []
    probe = form.evolve(past=past, not_immediate=False)
    ref = after
    for _ in range(count):
        got = resolve_form(probe, ref) if past else resolve_form(probe, ctx.ref, not_before=ref)
        if got is None:
            break
        found.append(got.span)
        ref = got.span.start if past else got.span.end
    return found


@G.rule("time", "nth", "w:closest", "time", "to", "time", cost=2)
def _nth_closest(ctx: Ctx, n: int, _c: str, t: Form, _t: str, anchor: Form) -> Form | None:
    if n < 1 or n > 50 or t.span is not None or anchor.latent:
        return None
    target = resolve_form(anchor, ctx.ref)
    if target is None:
        return None
    middle = target.span.start
    spans = _occurrences(t, ctx, middle, n, past=False)
    spans += _occurrences(t, ctx, middle, n, past=True)
    spans.sort(key=lambda span: abs((span.start - middle).total_seconds()))
    if len(spans) < n:
        return None
    hit = spans[n - 1]
    return Form(span=hit)


@G.rule("time", "w:closest", "time", "to", "time", cost=2)
def _closest(ctx: Ctx, _c: str, t: Form, _t: str, anchor: Form) -> Form | None:
    return _nth_closest(ctx, 1, _c, t, _t, anchor)


@G.rule("time", "w:the", "w:closest", "time", "to", "time", cost=2)
def _the_closest(ctx: Ctx, _th: str, _c: str, t: Form, _t: str, anchor: Form) -> Form | None:
    return _nth_closest(ctx, 1, _c, t, _t, anchor)
