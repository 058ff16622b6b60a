"""Grammar rules, one module per family of forms; importing this package registers them all."""

from . import (
    clock,
    dates,
    durations,
    holidays,
    numbers,
    ranges,
    recurrence,
    relative,
    spans,
    zones,
)

__all__ = [
    "clock",
    "dates",
    "durations",
    "holidays",
    "numbers",
    "ranges",
    "recurrence",
    "relative",
    "spans",
    "zones",
]
