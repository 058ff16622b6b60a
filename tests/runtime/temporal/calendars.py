"""A local calendar that stalls once after inserting: the window in which a test kills its worker.

The first insert writes the event, then records the worker's pid in the
`stall_marker` file and sleeps, as a worker whose process dies after the side
effect but before reporting it. Every later insert (the marker exists) runs
straight through, so the retry on another worker completes.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from integrations.adapter import CallContext
from integrations.calendar.local import LocalCalendarAdapter, LocalCalendarConfig
from integrations.calendar.models import CalendarEvent, EventDraft

__all__ = ["ADAPTER", "StallingCalendarAdapter", "StallingCalendarConfig"]

ADAPTER = "stalling_calendar"


class StallingCalendarConfig(LocalCalendarConfig):
    """The local calendar's settings and the marker file of the first insert."""

    stall_marker: Path


class StallingCalendarAdapter(LocalCalendarAdapter):
    """Inserts, then (the first time only) leaves its pid in the marker and sleeps a minute."""

    config_model = StallingCalendarConfig  # type: ignore[assignment]

    async def insert_event(self, params: EventDraft, ctx: CallContext) -> CalendarEvent:
        """Insert as the local calendar does; stall after the first insert ever."""
        event = await super().insert_event(params, ctx)
        marker = self.config.stall_marker  # type: ignore[attr-defined]
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return event
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        await asyncio.sleep(60)
        return event
