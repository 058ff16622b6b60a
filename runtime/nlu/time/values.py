"""Public result types of the time-expression parser."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

__all__ = ["GRAINS", "Grain", "Kind", "LengthMatch", "TimeMatch", "TimeValue"]

Grain = Literal["second", "minute", "hour", "day", "week", "month", "quarter", "year"]
Kind = Literal["instant", "interval", "open_after", "open_before", "recurrence"]

# Finest first: the index orders grains by size.
GRAINS: tuple[Grain, ...] = ("second", "minute", "hour", "day", "week", "month", "quarter", "year")


@dataclass(frozen=True)
class TimeValue:
    """A resolved time: an instant at a grain, an interval, an open bound or a recurrence.

    `end` is exclusive at the grain of the last unit named ("3 to 5pm" ends 18:00, the
    end of the hour "5pm"); `stated_end` is where the person said a range stops: a clock
    time's own moment ("to 5pm" is 17:00, "at 10 for 45 minutes" is 10:45), a date's
    whole day ("monday to friday" includes friday). It is None when no end was said.
    """

    kind: Kind
    start: datetime | None
    end: datetime | None
    grain: Grain
    rrule: str | None = None
    ambiguous: bool = False
    alternatives: tuple[TimeValue, ...] = ()
    stated_end: datetime | None = None


@dataclass(frozen=True)
class TimeMatch:
    """A time expression found in a text: its character span and its value."""

    start: int
    end: int
    text: str
    value: TimeValue


@dataclass(frozen=True)
class LengthMatch:
    """A length of time found in a text ("90 minutes", "a 2-hour review"): its span and size."""

    start: int
    end: int
    text: str
    length: timedelta
