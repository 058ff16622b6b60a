"""A service's rate limit holds across worker processes: it is its task queue's limit."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from automate.integrations.config import load_config
from automate.runtime.plan import Plan, Step
from automate.runtime.result import TaskStatus
from automate.runtime.runtime import Runtime
from automate.runtime.store import open_store
from automate.runtime.store.models import EventType, RunStatus
from tests.conftest import NOW
from tests.peers.temporal import TemporalPeer
from tests.runtime.temporal.conftest import Workers, write_config

CALLS = 100
LIMIT = 5.0
CALENDAR = """\
  calendar:
    adapter: local_calendar
    rate_limit: {requests: 5, per_seconds: 1, burst: 5}
    retry: {attempts: 3, initial_backoff: 0.05, max_backoff: 1, multiplier: 2, jitter: full, deadline: 60}
    timeout: 10
    settings:
      path: calendar.sqlite3
"""


def listing(n: int) -> Plan:
    """One call to the calendar: list tomorrow's events."""
    day = (NOW + timedelta(days=1)).replace(hour=0)
    params = {"start": day.isoformat(), "end": (day + timedelta(days=1)).isoformat()}
    return Plan(
        text=f"list {n}", steps=[Step(id="s1", agent="scheduler", action="list_events", params=params)]
    )


class TestRateLimitAcrossWorkers:
    async def test_two_workers_keep_to_five_calls_a_second(
        self, temporal_server: TemporalPeer, workers: Workers
    ) -> None:
        """100 calls through two workers take at least as long as 5/s allows, and every one completes."""
        config_dir = write_config(workers.config_dir, temporal_server.address, "ratelimit", CALENDAR)
        workers.start(2)
        async with Runtime(load_config(config_dir, env={}, home=workers.home)) as runtime:
            results = await asyncio.gather(*(runtime.execute(listing(n)) for n in range(CALLS)))
        assert [r.status for r in results] == [TaskStatus.DONE] * CALLS

        store = open_store(workers.home)
        try:
            runs = {r.run_id: r for r in store.list_runs(limit=CALLS + 10)}
            events = [e for r in results for e in store.events(r.run_id)]
        finally:
            store.close()
        assert len(runs) == CALLS and all(r.status is RunStatus.DONE for r in runs.values())
        starts = sorted(e.at for e in events if e.type is EventType.STEP_STARTED)
        ends = sorted(e.at for e in events if e.type is EventType.STEP_COMPLETED)
        assert len(starts) == len(ends) == CALLS  # none lost, none repeated
        # Over the whole run: from the first call's start to the last call's end (this
        # includes Temporal's burst of about twice the rate in the first second).
        rate = CALLS / (ends[-1] - starts[0])
        print(f"calls={CALLS} seconds={ends[-1] - starts[0]:.2f} rate={rate:.2f}/s")
        assert rate <= LIMIT * 1.1
