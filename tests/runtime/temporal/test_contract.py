"""The contract scenario gives the same answers on the local executor and on Temporal workers."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from automate.integrations.config import load_config
from automate.runtime.plan import Plan, Step
from automate.runtime.result import TaskResult, TaskStatus
from automate.runtime.runtime import Runtime
from automate.runtime.store import open_store
from automate.runtime.store.models import EventType, RunStatus
from tests.conftest import NOW
from tests.peers.temporal import TemporalPeer
from tests.runtime.temporal.conftest import Workers, write_config

AT = (NOW + timedelta(days=1)).replace(hour=15)
DAY = AT.replace(hour=0)


def plan(text: str, agent: str, action: str, **params: Any) -> Plan:
    """A one-step plan."""
    return Plan(text=text, steps=[Step(id="s1", agent=agent, action=action, params=params)])


def scenario() -> list[Plan]:
    """Book, list, move, cancel; send and find."""
    span = {"start": DAY.isoformat(), "end": (DAY + timedelta(days=1)).isoformat()}
    return [
        plan(
            "book",
            "scheduler",
            "create_event",
            title="Sync",
            start=AT.isoformat(),
            attendees=["ana@example.com"],
        ),
        plan("list", "scheduler", "list_events", **span),
        plan(
            "move",
            "scheduler",
            "reschedule_event",
            query="Sync",
            new_start=(AT + timedelta(hours=1)).isoformat(),
        ),
        plan("list again", "scheduler", "list_events", **span),
        plan("cancel", "scheduler", "cancel_event", query="Sync"),
        plan("cancel again", "scheduler", "cancel_event", query="Sync"),
        plan("send", "email", "send_email", to=["ana@example.com"], subject="Agenda", body="Items for Sync."),
        plan("find", "email", "search_email", subject="Agenda", folder="sent"),
    ]


def comparable(result: TaskResult) -> tuple[str, str, list[str]]:
    """What the person sees of a result, without the ids that differ from run to run."""

    def plain(text: str) -> str:
        return re.sub(r"[0-9a-f]{16,}|<[^>]+>", "ID", text)

    return result.status.value, plain(result.message), [plain(s.message) for s in result.steps]


async def play(runtime: Runtime) -> list[TaskResult]:
    """Every plan of the scenario, in order, on one runtime."""
    async with runtime:
        return [await runtime.execute(p) for p in scenario()]


class TestContractOnTemporal:
    async def test_same_answers_as_local(
        self,
        temporal_server: TemporalPeer,
        workers: Workers,
        tmp_path: Path,
        user_config: Path,
        fixed_now: Callable[[], datetime],
    ) -> None:
        """Each step ends the same way on both executors (a refusal too), and Temporal runs are in history."""
        local_home = tmp_path / "local-home"
        local_home.mkdir()
        local = await play(Runtime(load_config(user_config, env={}, home=local_home), now=fixed_now))
        config_dir = write_config(workers.config_dir, temporal_server.address, "contract")
        workers.start(1)
        remote_runtime = Runtime(load_config(config_dir, env={}, home=workers.home), now=fixed_now)
        remote = await play(remote_runtime)
        assert [comparable(r) for r in remote] == [comparable(r) for r in local]
        statuses = [r.status for r in remote]
        assert statuses == [TaskStatus.DONE] * 5 + [TaskStatus.FAILED] + [TaskStatus.DONE] * 2
        assert "Sync" in local[3].message and "Agenda" in local[7].message

        store = open_store(workers.home)
        try:
            runs = store.list_runs(limit=20)
            events = [e.type for e in store.events(remote[0].run_id)]
            refused = store.get_run(remote[5].run_id or "")
        finally:
            store.close()
        assert sorted(r.run_id for r in runs) == sorted(r.run_id for r in remote)
        assert [r.status for r in runs].count(RunStatus.FAILED) == 1
        assert refused is not None and refused.status is RunStatus.FAILED
        assert refused.step("s1").attempts == 1  # a permanent error is not retried
        assert events == [
            EventType.RUN_STARTED,
            EventType.STEP_STARTED,
            EventType.STEP_COMPLETED,
            EventType.RUN_COMPLETED,
        ]
