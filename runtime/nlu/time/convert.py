"""Turn grammar values into public TimeValues: resolve forms, ranges, open bounds, RRULEs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from .forms import Form, Open, Range, Recur, Span
from .grains import finer, truncate
from .resolve import Resolved, form_grain, resolve_form
from .values import TimeValue

__all__ = ["aware", "to_value"]

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_CLOCK_GRAINS = frozenset({"second", "minute", "hour"})


def aware(ref: datetime) -> datetime:
    """Naive reference times are read as UTC."""
    return ref if ref.tzinfo is not None else ref.replace(tzinfo=UTC)


def _instant(span: Span, interval: bool, alternatives: tuple[TimeValue, ...] = ()) -> TimeValue:
    if interval:
        return TimeValue("interval", span.start, span.end, span.grain, None, bool(alternatives), alternatives)
    return TimeValue("instant", span.start, None, span.grain, None, bool(alternatives), alternatives)


def _form_value(form: Form, got: Resolved, ref: datetime) -> TimeValue:
    """A resolved form with its other readings ("next friday" said on a Thursday)."""
    if got.alternative is None and form.alt is None:
        return _instant(got.span, got.interval)
    alternatives: list[TimeValue] = []
    if got.alternative is not None:
        alternatives.append(_instant(got.alternative, got.interval))
    if form.alt is not None:
        other = resolve_form(form.evolve(span=form.alt, alt=None), ref)
        if other is not None and other.span != got.span:
            alternatives.append(_instant(other.span, other.interval))
    return _instant(got.span, got.interval, tuple(alternatives))


def _range_value(r: Range, ref: datetime) -> TimeValue | None:
    lo = resolve_form(r.lo, ref)
    if lo is None:
        return None
    hi = resolve_form(r.hi, ref, not_before=lo.span.start)
    if hi is None:
        return None
    end = hi.span.start if r.hi_exclusive else hi.span.end
    if end <= lo.span.start:
        return None
    # A clock time ends a range at its own moment; a date ends it at the close of its day.
    stated = hi.span.start if r.hi_exclusive or hi.span.grain in _CLOCK_GRAINS else end
    grain = finer(lo.span.grain, hi.span.grain)
    return TimeValue(
        "interval", lo.span.start, end, grain, stated_end=stated if stated > lo.span.start else end
    )


def _open_value(o: Open, ref: datetime) -> TimeValue | None:
    got: Resolved | None = resolve_form(o.bound, ref)
    if got is None:
        return None
    span = got.span
    if o.from_now:
        now = truncate(ref, "second")
        end = span.end if got.interval or span.grain in ("month", "quarter", "year") else span.start
        return TimeValue("interval", now, end, "second") if end > now else None
    if o.after:
        # After a stretch ("after lunch", "after this weekend") is after its end.
        start = span.end if got.interval else span.start
        return TimeValue("open_after", start, None, span.grain)
    return TimeValue("open_before", None, span.start, span.grain)


def _rrule(r: Recur, p: Form) -> str:
    parts = [f"FREQ={r.freq}"]
    if r.interval > 1:
        parts.append(f"INTERVAL={r.interval}")
    if p.month is not None and r.freq == "YEARLY":
        parts.append(f"BYMONTH={p.month}")
    if p.day is not None and r.freq in ("YEARLY", "MONTHLY"):
        parts.append(f"BYMONTHDAY={p.day}")
    if r.byday:
        parts.append("BYDAY=" + ",".join(_DAYS[d] for d in r.byday))
    if p.hour is not None:
        parts.append(f"BYHOUR={p.hour}")
        parts.append(f"BYMINUTE={p.minute or 0}")
    return ";".join(parts)


def _recur_value(r: Recur, ref: datetime) -> TimeValue | None:
    pattern = r.pattern.evolve(not_immediate=False)
    if pattern.h12 and pattern.hour is not None and pattern.pod is None:
        # "every monday at 9": a reminder hour without am/pm is read in the daytime.
        hour = pattern.hour if pattern.hour >= 7 else pattern.hour + 12
        pattern = pattern.evolve(h12=False, hour=hour)
    if pattern.pod is not None and pattern.hour is None:
        # "every morning": a reminder at a set hour of that part of the day.
        pattern = pattern.evolve(hour=pattern.pod[0] if pattern.pod[0] >= 6 else 9, pod=None)
    if not (pattern.has_date or pattern.has_time or r.byday):
        return TimeValue("recurrence", truncate(ref, "second"), None, "second", rrule=_rrule(r, pattern))
    # The first occurrence: the earliest over the weekdays it runs on.
    days = r.byday or (pattern.weekday,)
    firsts = [resolve_form(pattern.evolve(weekday=day), ref) for day in days]
    found = [got.span.start for got in firsts if got is not None]
    if not found:
        return None
    return TimeValue("recurrence", min(found), None, form_grain(pattern), rrule=_rrule(r, pattern))


_blank = object.__new__
# The fields _blank'ed values must get, in order (checked against the dataclass).
assert [f.name for f in fields(TimeValue)] == [
    "kind",
    "start",
    "end",
    "grain",
    "rrule",
    "ambiguous",
    "alternatives",
    "stated_end",
], "TimeValue fields changed; update to_value()"


def to_value(value: object, ref: datetime) -> TimeValue | None:
    """Resolve a grammar value against the reference time (None when it has no reading)."""
    if ref.tzinfo is None:
        ref = aware(ref)
    try:
        if type(value) is Form:
            # The commonest case, one instant or interval, resolved here without the
            # handler table (each function entered is more code to fetch on a cold call).
            if value.latent:
                return None
            got = resolve_form(value, ref)
            if got is None:
                return None
            if got.alternative is None and value.alt is None:
                span = got.span
                # Filled in as the dataclass's own __init__ does (object.__setattr__ on a
                # frozen instance), minus the Python call: this is every phrase's result.
                made = _blank(TimeValue)
                made.__dict__.update(
                    kind="interval" if got.interval else "instant",
                    start=span.start,
                    end=span.end if got.interval else None,
                    grain=span.grain,
                    rrule=None,
                    ambiguous=False,
                    alternatives=(),
                    stated_end=None,
                )
                return made
            return _form_value(value, got, ref)
        handler = _HANDLERS.get(type(value))
        return None if handler is None else handler(value, ref)
    except (OverflowError, ValueError):
        return None


_HANDLERS: dict[type, Callable[[Any, datetime], TimeValue | None]] = {
    Range: _range_value,
    Open: _open_value,
    Recur: _recur_value,
}
