"""One SQLite file used from asyncio: a single connection, a lock, work in a thread.

The embedded adapters (local calendar, local contacts) keep their data in a
SQLite file a person can open with ``sqlite3``. Queries are short, so one
connection guarded by a lock is enough; each unit of work runs in a worker
thread so the event loop never blocks on disk.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from automate.integrations.errors import PermanentError, TransientError
from automate.integrations.files import private_file

__all__ = ["SqliteStore", "resolve_path"]

T = TypeVar("T")


def resolve_path(path: Path, data_dir: Path) -> Path:
    """`path` with ``~`` expanded, relative to `data_dir` unless absolute."""
    path = path.expanduser()
    return path if path.is_absolute() else data_dir / path


class SqliteStore:
    """A lazily opened SQLite database in WAL mode with a schema applied on open."""

    def __init__(self, path: Path, schema: str) -> None:
        self.path = path
        self._schema = schema
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            private_file(self.path)
            # Used from several worker threads, one at a time under the lock.
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=5.0)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(self._schema)
            self._conn = conn
        return self._conn

    def _run_locked(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            try:
                conn = self._connection()
                with conn:  # one transaction: commit on success, roll back on error
                    return work(conn)
            except sqlite3.OperationalError as exc:
                # "database is locked" and disk hiccups may pass; a retry can help.
                raise TransientError(f"{self.path}: {exc}") from exc
            except sqlite3.DatabaseError as exc:
                raise PermanentError(f"{self.path}: {exc}") from exc

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work(connection)` in one transaction, in a worker thread."""
        return await asyncio.to_thread(self._run_locked, work)

    async def status(self, table: str, noun: str) -> tuple[bool, str]:
        """Whether the file opens, and a line naming it with how many `noun` `table` holds."""
        try:
            sql = f"SELECT count(*) FROM {table}"  # noqa: S608 - the adapter's own table name
            count = await self.run(lambda conn: conn.execute(sql).fetchone()[0])
        except (TransientError, PermanentError) as exc:
            return False, f"cannot open {self.path}: {exc}"
        return True, f"{self.path} ({count} {noun})"

    async def close(self) -> None:
        """Close the connection (it reopens on the next use)."""

        def close() -> None:
            with self._lock:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None

        await asyncio.to_thread(close)
