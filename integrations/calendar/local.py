"""The embedded calendar: events in a SQLite file under the data directory.

Open it with ``sqlite3 ~/.local/share/automate/calendar.sqlite3``: one row per
event, start and end stored as UTC ISO text (so range queries compare
strings) beside the event's IANA time zone, attendees as JSON.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from automate.integrations.adapter import AdapterEnv, CallContext, CheckResult
from automate.integrations.calendar.base import CalendarAdapter
from automate.integrations.calendar.models import (
    Attendee,
    CalendarEvent,
    DeletedEvent,
    EventDraft,
    EventList,
    EventPatch,
    EventRef,
    TimeRange,
)
from automate.integrations.config import StrictModel
from automate.integrations.errors import InvalidRequest, NotFound
from automate.integrations.ids import event_uid
from automate.integrations.locks import file_lock
from automate.integrations.sqlite_store import SqliteStore, resolve_path

__all__ = [
    "LocalCalendarAdapter",
    "LocalCalendarConfig",
    "apply_patch",
    "event_zone",
    "in_own_zone",
    "new_event",
]

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    uid        TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    start_utc  TEXT NOT NULL,
    end_utc    TEXT NOT NULL,
    timezone   TEXT NOT NULL,
    attendees  TEXT NOT NULL DEFAULT '[]',
    location   TEXT,
    notes      TEXT,
    created    TEXT NOT NULL,
    updated    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_start ON events (start_utc, end_utc);
CREATE INDEX IF NOT EXISTS events_by_end ON events (end_utc);
"""


class LocalCalendarConfig(StrictModel):
    """Where the calendar file lives (relative paths are under the data directory)."""

    path: Path = Path("calendar.sqlite3")


def event_zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or `InvalidRequest` if there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidRequest(f"unknown time zone {name!r} (use an IANA name)") from exc


def in_own_zone(event: CalendarEvent) -> CalendarEvent:
    """The event with start and end shown in its own time zone."""
    zone = event_zone(event.timezone)
    moved = {"start": event.start.astimezone(zone), "end": event.end.astimezone(zone)}
    return event.model_copy(update=moved)


def new_event(draft: EventDraft, uid: str, now: datetime) -> CalendarEvent:
    """The event `draft` describes, under `uid`, created at `now`."""
    event_zone(draft.timezone)
    fields = draft.model_dump(exclude={"uid"})
    return in_own_zone(CalendarEvent(**fields, uid=uid, created=now, updated=now))


def apply_patch(event: CalendarEvent, patch: EventPatch, now: datetime) -> CalendarEvent:
    """`event` with the fields `patch` gives changed; a new start alone keeps the duration."""
    changes = patch.model_dump(exclude={"uid"}, exclude_none=True)
    if patch.start is not None and patch.end is None:
        changes["end"] = patch.start + (event.end - event.start)
    if patch.timezone is not None:
        event_zone(patch.timezone)
    merged = {**event.model_dump(), **changes, "updated": now}
    try:
        return in_own_zone(CalendarEvent.model_validate(merged))
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"]
        raise InvalidRequest(f"invalid change to event {event.uid}: {problem}") from exc


def _utc_text(moment: datetime) -> str:
    # Fixed-width UTC text sorts like time, so SQL compares strings.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _from_utc_text(text: str) -> datetime:
    return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=UTC)


def _row_values(event: CalendarEvent) -> dict[str, Any]:
    return {
        "uid": event.uid,
        "title": event.title,
        "start_utc": _utc_text(event.start),
        "end_utc": _utc_text(event.end),
        "timezone": event.timezone,
        "attendees": json.dumps([a.model_dump(exclude_none=True) for a in event.attendees]),
        "location": event.location,
        "notes": event.notes,
        "created": _utc_text(event.created or datetime.now(UTC)),
        "updated": _utc_text(event.updated or datetime.now(UTC)),
    }


def _event_from_row(row: sqlite3.Row) -> CalendarEvent:
    return in_own_zone(
        CalendarEvent(
            uid=row["uid"],
            title=row["title"],
            start=_from_utc_text(row["start_utc"]),
            end=_from_utc_text(row["end_utc"]),
            timezone=row["timezone"],
            attendees=[Attendee(**a) for a in json.loads(row["attendees"])],
            location=row["location"],
            notes=row["notes"],
            created=_from_utc_text(row["created"]),
            updated=_from_utc_text(row["updated"]),
        )
    )


