"""A worker killed mid-step: another worker finishes the run, and the event is not booked twice."""

from __future__ import annotations

import asyncio
import os
import signal
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
from tests.runtime.temporal.calendars import STALLING as ADAPTER
from tests.runtime.temporal.conftest import Workers, wait_for, write_config

AT = (NOW + timedelta(days=1)).replace(hour=15)
DAY = AT.replace(hour=0)


def calendar(marker: Path) -> str:
    """A calendar service whose first insert stalls, leaving the worker's pid in `marker`."""
    return f"""\
  calendar:
    adapter: {ADAPTER}
    retry: {{attempts: 3, initial_backoff: 0.05, max_backoff: 1, multiplier: 2, jitter: full, deadline: 60}}
    timeout: 30
    settings:
      path: calendar.sqlite3
      stall_marker: {marker}
"""


def book_and_mail() -> Plan:
    """Book an event, then mail its id: two steps, the first one stalls."""
    return Plan(
        text="book and mail",
        steps=[
            Step(
                id="s1",
                agent="scheduler",
                action="create_event",
                params={"title": "Sync", "start": AT.isoformat(), "attendees": ["ana@example.com"]},
            ),
            Step(
                id="s2",
                agent="email",
                action="send_email",
                needs=["s1"],
                params={"to": ["ana@example.com"], "subject": "Booked", "body": "{s1.output.uid}"},
            ),
        ],
    )


class TestWorkerKilled:
    async def test_another_worker_finishes_without_a_duplicate(
        self, temporal_server: TemporalPeer, workers: Workers, tmp_path: Path
    ) -> None:
        """SIGKILL the worker inside the booking: the run ends done, with one event and one mail."""
        register_adapter(ADAPTER, "tests.runtime.temporal.calendars:StallingCalendarAdapter")
        marker = tmp_path / "stalled.pid"
        config_dir = write_config(workers.config_dir, temporal_server.address, "killed", calendar(marker))
        workers.start(2)
        async with Runtime(load_config(config_dir, env=CLOCK_ENV, home=workers.home)) as runtime:
            running = asyncio.ensure_future(runtime.execute(book_and_mail()))
            pid = int(await wait_for(marker, 30))
            assert pid in [p.pid for p in workers.processes]
            os.kill(pid, signal.SIGKILL)
            result = await asyncio.wait_for(running, 60)
            listing = Plan(
                text="list",
                steps=[
                    Step(
                        id="s1",
                        agent="scheduler",
                        action="list_events",
                        params={"start": DAY.isoformat(), "end": (DAY + timedelta(days=1)).isoformat()},
                    )
                ],
            )
            listed = await runtime.execute(listing)
        assert result.status is TaskStatus.DONE, result.message
        assert [e["title"] for e in (listed.output or {})["events"]] == ["Sync"]
        assert len(list((workers.home / "mail" / "sent").glob("*/*"))) == 1

        store = open_store(workers.home)
        try:
            record = store.get_run(result.run_id or "")
            events = store.events(result.run_id)
        finally:
            store.close()
        assert record is not None and record.step("s1").attempts == 2
        booked = [e.data for e in events if e.step_id == "s1" and e.type is EventType.STEP_STARTED]
        assert [d["attempt"] for d in booked if d] == [1, 2]
        assert {d["idempotency_key"] for d in booked if d} == {f"{result.run_id}/s1"}
        assert [e.step_id for e in events if e.type is EventType.STEP_COMPLETED] == ["s1", "s2"]
