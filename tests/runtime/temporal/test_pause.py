"""A Retry-After heard by one worker holds for every worker of that service."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

from automate.integrations.config import load_config
from automate.integrations.registry import register_adapter
from automate.runtime.plan import Plan, Step
from automate.runtime.result import TaskStatus
from automate.runtime.runtime import Runtime
from automate.runtime.store import open_store
from automate.runtime.store.models import EventType
from tests.conftest import CLOCK_ENV, NOW
from tests.peers.temporal import TemporalPeer
from tests.runtime.temporal.calendars import RATE_LIMITED, rate_limited_block
from tests.runtime.temporal.conftest import Workers, wait_for, write_config

PAUSE = 4.0
BOOKINGS = 8


def booking(n: int) -> Plan:
    """Book meeting `n` tomorrow, each in an hour of its own (no conflicts)."""
    start = (NOW + timedelta(days=1)).replace(hour=8 + n, minute=0)
    params = {"title": f"M{n}", "start": start.isoformat()}
    return Plan(
        text=f"book {n}", steps=[Step(id="s1", agent="scheduler", action="create_event", params=params)]
    )


class TestSharedPause:
    async def test_a_pause_taken_on_one_worker_holds_on_every_worker(
        self, temporal_server: TemporalPeer, workers: Workers, tmp_path: Path
    ) -> None:
        """After one worker hears Retry-After, no step on either worker calls the service until it ends."""
        register_adapter(RATE_LIMITED, "tests.runtime.temporal.calendars:RateLimitedOnceCalendarAdapter")
        marker = tmp_path / "refused"
        config_dir = write_config(
            workers.config_dir,
            temporal_server.address,
            "pause",
            rate_limited_block(marker, PAUSE, attempts=6, deadline=60),
        )
        workers.start(2)
        async with Runtime(load_config(config_dir, env=CLOCK_ENV, home=workers.home)) as runtime:
            first = asyncio.ensure_future(runtime.execute(booking(0)))
            heard = int(await wait_for(marker, 60))  # the pid of the worker the server refused
            refused_at = time.time()
            # Stop that worker: every later step (the refused one's retry included) then runs on
            # the other, which never heard the server, however Temporal would have spread them.
            listener = next(i for i, p in enumerate(workers.processes) if p.pid == heard)
            workers.processes[listener].terminate()
            workers.processes[listener].wait(timeout=30)
            results = await asyncio.gather(first, *(runtime.execute(booking(n)) for n in range(1, BOOKINGS)))
        assert [r.status for r in results] == [TaskStatus.DONE] * BOOKINGS, [r.message for r in results]

        store = open_store(workers.home)
        try:
            events = {r.run_id: store.events(r.run_id) for r in results}
        finally:
            store.close()
        # A step starts (is recorded) only when it goes on to call the calendar.
        calls = sorted(e.at for run in events.values() for e in run if e.type is EventType.STEP_STARTED)
        assert len(calls) == BOOKINGS + 1  # every booking once, and the refused first attempt
        assert all(at >= refused_at + PAUSE - 0.3 for at in calls[1:]), [
            round(a - refused_at, 2) for a in calls
        ]
        # The worker that did not hear the server held its steps back.
        other = (workers.config_dir.parent / f"worker-{1 - listener}.log").read_text()
        assert "step_paused" in other
