"""The scheduler: one run per tick across restarts, catch-up policies, chained workflows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from automate.integrations.config import AppConfig
from automate.runtime.runtime import Runtime
from automate.runtime.schedule import Scheduler, tick_run_id
from automate.runtime.store import RunStatus, SqliteRunStore
from automate.runtime.workflows import Workflow, WorkflowError, parse_workflow, targets_for
from tests.conftest import NOW

CRON = """\
name: agenda
trigger: {{kind: cron, cron: "0 7 * * *", timezone: Europe/Lisbon, catch_up: {policy}}}
steps:
  - id: today
    uses: scheduler.list_events
    params: {{start: "{{time.day_start}}", end: "{{time.day_end}}"}}
"""
FOLLOW = """\
name: follow
trigger: {kind: event, event: {workflow: agenda}}
steps:
  - id: again
    uses: scheduler.list_events
    params: {start: "{trigger.data.outputs.today.events.0.start | \\"2026-11-24T00:00:00+00:00\\"}",
             end: "2026-11-25T00:00:00+00:00", query: "{trigger.data.workflow}"}
"""
SEVEN = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


class Now:
    """A settable clock for the scheduler."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def store(tmp_path: Path) -> SqliteRunStore:
    return SqliteRunStore(tmp_path / "runs.sqlite3")


@pytest.fixture
async def runtime(
    local_config: AppConfig, store: SqliteRunStore, fixed_now: Callable[[], datetime]
) -> AsyncIterator[Runtime]:
    async with Runtime(local_config, store=store, now=fixed_now) as rt:
        yield rt
    store.close()


def workflow(text: str, config: AppConfig) -> Workflow:
    return parse_workflow(text, file="wf.yaml", targets=targets_for(config))


async def ticked(scheduler: Scheduler) -> list[str]:
    fired = await scheduler.tick()
    await scheduler.drain()
    return [f.run_id for f in fired]


