"""Calendar dates: "2/15", "2015-03-03", "march 3rd 2015", "the third of march", "Fri, Jul 18"."""

from __future__ import annotations

from ..chart import Ctx
from ..forms import Form, intersect
from ..grains import month_days
from ..grammar import GRAMMAR as G

__all__: list[str] = []

Num = tuple[int, int]


def _year(n: Num) -> int | None:
    """A written year: four digits, or two (74 is 1974, 15 is 2015)."""
    if n[1] == 4 or (n[1] == 0 and 1000 <= n[0] <= 2999):
        return n[0] if 1000 <= n[0] <= 2999 else None
    if n[1] == 2:
        return n[0] + (1900 if n[0] >= 50 else 2000)
    return None


# A form's fields after `day`, all unset.
_UNSET_AFTER_DAY = Form()[4:]


def _date(year: int | None, month: int, day: int) -> Form | None:
    # Every month has 28 days: only later days need the month's length.
    if not 1 <= month <= 12 or day < 1 or (day > 28 and day > month_days(year or 2000, month)):
        return None
    # Built by position (a keyword call fills the defaults in Python; this runs for most
    # written dates).
    return tuple.__new__(Form, (year, None, month, day, *_UNSET_AFTER_DAY))


# --- day of month --------------------------------------------------------------------


@G.rule("thedom", "w:the", "ord")
def _dom_the_ord(ctx: Ctx, _t: str, n: int) -> int | None:
    return n if 1 <= n <= 31 else None


@G.rule("thedom", "w:the", "num")
def _dom_the_num(ctx: Ctx, _t: str, n: Num) -> int | None:
    return n[0] if n[1] <= 2 and 1 <= n[0] <= 31 else None


@G.rule("time", "dom")
def _dom_alone(ctx: Ctx, n: int) -> Form:
    """ "the 1st": the next such day of a month."""
    return tuple.__new__(Form, (None, None, None, n, *_UNSET_AFTER_DAY))


# --- names ---------------------------------------------------------------------------


@G.rule("time", "dow")
def _weekday(ctx: Ctx, day: int) -> Form:
    return Form(weekday=day, not_immediate=True)


@G.rule("time", "dow", "p:.")
def _weekday_abbr(ctx: Ctx, day: int, _p: str) -> Form:
    return Form(weekday=day, not_immediate=True)


@G.rule("month", "month", "p:.")
def _month_abbr(ctx: Ctx, month: int, _p: str) -> int:
    """ "sept." reads as "september"."""
    return month


@G.rule("time", "time", "w:t", "time")
def _iso_datetime(ctx: Ctx, day: Form, _t: str, clock: Form) -> Form | None:
    """ "2015-03-03T15:30:00"."""
    if day.year is None or day.day is None or clock.hour is None or clock.has_date:
        return None
    return intersect(day, clock.evolve(h12=False, latent=False))


@G.rule("time", "month")
def _month(ctx: Ctx, month: int) -> Form:
    return Form(month=month)


@G.rule("time", "month", "domn")
def _month_day(ctx: Ctx, month: int, day: int) -> Form | None:
    return _date(None, month, day)


@G.rule("time", "domn", "month")
def _day_month(ctx: Ctx, day: int, month: int) -> Form | None:
    return _date(None, month, day)


@G.rule("time", "domn", "w:of", "time")
def _day_of_time(ctx: Ctx, day: int, _o: str, t: Form) -> Form | None:
    """ "20 of this month", "20th of the previous month"."""
    if t.latent or t.day is not None or t.weekday is not None or t.has_time:
        return None
    if t.span is not None and t.span.grain != "month":
        return None
    if t.span is None and t.month is None:
        return None
    return intersect(Form(day=day), t)


@G.rule("time", "domn", "w:of", "month")
def _day_of_month(ctx: Ctx, day: int, _o: str, month: int) -> Form | None:
    return _date(None, month, day)


