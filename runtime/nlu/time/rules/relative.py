"""Times relative to now, and the ways two times combine into one.

"today", "tomorrow", "next week", "last sunday", "this evening", "wednesday of next week",
"tomorrow at 3pm", "8 in the evening".
"""

from __future__ import annotations

from datetime import timedelta

from ..chart import Ctx
from ..forms import Form, Range, Span, intersect
from ..grains import truncate
from ..grammar import GRAMMAR as G
from ..grammar import concrete, day_span, recurring_name, unit_span
from ..resolve import resolve_form
from ..values import Grain

__all__: list[str] = []

_UNITS = ("minute", "hour", "day", "week", "month", "quarter", "year")


# --- how adjacent times combine ------------------------------------------------------


def _combine(a: Form, b: Form) -> Form | None:
    if a.latent and b.latent:
        return None
    # A bare number is an hour only next to a day ("9 tomorrow"), not a month or year.
    for bare, other in ((a, b), (b, a)):
        if (
            bare.latent
            and bare.hour is not None
            and not (
                other.day is not None
                or other.weekday is not None
                or other.pod is not None
                or other.holiday is not None
                or (other.span is not None and other.span.grain == "day")
            )
        ):
            return None
    return intersect(a, b)


@G.rule("time", "clocky", "clocky", cost=2)
def _adjacent(ctx: Ctx, a: Form, b: Form) -> Form | None:
    if not (a.latent or b.latent):
        return intersect(a, b)  # what _combine comes to, without its checks
    return _combine(a, b)


@G.rule("time", "time", "w:of", "time", cost=2)
def _of(ctx: Ctx, a: Form, _o: str, b: Form) -> Form | None:
    return _combine(a, b)


@G.rule("time", "w:the", "time")
def _the(ctx: Ctx, _t: str, t: Form) -> Form | None:
    return t if t.hour is None else None


@G.rule("time", "some", "time")
def _sometime(ctx: Ctx, _s: str, t: Form) -> Form | None:
    """ "sometime next week", "anytime tomorrow"."""
    return t if (not t.latent and t.span is not None) or t.has_date else None


@G.rule("time", "about", "clocky")
def _about(ctx: Ctx, _a: str, t: Form) -> Form | None:
    """ "around next tuesday", "about 7": approximations read as the time."""
    if t.latent and t.hour is None:
        return None
    return t.evolve(latent=False)


@G.rule("time", "time", "about")
def _about_after(ctx: Ctx, t: Form, _a: str) -> Form | None:
    """ "3pm approximately"."""
    return _about(ctx, _a, t)


@G.rule("time", "clocky", "w:ish")
def _ish(ctx: Ctx, t: Form, _a: str) -> Form | None:
    """ "3ish pm": the suffix, split off by the tokenizer, changes nothing."""
    return t if t.hour is not None else None


@G.rule("time", "clocky", "w:sharp")
def _sharp(ctx: Ctx, t: Form, _a: str) -> Form | None:
    return t.evolve(latent=False) if t.hour is not None else None


@G.rule("time", "w:exactly", "clocky")
def _exactly(ctx: Ctx, _a: str, t: Form) -> Form | None:
    return t.evolve(latent=False) if t.hour is not None else None


@G.rule("time", "w:for", "clocky")
def _for_time(ctx: Ctx, _f: str, t: Form) -> Form | None:
    """ "for a quarter past 3pm", "set an alarm for 7": a clock time after "for"."""
    if t.hour is None or t.has_date or t.span is not None:
        return None
    return t.evolve(latent=False)


# --- now, today, tomorrow ------------------------------------------------------------


@G.rule("time", "w:now")
def _now(ctx: Ctx, _n: str) -> Form:
    return concrete(truncate(ctx.ref, "second"), "second")


@G.rule("time", "just", "w:now")
def _right_now(ctx: Ctx, *_: str) -> Form:
    """ "right now", "just now"."""
    return _now(ctx, "")


@G.rule("time", "w:atm")
def _atm(ctx: Ctx, _n: str) -> Form:
    return _now(ctx, "")


@G.rule("time", "w:at", "w:the", "w:moment")
def _moment(ctx: Ctx, *_: str) -> Form:
    return _now(ctx, "")


@G.rule("time", "dayrel")
def _dayrel(ctx: Ctx, offset: int) -> Form:
    return day_span(ctx, offset)


@G.rule("time", "w:day", "w:after", "time")
def _day_after(ctx: Ctx, _d: str, _a: str, t: Form) -> Form | None:
    """ "the day after tomorrow"."""
    if t.span is None or t.span.grain != "day":
        return None
    return concrete(t.span.start + timedelta(days=1), "day")


@G.rule("time", "w:day", "w:before", "time")
def _day_before(ctx: Ctx, _d: str, _b: str, t: Form) -> Form | None:
    if t.span is None or t.span.grain != "day":
        return None
    return concrete(t.span.start - timedelta(days=1), "day")


@G.rule("time", "pod")
def _pod(ctx: Ctx, pod: tuple[int, int]) -> Form:
    """ "morning" alone is latent; with a day ("monday morning") it is an interval."""
    return Form(pod=pod, interval=True, latent=True)


@G.rule("time", "tonight")
def _tonight(ctx: Ctx, pod: tuple[int, int]) -> Form:
    return Form(span=day_span(ctx, 0).span, pod=pod, interval=True)


@G.rule("time", "this", "pod")
def _this_pod(ctx: Ctx, _t: str, pod: tuple[int, int]) -> Form:
    return Form(span=day_span(ctx, 0).span, pod=pod, interval=True)


