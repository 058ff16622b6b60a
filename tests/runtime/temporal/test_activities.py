"""The step activity on a real Temporal worker: a value a model refuses inside an action is one clear line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from automate.integrations.config import load_config
from automate.runtime.plan import Plan, Step
from automate.runtime.result import TaskStatus
from automate.runtime.runtime import Runtime
from automate.runtime.store import open_store
from tests.peers.temporal import TemporalPeer
from tests.runtime.temporal.conftest import Workers, write_config

# Passes the action's own params (a list of strings) but not the mail model built inside it.
TOO_LONG_CC = "x" * 400 + "@example.com"


class TestRunStep:
    async def test_a_value_refused_inside_the_action_fails_the_step_in_one_line(
        self, temporal_server: TemporalPeer, workers: Workers, fixed_now: Callable[[], datetime]
    ) -> None:
        """The run fails once (not retried) with the target and field named, never "internal error"."""
        config_dir = write_config(workers.config_dir, temporal_server.address, "activities")
        workers.start(1)
        plan = Plan(
            text="mail with a bad cc",
            steps=[
                Step(
                    id="s1",
                    agent="email",
                    action="send_email",
                    params={"to": ["ana@example.com"], "cc": [TOO_LONG_CC], "subject": "Hi", "body": "x"},
                )
            ],
        )
        async with Runtime(load_config(config_dir, env={}, home=workers.home), now=fixed_now) as runtime:
            result = await runtime.execute(plan)
        assert result.status is TaskStatus.FAILED
        assert "internal error" not in result.message.lower()
        store = open_store(workers.home)
        try:
            record = store.get_run(result.run_id or "")
        finally:
            store.close()
        assert record is not None
        step = record.step("s1")
        error = step.error or ""
        assert error.startswith("email.send_email: ") and "\n" not in error and TOO_LONG_CC not in error
        assert step.attempts == 1
