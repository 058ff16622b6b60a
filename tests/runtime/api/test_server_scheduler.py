"""The scheduler runs inside the server: a cron workflow fires while the API serves."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from automate.runtime.api import create_app
from automate.runtime.runtime import Runtime
from automate.runtime.schedule import Scheduler, tick_run_id
from automate.runtime.workflows import Catalog, targets_for
from tests.runtime.api.harness import live_server, wait_for

TICKER = """\
name: ticker
trigger: {kind: cron, cron: "* * * * *", timezone: UTC}
steps:
  - id: note
    uses: lists.add_item
    params: {list: ticks, item: "tick {trigger.time}"}
"""
START = datetime(2026, 11, 24, 10, 0, 30, tzinfo=UTC)


class FakeTime:
    """The scheduler's clock: the first sleep jumps to the next minute, later ones never end."""

    def __init__(self) -> None:
        self.at = START
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.at

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if len(self.slept) == 1:
            self.at += timedelta(seconds=seconds)
            return
        await asyncio.Event().wait()  # cancelled when the server stops


def with_workflow(runtime: Runtime, config_dir: Path, tmp_path: Path, text: str) -> Catalog:
    """The test workflows plus one more, written from `text`."""
    folder = tmp_path / "extra"
    folder.mkdir()
    (folder / "extra.yaml").write_text(text)
    agents = [type(agent) for agent in runtime.agents.values()]
    return Catalog.scan([config_dir / "workflows", folder], targets_for(runtime.config, agents))


class TestSchedulerInServer:
    async def test_a_cron_tick_fires_a_run_the_api_then_shows(
        self, api_runtime: Runtime, api_config_dir: Path, tmp_path: Path
    ) -> None:
        """The server's scheduler fires the 10:01 tick once; GET /api/runs/{id} shows it done."""
        catalog = with_workflow(api_runtime, api_config_dir, tmp_path, TICKER)
        clock = FakeTime()
        scheduler = Scheduler(api_runtime, catalog.workflows, now=clock.now, sleep=clock.sleep)
        app = create_app(api_runtime, catalog=catalog, scheduler=scheduler, shutdown_grace=0.5)
        run_id = tick_run_id("ticker", START.replace(second=0) + timedelta(minutes=1))

        def fired() -> bool:
            record = api_runtime.store.get_run(run_id)
            return record is not None and record.status.finished

        async with live_server(app) as server, server.client() as client:
            await wait_for(fired)
            run = (await client.get(f"/api/runs/{run_id}")).json()
            health = (await client.get("/health")).json()
        assert clock.slept[0] == 30.0
        assert run["status"] == "done" and run["trigger"]["kind"] == "cron"
        assert run["steps"][0]["params"]["item"] == "tick 2026-11-24T10:01:00+00:00"
        assert health["scheduler"] is True
        assert [r.run_id for r in api_runtime.store.list_runs()] == [run_id]


AFTER_GREET = """\
name: after_greet
trigger: {kind: event, event: {workflow: greet}}
steps:
  - id: note
    uses: lists.add_item
    params: {list: followups, item: "after {trigger.data.run_id}"}
"""


class TestChainingInServer:
    async def test_a_workflow_started_over_http_triggers_its_follower_at_once(
        self, api_runtime: Runtime, api_config_dir: Path, tmp_path: Path
    ) -> None:
        """When `greet` ends, `after_greet` (event trigger) starts within seconds, not at the next minute."""
        catalog = with_workflow(api_runtime, api_config_dir, tmp_path, AFTER_GREET)
        app = create_app(api_runtime, catalog=catalog, shutdown_grace=0.5)  # the real scheduler

        def follower_done() -> bool:
            return any(r.name == "after_greet" and r.status.finished for r in api_runtime.store.list_runs())

        async with live_server(app) as server, server.client() as client:
            greet = await client.post(
                "/api/workflows/greet/runs", json={"inputs": {"who": "ana@example.com"}, "wait": True}
            )
            await wait_for(follower_done, limit=5.0)
        greet_id = greet.json()["run_id"]
        follower = next(r for r in api_runtime.store.list_runs() if r.name == "after_greet")
        assert follower.status.value == "done"
        assert follower.step("note").params == {"list": "followups", "item": f"after {greet_id}"}
        assert [r.name for r in api_runtime.store.list_runs()].count("after_greet") == 1
