"""Bookings racing for one slot end with exactly one event: on the local file and on Radicale."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

from automate.integrations.adapter import AdapterEnv, CallContext
from automate.integrations.calendar.caldav import CalDAVAdapter
from automate.integrations.calendar.local import LocalCalendarAdapter, LocalCalendarConfig
from automate.integrations.calendar.models import Booking, CalendarEvent, EventDraft, TimeRange
from tests.integrations.contracts import at, draft, fresh_ctx

SLOT = TimeRange(start=at(9), end=at(10))


def winners(bookings: Sequence[Booking]) -> list[CalendarEvent]:
    """The events the bookings report as booked."""
    return [b.event for b in bookings if b.event is not None]


class RivalFirstAdapter(CalDAVAdapter):
    """A CalDAV adapter whose insert lands only after a rival has booked the same slot to the end."""

    rival: CalDAVAdapter

    async def insert_event(self, params: EventDraft, ctx: CallContext) -> CalendarEvent:
        """Let the rival look, insert and settle first; then insert as CalDAV does."""
        await self.rival.book_event(draft("Rival", params.start, params.end), fresh_ctx())
        return await super().insert_event(params, ctx)


class TestBookEvent:
    async def test_ten_local_calendars_on_one_file_book_one_event(self, tmp_path: Path) -> None:
        """Ten adapters (ten connections) booking one slot of one file at once leave one event."""
        adapters = [
            LocalCalendarAdapter(LocalCalendarConfig(), AdapterEnv("calendar", tmp_path)) for _ in range(10)
        ]
        try:
            bookings = await asyncio.gather(
                *(
                    a.book_event(draft(f"Try {i}", SLOT.start, SLOT.end), fresh_ctx())
                    for i, a in enumerate(adapters)
                )
            )
            stored = (await adapters[0].list_events(SLOT, CallContext())).events
        finally:
            for adapter in adapters:
                await adapter.aclose()
        assert [e.uid for e in stored] == [e.uid for e in winners(bookings)]
        assert all(b.clashes == [] or [c.uid for c in b.clashes] == [stored[0].uid] for b in bookings)

    async def test_two_caldav_clients_racing_leave_one_event(
        self, make_caldav: Callable[..., CalDAVAdapter]
    ) -> None:
        """Two clients booking one Radicale slot at once, five times over, leave one event each time."""
        first = make_caldav()
        await first.check()  # makes the calendar, so that the second client finds the same one
        second = make_caldav(calendar=first.config.calendar)
        for trial in range(5):
            slot = TimeRange(start=SLOT.start + timedelta(hours=trial), end=SLOT.end + timedelta(hours=trial))
            bookings = await asyncio.gather(
                first.book_event(draft("First", slot.start, slot.end), fresh_ctx()),
                second.book_event(draft("Second", slot.start, slot.end), fresh_ctx()),
            )
            stored = (await first.list_events(slot, CallContext())).events
            assert len(stored) == 1, f"trial {trial}: {[e.title for e in stored]}"
            assert [e.uid for e in winners(bookings)] == [stored[0].uid]
            loser = next(b for b in bookings if b.event is None)
            assert [c.uid for c in loser.clashes] == [stored[0].uid]

    async def test_a_rival_that_settled_before_our_insert_keeps_the_slot(
        self, make_caldav: Callable[..., CalDAVAdapter]
    ) -> None:
        """When a rival books the slot between our look and our insert, ours removes itself."""
        rival = make_caldav()
        await rival.check()  # makes the calendar, so that ours finds the same one
        ours = RivalFirstAdapter(rival.config, rival.env)
        ours.rival = rival
        try:
            booking = await ours.book_event(draft("Ours", SLOT.start, SLOT.end), fresh_ctx())
        finally:
            await ours.aclose()
        stored = (await rival.list_events(SLOT, CallContext())).events
        assert [e.title for e in stored] == ["Rival"]
        assert booking.event is None
        assert [c.uid for c in booking.clashes] == [stored[0].uid]
