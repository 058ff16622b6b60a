"""The operations every calendar adapter offers."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from automate.integrations.adapter import Adapter, CallContext, ConfigT, operation
from automate.integrations.calendar.models import (
    Booking,
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
from automate.integrations.ids import event_uid

__all__ = ["CalendarAdapter", "merge_busy"]


class CalendarAdapter(Adapter[ConfigT]):
    """A calendar: events with stable UIDs, range queries and free/busy.

    `insert_event` must be safe to repeat with the same idempotency key: the
    adapter derives the event's UID from it, so a retry finds the event it
    already wrote instead of writing a second one.

    `book_event` inserts only into a free slot, so that of two bookings racing
    for one slot exactly one stays. An adapter whose store can order writers
    overrides `slot_lock`; for the others the racers settle it after the
    insert, as `book_event` describes.
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

    @operation(idempotent=False)
    async def book_event(self, params: EventDraft, ctx: CallContext) -> Booking:
        """Create an event only if no other event overlaps it; else name the events that do.

        Under `slot_lock`: look, insert if free. Then settle a race the lock
        could not prevent: re-list the slot and, if other events overlap, keep
        ours only if it is the first of them by (created, UID), else delete
        it. Each racer reads the same stored events and applies the same rule,
        so they agree on one winner without talking; an event without a
        created time counts as oldest (it was there before us). A rival whose
        insert lands after our re-list sees ours, created earlier, and yields;
        so adapters stamp `created` just before they send the insert. Both
        stay only if that rival's insert took longer to arrive than our whole
        booking, or the racers' clocks disagree by more than that.
        """
        draft = params.model_copy(update={"uid": params.uid or event_uid(ctx.idempotency_key)})
        slot = TimeRange(start=draft.start, end=draft.end)
        async with self.slot_lock():
            clashes = [e for e in (await self.list_events(slot, ctx)).events if e.uid != draft.uid]
            if clashes:
                return Booking(clashes=clashes)
            event = await self.insert_event(draft, ctx)
        listed = (await self.list_events(slot, ctx)).events
        rivals = [e for e in listed if e.uid != event.uid]
        ours = next((e for e in listed if e.uid == event.uid), event)
        if not rivals or _first_key(ours) < min(_first_key(e) for e in rivals):
            return Booking(event=event)
        await self.delete_event(EventRef(uid=event.uid), ctx)
        return Booking(clashes=rivals)

    @asynccontextmanager
    async def slot_lock(self) -> AsyncIterator[None]:
        """Held while `book_event` looks at a slot and inserts; none by default."""
        yield

    @operation(idempotent=True)
    async def free_busy(self, params: TimeRange, ctx: CallContext) -> FreeBusy:
        """Busy intervals in a range, derived from the events."""
        events = await self.list_events(params, ctx)
        return FreeBusy(start=params.start, end=params.end, busy=merge_busy(events.events, params))


def _first_key(event: CalendarEvent) -> tuple[datetime, str]:
    """Which of two events came first: the earlier created, then the smaller UID."""
    created = event.created or datetime.min
    return (created if created.tzinfo else created.replace(tzinfo=UTC), event.uid)


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
