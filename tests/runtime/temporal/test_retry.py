"""A service's retry policy is the step activity's: a retry-after is waited out before the retry."""

from __future__ import annotations

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
from tests.runtime.temporal.conftest import Workers, write_config

AT = (NOW + timedelta(days=1)).replace(hour=15)


class TestRetryAfter:
    async def test_rate_limited_step_is_retried_after_the_retry_after(
        self, temporal_server: TemporalPeer, workers: Workers, tmp_path: Path
    ) -> None:
        """The refused booking is retried once, no sooner than the service asked, and succeeds."""
        register_adapter(RATE_LIMITED, "tests.runtime.temporal.calendars:RateLimitedOnceCalendarAdapter")
        config_dir = write_config(
            workers.config_dir,
            temporal_server.address,
            "retry",
            rate_limited_block(tmp_path / "refused", 0.6, attempts=3, deadline=30),
        )
        workers.start(1)
        book = Plan(
            text="book",
            steps=[
                Step(
                    id="s1",
                    agent="scheduler",
                    action="create_event",
                    params={"title": "Sync", "start": AT.isoformat()},
                )
            ],
        )
        async with Runtime(load_config(config_dir, env=CLOCK_ENV, home=workers.home)) as runtime:
            result = await runtime.execute(book)
        assert result.status is TaskStatus.DONE, result.message

        store = open_store(workers.home)
        try:
            events = store.events(result.run_id)
        finally:
            store.close()
        kinds = [e.type for e in events]
        assert kinds == [
            EventType.RUN_STARTED,
            EventType.STEP_STARTED,
            EventType.STEP_RETRYING,
            EventType.STEP_STARTED,
            EventType.STEP_COMPLETED,
            EventType.RUN_COMPLETED,
        ]
        retrying, again = events[2], events[3]
        assert retrying.data is not None and retrying.data["delay"] == 0.6
        assert again.at - retrying.at >= 0.55  # the backoff alone would be 0.05 s