_INSERT = (
    "INSERT INTO events (uid, title, start_utc, end_utc, timezone, attendees, location, notes,"
    " created, updated) VALUES (:uid, :title, :start_utc, :end_utc, :timezone, :attendees,"
    " :location, :notes, :created, :updated) ON CONFLICT(uid) DO NOTHING"
)
_REPLACE = (
    "UPDATE events SET title=:title, start_utc=:start_utc, end_utc=:end_utc, timezone=:timezone,"
    " attendees=:attendees, location=:location, notes=:notes, updated=:updated WHERE uid=:uid"
)


def _select(conn: sqlite3.Connection, uid: str) -> CalendarEvent | None:
    row = conn.execute("SELECT * FROM events WHERE uid = ?", (uid,)).fetchone()
    return None if row is None else _event_from_row(row)


class LocalCalendarAdapter(CalendarAdapter[LocalCalendarConfig]):
    """A calendar in a local SQLite file: works with nothing configured."""

    name = "local_calendar"
    config_model = LocalCalendarConfig

    def __init__(self, config: LocalCalendarConfig, env: AdapterEnv) -> None:
        super().__init__(config, env)
        self.path = resolve_path(config.path, env.data_dir)
        self._store = SqliteStore(self.path, SCHEMA)

    async def insert_event(self, params: EventDraft, ctx: CallContext) -> CalendarEvent:
        """Create an event (or return the one already created under this key)."""
        event = new_event(params, params.uid or event_uid(ctx.idempotency_key), datetime.now(UTC))

        def insert(conn: sqlite3.Connection) -> CalendarEvent:
            conn.execute(_INSERT, _row_values(event))
            stored = _select(conn, event.uid)
            assert stored is not None  # just inserted, or already there
            return stored

        return await self._store.run(insert)

    @asynccontextmanager
    async def slot_lock(self) -> AsyncIterator[None]:
        """One booking at a time across every process using this calendar file."""
        async with file_lock(self.path.with_name(self.path.name + ".lock")):
            yield

    async def list_events(self, params: TimeRange, ctx: CallContext) -> EventList:
        """Events overlapping a time range, in start order."""
        bounds = {"start": _utc_text(params.start), "end": _utc_text(params.end)}

        def query(conn: sqlite3.Connection) -> list[CalendarEvent]:
            rows = conn.execute(
                "SELECT * FROM events WHERE start_utc < :end AND end_utc > :start"
                " ORDER BY start_utc, end_utc, uid",
                bounds,
            )
            return [_event_from_row(row) for row in rows]

        return EventList(events=await self._store.run(query))

    async def get_event(self, params: EventRef, ctx: CallContext) -> CalendarEvent:
        """One event by UID; `NotFound` if there is none."""
        event = await self._store.run(lambda conn: _select(conn, params.uid))
        if event is None:
            raise NotFound(f"no event with UID {params.uid!r}")
        return event

    async def update_event(self, params: EventPatch, ctx: CallContext) -> CalendarEvent:
        """Change the given fields of an event."""

        def update(conn: sqlite3.Connection) -> CalendarEvent:
            current = _select(conn, params.uid)
            if current is None:
                raise NotFound(f"no event with UID {params.uid!r}")
            changed = apply_patch(current, params, datetime.now(UTC))
            conn.execute(_REPLACE, _row_values(changed))
            return changed

        return await self._store.run(update)

    async def delete_event(self, params: EventRef, ctx: CallContext) -> DeletedEvent:
        """Remove an event; deleting one already gone is not an error."""

        def delete(conn: sqlite3.Connection) -> bool:
            return conn.execute("DELETE FROM events WHERE uid = ?", (params.uid,)).rowcount > 0

        return DeletedEvent(uid=params.uid, existed=await self._store.run(delete))

    async def check(self) -> CheckResult:
        """Open the calendar file and say where it is and how many events it holds."""
        ok, detail = await self._store.status("events", "events")
        return self.report(ok, detail)

    async def aclose(self) -> None:
        """Close the database connection."""
        await self._store.close()
