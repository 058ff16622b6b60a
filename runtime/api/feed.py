"""Live run events for SSE: the store's log read from a cursor, woken by its subscribers.

The log is the only source of what is sent: a stream reads
``store.events(run_id, after=cursor)`` and moves the cursor to the last
event it sent, so a client that reconnects with ``Last-Event-ID`` gets every
later event once. The store's in-process subscription only says *when* to
read again; a re-read every `poll` seconds covers runs that another process
(`automate run`, a second server) is writing.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

from automate.runtime.api.models import event_view
from automate.runtime.store.models import EventType, RunEvent

if TYPE_CHECKING:
    from automate.runtime.api.launcher import Launcher
    from automate.runtime.store.base import RunStore

__all__ = ["END_EVENTS", "RunFeed", "sse_frame"]

END_EVENTS = frozenset({EventType.RUN_COMPLETED, EventType.RUN_FAILED})
BATCH = 500


def sse_frame(event: RunEvent) -> str:
    """One event as a Server-Sent Events frame; its id is the log sequence number."""
    body = event_view(event).model_dump_json()
    return f"id: {event.seq}\nevent: {event.type.value}\ndata: {body}\n\n"


class RunFeed:
    """Wakes the streams watching a run when the store appends events for it."""

    def __init__(
        self, store: RunStore, launcher: Launcher, *, heartbeat: float = 15.0, poll: float = 1.0
    ) -> None:
        self.store = store
        self.launcher = launcher
        self.heartbeat = heartbeat
        self.poll = min(poll, heartbeat)
        self.stopping = False
        self._watchers: dict[str, set[asyncio.Event]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def open(self) -> None:
        """Subscribe to the store (call from the server's event loop)."""
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self._unsubscribe = self.store.subscribe(self._notify)

    def close(self) -> None:
        """Stop listening to the store."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def stop(self) -> None:
        """End every open stream now (the server is stopping; clients reconnect and resume)."""
        self.stopping = True
        for watchers in self._watchers.values():
            for waiter in watchers:
                waiter.set()

    def _notify(self, event: RunEvent) -> None:
        watchers = self._watchers.get(event.run_id)
        if not watchers:
            return
        if threading.get_ident() == self._thread or self._loop is None:
            for waiter in watchers:
                waiter.set()
        else:  # a store written from another thread: wake the loop's waiters from the loop
            for waiter in list(watchers):
                self._loop.call_soon_threadsafe(waiter.set)

    async def stream(self, run_id: str, after: int) -> AsyncIterator[str]:
        """SSE frames of run `run_id` after sequence `after`, until the run ends."""
        waiter = asyncio.Event()
        self._watchers.setdefault(run_id, set()).add(waiter)
        try:
            yield "retry: 1000\n\n"
            quiet = 0.0
            while not self.stopping:
                waiter.clear()  # before reading: an append during the read sets it again
                ended = self._ended(run_id)  # before reading: if so, this read sees the last event
                events = self.store.events(run_id, after=after, limit=BATCH)
                for event in events:
                    after = event.seq
                    yield sse_frame(event)
                if len(events) == BATCH:
                    continue
                if ended or any(event.type in END_EVENTS for event in events):
                    failure = self.launcher.failure(run_id)
                    if ended and failure is not None and self.store.get_run(run_id) is None:
                        yield f"event: error\ndata: {json.dumps({'run_id': run_id, 'error': failure})}\n\n"
                    return
                quiet = 0.0 if events else quiet
                try:
                    await asyncio.wait_for(waiter.wait(), timeout=self.poll)
                except TimeoutError:
                    quiet += self.poll
                    if quiet >= self.heartbeat:  # a comment now and then keeps proxies from closing us
                        quiet = 0.0
                        yield ": keep-alive\n\n"
        finally:
            watchers = self._watchers.get(run_id)
            if watchers is not None:
                watchers.discard(waiter)
                if not watchers:
                    del self._watchers[run_id]

    def _ended(self, run_id: str) -> bool:
        """Whether no more events can come: the run finished, or died before it was stored."""
        if self.launcher.pending(run_id):
            return False
        record = self.store.get_run(run_id)
        if record is None:
            return self.launcher.failure(run_id) is not None
        return record.status.finished