class TestScheduler:
    async def test_a_tick_fires_once_even_after_a_restart(
        self, runtime: Runtime, local_config: AppConfig
    ) -> None:
        """The 07:00 tick starts one run; ticking again, or a new scheduler, starts none."""
        flows = {"agenda": workflow(CRON.format(policy="skip"), local_config)}
        now = Now(SEVEN - timedelta(minutes=5))
        first = Scheduler(runtime, flows, now=now)
        assert await ticked(first) == []  # first sight: remembers where it is
        now.at = SEVEN + timedelta(seconds=5)
        assert await ticked(first) == [tick_run_id("agenda", SEVEN)]
        assert await ticked(first) == []
        restarted = Scheduler(runtime, flows, now=now)
        assert await ticked(restarted) == []
        runs = runtime.store.list_runs()
        assert [(r.name, r.status) for r in runs] == [("agenda", RunStatus.DONE)]
        assert runs[0].spec["scope"]["trigger"]["kind"] == "cron"

    async def test_without_a_clock_it_reads_the_runtime_s(
        self, runtime: Runtime, local_config: AppConfig
    ) -> None:
        """A scheduler given no clock reads the runtime's now, so AUTOMATE_NOW reaches the scheduler."""
        flows = {"agenda": workflow(CRON.format(policy="skip"), local_config)}
        assert await ticked(Scheduler(runtime, flows)) == []
        assert runtime.store.get_mark("schedule:agenda:last") == runtime.now().astimezone(UTC).isoformat()
        assert runtime.now() == NOW

    async def test_two_schedulers_on_one_store_fire_a_tick_once(
        self, runtime: Runtime, local_config: AppConfig, store: SqliteRunStore, tmp_path: Path
    ) -> None:
        """Two processes' schedulers on one data directory share the tick."""
        flows = {"agenda": workflow(CRON.format(policy="skip"), local_config)}
        store.set_mark("schedule:agenda:last", (SEVEN - timedelta(minutes=1)).isoformat())
        other_store = SqliteRunStore(tmp_path / "runs.sqlite3")
        async with Runtime(local_config, store=other_store) as other:
            now = Now(SEVEN + timedelta(seconds=1))
            a, b = Scheduler(runtime, flows, now=now), Scheduler(other, flows, now=now)
            fired = await ticked(a) + await ticked(b)
        other_store.close()
        assert fired == [tick_run_id("agenda", SEVEN)]
        assert len(store.list_runs()) == 1

    async def test_skip_drops_missed_ticks(self, runtime: Runtime, local_config: AppConfig) -> None:
        """With catch_up skip, ticks missed while down start nothing."""
        flows = {"agenda": workflow(CRON.format(policy="skip"), local_config)}
        runtime.store.set_mark("schedule:agenda:last", (SEVEN - timedelta(days=3)).isoformat())
        assert await ticked(Scheduler(runtime, flows, now=Now(SEVEN + timedelta(hours=3)))) == []
        assert runtime.store.list_runs() == []

    async def test_run_once_fires_one_run_for_the_latest_missed_tick(
        self, runtime: Runtime, local_config: AppConfig
    ) -> None:
        """With catch_up run_once, three missed mornings give one run, for the latest."""
        flows = {"agenda": workflow(CRON.format(policy="run_once"), local_config)}
        runtime.store.set_mark("schedule:agenda:last", (SEVEN - timedelta(days=2, hours=1)).isoformat())
        fired = await ticked(Scheduler(runtime, flows, now=Now(SEVEN + timedelta(hours=3))))
        assert fired == [tick_run_id("agenda", SEVEN)]
        (run,) = runtime.store.list_runs()
        assert run.spec["scope"]["trigger"]["data"]["missed"] == 2
        assert run.spec["scope"]["time"]["today"] == "2026-11-24"

    async def test_a_finished_run_starts_the_workflow_that_follows_it(
        self, runtime: Runtime, local_config: AppConfig
    ) -> None:
        """An event trigger starts once per finished run of the named workflow, with its outputs."""
        flows = {
            "agenda": workflow(CRON.format(policy="skip"), local_config),
            "follow": workflow(FOLLOW, local_config),
        }
        now = Now(SEVEN - timedelta(minutes=1))
        scheduler = Scheduler(runtime, flows, now=now)
        await ticked(scheduler)
        now.at = SEVEN
        await ticked(scheduler)  # agenda runs
        await ticked(scheduler)  # its end is read from the log: follow runs
        await ticked(scheduler)
        runs = {r.name: r for r in runtime.store.list_runs()}
        assert set(runs) == {"agenda", "follow"}
        follow = runs["follow"]
        assert follow.status is RunStatus.DONE
        assert follow.spec["scope"]["trigger"]["data"]["run_id"] == runs["agenda"].run_id
        assert follow.step("again").params == {
            "start": "2026-11-24T00:00:00+00:00",
            "end": "2026-11-25T00:00:00+00:00",
            "query": "agenda",
        }

    async def test_the_loop_sleeps_until_each_tick_and_fires_it_once(
        self, runtime: Runtime, local_config: AppConfig
    ) -> None:
        """Over three simulated days the loop wakes at each 07:00 and starts one run per day."""
        flows = {"agenda": workflow(CRON.format(policy="skip"), local_config)}
        now = Now(SEVEN - timedelta(hours=1))
        naps: list[float] = []

        class Stop(Exception):
            pass

        async def sleep(seconds: float) -> None:
            naps.append(seconds)
            now.at += timedelta(seconds=seconds)
            if now.at > SEVEN + timedelta(days=2, hours=1):
                raise Stop

        scheduler = Scheduler(runtime, flows, now=now, sleep=sleep)
        with pytest.raises(Stop):
            await scheduler.run_forever()
        await scheduler.drain()
        runs = runtime.store.list_runs()
        assert sorted(r.spec["scope"]["time"]["today"] for r in runs) == [
            "2026-11-24",
            "2026-11-25",
            "2026-11-26",
        ]
        assert max(naps) <= 60.0  # naps are capped, so a changed wall clock is noticed within a minute

    def test_a_cron_trigger_without_a_zone_does_not_load(self, local_config: AppConfig) -> None:
        """The time zone of a schedule must be explicit."""
        text = CRON.format(policy="skip").replace(", timezone: Europe/Lisbon", "")
        with pytest.raises(WorkflowError, match="needs `timezone:`") as caught:
            workflow(text, local_config)
        assert caught.value.line == 2
