"""Times of day: "3pm", "15h00", "3:15:20", "noon", "a quarter past 3", "half three"."""

from __future__ import annotations

from ..chart import Ctx
from ..forms import Form, apply_meridiem
from ..grammar import GRAMMAR as G
from ..grammar import clock

__all__: list[str] = []

Num = tuple[int, int]


def _hour(n: Num) -> int | None:
    return n[0] if n[1] <= 2 and 0 <= n[0] <= 24 else None


def _hour_minutes(h: Num, m: Num) -> Form | None:
    """A clock time from an hour and two-digit minutes ("9:30", "9h30", "9.30")."""
    hour = _hour(h)
    if hour is None or m[1] != 2:
        return None
    return clock(hour, m[0])


@G.rule("hourn", "int")
def _bare_hour(ctx: Ctx, n: Num) -> Form | None:
    """A bare number is an hour only in context (latent)."""
    hour = _hour(n)
    return clock(hour, latent=True) if hour is not None else None


@G.rule("packed", "num")
def _packed_clock(ctx: Ctx, n: Num) -> Form | None:
    """ "1030", "730": hour and minute run together; a time only with am/pm or "at"."""
    if n[1] not in (3, 4):
        return None
    return clock(n[0] // 100, n[0] % 100, latent=True)


@G.rule("time", "num", "p::", "num")
def _hm(ctx: Ctx, h: Num, _c: str, m: Num) -> Form | None:
    return _hour_minutes(h, m)


@G.rule("time", "time", "p::", "num")
def _hms(ctx: Ctx, t: Form, _c: str, s: Num) -> Form | None:
    if t.minute is None or t.second is not None or t.latent or t.has_date or s[1] != 2:
        return None
    return t.evolve(second=s[0]) if s[0] <= 59 else None


@G.rule("time", "num", "w:h", "num")
def _h_notation(ctx: Ctx, h: Num, _h: str, m: Num) -> Form | None:
    return _hour_minutes(h, m)


@G.rule("time", "num", "w:h")
def _h_suffix(ctx: Ctx, h: Num, _h: str) -> Form | None:
    """ "15h": an hour in 24-hour notation, read to the minute."""
    hour = _hour(h)
    if hour is None:
        return None
    form = clock(hour, 0)
    return form.evolve(h12=False) if form is not None and hour > 12 else form


@G.rule("time", "int", "int")
def _spoken_hm(ctx: Ctx, h: Num, m: Num) -> Form | None:
    """ "seven thirty", "3 15": hour then minutes, latent until am/pm or "at"."""
    hour = _hour(h)
    if hour is None or hour > 12 or not 10 <= m[0] <= 59 or (m[1] not in (0, 2)):
        return None
    return clock(hour, m[0], latent=True)


@G.rule("time", "packed", "mer")
def _packed_meridiem(ctx: Ctx, t: Form, mer: str) -> Form | None:
    return apply_meridiem(t, mer)


@G.rule("time", "w:at", "packed")
def _at_packed(ctx: Ctx, _a: str, t: Form) -> Form:
    return t.evolve(latent=False)


@G.rule("time", "about", "packed")
def _about_packed(ctx: Ctx, _a: str, t: Form) -> Form:
    return t.evolve(latent=False)


@G.rule("dotclock", "num", "p:.", "num")
def _dot_clock(ctx: Ctx, h: Num, _d: str, m: Num) -> Form | None:
    """ "7.30pm": hour and minutes with a dot, a time only with am/pm."""
    return _hour_minutes(h, m)


@G.rule("time", "dotclock", "mer")
def _dot_clock_meridiem(ctx: Ctx, t: Form, mer: str) -> Form | None:
    return apply_meridiem(t, mer)


@G.rule("time", "clocky", "mer")
def _meridiem(ctx: Ctx, t: Form, mer: str) -> Form | None:
    if t.has_date or t.span is not None or t.pod is not None:
        return None
    return apply_meridiem(t, mer)


@G.rule("time", "time", "mer_short")
def _meridiem_letter(ctx: Ctx, t: Form, mer: str) -> Form | None:
    """ "3:15p": a single letter only after minutes, so "4a" stays a non-time."""
    if t.minute is None or t.has_date or t.latent:
        return None
    return apply_meridiem(t, mer)


@G.rule("time", "int", "oclock")
def _oclock(ctx: Ctx, n: Num, _o: None) -> Form | None:
    hour = _hour(n)
    return clock(hour) if hour is not None and hour <= 12 else None


@G.rule("time", "noon")
def _noon(ctx: Ctx, hour: int) -> Form:
    return Form(hour=hour)


@G.rule("time", "midnight")
def _midnight(ctx: Ctx, hour: int) -> Form:
    return Form(hour=hour)


@G.rule("time", "w:at", "clocky")
def _at(ctx: Ctx, _a: str, t: Form) -> Form | None:
    """ "at 7": the preposition makes a bare hour a time."""
    if t.hour is None and t.span is None:
        return None
    return t.evolve(latent=False)


@G.rule("minsw", "int", "unit")
def _mins_unit(ctx: Ctx, n: Num, unit: str) -> int | None:
    return n[0] if unit == "minute" and 1 <= n[0] <= 59 else None


@G.rule("minsw", "a", "w:quarter")
def _a_quarter(ctx: Ctx, _a: int, _q: str) -> int:
    return 15


def _on_the_hour(t: Form) -> bool:
    return t.hour is not None and not t.minute and t.second is None and not t.has_date


@G.rule("time", "mins", "w:past", "clocky")
def _past(ctx: Ctx, m: int, _p: str, t: Form) -> Form | None:
    if not _on_the_hour(t):
        return None
    return t.evolve(minute=m, latent=False)


@G.rule("time", "mins", "w:after", "clocky")
def _after(ctx: Ctx, m: int, _p: str, t: Form) -> Form | None:
    return _past(ctx, m, _p, t)


@G.rule("time", "mins", "to", "clocky", cost=3)
def _to(ctx: Ctx, m: int, _p: str, t: Form) -> Form | None:
    if not _on_the_hour(t) or t.hour is None:
        return None
    hour = (t.hour - 1) % 24
    if t.h12 and hour == 0:
        hour = 12
    return t.evolve(hour=hour, minute=60 - m, latent=False)


@G.rule("time", "mins", "w:of", "clocky")
def _of(ctx: Ctx, m: int, _p: str, t: Form) -> Form | None:
    return _to(ctx, m, _p, t)


@G.rule("time", "w:half", "clocky")
def _half_hour(ctx: Ctx, _h: str, t: Form) -> Form | None:
    """British "half three" is 3:30."""
    if not _on_the_hour(t) or not t.latent:
        return None
    return t.evolve(minute=30, latent=False)
