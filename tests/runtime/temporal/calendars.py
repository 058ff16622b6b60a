"""Local calendars that misbehave once, for the Temporal tests.

`StallingCalendarAdapter`: the first insert writes the event, then records the
worker's pid in the `stall_marker` file and sleeps, as a worker whose process
dies after the side effect but before reporting it (the window in which a
test kills it). Every later insert (the marker exists) runs straight through.

`RateLimitedOnceCalendarAdapter`: the first insert is refused as rate limited
with a retry-after of `retry_after` seconds; later ones succeed.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from automate.integrations.adapter import CallContext
from automate.integrations.calendar.local import LocalCalendarAdapter, LocalCalendarConfig
from automate.integrations.calendar.models import CalendarEvent, EventDraft
from automate.integrations.errors import RateLimited

__all__ = [
    "RATE_LIMITED",
    "STALLING",
    "RateLimitedOnceCalendarAdapter",
    "RateLimitedOnceConfig",
    "StallingCalendarAdapter",
    "StallingCalendarConfig",
    "first_time",
    "rate_limited_block",
]

STALLING = "stalling_calendar"
RATE_LIMITED = "rate_limited_once_calendar"


def first_time(marker: Path) -> bool:
    """Create `marker` holding this process's pid; False if it already existed."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    return True


def rate_limited_block(marker: Path, retry_after: float, *, attempts: int, deadline: float) -> str:
    """The `calendar` service block of a `RateLimitedOnceCalendarAdapter` (backoff: 0.05 s)."""
    return f"""\
  calendar:
    adapter: {RATE_LIMITED}
    retry: {{attempts: {attempts}, initial_backoff: 0.05, max_backoff: 0.05, multiplier: 1,
            deadline: {deadline}}}
    timeout: 10
    settings:
      path: calendar.sqlite3
      refused_marker: {marker}
      retry_after: {retry_after}
"""


class StallingCalendarConfig(LocalCalendarConfig):
    """The local calendar's settings and the marker file of the first insert."""

    stall_marker: Path


class StallingCalendarAdapter(LocalCalendarAdapter):
    """Inserts, then (the first time only) leaves its pid in the marker and sleeps a minute."""

    config_model = StallingCalendarConfig  # type: ignore[assignment]

    async def insert_event(self, params: EventDraft, ctx: CallContext) -> CalendarEvent:
        """Insert as the local calendar does; stall after the first insert ever."""
        event = await super().insert_event(params, ctx)
        if first_time(self.config.stall_marker):  # type: ignore[attr-defined]
            await asyncio.sleep(60)
        return event


class RateLimitedOnceConfig(LocalCalendarConfig):
    """The local calendar's settings, the marker of the refused insert and the retry-after it gives."""

    refused_marker: Path
    retry_after: float = 0.5


class RateLimitedOnceCalendarAdapter(LocalCalendarAdapter):
    """Refuses the first insert ever as rate limited (with a retry-after), then inserts."""

    config_model = RateLimitedOnceConfig  # type: ignore[assignment]

    async def insert_event(self, params: EventDraft, ctx: CallContext) -> CalendarEvent:
        """Rate limited the first time; the local calendar's insert after that."""
        config = self.config
        if first_time(config.refused_marker):  # type: ignore[attr-defined]
            raise RateLimited("slow down", retry_after=config.retry_after)  # type: ignore[attr-defined]
        return await super().insert_event(params, ctx)
