"""A stand-in for `runtime.nlu.time` until that package lands (days and clock times only)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from runtime.nlu.time.values import TimeMatch, TimeValue

__all__ = ["find_times"]

_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_PATTERN = re.compile(
    r"\b(?P<day>today|tomorrow|(?:next\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
    r"|\b(?:at\s+)?(?P<h>\d{1,2})(?::(?P<m>\d\d))?\s*(?P<mer>am|pm)\b",
    re.IGNORECASE,
)


def find_times(text: str, ref: datetime) -> list[TimeMatch]:
    """Days and am/pm clock times in `text`."""
    found = []
    for match in _PATTERN.finditer(text):
        if match.group("day"):
            word = match.group("day").lower().split()[-1]
            base = ref.replace(hour=0, minute=0, second=0, microsecond=0)
            if word == "today":
                start = base
            elif word == "tomorrow":
                start = base + timedelta(days=1)
            else:
                ahead = (_DAYS.index(word) - ref.weekday()) % 7 or 7
                start = base + timedelta(days=ahead)
            value = TimeValue("instant", start, None, "day")
        else:
            hour = int(match.group("h")) % 12 + (12 if match.group("mer").lower() == "pm" else 0)
            start = ref.replace(hour=hour, minute=int(match.group("m") or 0), second=0, microsecond=0)
            if start <= ref:
                start += timedelta(days=1)
            value = TimeValue("instant", start, None, "minute" if match.group("m") else "hour")
        found.append(TimeMatch(match.start(), match.end(), match.group(), value))
    return found
