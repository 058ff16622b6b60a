"""The operations every calendar adapter offers."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from automate.integrations.adapter import Adapter, CallContext, ConfigT, operation
from automate.integrations.calendar.models import (
    BusyInterval,
    CalendarEvent,
    DeletedEvent,
    EventDraft,
    EventList,
    EventPatch,
    EventRef,
    FreeBusy,
    TimeRange,
)

__all__ = ["CalendarAdapter", "merge_busy"]


class CalendarAdapter(Adapter[ConfigT]):
    """A calendar: events with stable UIDs, range queries and free/busy.

    `insert_event` must be safe to repeat with the same idempotency key: the
    adapter derives the event's UID from it, so a retry finds the event it
    already wrote instead of writing a second one.
    """

    @operation(idempotent=False)
    @abstractmethod
    async def insert_event(self, params: EventDraft, ctx: CallContext) -> CalendarEvent:
        """Create an event (or return the one already created under this key)."""
        ...

    @operation(idempotent=True)
    @abstractmethod
    async def list_events(self, params: TimeRange, ctx: CallContext) -> EventList:
        """Events overlapping a time range, in start order."""
        ...

    @operation(idempotent=True)
    @abstractmethod
    async def get_event(self, params: EventRef, ctx: CallContext) -> CalendarEvent:
        """One event by UID; `NotFound` if there is none."""
        ...

    @operation(idempotent=True)
    @abstractmethod
    async def update_event(self, params: EventPatch, ctx: CallContext) -> CalendarEvent:
        """Change the given fields of an event."""
        ...

    @operation(idempotent=True)
    @abstractmethod
    async def delete_event(self, params: EventRef, ctx: CallContext) -> DeletedEvent:
        """Remove an event; deleting one already gone is not an error."""
        ...

    @operation(idempotent=True)
    async def free_busy(self, params: TimeRange, ctx: CallContext) -> FreeBusy:
        """Busy intervals in a range, derived from the events."""
        events = await self.list_events(params, ctx)
        return FreeBusy(start=params.start, end=params.end, busy=merge_busy(events.events, params))


def merge_busy(events: list[Any], window: TimeRange) -> list[BusyInterval]:
    """Merge overlapping events into busy intervals clipped to the window."""
    spans = sorted((max(e.start, window.start), min(e.end, window.end)) for e in events)
    merged: list[list[Any]] = []
    for start, end in spans:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [BusyInterval(start=s, end=e) for s, e in merged]
