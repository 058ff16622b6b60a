"""Calendar arithmetic on grains: truncation, stepping, week starts."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from .values import GRAINS, Grain

__all__ = ["add_grain", "add_months", "finer", "grain_rank", "month_days", "next_grain", "truncate"]

_RANK = {g: i for i, g in enumerate(GRAINS)}


def grain_rank(grain: Grain) -> int:
    """Size order of a grain (second is 0, year is 7)."""
    return _RANK[grain]


def finer(a: Grain, b: Grain) -> Grain:
    """The finer of two grains."""
    return a if _RANK[a] <= _RANK[b] else b


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_days(year: int, month: int) -> int:
    """Number of days in a month."""
    if month == 2 and calendar.isleap(year):
        return 29
    return _MONTH_DAYS[month - 1]


def add_months(moment: datetime, months: int) -> datetime:
    """Shift by whole months, clamping the day to the target month's length."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("year out of range")
    day = min(moment.day, month_days(year, month + 1))
    return moment.replace(year=year, month=month + 1, day=day)


def truncate(moment: datetime, grain: Grain) -> datetime:
    """The start of the grain-sized unit that contains `moment` (weeks start on Monday)."""
    # One function with the cases in line (it runs for most phrases; a table of small
    # functions costs a call more each time).
    if grain == "second":
        return moment.replace(microsecond=0)
    if grain == "minute":
        return moment.replace(second=0, microsecond=0)
    if grain == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    if grain == "day":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if grain == "week":
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        return day - timedelta(days=moment.weekday())
    if grain == "month":
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if grain == "quarter":
        month = (moment.month - 1) // 3 * 3 + 1
        return moment.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
    if grain == "year":
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    raise KeyError(grain)


_FIXED = {
    "second": timedelta(seconds=1),
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(days=7),
}
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def add_grain(moment: datetime, grain: Grain, count: int | float = 1) -> datetime:
    """Shift `moment` by `count` units of `grain` (fractions only for fixed-size grains)."""
    if grain in _FIXED:
        return moment + _FIXED[grain] * count
    months = _MONTHS[grain] * count
    if months != int(months):
        # Fractional months/years: convert the fraction to days of an average month.
        whole = int(months)
        return add_months(moment, whole) + timedelta(days=(months - whole) * 30.4375)
    return add_months(moment, int(months))


def next_grain(grain: Grain) -> Grain:
    """The grain one step finer, used to round relative shifts ("in 3 days" is hour-precise)."""
    return {
        "second": "second",
        "minute": "second",
        "hour": "second",
        "day": "hour",
        "week": "day",
        "month": "day",
        "quarter": "day",
        "year": "month",
    }[grain]  # type: ignore[return-value]
