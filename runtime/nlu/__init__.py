"""Language understanding: time expressions now; names load on first use to keep import cheap."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .time import Grain, TimeMatch, TimeValue, find_times, parse_time

__all__ = ["Grain", "TimeMatch", "TimeValue", "find_times", "parse_time"]


def __getattr__(name: str) -> Any:
    """Import the time package on first access of one of its names."""
    if name in __all__:
        from . import time

        return getattr(time, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
