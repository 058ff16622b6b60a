"""The `RunStore` protocol and what every store shares: subscribers and leases.

A store is synchronous on purpose: every write is one short local
transaction (SQLite in WAL mode commits without an fsync), so calling it
from the event loop costs microseconds, far less than a hop to a thread.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

from automate.integrations.logs import get_logger
from automate.runtime.store.models import RunEvent, RunRecord, RunStatus, StepRecord

__all__ = [
    "LEASE_SECONDS",
    "EventHub",
    "Finish",
    "RunStore",
    "Subscriber",
    "kept_by_owner",
    "lease_owner",
    "owner_alive",
    "owner_running_here",
]

LEASE_SECONDS = 60.0
Subscriber = Callable[[RunEvent], None]
Finish = tuple[RunStatus, dict[str, Any] | None, str | None]
log = get_logger("automate.store")


@runtime_checkable
class RunStore(Protocol):
    """Where runs, steps and the event log live. Each method is one transaction."""

    def create_run(
        self, run: RunRecord, events: Sequence[RunEvent], *, lease: tuple[str, float] | None = None
    ) -> bool:
        """Insert a run with its steps and first events (holding `lease`); False if the id is taken."""
        ...

    def record(
        self,
        run_id: str,
        steps: Sequence[StepRecord],
        events: Sequence[RunEvent],
        *,
        finish: Finish | None = None,
        at: float | None = None,
    ) -> None:
        """Write step states and append events (and maybe the run's end) atomically."""
        ...

    def get_run(self, run_id: str) -> RunRecord | None:
        """The run with its steps, or None."""
        ...

    def list_runs(self, limit: int = 20, *, status: RunStatus | None = None) -> list[RunRecord]:
        """The newest runs first, with their steps."""
        ...

    def unfinished(self) -> list[str]:
        """Ids of runs still marked running, oldest first."""
        ...

    def events(self, run_id: str | None = None, *, after: int = 0, limit: int = 1000) -> list[RunEvent]:
        """Events in log order, of one run or all, after sequence number `after`."""
        ...

    def claim(self, run_id: str, owner: str, *, now: float, ttl: float = LEASE_SECONDS) -> bool:
        """Take (or renew) the lease on a run; False if another live owner holds it."""
        ...

    def release(self, run_id: str, owner: str) -> None:
        """Give up the lease on a run if `owner` holds it."""
        ...

    def claim_tick(self, workflow: str, tick: str, run_id: str, *, now: float) -> bool:
        """Record that a schedule tick fired; False if it already had."""
        ...

    def get_mark(self, name: str) -> str | None:
        """A small named value (a scheduler cursor), or None."""
        ...

    def set_mark(self, name: str, value: str) -> None:
        """Store a small named value."""
        ...

    def prune(self, before: float) -> int:
        """Delete finished runs that ended before `before`; how many went."""
        ...

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call `subscriber` with every event appended from now on; returns the unsubscribe."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...


class EventHub:
    """The subscriber list a store notifies after each committed batch."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add a subscriber; the returned function removes it."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    @property
    def active(self) -> bool:
        """Whether anyone is listening."""
        return bool(self._subscribers)

    def publish(self, events: Sequence[RunEvent]) -> None:
        """Hand committed events to every subscriber; a failing subscriber is logged, not raised."""
        if not self._subscribers:
            return
        for event in events:
            for subscriber in list(self._subscribers):
                try:
                    subscriber(event)
                except Exception as exc:
                    log.warning("subscriber_failed", error=type(exc).__name__, message=str(exc))


_HOST = socket.gethostname()


def lease_owner() -> str:
    """An owner id for this process: host, pid, the pid's start time (pids get reused), a nonce."""
    pid = os.getpid()
    return f"{_HOST}:{pid}:{_started(pid) or 0}:{uuid.uuid4().hex[:8]}"


def owner_alive(owner: str) -> bool:
    """Whether a lease owner may still be running: True unless it is a dead process on this host."""
    local = _local_process(owner)
    return True if local is None else local


def owner_running_here(owner: str) -> bool:
    """Whether the owner is a live process on this host (its lease holds even past expiry)."""
    return _local_process(owner) is True


def kept_by_owner(owner: str, until: float, now: float) -> bool:
    """Whether a lease still keeps others out: unexpired and not dead, or its owner runs here."""
    local = _local_process(owner)
    return local is True or (until > now and local is not False)


def _local_process(owner: str) -> bool | None:
    """None for another host (or an unreadable id); else whether that process still runs."""
    host, pid_text, started, *_ = [*owner.split(":"), "", "", ""]
    if host != _HOST or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    now_started = _started(pid)
    if now_started is None:  # no such process (or a zombie: killed, not yet reaped)
        return False
    return not started.isdigit() or int(started) in (0, now_started)


def _started(pid: int) -> int | None:
    """The process's start time from /proc (None if it is gone or a zombie); 0 where /proc is absent."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    except (OSError, IndexError):
        return _signal_alive(pid)
    if fields[0] == "Z":
        return None
    return int(fields[19])


def _signal_alive(pid: int) -> int | None:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return 0
    return 0
