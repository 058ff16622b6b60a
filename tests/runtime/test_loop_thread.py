"""The loop thread sync callers use: results, errors, no deadlock inside a running loop, a clean stop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from automate.runtime.loop_thread import LoopThread


async def where() -> str:
    """The name of the thread the coroutine runs on."""
    await asyncio.sleep(0)
    return threading.current_thread().name


async def fail() -> None:
    raise KeyError("gone")


class TestLoopThread:
    def test_runs_coroutines_on_its_one_thread(self) -> None:
        """Every call runs on the same named thread, started on first use and gone after close."""
        portal = LoopThread("h2-portal-a")
        assert "h2-portal-a" not in {t.name for t in threading.enumerate()}
        assert [portal.run(where()), portal.run(where())] == ["h2-portal-a", "h2-portal-a"]
        portal.close()
        assert "h2-portal-a" not in {t.name for t in threading.enumerate()}

    def test_the_coroutines_exception_reaches_the_caller(self) -> None:
        """An exception raised on the loop thread is raised to the sync caller as it was."""
        portal = LoopThread("h2-portal-b")
        try:
            with pytest.raises(KeyError, match="gone"):
                portal.run(fail())
        finally:
            portal.close()

    async def test_a_sync_call_inside_a_running_loop_returns(self) -> None:
        """Called from a coroutine (a running loop on this thread), `run` answers instead of deadlocking."""
        portal = LoopThread("h2-portal-c")
        try:
            assert portal.run(where()) == "h2-portal-c"
        finally:
            portal.close()

    def test_a_call_from_its_own_thread_is_refused(self) -> None:
        """A nested sync call on the loop thread itself raises a clear error rather than waiting forever."""
        portal = LoopThread("h2-portal-d")

        async def nested() -> str:
            return portal.run(where())

        try:
            with pytest.raises(RuntimeError, match="would wait forever"):
                portal.run(nested())
        finally:
            portal.close()

    def test_close_from_the_loop_itself_stops_it(self) -> None:
        """Closing from a coroutine on the loop (a runtime's aclose run there) stops the thread."""
        portal = LoopThread("h2-portal-e")

        async def close() -> None:
            portal.close()

        portal.run(close())
        for thread in threading.enumerate():
            if thread.name == "h2-portal-e":
                thread.join(timeout=5)
        assert "h2-portal-e" not in {t.name for t in threading.enumerate() if t.is_alive()}
