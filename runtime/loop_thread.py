"""An event loop on its own thread, so synchronous callers can run the runtime's coroutines.

A sync caller (``tool.invoke`` in a script, a LangGraph node, a Jupyter cell
whose loop is already running) cannot ``asyncio.run`` a coroutine inside a
running loop, and a fresh loop per call would strand connections opened on
the last one. The runtime owns one `LoopThread` instead: every sync call is
handed to the same loop, and the caller's thread waits for the answer::

    portal = LoopThread("automate")
    value = portal.run(some_coroutine())  # works with or without a running loop here
    portal.close()
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["LoopThread"]

T = TypeVar("T")


class LoopThread:
    """One event loop on a daemon thread, started on first use; `run` waits for a coroutine on it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on this thread's loop and return its result (or raise its exception)."""
        if self._thread is not None and threading.current_thread() is self._thread:
            work.close()
            raise RuntimeError(
                f"{self.name}: a sync call from its own loop thread would wait forever; await it"
            )
        future = asyncio.run_coroutine_threadsafe(work, self._started())
        return future.result()

    def close(self) -> None:
        """Stop the loop and its thread (a no-op when it never started); safe from the loop itself."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        if threading.current_thread() is not thread:
            thread.join()

    def _started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=_serve, args=(loop,), name=self.name, daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    """The thread's body: run the loop until stopped, then finish what is left and close it."""
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