@G.rule("time", "month", "year")
def _month_year(ctx: Ctx, month: int, year: int) -> Form:
    return Form(year=year, month=month)


@G.rule("time", "year")
def _year_alone(ctx: Ctx, year: int) -> Form:
    """A bare year is a time only in context ("in 2014", "thanksgiving 2014")."""
    return Form(year=year, latent=True)


@G.rule("time", "year", "w:ad")
def _year_ad(ctx: Ctx, year: int, _e: str) -> Form:
    return Form(year=year)


@G.rule("time", "year", "a", "p:.", "w:d")
def _year_a_d(ctx: Ctx, year: int, *_: object) -> Form:
    return Form(year=year)


@G.rule("time", "w:in", "time")
def _in(ctx: Ctx, _i: str, t: Form) -> Form | None:
    """ "in March", "in 2014", "in the evening"."""
    if t.hour is not None or t.weekday is not None or t.day is not None:
        return None
    return t.evolve(latent=False)


@G.rule("time", "w:during", "time")
def _during(ctx: Ctx, _i: str, t: Form) -> Form | None:
    return _in(ctx, _i, t)


@G.rule("time", "w:on", "time")
def _on(ctx: Ctx, _o: str, t: Form) -> Form | None:
    """ "on 2/15", "on Saturday"."""
    return t if t.has_date or t.span is not None else None


# --- numeric dates -------------------------------------------------------------------


@G.rule("time", "num", "dsep", "num")
def _m_d(ctx: Ctx, a: Num, sep: str, b: Num) -> Form | None:
    """ "2/15" (month first), "2014-10" / "2014/10" (year and month)."""
    if a[1] == 4 and b[1] <= 2 and sep != ".":
        return Form(year=a[0], month=b[0]) if 1 <= b[0] <= 12 else None
    if b[1] == 4 and a[1] <= 2 and sep == "/":  # "2/2013"
        return Form(year=b[0], month=a[0]) if 1 <= a[0] <= 12 else None
    if a[1] > 2 or b[1] > 2 or sep == ".":
        return None
    return _date(None, a[0], b[0]) or _date(None, b[0], a[0])


@G.rule("time", "num", "dsep", "num", "dsep", "num")
def _m_d_y(ctx: Ctx, a: Num, s1: str, b: Num, s2: str, c: Num) -> Form | None:
    """ "10/31/1974", "10-31-74", "2015-3-3", "31.10.1974"."""
    if s1 != s2:
        return None
    if a[1] == 4:
        return _date(a[0], b[0], c[0]) if b[1] <= 2 and c[1] <= 2 else None
    year = _year(c)
    if year is None or a[1] > 2 or b[1] > 2:
        return None
    return _date(year, a[0], b[0]) or _date(year, b[0], a[0])


@G.rule("time", "num", "dsep", "month", "dsep", "num")
def _d_mon_y(ctx: Ctx, d: Num, s1: str, month: int, s2: str, y: Num) -> Form | None:
    """ "31/Oct/1974", "31-Oct-74"."""
    year = _year(y)
    if s1 != s2 or year is None or d[1] > 2:
        return None
    return _date(year, month, d[0])


@G.rule("time", "time", "year")
def _date_year(ctx: Ctx, t: Form, year: int) -> Form | None:
    """ "march 3 2015", "31st Oct 1974", "thanksgiving 2014"."""
    if t.year is not None or t.hour is not None or t.span is not None:
        return None
    if t.month is None and t.holiday is None and t.quarter is None:
        return None
    return t.evolve(year=year, latent=False)


@G.rule("time", "time", "p:,", "year")
def _date_comma_year(ctx: Ctx, t: Form, _c: str, year: int) -> Form | None:
    return _date_year(ctx, t, year)


@G.rule("time", "time", "p:,", "time")
def _comma(ctx: Ctx, a: Form, _c: str, b: Form) -> Form | None:
    """ "Monday, Feb 18", "Jul 18, Fri"."""
    if a.latent or b.latent:
        return None
    return intersect(a, b)
