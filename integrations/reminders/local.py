"""Reminders kept in a SQLite file under the data directory: no account needed.

Times are stored in UTC with the reminder's zone beside them, so a recurring
reminder expands in the zone it was set in.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from automate.integrations.adapter import AdapterEnv, CallContext, CheckResult
from automate.integrations.config import StrictModel
from automate.integrations.errors import IntegrationError, NotFound
from automate.integrations.ids import event_uid
from automate.integrations.reminders.base import RemindersAdapter
from automate.integrations.reminders.models import (
    DeletedReminder,
    Reminder,
    ReminderDraft,
    ReminderList,
    ReminderQuery,
    ReminderRef,
)
from automate.integrations.sqlite_store import SqliteStore, resolve_path

__all__ = ["LocalRemindersAdapter", "LocalRemindersConfig"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS reminders (
    id       TEXT PRIMARY KEY,
    text     TEXT NOT NULL,
    start    TEXT NOT NULL,  -- UTC, ISO 8601
    rrule    TEXT,
    timezone TEXT NOT NULL,
    created  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reminders_start ON reminders (start);
"""
_SELECT = "SELECT id, text, start, rrule, timezone, created FROM reminders"
_INSERT = (
    "INSERT OR IGNORE INTO reminders (id, text, start, rrule, timezone, created) VALUES (?, ?, ?, ?, ?, ?)"
)


class LocalRemindersConfig(StrictModel):
    """Where the reminders file lives (relative paths are under the data directory)."""

    path: Path = Path("reminders.sqlite3")


class LocalRemindersAdapter(RemindersAdapter[LocalRemindersConfig]):
    """Reminders in one SQLite file, one row per reminder."""

    name = "local_reminders"
    config_model = LocalRemindersConfig

    def __init__(self, config: LocalRemindersConfig, env: AdapterEnv) -> None:
        super().__init__(config, env)
        self.path = resolve_path(config.path, env.data_dir)
        self.store = SqliteStore(self.path, SCHEMA)

    async def insert_reminder(self, params: ReminderDraft, ctx: CallContext) -> Reminder:
        """Store a reminder under an id derived from the idempotency key; a repeat returns it."""
        # One key, one id: a retried insert meets its own row instead of adding one.
        reminder_id = params.id or event_uid(ctx.idempotency_key)
        created = datetime.now(UTC)

        def insert(conn: sqlite3.Connection) -> sqlite3.Row:
            conn.execute(
                _INSERT,
                (
                    reminder_id,
                    params.text,
                    _utc(params.start),
                    params.rrule,
                    params.timezone,
                    created.isoformat(),
                ),
            )
            row = _row(conn, reminder_id)
            if row is None:  # cannot happen inside the transaction unless the file is damaged
                raise sqlite3.IntegrityError(f"reminder {reminder_id} was not stored")
            return row

        return _reminder(await self.store.run(insert))

    async def list_reminders(self, params: ReminderQuery, ctx: CallContext) -> ReminderList:
        """Reminders firing in [start, end) whose text holds every word, soonest first."""

        def select(conn: sqlite3.Connection) -> list[sqlite3.Row]:
            # One-off reminders are filtered here; recurring ones are expanded below.
            bounds = [("start >= ?", params.start), ("start < ?", params.end)]
            where = " AND ".join(sql for sql, value in bounds if value is not None) or "1"
            args = [_utc(value) for _, value in bounds if value is not None]
            return conn.execute(
                f"{_SELECT} WHERE rrule IS NOT NULL OR ({where})",
                args,
            ).fetchall()

        found: list[Reminder] = []
        for row in await self.store.run(select):
            reminder = _reminder(row, params.start)
            due = reminder.due
            if due is None or (params.end is not None and due >= params.end):
                continue
            if _matches(reminder.text, params.text):
                found.append(reminder)
        found.sort(key=lambda r: (r.due or r.start, r.text))
        return ReminderList(reminders=found[: params.limit])

    async def get_reminder(self, params: ReminderRef, ctx: CallContext) -> Reminder:
        """One reminder by id, due at its first occurrence; `NotFound` if absent."""
        row = await self.store.run(lambda conn: _row(conn, params.id))
        if row is None:
            raise NotFound(f"no reminder with id {params.id}", service=self.env.service)
        return _reminder(row)

    async def delete_reminder(self, params: ReminderRef, ctx: CallContext) -> DeletedReminder:
        """Remove a reminder; one already gone reports `existed=False`."""

        def delete(conn: sqlite3.Connection) -> int:
            return conn.execute("DELETE FROM reminders WHERE id = ?", (params.id,)).rowcount

        return DeletedReminder(id=params.id, existed=await self.store.run(delete) > 0)

    async def check(self) -> CheckResult:
        """Ready when the file can be opened and read."""
        try:
            count = await self.store.run(
                lambda conn: int(conn.execute("SELECT count(*) FROM reminders").fetchone()[0])
            )
        except IntegrationError as exc:
            return self.report(False, str(exc))
        return self.report(True, f"{self.path} ({count} reminder{'s' if count != 1 else ''})")

    async def aclose(self) -> None:
        """Close the SQLite connection."""
        await self.store.close()


def _row(conn: sqlite3.Connection, reminder_id: str) -> sqlite3.Row | None:
    """The row of one reminder, if it exists."""
    row: sqlite3.Row | None = conn.execute(_SELECT + " WHERE id = ?", (reminder_id,)).fetchone()
    return row


def _utc(moment: datetime) -> str:
    """A fixed-width UTC timestamp, so text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _reminder(row: sqlite3.Row, after: datetime | None = None) -> Reminder:
    """A row as a `Reminder` in its zone, due at its first occurrence from `after` or start."""
    start = datetime.fromisoformat(row["start"]).astimezone(ZoneInfo(row["timezone"]))
    reminder = Reminder(
        id=row["id"],
        text=row["text"],
        start=start,
        rrule=row["rrule"],
        timezone=row["timezone"],
        created=datetime.fromisoformat(row["created"]),
    )
    return reminder.model_copy(update={"due": reminder.occurrence_after(after or start)})


def _matches(text: str, query: str | None) -> bool:
    """Whether every word of the query appears in the text, ignoring case."""
    if not query:
        return True
    haystack = text.casefold()
    return all(word in haystack for word in query.casefold().split())
