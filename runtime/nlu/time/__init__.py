"""Resolve English time expressions against a reference time.

`parse_time("tomorrow at 3pm", ref)` reads a whole phrase; `find_times(text, ref)` finds every
expression in a sentence. Values are instants at a grain, intervals with an exclusive end,
open intervals, or recurrences with an RFC 5545 RRULE. Naive reference times are read as UTC.
"""

from __future__ import annotations

from .api import find_times, parse_time
from .values import Grain, TimeMatch, TimeValue

__all__ = ["Grain", "TimeMatch", "TimeValue", "find_times", "parse_time"]
