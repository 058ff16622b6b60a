"""Turn grammar values into concrete times: search the calendar for the first fitting moment."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from . import holidays as holiday_dates
from .forms import Form, Span
from .grains import add_grain, month_days, truncate
from .values import Grain

__all__ = ["Resolved", "form_grain", "resolve_form"]

# How far a search may look for a date that fits (years).
_HORIZON = 60
_MIDNIGHT = time(0)
_STEP = {
    "second": timedelta(seconds=1),
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
}


# Records are built with tuple.__new__ on the paths every phrase takes: a NamedTuple's own
# constructor is one more Python function call.
_new = tuple.__new__
# Year, quarter, month, day, weekday, hour and minute all unset.
_NO_FIELDS = (None,) * 7
_NO_DATE = (None,) * 4  # year, quarter, month, day
_NO_DATE_FIELDS = (None,) * 5  # and weekday
_NO_CLOCK = (None,) * 3  # hour, minute, second
_ONE_DAY = timedelta(days=1)


class Resolved(NamedTuple):
    """A concrete reading of a form: its span and whether it reads as an interval."""

    span: Span
    interval: bool
    alternative: Span | None = None


def form_grain(form: Form) -> Grain:
    """The finest grain a form constrains."""
    if form.second is not None:
        return "second"
    if form.minute is not None:
        return "minute"
    if form.hour is not None or form.pod is not None:
        return "hour"
    grain = _date_grain(form)
    if grain is not None:
        return grain
    return form.span.grain if form.span is not None else "day"


def _date_grain(form: Form) -> Grain | None:
    if form.day is not None or form.weekday is not None or form.holiday is not None:
        return "day"
    if form.month is not None:
        return "month"
    if form.quarter is not None:
        return "quarter"
    if form.year is not None:
        return "year"
    return None


def _units(form: Form, grain: Grain, anchor: date, past: bool) -> Iterator[date]:
    """Starts of calendar units (days, months, quarters, years) fitting the date fields,
    in time order from the unit containing `anchor` (backwards when `past`)."""
    if form.weekday is not None and _only_weekday(form):
        yield from _weekdays(form.weekday, anchor, past)
        return
    # The years to search: the one said, or from the anchor's on (or back) for a while.
    start = anchor.year
    if form.year is not None:
        years = range(form.year, form.year + 1)
    elif past:
        years = range(start, max(start - _HORIZON, 0), -1)
    else:
        years = range(start, min(start + _HORIZON, 10000))
    month = form.month
    if (
        month is not None
        and form.holiday is None
        and form.quarter is None
        and (form.day is not None or grain == "month")
    ):
        # A month, or a day of a month, without holiday or quarter: one candidate a
        # year, no scanning.
        dom = form.day or 1
        short = dom > 28  # only then can the month be too short for the day
        for year in years:
            if not short or dom <= month_days(year, month):
                found = date(year, month, dom)
                if form.weekday is None or found.weekday() == form.weekday:
                    yield found
        return
    for year in years:
        if form.holiday is not None:
            for day in sorted(holiday_dates.dates(form.holiday, year), reverse=past):
                if _fits_day(form, day):
                    yield day
            continue
        months: list[int]
        if form.month is not None:
            months = [form.month]
        elif form.quarter is not None:
            first = 3 * form.quarter - 2
            months = [first] if grain == "quarter" else [first, first + 1, first + 2]
        elif grain == "year":
            months = [1]
        elif grain == "quarter":
            months = [1, 4, 7, 10]
        else:
            months = list(range(1, 13))
        same_year = year == anchor.year
        if same_year:
            # Skip what lies wholly before (or after, going back) the anchor's unit.
            months = [
                m
                for m in months
                if (m <= anchor.month if past else m >= anchor.month)
                or (grain in ("quarter", "year") and not past)
            ]
        if past:
            months.reverse()
        for month in months:
            if grain != "day":
                yield date(year, month, 1)
                continue
            last = month_days(year, month)
            if form.day is not None:
                days: Iterable[int] = [form.day] if form.day <= last else []
            elif same_year and month == anchor.month:
                days = range(anchor.day, 0, -1) if past else range(anchor.day, last + 1)
            else:
                days = range(last, 0, -1) if past else range(1, last + 1)
            weekday = form.weekday
            for dom in days:
                day = date(year, month, dom)
                if weekday is None or day.weekday() == weekday:
                    yield day


def _next_clock(form: Form, ref: datetime) -> Resolved | None:
    """The next time this clock time comes round (this hour counts); both readings of an
    am/pm-less hour on the day found."""
    hour, minute, second = form.hour, form.minute, form.second
    if hour is None:
        return None
    grain: Grain = "second" if second is not None else "minute" if minute is not None else "hour"
    step = _STEP[grain]
    hours = (hour % 12, hour % 12 + 12) if form.h12 and hour <= 12 else (hour,)
    clocks = [time(h, minute or 0, second or 0) for h in hours]
    lo = ref.replace(minute=0, second=0, microsecond=0)
    tzinfo = ref.tzinfo
    found: list[Span] = []
    day = ref.date()
    for _ in range(2):
        for clock in clocks:
            start = datetime.combine(day, clock, tzinfo=tzinfo)
            if start >= lo:
                found.append(_new(Span, (start, start + step, grain)))
        if found:
            break
        day += _ONE_DAY
    if not found:
        return None
    # A plain clock time is never an interval; its other reading counts on the same day.
    first = found[0]
    alt = found[1] if len(found) > 1 and found[1].start.date() == first.start.date() else None
    return _new(Resolved, (first, False, alt))


def _only_weekday_fields(form: Form) -> bool:
    """A weekday and nothing else that picks the day (no anchor, zone or time of day)."""
    return (
        form[:4] == _NO_DATE
        and form[5:8] == _NO_CLOCK
        and form.span is None
        and form.pod is None
        and form.holiday is None
        and form.tz is None
    )


def _today_gone_by(form: Form, ref: datetime) -> bool:
    """Whether a weekday said with a clock time names today's weekday at a time already past
    or now ("tuesday at 10" said on a Tuesday at 10:00): whoever meant today would have said
    "today", so it is the next one. The earliest reading of an am/pm-less hour decides."""
    if form.weekday != ref.weekday() or form.hour is None or form.past or form[:4] != _NO_DATE:
        return False
    hour = form.hour % 12 if form.h12 and form.hour <= 12 else form.hour
    return time(hour, form.minute or 0, form.second or 0) <= ref.time()


def _weekday_day(weekday: int, ref: datetime, not_immediate: bool, past: bool) -> Resolved:
    """The day of a weekday: the next one from today (from tomorrow when `not_immediate`),
    or, going back, the last one before that day (what the general search finds, directly)."""
    today = ref.date()
    if not_immediate:
        today += _ONE_DAY
    if past:
        day = today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
    else:
        day = today + timedelta(days=(weekday - today.weekday()) % 7)
    start = datetime.combine(day, _MIDNIGHT, tzinfo=ref.tzinfo)
    return _new(Resolved, (_new(Span, (start, start + _ONE_DAY, "day")), False, None))


def _nearest_year(month: int, day: int, weekday: int, today: date) -> int | None:
    """The year nearest `today` in which month/day falls on the weekday."""
    best: tuple[int, int] | None = None
    for year in range(today.year - 14, today.year + 15):
        if not 1 <= year <= 9999 or day > month_days(year, month):
            continue
        candidate = date(year, month, day)
        if candidate.weekday() == weekday:
            distance = abs((candidate - today).days)
            if best is None or distance < best[0]:
                best = (distance, year)
    return best[1] if best else None


def _only_weekday(form: Form) -> bool:
    return (
        form.year is None
        and form.quarter is None
        and form.month is None
        and form.day is None
        and form.holiday is None
    )


def _weekdays(weekday: int, anchor: date, past: bool) -> Iterator[date]:
    """Every such weekday from `anchor` on (or back), a week apart."""
    if past:
        day = anchor - timedelta(days=(anchor.weekday() - weekday) % 7)
        step = timedelta(days=-7)
    else:
        day = anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
        step = timedelta(days=7)
    for _ in range(_HORIZON * 53):
        yield day
        day += step


def _fits_day(form: Form, day: date) -> bool:
    return (
        (form.month is None or day.month == form.month)
        and (form.day is None or day.day == form.day)
        and (form.weekday is None or day.weekday() == form.weekday)
    )


def _span_at(day: date, form: Form, tzinfo: object, clock: time | None) -> Span:
    if clock is not None:
        start = datetime.combine(day, clock, tzinfo=tzinfo)  # type: ignore[arg-type]
        grain = form_grain(form)
        return _new(Span, (start, start + _STEP[grain], grain))
    base = datetime.combine(day, _MIDNIGHT, tzinfo=tzinfo)  # type: ignore[arg-type]
    if form.pod is not None:
        start = base + timedelta(hours=form.pod[0])
        return Span(start, base + timedelta(hours=form.pod[1]), "hour")
    grain = "day"
    if form.day is None and form.weekday is None and form.holiday is None:
        # The date grain (see _date_grain), written out: this runs once per day tried.
        if form.month is not None:
            grain = "month"
        elif form.quarter is not None:
            grain = "quarter"
        elif form.year is not None:
            grain = "year"
    if form.holiday is not None:
        for first, end in holiday_dates.spans(form.holiday, day.year):
            if first == day:
                return _new(Span, (base, base + (end - first), "day"))
    end = base + _ONE_DAY if grain == "day" else add_grain(base, grain)
    return _new(Span, (base, end, grain))


def resolve_form(form: Form, ref: datetime, not_before: datetime | None = None) -> Resolved | None:
    """The first span fitting `form` (from `ref`, inside its anchor, after `not_before`)."""
    if form[:7] == _NO_FIELDS and form.span is not None and form.pod is None and form.holiday is None:
        # Just an anchor ("tomorrow", "next week"): the commonest form, and already a span.
        return tuple.__new__(Resolved, (form.span, form.interval, None))
    if not_before is None and form.weekday is not None and _only_weekday_fields(form):
        return _weekday_day(form.weekday, ref, form.not_immediate, form.past)
    if form.tz is not None:
        ref = ref.astimezone(form.tz)
        if not_before is not None:
            not_before = not_before.astimezone(form.tz)
    tzinfo = ref.tzinfo
    if (
        not_before is None
        and form.hour is not None
        and form[:5] == _NO_DATE_FIELDS
        and form.holiday is None
        and form.span is None
        and form.pod is None
        and not form.past
    ):
        # A time of day and nothing else (the commonest form, checked inline).
        return _next_clock(form, ref)
    if (
        form.weekday is not None
        and form.month is not None
        and form.day is not None
        and form.year is None
        and form.span is None
    ):
        # A weekday with a month and day but no year and no anchor ("Sunday, Feb 10"):
        # the weekday tells the year; take the nearest that fits.
        year = _nearest_year(form.month, form.day, form.weekday, ref.date())
        return None if year is None else resolve_form(form.evolve(year=year), ref, not_before)
    # The grain of the date fields and whether a time of day is set, written out (this
    # runs for most phrases; see _date_grain and Form.has_time).
    dgrain: Grain | None
    if form.day is not None or form.weekday is not None or form.holiday is not None:
        dgrain = "day"
    elif form.month is not None:
        dgrain = "month"
    elif form.quarter is not None:
        dgrain = "quarter"
    elif form.year is not None:
        dgrain = "year"
    else:
        dgrain = None
    timed = form.hour is not None or form.minute is not None or form.pod is not None
    anchor = form.span
    if anchor is not None and not timed and dgrain is None:
        return tuple.__new__(Resolved, (anchor, form.interval, None))
    if anchor is not None and form.tz is not None:
        anchor = _new(Span, (anchor.start.astimezone(form.tz), anchor.end.astimezone(form.tz), anchor.grain))

    # Where the search starts and what a candidate must not precede.
    if anchor is not None:
        lo, hi = anchor.start, anchor.end
        first_day = lo.date() if dgrain != "year" else date(lo.year, 1, 1)
    else:
        hi = None
        if timed:
            lo = ref.replace(minute=0, second=0, microsecond=0)
            first_day = ref.date()
            if _today_gone_by(form, ref):
                first_day += _ONE_DAY
                lo = datetime.combine(first_day, time(), tzinfo=ref.tzinfo)
        else:
            if dgrain is None or dgrain == "day":
                lo = ref.replace(hour=0, minute=0, second=0, microsecond=0)
            else:
                lo = truncate(ref, dgrain)
            if form.not_immediate:
                lo = add_grain(lo, dgrain or "day")
            first_day = lo.date()
        if form.past:
            hi, lo = lo, datetime.min.replace(tzinfo=tzinfo)
        elif form.year is not None:
            # A year said outright may be in the past ("10/31/1974", "end of 2012").
            lo = datetime(form.year, 1, 1, tzinfo=tzinfo)
            first_day = lo.date()
    if not_before is not None and not_before > lo:
        lo = not_before if timed else truncate(not_before, dgrain or "day")

    clocks: list[time | None] = [None]
    hour = form.hour
    if hour is not None:
        # The times of day the form allows: both readings of an am/pm-less hour,
        # earliest first.
        minute, second = form.minute or 0, form.second or 0
        if form.h12 and hour <= 12:
            clocks = [time(hour % 12, minute, second), time(hour % 12 + 12, minute, second)]
        else:
            clocks = [time(hour, minute, second)]
    if form.past:
        clocks.reverse()
    found: list[Span] = []
    if dgrain is None:
        days: Iterator[date] = _day_walk(first_day, hi, form.past)
    else:
        start_day = hi.date() if form.past and hi is not None else first_day
        days = _units(form, dgrain, start_day, form.past)
    done = False
    for checked, day in enumerate(days):
        if checked > 4000:
            break
        if form.quarter is not None and (day.month - 1) // 3 + 1 != form.quarter:
            continue
        for clock in clocks:
            span = _span_at(day, form, tzinfo, clock)
            if form.past:
                if hi is not None and span.start >= hi:
                    continue
            else:
                if hi is not None and span.start >= hi:
                    done = True
                    break
                if span.start < lo:
                    continue
            found.append(span)
            if len(found) == 2 or not (form.h12 and clock is not None):
                done = True
                break
        if done or found:
            break
    if not found:
        return None
    # The first span found: an interval for a part of day or a holiday of several days,
    # with a second reading when one falls on the same day.
    first = found[0]
    interval = (form.pod is not None and form.hour is None) or (
        form.holiday is not None and first.end - first.start > _ONE_DAY
    )
    alt = found[1] if len(found) > 1 and found[1].start.date() == first.start.date() else None
    return _new(Resolved, (first, interval, alt))


def _day_walk(first: date, hi: datetime | None, past: bool) -> Iterator[date]:
    step = timedelta(days=-1 if past else 1)
    day = first if not past or hi is None else hi.date()
    for _ in range(800):
        yield day
        day += step
