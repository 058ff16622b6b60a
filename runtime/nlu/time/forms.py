"""Semantic values built by the grammar: partial times, spans, durations, ranges, recurrences."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any, NamedTuple

from .values import Grain

__all__ = [
    "Duration",
    "Form",
    "Open",
    "Range",
    "Recur",
    "Span",
    "Value",
    "apply_meridiem",
    "apply_pod",
    "intersect",
]


class Span(NamedTuple):
    """A concrete interval [start, end) read at a grain."""

    start: datetime
    end: datetime
    grain: Grain


class Duration(NamedTuple):
    """An amount of a calendar unit ("2 hours", "half an hour" is 30 minutes)."""

    amount: float
    unit: Grain


class Form(NamedTuple):
    """A time as constraints on calendar fields, optionally inside a concrete anchor span.

    `h12` marks an hour said without am/pm (so hour + 12 is another reading); `pod` is a
    part-of-day window in hours; `latent` forms (a bare "7", "1974") are times only when
    something else in the phrase makes them so.
    """

    year: int | None = None
    quarter: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    h12: bool = False
    pod: tuple[int, int] | None = None
    span: Span | None = None
    alt: Span | None = None  # another reading of `span` ("next friday" said on a Thursday)
    holiday: str | None = None
    interval: bool = False
    latent: bool = False
    not_immediate: bool = False
    past: bool = False
    tz: tzinfo | None = None

    @property
    def has_date(self) -> bool:
        """Whether a calendar-date field is constrained."""
        return not (
            self.year is None
            and self.quarter is None
            and self.month is None
            and self.day is None
            and self.weekday is None
            and self.holiday is None
        )

    @property
    def has_time(self) -> bool:
        """Whether a time-of-day field (or part of day) is constrained."""
        return self.hour is not None or self.minute is not None or self.pod is not None

    def evolve(self, **changes: Any) -> Form:
        """A copy with some fields changed (a faster `_replace`)."""
        values = list(self)
        for name, value in changes.items():
            values[_POSITION[name]] = value
        return tuple.__new__(Form, values)


class Range(NamedTuple):
    """An interval between two times; `hi` is inclusive at its grain ("3 to 5pm" ends 6pm)."""

    lo: Form
    hi: Form
    hi_exclusive: bool = False


class Open(NamedTuple):
    """An open interval: after/since a time, or before/until it."""

    bound: Form
    after: bool
    from_now: bool = False  # "by 5pm": from now until the bound


class Recur(NamedTuple):
    """A recurrence: a frequency with an interval and a time pattern."""

    freq: str
    interval: int
    pattern: Form
    byday: tuple[int, ...] = ()


Value = Form | Range | Open | Recur

_POSITION = {name: i for i, name in enumerate(Form._fields)}


def apply_meridiem(form: Form, mer: str) -> Form | None:
    """Fix an hour said with am/pm; None when the hour cannot take it ("15pm")."""
    if form.hour is None or form.hour > 12 or (form.hour == 0 and mer == "pm"):
        return None
    if not form.h12 and form.hour != 12 and form.hour != 0:
        return None
    hour = form.hour % 12 + (12 if mer == "pm" else 0)
    return form.evolve(hour=hour, h12=False, latent=False)


def apply_pod(form: Form, pod: tuple[int, int]) -> Form:
    """Pick the reading of an am/pm-less hour that falls in a part of day."""
    if form.hour is None or not form.h12:
        return form.evolve(pod=None) if form.hour is not None else form
    low = form.hour % 12
    for hour in (low, low + 12):
        if pod[0] <= hour < pod[1]:
            return form.evolve(hour=hour, h12=False, pod=None)
    hour = low + 12 if pod[0] >= 12 else low
    return form.evolve(hour=hour, h12=False, pod=None)


def _span_inside(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


# intersect() builds forms by position: the calendar fields first, then these.
_AFTER_FIELDS = ("h12", "pod", "span", "alt", "holiday", "interval", "latent", "not_immediate", "past", "tz")
assert Form._fields[8:] == _AFTER_FIELDS, "Form field order changed; update intersect()"


def intersect(a: Form, b: Form) -> Form | None:
    """Both constraints at once ("tomorrow" and "at 3pm"); None when they conflict."""
    merged: list[Any] = []
    for va, vb in zip(a[:8], b[:8], strict=True):  # year ... second
        if va is None:
            merged.append(vb)
        elif vb is None or va == vb:
            merged.append(va)
        else:
            return None
    holiday = a.holiday
    if holiday is None:
        holiday = b.holiday
    elif b.holiday is not None and b.holiday != holiday:
        return None
    span: Span | None
    if a.span is not None and b.span is not None:
        if _span_inside(a.span, b.span):
            span, interval = a.span, a.interval
        elif _span_inside(b.span, a.span):
            span, interval = b.span, b.interval
        else:
            return None
    else:
        span = a.span or b.span
        interval = (a.interval or b.interval) and a.hour is None and b.hour is None
    if a.tz is not None and b.tz is not None and a.tz != b.tz:
        return None
    pod = a.pod or b.pod
    if a.pod and b.pod:
        lo, hi = max(a.pod[0], b.pod[0]), min(a.pod[1], b.pod[1])
        if lo >= hi:
            return None
        pod = (lo, hi)
    merged += (
        a.h12 or b.h12,
        pod,
        span,
        a.alt or b.alt,
        holiday,
        interval,
        a.latent and b.latent,
        a.not_immediate and b.not_immediate,
        a.past or b.past,
        a.tz or b.tz,
    )
    form: Form = tuple.__new__(Form, merged)
    if pod is not None and form.hour is not None:
        return apply_pod(form, pod)
    return form
