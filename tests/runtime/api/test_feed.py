"""RunFeed and Launcher on their own: what a stream sends, when it ends, and runs that die unrecorded."""

from __future__ import annotations

import asyncio
import json

from automate.runtime.api.feed import RunFeed
from automate.runtime.api.launcher import Launcher
from automate.runtime.store import EventType, MemoryRunStore, RunEvent, RunRecord, RunStatus


def started(store: MemoryRunStore, run_id: str) -> None:
    """Put a running run with its run_started event in the store."""
    record = RunRecord(run_id=run_id, kind="task", name="t", spec={}, created_at=1.0, updated_at=1.0)
    store.create_run(record, [RunEvent(run_id, EventType.RUN_STARTED, 1.0)])


def finish(store: MemoryRunStore, run_id: str) -> None:
    """Append the run's end and mark it done."""
    event = RunEvent(run_id, EventType.RUN_COMPLETED, 2.0, data={"status": "done"})
    store.record(run_id, [], [event], finish=(RunStatus.DONE, None, None), at=2.0)


async def collect(stream: object, limit: float = 3.0) -> list[str]:
    """Every frame a stream yields until it ends."""
    frames = []
    async with asyncio.timeout(limit):
        async for frame in stream:  # type: ignore[attr-defined]
            frames.append(frame)
    return frames


class TestRunFeed:
    async def test_a_live_stream_is_woken_by_the_store_and_ends_with_the_run(self) -> None:
        """Frames come as events are appended (no polling needed) and the stream ends after run_completed."""
        store = MemoryRunStore()
        feed = RunFeed(store, Launcher(), heartbeat=60.0, poll=60.0)
        feed.open()
        started(store, "r1")
        task = asyncio.ensure_future(collect(feed.stream("r1", 0)))
        await asyncio.sleep(0.05)
        finish(store, "r1")
        frames = await task
        feed.close()
        assert frames[0] == "retry: 1000\n\n"
        assert [f.split("\n")[1] for f in frames[1:]] == ["event: run_started", "event: run_completed"]
        assert frames[-1].startswith(f"id: {store.events('r1')[-1].seq}\n")

    async def test_a_run_that_dies_before_it_is_stored_ends_the_stream_with_an_error(self) -> None:
        """Work that fails before the store has its run closes its watchers' stream with an `error` frame."""
        store = MemoryRunStore()
        launcher = Launcher()
        feed = RunFeed(store, launcher, heartbeat=60.0, poll=0.05)
        feed.open()
        gate = asyncio.Event()

        async def doomed() -> None:
            await gate.wait()
            raise RuntimeError("the store is gone")

        launched = launcher.start("r2", doomed(), kind="task", name="t")
        stream = asyncio.ensure_future(collect(feed.stream("r2", 0)))
        await asyncio.sleep(0.05)
        gate.set()
        await asyncio.gather(launched, return_exceptions=True)
        frames = await stream
        assert frames[-1].startswith("event: error\n")
        assert json.loads(frames[-1].split("data: ", 1)[1]) == {
            "run_id": "r2",
            "error": "RuntimeError: the store is gone",
        }
        assert launcher.failure("r2") == "RuntimeError: the store is gone" and not launcher.pending("r2")

    async def test_stop_ends_every_open_stream(self) -> None:
        """After stop() a stream on an unfinished run returns without its end."""
        store = MemoryRunStore()
        feed = RunFeed(store, Launcher(), heartbeat=60.0, poll=60.0)
        feed.open()
        started(store, "r3")
        task = asyncio.ensure_future(collect(feed.stream("r3", 0)))
        await asyncio.sleep(0.05)
        feed.stop()
        frames = await task
        assert [f.split("\n")[1] for f in frames[1:]] == ["event: run_started"]


class TestLauncher:
    async def test_shutdown_cancels_runs_that_outlast_the_grace(self) -> None:
        """Runs still going after the grace period are cancelled; finished ones are left as they were."""
        launcher = Launcher()
        quick = launcher.start("a", asyncio.sleep(0), kind="task", name="quick")
        slow = launcher.start("b", asyncio.sleep(30), kind="task", name="slow")
        assert launcher.launched("b") is not None and launcher.in_flight == 2
        await launcher.shutdown(0.05)
        assert quick.done() and not quick.cancelled()
        assert slow.cancelled()
        assert launcher.in_flight == 0 and launcher.launched("b") is None
