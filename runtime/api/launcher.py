"""Runs the API started and has not seen end yet, so they can be watched before they are stored.

The executor writes a new run with its first batch (before its first side
effect, or at its end), so for a moment after a 202 the store may not know
the run yet; the launcher does, and the run's page and event stream wait.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from automate.integrations.logs import get_logger
from automate.integrations.redaction import redact

__all__ = ["Launched", "Launcher"]

log = get_logger("automate.api")
_FAILURES_KEPT = 1000


@dataclass(frozen=True, slots=True)
class Launched:
    """A run started here: what it is and when it was asked for."""

    kind: str
    name: str
    at: float


class Launcher:
    """Starts runs as tasks, knows which are in flight, and why one died unrecorded."""

    def __init__(self, on_end: Callable[[], None] | None = None) -> None:
        self.on_end = on_end  # called after each run started here ends (the server chains workflows)
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._launched: dict[str, Launched] = {}
        self._failures: dict[str, str] = {}

    def start(self, run_id: str, work: Awaitable[Any], *, kind: str, name: str) -> asyncio.Task[Any]:
        """Run `work` (the run `run_id`, a `kind` called `name`) in the background."""

        async def guarded() -> Any:
            try:
                return await work
            except Exception as exc:
                message = str(redact(f"{type(exc).__name__}: {exc}"))
                log.warning("api_run_failed", run_id=run_id, error=message)
                self._failures[run_id] = message
                while len(self._failures) > _FAILURES_KEPT:
                    del self._failures[next(iter(self._failures))]
                raise

        task = asyncio.ensure_future(guarded())
        self._tasks[run_id] = task
        self._launched[run_id] = Launched(kind, name, time.time())

        def done(_: asyncio.Task[Any]) -> None:
            self._tasks.pop(run_id, None)
            self._launched.pop(run_id, None)
            if self.on_end is not None:
                self.on_end()

        task.add_done_callback(done)
        return task

    def pending(self, run_id: str) -> bool:
        """Whether run `run_id` was started here and has not ended."""
        return run_id in self._tasks

    def launched(self, run_id: str) -> Launched | None:
        """What a run in flight here is, while it is in flight."""
        return self._launched.get(run_id)

    def failure(self, run_id: str) -> str | None:
        """Why a run started here ended without being recorded, if it did."""
        return self._failures.get(run_id)

    @property
    def in_flight(self) -> int:
        """How many runs are being carried now."""
        return len(self._tasks)

    async def shutdown(self, grace: float) -> None:
        """Let runs finish for up to `grace` seconds, then cancel the rest (they resume on restart)."""
        tasks = list(self._tasks.values())
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=grace)
        for task in late:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
