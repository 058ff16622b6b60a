"""The embedded SQLite calendar: the shared contract plus what is on disk."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automate.integrations.adapter import AdapterEnv, CallContext
from automate.integrations.calendar.local import LocalCalendarAdapter
from automate.integrations.calendar.models import Attendee, EventDraft, EventPatch, EventRef, TimeRange
from automate.integrations.errors import InvalidRequest
from automate.integrations.ids import event_uid
from tests.integrations.contracts import LISBON, CalendarContract, at


def make_adapter(data_dir: Path, path: str = "calendar.sqlite3") -> LocalCalendarAdapter:
    """A local calendar adapter storing under `data_dir`."""
    config = LocalCalendarAdapter.config_model(path=path)
    return LocalCalendarAdapter(config, AdapterEnv(service="calendar", data_dir=data_dir))


@pytest.fixture
async def adapter(tmp_path: Path) -> AsyncIterator[LocalCalendarAdapter]:
    """A local calendar on an empty file, closed after the test."""
    calendar = make_adapter(tmp_path)
    yield calendar
    await calendar.aclose()


class TestLocalCalendarContract(CalendarContract):
    """The local calendar passes the calendar contract."""


class TestLocalCalendarAdapter:
    """What the local calendar writes to disk and how it treats ids and zones."""

    async def test_file_is_real_sqlite_in_wal_mode_with_utc_rows(
        self, adapter: LocalCalendarAdapter, tmp_path: Path
    ) -> None:
        """The event is a row in a WAL-mode SQLite file, times in UTC beside the IANA zone."""
        draft = EventDraft(
            title="Call",
            start=at(15, zone=LISBON),
            end=at(16, zone=LISBON),
            timezone="Europe/Lisbon",
            attendees=[Attendee(name="Ana", email="ana@example.org")],
        )
        created = await adapter.insert_event(draft, CallContext("run-1/step-1"))
        conn = sqlite3.connect(tmp_path / "calendar.sqlite3")
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            row = conn.execute(
                "SELECT uid, title, start_utc, end_utc, timezone, attendees FROM events"
            ).fetchall()
            indexes = {r[1] for r in conn.execute("PRAGMA index_list(events)")}
        finally:
            conn.close()
        # March 10th 2031 is winter time in Lisbon: UTC+0.
        assert mode == "wal"
        assert row == [
            (
                created.uid,
                "Call",
                "2031-03-10T15:00:00.000000Z",
                "2031-03-10T16:00:00.000000Z",
                "Europe/Lisbon",
                json.dumps([{"name": "Ana", "email": "ana@example.org"}]),
            )
        ]
        assert {"events_by_start", "events_by_end"} <= indexes

    async def test_summer_time_event_keeps_its_wall_clock(self, adapter: LocalCalendarAdapter) -> None:
        """A 15:00 Lisbon summer event is stored as 14:00 UTC and read back at 15:00 Lisbon."""
        start = at(15, zone=LISBON).replace(month=7)
        draft = EventDraft(title="Summer", start=start, end=start.replace(hour=16), timezone="Europe/Lisbon")
        created = await adapter.insert_event(draft, CallContext("k"))
        fetched = await adapter.get_event(EventRef(uid=created.uid), CallContext())
        assert fetched.start.isoformat() == "2031-07-10T15:00:00+01:00"
        assert str(fetched.start.tzinfo) == "Europe/Lisbon"

    async def test_uid_comes_from_the_idempotency_key(self, adapter: LocalCalendarAdapter) -> None:
        """Without an explicit UID the event's UID is `event_uid(key)`; an explicit one wins."""
        draft = EventDraft(title="A", start=at(9), end=at(10))
        keyed = await adapter.insert_event(draft, CallContext("run-7/step-2"))
        explicit = await adapter.insert_event(
            draft.model_copy(update={"uid": "chosen-uid"}), CallContext("run-7/step-3")
        )
        assert keyed.uid == event_uid("run-7/step-2")
        assert explicit.uid == "chosen-uid"

    async def test_concurrent_retries_write_one_row(
        self, adapter: LocalCalendarAdapter, tmp_path: Path
    ) -> None:
        """Many simultaneous inserts under one key leave exactly one row."""
        draft = EventDraft(title="Race", start=at(9), end=at(10))
        results = await asyncio.gather(
            *(adapter.insert_event(draft, CallContext("same", attempt=n)) for n in range(8))
        )
        conn = sqlite3.connect(tmp_path / "calendar.sqlite3")
        try:
            count = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        finally:
            conn.close()
        assert {r.uid for r in results} == {event_uid("same")}
        assert count == 1

    async def test_moving_start_alone_keeps_duration(self, adapter: LocalCalendarAdapter) -> None:
        """A patch with only a new start moves the event and keeps its length."""
        created = await adapter.insert_event(
            EventDraft(title="A", start=at(9), end=at(9, 45)), CallContext("k")
        )
        moved = await adapter.update_event(EventPatch(uid=created.uid, start=at(14)), CallContext())
        assert (moved.start, moved.end) == (at(14), at(14, 45))

    async def test_patch_ending_before_start_is_rejected(self, adapter: LocalCalendarAdapter) -> None:
        """An update that would end the event before it starts raises InvalidRequest."""
        created = await adapter.insert_event(EventDraft(title="A", start=at(9), end=at(10)), CallContext("k"))
        with pytest.raises(InvalidRequest):
            await adapter.update_event(EventPatch(uid=created.uid, end=at(8)), CallContext())
        unchanged = await adapter.get_event(EventRef(uid=created.uid), CallContext())
        assert unchanged.end == at(10)

    async def test_unknown_time_zone_is_rejected(self, adapter: LocalCalendarAdapter) -> None:
        """An event in a zone that does not exist raises InvalidRequest and is not stored."""
        draft = EventDraft(title="A", start=at(9), end=at(10), timezone="Mars/Olympus")
        with pytest.raises(InvalidRequest):
            await adapter.insert_event(draft, CallContext("k"))
        listed = await adapter.list_events(TimeRange(start=at(0), end=at(23)), CallContext())
        assert listed.events == []

    async def test_data_survives_reopening(self, tmp_path: Path) -> None:
        """A second adapter on the same file sees the first one's events."""
        first = make_adapter(tmp_path, "nested/dir/cal.db")
        kept = EventDraft(title="Kept", start=at(9), end=at(10))
        created = await first.insert_event(kept, CallContext("k"))
        await first.aclose()
        second = make_adapter(tmp_path, "nested/dir/cal.db")
        try:
            fetched = await second.get_event(EventRef(uid=created.uid), CallContext())
        finally:
            await second.aclose()
        assert fetched.title == "Kept"

    async def test_check_reports_the_path(self, adapter: LocalCalendarAdapter, tmp_path: Path) -> None:
        """check() opens the file and names it."""
        result = await adapter.check()
        assert result.ok is True
        assert str(tmp_path / "calendar.sqlite3") in result.detail
        assert result.adapter == "local_calendar"

    async def test_check_fails_on_a_corrupt_file(self, tmp_path: Path) -> None:
        """check() reports a file that is not a database instead of raising."""
        (tmp_path / "calendar.sqlite3").write_bytes(b"this is not sqlite" * 100)
        calendar = make_adapter(tmp_path)
        try:
            result = await calendar.check()
        finally:
            await calendar.aclose()
        assert result.ok is False
        assert "calendar.sqlite3" in result.detail


