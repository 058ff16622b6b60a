"""A run store in memory: for tests, benchmarks and embedding without a data directory."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence

from automate.runtime.store.base import LEASE_SECONDS, EventHub, Finish, Subscriber, kept_by_owner
from automate.runtime.store.models import RunEvent, RunRecord, RunStatus, StepRecord

__all__ = ["MemoryRunStore"]


class MemoryRunStore:
    """Runs and events in dicts, for tests, benchmarks and embedding; nothing survives the process.

    Step records are kept as handed in (the executor's own objects, so the
    store always shows a run's latest state) and copied on the way out, so a
    caller never changes the store through what it read.
    """

    def __init__(self, *, wall: Callable[[], float] = time.time) -> None:
        self._wall = wall
        self._runs: dict[str, RunRecord] = {}
        self._steps: dict[str, dict[str, StepRecord]] = {}
        self._events: list[tuple[int, RunEvent]] = []
        self._seq = itertools.count(1)
        self._leases: dict[str, tuple[str, float]] = {}
        self._ticks: set[tuple[str, str]] = set()
        self._marks: dict[str, str] = {}
        self._hub = EventHub()

    def create_run(
        self, run: RunRecord, events: Sequence[RunEvent], *, lease: tuple[str, float] | None = None
    ) -> bool:
        """Insert a run with its steps and first events (holding `lease`); False if the id is taken."""
        if run.run_id in self._runs:
            return False
        self._runs[run.run_id] = _copy_run(run)
        self._steps[run.run_id] = {s.step_id: s for s in run.steps}
        if lease is not None:
            self._leases[run.run_id] = lease
        self._append(events)
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
        """Write step states and append events (and maybe the run's end)."""
        run = self._runs[run_id]
        stored = self._steps[run_id]
        for step in steps:
            stored[step.step_id] = step
        now = self._wall() if at is None else at
        run.updated_at = now
        if finish is not None:
            run.status, run.result, run.error = finish
            run.finished_at = now
            self._leases.pop(run_id, None)
        self._append(events)

    def get_run(self, run_id: str) -> RunRecord | None:
        """The run with its steps, or None."""
        run = self._runs.get(run_id)
        if run is None:
            return None
        found = _copy_run(run)
        found.steps = sorted((_copy_step(s) for s in self._steps[run_id].values()), key=lambda s: s.seq)
        return found

    def list_runs(self, limit: int = 20, *, status: RunStatus | None = None) -> list[RunRecord]:
        """The newest runs first, with their steps."""
        runs = [r for r in self._runs.values() if status is None or r.status is status]
        runs.sort(key=lambda r: r.created_at, reverse=True)
        return [found for r in runs[:limit] if (found := self.get_run(r.run_id)) is not None]

    def unfinished(self) -> list[str]:
        """Ids of runs still marked running, oldest first."""
        running = [r for r in self._runs.values() if r.status is RunStatus.RUNNING]
        return [r.run_id for r in sorted(running, key=lambda r: r.created_at)]

    def events(self, run_id: str | None = None, *, after: int = 0, limit: int = 1000) -> list[RunEvent]:
        """Events in log order, of one run or all, after sequence number `after`."""
        found = [
            _numbered(seq, e)
            for seq, e in self._events
            if seq > after and (run_id is None or e.run_id == run_id)
        ]
        return found[:limit]

    def claim(self, run_id: str, owner: str, *, now: float, ttl: float = LEASE_SECONDS) -> bool:
        """Take (or renew) the lease on a run; False if another live owner holds it."""
        held = self._leases.get(run_id)
        if held is not None and held[0] != owner and kept_by_owner(held[0], held[1], now):
            return False
        self._leases[run_id] = (owner, now + ttl)
        return True

    def release(self, run_id: str, owner: str) -> None:
        """Give up the lease on a run if `owner` holds it."""
        held = self._leases.get(run_id)
        if held is not None and held[0] == owner:
            del self._leases[run_id]

    def claim_tick(self, workflow: str, tick: str, run_id: str, *, now: float) -> bool:
        """Record that a schedule tick fired; False if it already had."""
        key = (workflow, tick)
        if key in self._ticks:
            return False
        self._ticks.add(key)
        return True

    def get_mark(self, name: str) -> str | None:
        """A small named value, or None."""
        return self._marks.get(name)

    def set_mark(self, name: str, value: str) -> None:
        """Store a small named value."""
        self._marks[name] = value

    def prune(self, before: float) -> int:
        """Delete finished runs that ended before `before`; how many went."""
        old = [
            run_id for run_id, r in self._runs.items() if r.finished_at is not None and r.finished_at < before
        ]
        for run_id in old:
            del self._runs[run_id], self._steps[run_id]
            self._leases.pop(run_id, None)
        gone = set(old)
        self._events = [(seq, e) for seq, e in self._events if e.run_id not in gone]
        return len(old)

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call `subscriber` with every event appended from now on."""
        return self._hub.subscribe(subscriber)

    def close(self) -> None:
        """Nothing to release."""

    def _append(self, events: Sequence[RunEvent]) -> None:
        numbered = [(next(self._seq), e) for e in events]
        self._events.extend(numbered)
        if self._hub.active:
            self._hub.publish([_numbered(seq, e) for seq, e in numbered])


def _numbered(seq: int, e: RunEvent) -> RunEvent:
    return RunEvent(e.run_id, e.type, e.at, e.step_id, e.data, seq)


# Explicit constructor calls: dataclasses.replace costs several microseconds each.
def _copy_step(s: StepRecord) -> StepRecord:
    return StepRecord(
        s.run_id,
        s.step_id,
        s.seq,
        s.target,
        s.status,
        s.idempotency_key,
        s.attempts,
        s.params,
        s.output,
        s.message,
        s.error,
        s.started_at,
        s.finished_at,
    )


def _copy_run(r: RunRecord) -> RunRecord:
    return RunRecord(
        r.run_id,
        r.kind,
        r.name,
        r.spec,
        r.status,
        r.created_at,
        r.updated_at,
        r.finished_at,
        r.result,
        r.error,
        [],
    )
