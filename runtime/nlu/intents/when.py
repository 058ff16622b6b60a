"""When a clause says something happens: one time value, the old and new times of a move,
or the readings to ask about when it is ambiguous."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from automate.runtime.nlu.time import TimeMatch, TimeValue

__all__ = ["When", "day_window", "read_when", "value_window"]

_COARSE = frozenset({"day", "week", "month", "quarter", "year"})
_FINE = frozenset({"second", "minute", "hour"})
_TARGET_MARKERS = ("to", "for", "until", "till", "into", "onto")
# Grains of a fixed length; months, quarters and years are counted on the calendar.
_FIXED_GRAINS = frozenset({"second", "minute", "hour", "day", "week"})


@dataclass(frozen=True)
class When:
    """The time a clause names (`value`), a move's source and target, and the matched spans."""

    value: TimeValue | None
    source: TimeValue | None
    target: TimeValue | None
    spans: tuple[tuple[int, int], ...]

    @property
    def ambiguous(self) -> TimeValue | None:
        """The first value that has several readings, if any."""
        for value in (self.value, self.target, self.source):
            if value is not None and value.ambiguous and value.alternatives:
                return value
        return None


def _on_day(day: TimeValue, clock: TimeValue) -> TimeValue:
    """The clock time `clock` moved onto the date of `day` ("friday" + "at 3pm")."""
    if day.start is None or clock.start is None:
        return clock
    shift = timedelta(days=(day.start.date() - clock.start.date()).days)
    return replace(
        clock,
        start=clock.start + shift,
        end=None if clock.end is None else clock.end + shift,
        stated_end=None if clock.stated_end is None else clock.stated_end + shift,
        alternatives=tuple(_on_day(day, alt) for alt in clock.alternatives),
    )


def _combine(values: list[TimeValue]) -> TimeValue | None:
    """One value from the pieces a clause gives: a day and a clock time join into one."""
    usable = [v for v in values if v.start is not None or v.end is not None]
    if not usable:
        return None
    day = next((v for v in usable if v.grain in _COARSE and v.start is not None), None)
    clock = next((v for v in usable if v.grain in _FINE and v.start is not None), None)
    if day is not None and clock is not None and day.kind != "recurrence":
        return _on_day(day, clock)
    return usable[0]


def _is_target(text: str, match: TimeMatch) -> bool:
    before = text[: match.start].rstrip().lower()
    return before.endswith(_TARGET_MARKERS) or match.text.lower().startswith(_TARGET_MARKERS)


def read_when(text: str, ref: datetime, *, moving: bool = False) -> When:
    """Resolve the times of `text` at `ref`; with `moving`, split what moves from where to."""
    # Imported on first use: the time grammar is the costly part of importing the router.
    from automate.runtime.nlu.time import find_times

    try:
        matches = find_times(text, ref)
    except Exception as exc:  # a time-parser fault must not lose the request: read it without times
        from automate.integrations.logs import get_logger  # only on this rare path, to keep the import cheap

        get_logger("automate.router").warning("time_parse_failed", error=type(exc).__name__)
        matches = []
    spans = tuple((m.start, m.end) for m in matches)
    if not moving:
        return When(_combine([m.value for m in matches]), None, None, spans)
    targets = [m.value for m in matches if _is_target(text, m)]
    sources = [m.value for m in matches if not _is_target(text, m)]
    if not targets and sources:
        targets, sources = sources[-1:], sources[:-1]
    return When(None, _combine(sources), _combine(targets), spans)


def value_window(value: TimeValue) -> tuple[datetime, datetime] | None:
    """The [start, end) a value covers: its interval, or its grain's length from its start."""
    if value.start is None:
        return None
    if value.end is not None:
        return value.start, value.end
    if value.grain in _FIXED_GRAINS:
        return value.start, value.start + timedelta(**{f"{value.grain}s": 1})
    months = {"month": 1, "quarter": 3}.get(value.grain, 12)
    first = value.start.replace(day=1)
    year, month = divmod(first.month - 1 + months, 12)
    return value.start, first.replace(year=first.year + year, month=month + 1)


def day_window(moment: datetime, days: int = 1) -> tuple[datetime, datetime]:
    """From the midnight of `moment`'s day, `days` days long."""
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=days)