ZONES = ["UTC", "Europe/Lisbon", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]


class TestLocalCalendarRangeQuery:
    """The SQL overlap query over UTC text agrees with comparing instants."""

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        spans=st.lists(
            st.tuples(
                st.integers(0, 48 * 60),
                st.integers(1, 6 * 60),
                st.integers(0, 999_999),
                st.sampled_from(ZONES),
            ),
            min_size=1,
            max_size=8,
        ),
        window=st.tuples(st.integers(0, 48 * 60), st.integers(1, 12 * 60)),
    )
    async def test_list_matches_brute_force_overlap(
        self,
        tmp_path_factory: pytest.TempPathFactory,
        spans: list[tuple[int, int, int, str]],
        window: tuple[int, int],
    ) -> None:
        """Events in assorted zones (with microseconds) are listed exactly when they overlap the range."""
        calendar = make_adapter(tmp_path_factory.mktemp("cal"))
        base = at(0)
        try:
            expected = []
            for n, (offset, length, micros, zone) in enumerate(spans):
                start = (base + timedelta(minutes=offset, microseconds=micros)).astimezone(ZoneInfo(zone))
                end = start + timedelta(minutes=length)
                draft = EventDraft(title=f"e{n}", start=start, end=end, timezone=zone)
                await calendar.insert_event(draft, CallContext(f"k{n}"))
                expected.append((start, end, f"e{n}"))
            lo = base + timedelta(minutes=window[0])
            hi = lo + timedelta(minutes=window[1])
            listed = await calendar.list_events(TimeRange(start=lo, end=hi), CallContext())
        finally:
            await calendar.aclose()
        hits = sorted((s, e, t) for s, e, t in expected if s < hi and e > lo)
        assert sorted((e.start, e.end, e.title) for e in listed.events) == hits
        assert [e.start for e in listed.events] == sorted(e.start for e in listed.events)
