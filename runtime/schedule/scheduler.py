"""The scheduler: fires cron workflows once per tick, catches up, and chains workflows.

Each tick of a workflow becomes a run whose id is derived from (workflow,
tick), and the tick is claimed in the run store before the run starts, so a
tick fires once however many schedulers run and however often they restart.
After downtime the missed ticks are handled by the workflow's `catch_up`:
``skip`` fires nothing for them, ``run_once`` fires one run for the latest.
Workflows with an `event` trigger start when a run of the named workflow
ends; the scheduler reads the store's event log from a saved cursor, so
runs made by other processes chain too::

    scheduler = Scheduler(runtime, catalog.workflows)
    await scheduler.run_forever()
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from automate.integrations.errors import AutomationError
from automate.integrations.logs import get_logger
from automate.runtime.schedule.cron import fire_times, zone
from automate.runtime.store.models import EventType, RunRecord
from automate.runtime.workflows.flow import run_workflow
from automate.runtime.workflows.loader import Workflow

if TYPE_CHECKING:
    from automate.runtime.runtime import Runtime
    from automate.runtime.store.base import RunStore

__all__ = ["GRACE", "Fired", "Scheduler", "chained", "tick_run_id"]

GRACE = timedelta(seconds=60)
MAX_SLEEP = 60.0
_IDS = uuid.UUID("6f1c1f43-5a7e-4d35-9c8e-2b1a6c0d7e11")
log = get_logger("automate.scheduler")


def tick_run_id(workflow: str, tick: datetime) -> str:
    """The run id of one tick of one workflow: the same in every process."""
    return uuid.uuid5(_IDS, f"{workflow}@{tick.astimezone(UTC).isoformat()}").hex


@dataclass(frozen=True, slots=True)
class Fired:
    """One run the scheduler started (or found already started)."""

    workflow: str
    run_id: str
    reason: str


def chained(
    workflows: Mapping[str, Workflow], record: RunRecord
) -> list[tuple[Workflow, str, dict[str, Any]]]:
    """The workflows a finished run starts: (workflow, run id, trigger) for each."""
    if record.kind != "workflow" or not record.status.finished:
        return []
    found = []
    for workflow in workflows.values():
        trigger = workflow.spec.trigger
        if trigger.kind != "event" or trigger.event is None or trigger.event.workflow != record.name:
            continue
        if record.status.value not in trigger.event.status:
            continue
        outputs = {s.step_id: s.output for s in record.steps if s.output is not None}
        data = {
            "run_id": record.run_id,
            "workflow": record.name,
            "status": record.status.value,
            "outputs": outputs,
        }
        at = datetime.fromtimestamp(record.finished_at or record.updated_at, UTC).isoformat()
        run_id = uuid.uuid5(_IDS, f"{workflow.name}<-{record.run_id}").hex
        found.append((workflow, run_id, {"kind": "event", "time": at, "data": data}))
    return found


class Scheduler:
    """Fires the cron and event triggers of a set of workflows on one runtime."""

    def __init__(
        self,
        runtime: Runtime,
        workflows: Mapping[str, Workflow],
        *,
        now: Callable[[], datetime] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.runtime = runtime
        self.workflows = dict(workflows)
        self._now = now or runtime.now
        self._sleep = sleep or runtime.pool.clock.sleep
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def store(self) -> RunStore:
        """The runtime's run store."""
        return self.runtime.store

    async def tick(self) -> list[Fired]:
        """Fire whatever is due now; returns what was started."""
        now = self._now()
        fired: list[Fired] = []
        for workflow in self.workflows.values():
            if workflow.spec.trigger.kind == "cron":
                fired.extend(self._cron(workflow, now))
        fired.extend(self._events())
        return fired

    async def resume_unfinished(self) -> list[str]:
        """Start a task for every unfinished run in the store (after a crash)."""
        ids = self.store.unfinished()
        for run_id in ids:
            record = self.store.get_run(run_id)
            if record is not None:
                self._spawn(run_id, self.runtime.executor.run(self.runtime.flow_of(record), run_id=run_id))
        return list(ids)

    async def run_forever(self) -> None:
        """Resume unfinished runs, then tick and sleep until the next fire time, for ever."""
        await self.resume_unfinished()
        while True:
            await self.tick()
            await self._sleep(self._until_next())

    async def drain(self) -> None:
        """Wait for every run this scheduler started."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def next_fire(self, workflow: Workflow, after: datetime) -> datetime | None:
        """The workflow's next fire time after `after`, if it has a schedule."""
        trigger = workflow.spec.trigger
        if trigger.kind != "cron" or not trigger.cron or not trigger.timezone:
            return None
        return next(fire_times(trigger.cron, zone(trigger.timezone), after), None)

    def _cron(self, workflow: Workflow, now: datetime) -> list[Fired]:
        trigger = workflow.spec.trigger
        assert trigger.cron and trigger.timezone  # checked when the file loaded
        mark = f"schedule:{workflow.name}:last"
        last_text = self.store.get_mark(mark)
        if last_text is None:  # first sight: no history to catch up on
            self.store.set_mark(mark, now.astimezone(UTC).isoformat())
            return []
        last = datetime.fromisoformat(last_text)
        due = list(fire_times(trigger.cron, zone(trigger.timezone), last, now))
        if not due:
            return []
        latest = due[-1]
        on_time = now - latest <= GRACE
        fire = on_time or trigger.catch_up == "run_once"
        fired = []
        if fire:
            reason = "on time" if on_time and len(due) == 1 else f"catch-up ({len(due)} tick(s) due)"
            started = self._fire(workflow, latest, reason, len(due) - 1)
            if started is not None:
                fired.append(started)
        skipped = due[:-1] if fire else due
        if skipped:
            log.info(
                "ticks_skipped",
                workflow=workflow.name,
                count=len(skipped),
                first=skipped[0].isoformat(),
                last=skipped[-1].isoformat(),
            )
        self.store.set_mark(mark, now.astimezone(UTC).isoformat())
        return fired

    def _fire(self, workflow: Workflow, tick: datetime, reason: str, missed: int) -> Fired | None:
        run_id = tick_run_id(workflow.name, tick)
        stamp = tick.astimezone(UTC).isoformat()
        claimed = self.store.claim_tick(workflow.name, stamp, run_id, now=self._now().timestamp())
        if not claimed and self.store.get_run(run_id) is not None:
            return None  # fired before (this or another process); resume handles the rest
        trigger = {
            "kind": "cron",
            "time": tick.isoformat(),
            "data": {"scheduled": tick.isoformat(), "missed": missed},
        }
        local = tick.astimezone(self.runtime.config.settings.tzinfo)
        self._spawn(run_id, run_workflow(self.runtime, workflow, trigger=trigger, run_id=run_id, now=local))
        log.info("tick_fired", workflow=workflow.name, tick=tick.isoformat(), run_id=run_id, reason=reason)
        return Fired(workflow.name, run_id, reason)

    def _events(self) -> list[Fired]:
        if not any(w.spec.trigger.kind == "event" for w in self.workflows.values()):
            return []
        mark = "schedule:events:cursor"
        cursor_text = self.store.get_mark(mark)
        cursor = int(cursor_text) if cursor_text else 0
        fired = []
        for event in self.store.events(after=cursor, limit=1000):
            cursor = event.seq
            if event.type not in (EventType.RUN_COMPLETED, EventType.RUN_FAILED):
                continue
            record = self.store.get_run(event.run_id)
            if record is None:
                continue
            for workflow, run_id, trigger in chained(self.workflows, record):
                if self.store.get_run(run_id) is None:
                    self._spawn(run_id, run_workflow(self.runtime, workflow, trigger=trigger, run_id=run_id))
                    fired.append(Fired(workflow.name, run_id, f"after {record.name} {record.run_id}"))
        self.store.set_mark(mark, str(cursor))
        return fired

    def _spawn(self, run_id: str, work: Awaitable[Any]) -> None:
        async def guarded() -> None:
            try:
                await work
            except AutomationError as exc:
                log.warning("scheduled_run_failed", run_id=run_id, error=type(exc).__name__, message=str(exc))

        task = asyncio.ensure_future(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _until_next(self) -> float:
        now = self._now()
        soonest = MAX_SLEEP
        for workflow in self.workflows.values():
            upcoming = self.next_fire(workflow, now)
            if upcoming is not None:
                soonest = min(soonest, max(0.0, (upcoming - now).total_seconds()))
        return soonest
