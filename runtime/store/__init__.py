"""The run store: every task and workflow run, its steps and its event log.

    store = open_store(config.home)          # SQLite, WAL, under the data directory
    store = MemoryRunStore()                 # tests and embedding
    store.subscribe(lambda event: print(event.type, event.run_id))

The stores themselves are imported on first use, so importing the runtime
does not load sqlite3.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from automate.runtime.store.base import (
    LEASE_SECONDS,
    EventHub,
    RunStore,
    Subscriber,
    lease_owner,
    owner_alive,
)
from automate.runtime.store.models import EventType, RunEvent, RunRecord, RunStatus, StepRecord, StepStatus

if TYPE_CHECKING:
    from automate.runtime.store.memory import MemoryRunStore
    from automate.runtime.store.sqlite import SqliteRunStore

__all__ = [
    "LEASE_SECONDS",
    "STORE_FILE",
    "EventHub",
    "EventType",
    "MemoryRunStore",
    "RunEvent",
    "RunRecord",
    "RunStatus",
    "RunStore",
    "SqliteRunStore",
    "StepRecord",
    "StepStatus",
    "Subscriber",
    "lease_owner",
    "open_store",
    "owner_alive",
]

STORE_FILE = "runs.sqlite3"


def open_store(home: Path, *, retention_days: float | None = 30.0) -> SqliteRunStore:
    """The durable store of a data directory (created on first use)."""
    from automate.runtime.store.sqlite import SqliteRunStore

    return SqliteRunStore(home / STORE_FILE, retention_days=retention_days)


def __getattr__(name: str) -> Any:
    if name == "MemoryRunStore":
        from automate.runtime.store.memory import MemoryRunStore

        return MemoryRunStore
    if name == "SqliteRunStore":
        from automate.runtime.store.sqlite import SqliteRunStore

        return SqliteRunStore
    raise AttributeError(f"module 'automate.runtime.store' has no attribute {name!r}")
