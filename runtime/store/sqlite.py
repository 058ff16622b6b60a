"""The durable run store: one SQLite file in WAL mode under the data directory.

Each store call is one ``BEGIN IMMEDIATE … COMMIT`` transaction, so a step's
state and its events land together or not at all. Few B-trees are touched
per commit (each dirty page is one WAL frame): run ids start with the time,
so new rows append, and events use plain rowids. WAL with
``synchronous=NORMAL`` makes a commit survive a killed process without an
fsync per commit (only a power cut can lose the last few commits). Statements
are fixed strings, so sqlite3's statement cache prepares each once.
Registered secrets are masked before anything is written, so a stored run
never holds one, whatever the environment of the process that reads it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from automate.integrations.errors import PermanentError
from automate.integrations.files import private_file
from automate.integrations.redaction import redact
from automate.runtime.store.base import LEASE_SECONDS, EventHub, Finish, Subscriber, kept_by_owner
from automate.runtime.store.models import (
    EventType,
    RunEvent,
    RunRecord,
    RunStatus,
    StepRecord,
    StepStatus,
)

__all__ = ["SCHEMA", "SqliteRunStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL,
    status TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    finished_at REAL, result TEXT, error TEXT, lease_owner TEXT, lease_until REAL
);
CREATE TABLE IF NOT EXISTS steps (
    run_id TEXT NOT NULL, step_id TEXT NOT NULL, seq INTEGER NOT NULL, target TEXT NOT NULL,
    status TEXT NOT NULL, idempotency_key TEXT, attempts INTEGER NOT NULL, params TEXT,
    output TEXT, message TEXT NOT NULL, error TEXT, started_at REAL, finished_at REAL,
    PRIMARY KEY (run_id, step_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY, run_id TEXT NOT NULL, step_id TEXT,
    type TEXT NOT NULL, at REAL NOT NULL, data TEXT
);
CREATE INDEX IF NOT EXISTS events_run ON events (run_id, seq);
CREATE TABLE IF NOT EXISTS ticks (
    workflow TEXT NOT NULL, tick TEXT NOT NULL, run_id TEXT NOT NULL, fired_at REAL NOT NULL,
    PRIMARY KEY (workflow, tick)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS marks (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""

_INSERT_RUN = (
    "INSERT OR IGNORE INTO runs (run_id, kind, name, spec, status, created_at, updated_at,"
    " finished_at, result, error, lease_owner, lease_until) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)
_UPSERT_STEP = (
    "INSERT INTO steps (run_id, step_id, seq, target, status, idempotency_key, attempts, params,"
    " output, message, error, started_at, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT (run_id, step_id) DO UPDATE SET status=excluded.status,"
    " idempotency_key=excluded.idempotency_key, attempts=excluded.attempts,"
    " params=excluded.params, output=excluded.output, message=excluded.message,"
    " error=excluded.error, started_at=excluded.started_at, finished_at=excluded.finished_at"
)
_SELECT_RUN = (
    "SELECT run_id, kind, name, spec, status, created_at, updated_at, finished_at, result, error FROM runs"
)
_NEWEST = " ORDER BY created_at DESC LIMIT ?"
_INSERT_EVENT = "INSERT INTO events (run_id, step_id, type, at, data) VALUES (?, ?, ?, ?, ?)"
_FINISH_RUN = (
    "UPDATE runs SET status = ?, result = ?, error = ?, finished_at = ?, updated_at = ?,"
    " lease_owner = NULL, lease_until = NULL WHERE run_id = ?"
)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # json.dumps rebuilds one per call


def _dump(value: Any) -> str | None:
    return None if value is None else _ENCODER.encode(redact(value))


def _text(value: str | None) -> str | None:
    """A text column as stored: registered secrets masked (a request's words may hold one)."""
    return None if value is None else str(redact(value))


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


class SqliteRunStore:
    """Runs, steps, events, schedule ticks and leases in one SQLite file."""

    def __init__(
        self,
        path: Path,
        *,
        retention_days: float | None = 30.0,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self._wall = wall
        self._lock = threading.RLock()
        self._hub = EventHub()
        try:
            private_file(path)
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA wal_autocheckpoint=8000")
            conn.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise PermanentError(f"cannot open the run store {path}: {exc}{_hint(exc)}") from exc
        self._conn = conn
        if retention_days is not None:
            try:
                self.prune(wall() - retention_days * 86_400)
            except PermanentError:
                conn.close()
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock; a damaged file is one clear `PermanentError`."""
        with self._lock:
            try:
                yield self._conn
            except sqlite3.DatabaseError as exc:
                raise PermanentError(f"the run store {self.path}: {exc}{_hint(exc)}") from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._read() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def create_run(
        self, run: RunRecord, events: Sequence[RunEvent], *, lease: tuple[str, float] | None = None
    ) -> bool:
        """Insert a run with its steps and first events (holding `lease`); False if the id is taken."""
        with self._write() as conn:
            cursor = conn.execute(
                _INSERT_RUN,
                (
                    run.run_id,
                    run.kind,
                    _text(run.name),
                    _dump(run.spec),
                    run.status.value,
                    run.created_at,
                    run.updated_at,
                    run.finished_at,
                    _dump(run.result),
                    _text(run.error),
                    *(lease or (None, None)),
                ),
            )
            if cursor.rowcount == 0:
                return False
            conn.executemany(_UPSERT_STEP, [_step_row(s) for s in run.steps])
            numbered = self._insert_events(conn, events)
        self._hub.publish(numbered)
        return True

    def record(
        self,
        run_id: str,
        steps: Sequence[StepRecord],
        events: Sequence[RunEvent],
        *,
        finish: Finish | None = None,
        at: float | None = None,
    ) -> None:
        """Write step states and append events (and maybe the run's end) in one transaction."""
        now = self._wall() if at is None else at
        with self._write() as conn:
            if steps:
                conn.executemany(_UPSERT_STEP, [_step_row(s) for s in steps])
            numbered = self._insert_events(conn, events)
            if finish is not None:  # (no touch otherwise: rewriting the run row per step costs)
                status, result, error = finish
                conn.execute(_FINISH_RUN, (status.value, _dump(result), _text(error), now, now, run_id))
        self._hub.publish(numbered)

    def get_run(self, run_id: str) -> RunRecord | None:
        """The run with its steps, or None."""
        with self._read() as conn:
            row = conn.execute(_SELECT_RUN + " WHERE run_id = ?", (run_id,)).fetchone()
            if row is None:
                return None
            return self._with_steps([row])[0]

    def list_runs(self, limit: int = 20, *, status: RunStatus | None = None) -> list[RunRecord]:
        """The newest runs first, with their steps."""
        with self._read() as conn:
            if status is None:
                rows = conn.execute(_SELECT_RUN + _NEWEST, (limit,)).fetchall()
            else:
                rows = conn.execute(
                    _SELECT_RUN + " WHERE status = ?" + _NEWEST, (status.value, limit)
                ).fetchall()
            return self._with_steps(rows)

    def unfinished(self) -> list[str]:
        """Ids of runs still marked running, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT run_id FROM runs WHERE status = ? ORDER BY created_at",
                (RunStatus.RUNNING.value,),
            ).fetchall()
        return [row[0] for row in rows]

    def events(self, run_id: str | None = None, *, after: int = 0, limit: int = 1000) -> list[RunEvent]:
        """Events in log order, of one run or all, after sequence number `after`."""
        query = "SELECT seq, run_id, step_id, type, at, data FROM events WHERE seq > ?"
        args: tuple[Any, ...] = (after,)
        if run_id is not None:
            query += " AND run_id = ?"
            args += (run_id,)
        with self._read() as conn:
            rows = conn.execute(query + " ORDER BY seq LIMIT ?", (*args, limit)).fetchall()
        return [
            RunEvent(run_id=r[1], step_id=r[2], type=EventType(r[3]), at=r[4], data=_load(r[5]), seq=r[0])
            for r in rows
        ]

    def claim(self, run_id: str, owner: str, *, now: float, ttl: float = LEASE_SECONDS) -> bool:
        """Take (or renew) the lease on a run; False if another live owner holds it."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT lease_owner, lease_until FROM runs WHERE run_id = ?", (run_id,)
            ).fetchone()
            if row is None:
                return False
            held, until = row
            if held is not None and held != owner and kept_by_owner(held, until, now):
                return False
            conn.execute(
                "UPDATE runs SET lease_owner = ?, lease_until = ? WHERE run_id = ?",
                (owner, now + ttl, run_id),
            )
            return True

    def release(self, run_id: str, owner: str) -> None:
        """Give up the lease on a run if `owner` holds it."""
        with self._write() as conn:
            conn.execute(
                "UPDATE runs SET lease_owner = NULL, lease_until = NULL WHERE run_id = ? AND lease_owner = ?",
                (run_id, owner),
            )

    def claim_tick(self, workflow: str, tick: str, run_id: str, *, now: float) -> bool:
        """Record that a schedule tick fired; False if it already had (in any process)."""
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO ticks (workflow, tick, run_id, fired_at) VALUES (?, ?, ?, ?)",
                (workflow, tick, run_id, now),
            )
            return cursor.rowcount == 1

    def get_mark(self, name: str) -> str | None:
        """A small named value, or None."""
        with self._read() as conn:
            row = conn.execute("SELECT value FROM marks WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def set_mark(self, name: str, value: str) -> None:
        """Store a small named value."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO marks (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    def prune(self, before: float) -> int:
        """Delete finished runs (with their steps and events) that ended before `before`."""
        with self._write() as conn:
            conn.execute(
                "DELETE FROM steps WHERE run_id IN (SELECT run_id FROM runs"
                " WHERE finished_at IS NOT NULL AND finished_at < ?)",
                (before,),
            )
            # The newest event stays, so sequence numbers never go back below a reader's cursor.
            conn.execute(
                "DELETE FROM events WHERE run_id IN (SELECT run_id FROM runs"
                " WHERE finished_at IS NOT NULL AND finished_at < ?)"
                " AND seq < (SELECT MAX(seq) FROM events)",
                (before,),
            )
            cursor = conn.execute(
                "DELETE FROM runs WHERE finished_at IS NOT NULL AND finished_at < ?", (before,)
            )
            return cursor.rowcount

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call `subscriber` with every event this process appends from now on."""
        return self._hub.subscribe(subscriber)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    def _insert_events(self, conn: sqlite3.Connection, events: Sequence[RunEvent]) -> list[RunEvent]:
        numbered = []
        for e in events:
            cursor = conn.execute(_INSERT_EVENT, (e.run_id, e.step_id, e.type.value, e.at, _dump(e.data)))
            numbered.append(RunEvent(e.run_id, e.type, e.at, e.step_id, e.data, cursor.lastrowid or 0))
        return numbered

    def _with_steps(self, rows: Sequence[Sequence[Any]]) -> list[RunRecord]:
        runs = [
            RunRecord(
                run_id=r[0],
                kind=r[1],
                name=r[2],
                spec=_load(r[3]),
                status=RunStatus(r[4]),
                created_at=r[5],
                updated_at=r[6],
                finished_at=r[7],
                result=_load(r[8]),
                error=r[9],
            )
            for r in rows
        ]
        for run in runs:
            run.steps = [
                StepRecord(
                    run_id=run.run_id,
                    step_id=s[0],
                    seq=s[1],
                    target=s[2],
                    status=StepStatus(s[3]),
                    idempotency_key=s[4],
                    attempts=s[5],
                    params=_load(s[6]),
                    output=_load(s[7]),
                    message=s[8],
                    error=s[9],
                    started_at=s[10],
                    finished_at=s[11],
                )
                for s in self._conn.execute(
                    "SELECT step_id, seq, target, status, idempotency_key, attempts, params, output,"
                    " message, error, started_at, finished_at FROM steps WHERE run_id = ? ORDER BY seq",
                    (run.run_id,),
                )
            ]
        return runs


def _hint(exc: BaseException) -> str:
    """What to do about a file SQLite cannot read as a database (not for a busy or missing one)."""
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return " (the file is damaged: move it aside and a new store is created)"
    return ""


def _step_row(s: StepRecord) -> tuple[Any, ...]:
    return (
        s.run_id,
        s.step_id,
        s.seq,
        s.target,
        s.status.value,
        s.idempotency_key,
        s.attempts,
        _dump(s.params),
        _dump(s.output),
        _text(s.message),
        _text(s.error),
        s.started_at,
        s.finished_at,
    )
