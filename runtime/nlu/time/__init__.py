"""Resolve English time expressions against a reference time.

`parse_time("tomorrow at 3pm", ref)` reads a whole phrase; `find_times(text, ref)` finds every
expression in a sentence and `find_lengths(text)` every length ("for 90 minutes"). Values are
instants at a grain, intervals with an exclusive end (and the end the person stated), open
intervals, or recurrences with an RFC 5545 RRULE. Naive reference times are read as UTC.
"""

from __future__ import annotations

from .api import find_lengths, find_times, parse_time
from .values import Grain, LengthMatch, TimeMatch, TimeValue

__all__ = ["Grain", "LengthMatch", "TimeMatch", "TimeValue", "find_lengths", "find_times", "parse_time"]