@G.rule("time", "last", "pod")
def _last_pod(ctx: Ctx, word: str, pod: tuple[int, int]) -> Form | None:
    """ "last night": yesterday's."""
    if word != "last" or pod[0] < 12:
        return None
    return Form(span=day_span(ctx, -1).span, pod=pod, interval=True)


@G.rule("time", "w:in", "w:the", "pod")
def _in_the_pod(ctx: Ctx, _i: str, _t: str, pod: tuple[int, int]) -> Form:
    return Form(pod=pod, interval=True)


@G.rule("time", "w:at", "pod")
def _at_pod(ctx: Ctx, _i: str, pod: tuple[int, int]) -> Form:
    return Form(pod=pod, interval=True)


@G.rule("time", "w:in", "w:the", "mer")
def _in_the_mer(ctx: Ctx, _i: str, _t: str, mer: str) -> Form:
    """ "from 3 to 4 in the PM"."""
    return Form(pod=(0, 12) if mer == "am" else (12, 24), interval=True)


# --- this / next / last --------------------------------------------------------------


@G.rule("time", "this", "unit")
def _this_unit(ctx: Ctx, _t: str, unit: str) -> Form | None:
    return unit_span(ctx, unit, 0) if unit in _UNITS else None  # type: ignore[arg-type]


@G.rule("time", "next", "unit")
def _next_unit(ctx: Ctx, _t: str, unit: str) -> Form | None:
    return unit_span(ctx, unit, 1) if unit in _UNITS else None  # type: ignore[arg-type]


@G.rule("time", "last", "unit")
def _last_unit(ctx: Ctx, _t: str, unit: str) -> Form | None:
    return unit_span(ctx, unit, -1) if unit in _UNITS else None  # type: ignore[arg-type]


@G.rule("time", "this", "dow")
def _this_dow(ctx: Ctx, _t: str, day: int) -> Form | None:
    """ "this monday": the coming one (today counts)."""
    got = resolve_form(Form(weekday=day), ctx.ref)
    return concrete(got.span.start, "day") if got else None


@G.rule("time", "next", "dow")
def _next_dow(ctx: Ctx, _t: str, day: int) -> Form | None:
    """ "next wednesday": that day of next week; when a nearer one is still to come this
    week (said on a Monday), that nearer day is the other reading."""
    next_week = truncate(ctx.ref, "week") + timedelta(days=7)
    primary = concrete(next_week + timedelta(days=day), "day")
    nearest = resolve_form(Form(weekday=day, not_immediate=True), ctx.ref)
    if nearest is not None and nearest.span.start < next_week:
        return primary.evolve(alt=nearest.span)
    return primary


@G.rule("time", "last", "dow")
def _last_dow(ctx: Ctx, _t: str, day: int) -> Form | None:
    got = resolve_form(Form(weekday=day, past=True), ctx.ref)
    return concrete(got.span.start, "day") if got else None


@G.rule("time", "dow", "w:after", "next")
def _dow_after_next(ctx: Ctx, day: int, _a: str, _n: str) -> Form | None:
    """ "wednesday after next": the second one from tomorrow."""
    got = resolve_form(Form(weekday=day, not_immediate=True), ctx.ref)
    if got is None:
        return None
    return concrete(got.span.start + timedelta(days=7), "day")


@G.rule("time", "next", "time")
def _next_named(ctx: Ctx, _n: str, t: Form) -> Form | None:
    """ "next March", "next boss's day": the first one after the current one."""
    if not recurring_name(t):
        return None
    got = resolve_form(t.evolve(not_immediate=True), ctx.ref)
    return Form(span=got.span) if got else None


@G.rule("time", "time", "w:after", "next")
def _named_after_next(ctx: Ctx, t: Form, _a: str, word: str) -> Form | None:
    """ "March after next": the one after the next one."""
    if word != "next" or not recurring_name(t):
        return None
    first = resolve_form(t.evolve(not_immediate=True), ctx.ref)
    if first is None:
        return None
    got = resolve_form(t, ctx.ref, not_before=first.span.end)
    return Form(span=got.span) if got else None


@G.rule("time", "last", "time")
def _last_named(ctx: Ctx, _n: str, t: Form) -> Form | None:
    """ "last easter", "last chinese new year"."""
    if not recurring_name(t):
        return None
    got = resolve_form(t.evolve(past=True), ctx.ref)
    return Form(span=got.span) if got else None


@G.rule("time", "this", "time")
def _this_named(ctx: Ctx, _n: str, t: Form) -> Form | None:
    if not recurring_name(t):
        return None
    return t.evolve(latent=False)


@G.rule("range", "w:rest", "w:of", "w:the", "unit")
def _rest_of_the(ctx: Ctx, _r: str, _o: str, _t: str, unit: Grain) -> Range | None:
    """ "the rest of the week": from now to the end of the current unit."""
    if unit not in _UNITS:
        return None
    span = unit_span(ctx, unit, 0).span
    now = truncate(ctx.ref, "second")
    if span is None or span.end <= now:
        return None
    return Range(concrete(now, "second"), Form(span=Span(span.end, span.end, "second")), True)


@G.rule("range", "w:remainder", "w:of", "w:the", "unit")
def _remainder_of_the(ctx: Ctx, _r: str, _o: str, _t: str, unit: Grain) -> Range | None:
    return _rest_of_the(ctx, _r, _o, _t, unit)


@G.rule("time", "w:from", "last", "unit")
def _from_last_unit(ctx: Ctx, _f: str, _l: str, unit: str) -> Form | None:
    """ "sunday from last week"."""
    return _last_unit(ctx, _l, unit)
