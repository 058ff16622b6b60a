"""Public result types of the time-expression parser."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

__all__ = ["GRAINS", "Grain", "Kind", "TimeMatch", "TimeValue"]

Grain = Literal["second", "minute", "hour", "day", "week", "month", "quarter", "year"]
Kind = Literal["instant", "interval", "open_after", "open_before", "recurrence"]

# Finest first: the index orders grains by size.
GRAINS: tuple[Grain, ...] = ("second", "minute", "hour", "day", "week", "month", "quarter", "year")


@dataclass(frozen=True)
class TimeValue:
    """A resolved time: an instant at a grain, an interval, an open bound or a recurrence."""

    kind: Kind
    start: datetime | None
    end: datetime | None
    grain: Grain
    rrule: str | None = None
    ambiguous: bool = False
    alternatives: tuple[TimeValue, ...] = ()


@dataclass(frozen=True)
class TimeMatch:
    """A time expression found in a text: its character span and its value."""

    start: int
    end: int
    text: str
    value: TimeValue
