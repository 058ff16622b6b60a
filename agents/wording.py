"""How agents say times to people: short, unambiguous, in the person's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

__all__ = ["moment", "span"]


def moment(when: datetime, tz: ZoneInfo) -> str:
    """'Wed 25 Nov 15:00' in the person's zone."""
    return when.astimezone(tz).strftime("%a %d %b %H:%M")


def span(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """'Wed 25 Nov 15:00–15:30', or both dates when the span crosses midnight."""
    start, end = start.astimezone(tz), end.astimezone(tz)
    if start.date() == end.date():
        return f"{moment(start, tz)}–{end:%H:%M}"
    return f"{moment(start, tz)} – {moment(end, tz)}"
