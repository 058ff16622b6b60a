"""The activities of a run workflow: begin it, run one step, finish it — mirrored into the run store.

`run_step` calls the same agent action the local executor calls, with the
same idempotency key (run id / step id) on every attempt, so a retry after a
worker died mid-call finds what the first attempt did instead of doing it
again. How it fails decides what Temporal does next: a permanent error is
non-retryable, a retryable one is retried under the service's policy (after
the service's retry-after, when it gave one), a conflict or a question is an
outcome, not a failure. Every attempt and outcome is written to the run
store, so `automate history` / `show` and the API see Temporal runs as they
see local ones.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from automate.agents.base import ActionContext
from automate.integrations.config import AppConfig, ExecutorSettings, RetryConfig, ServiceConfig
from automate.integrations.errors import (
    AutomationError,
    IntegrationError,
    InvalidRequest,
    NeedsClarification,
    RateLimited,
    SchedulingConflict,
    invalid_params,
)
from automate.integrations.logs import get_logger
from automate.integrations.redaction import redact
from automate.runtime.executor import Flow, FlowStep
from automate.runtime.store.models import EventType, RunEvent, RunRecord, RunStatus, StepRecord, StepStatus
from automate.runtime.templates import render
from automate.runtime.temporal.client import runs_queue, service_queue
from automate.runtime.temporal.pause import pause_service, paused_for
from automate.runtime.temporal.records import record_to_json

if TYPE_CHECKING:
    from automate.runtime.runtime import Runtime

__all__ = ["TEMPORAL_LEASE", "RunActivities", "step_service"]

log = get_logger("automate.temporal")
# A run Temporal carries is leased to Temporal for good, so `automate resume` leaves it alone.
TEMPORAL_LEASE = 10 * 365 * 86400.0
_FLOWS_KEPT = 256


def step_service(runtime: Runtime, target: str) -> str | None:
    """The service whose queue (and rate limit) a step runs under: an agent's first required one."""
    name = target.partition(".")[0]
    agent = runtime.agents.get(name)
    if agent is not None:
        return agent.requires[0] if agent.requires else None
    return name if name in runtime.config.integrations.services else None


class RunActivities:
    """`begin_run`, `run_step` and `finish_run` over one runtime and its run store.

    `config` is the configuration as written (its retry policies become the
    activities' retry policies); the runtime's own services retry nothing.
    """

    def __init__(self, runtime: Runtime, config: AppConfig, settings: ExecutorSettings) -> None:
        self.runtime = runtime
        self.config = config
        self.settings = settings
        self._flows: OrderedDict[str, Flow] = OrderedDict()

    @activity.defn(name="begin_run")
    async def begin_run(self, run: dict[str, Any]) -> dict[str, Any]:
        """Record the run (once) and describe its steps and each step's activity options."""
        record = self._ensure(run)
        flow = self._flow(run)
        done = {
            s.step_id: {"status": "done", "output": s.output, "params": s.params, "message": s.message}
            for s in record.steps
            if s.status is StepStatus.DONE
        }
        steps = [
            {
                "id": s.id,
                "target": s.target,
                "needs": list(s.needs),
                "on_failure": s.on_failure,
                "options": self.options(s),
            }
            for s in flow.steps
        ]
        return {"steps": steps, "done": done}

    def options(self, spec: FlowStep) -> dict[str, Any]:
        """The step's queue, timeouts and retry policy, from its service's configuration."""
        service = step_service(self.runtime, spec.target)
        config = self.config.integrations.services.get(service) if service else None
        queue = service_queue(self.settings, service) if service and config else runs_queue(self.settings)
        config = config or ServiceConfig(adapter="none")
        retry: RetryConfig = config.retry
        agent = self.runtime.agents.get(spec.target.partition(".")[0])
        # An action may call each service its agent requires: it gets a timeout for each.
        calls = max(1, len(agent.requires)) if agent is not None else 1
        attempt_timeout = config.timeout * calls
        attempts = max(retry.attempts, spec.attempts) if spec.on_failure == "retry" else retry.attempts
        initial = max(retry.initial_backoff, 0.001)
        return {
            "queue": queue,
            "start_to_close": attempt_timeout,
            "schedule_to_close": retry.deadline + attempt_timeout if retry.deadline else None,
            "heartbeat": min(self.settings.heartbeat_seconds, attempt_timeout),
            "initial_interval": initial,
            "backoff_coefficient": retry.multiplier,
            "maximum_interval": max(retry.max_backoff, initial),
            "maximum_attempts": attempts,
        }

    @activity.defn(name="run_step")
    async def run_step(self, args: dict[str, Any]) -> dict[str, Any]:
        """Run one step's action (rendering its params from the scope the workflow passed)."""
        run, step_id = args["run"], args["step_id"]
        info = activity.info()
        flow = self._flow(run)
        spec = next(s for s in flow.steps if s.id == step_id)
        state = self._ensure(run).step(step_id)
        scope = {**flow.scope, **{k: _entry(v) for k, v in args["scope"].items()}}
        try:
            if spec.when is not None and not spec.when(scope):
                return self._settle(state, "skipped", message="skipped: its `when` condition is false")
            params = render(spec.params, scope)
        except AutomationError as exc:
            return self._settle(state, "failed", error=_text(exc))
        service = step_service(self.runtime, spec.target)
        left = await self._paused_for(service)
        if service is not None and left is not None:
            log.info(
                "step_paused", run_id=state.run_id, step=step_id, service=service, seconds=round(left, 3)
            )
            message = f"{service} asked to slow down: paused for {left:.3g}s more"
            return self._failure(state, RateLimited(message, service=service, retry_after=left), info)
        key = f"{state.run_id}/{step_id}"
        now = time.time()
        state.attempts, state.status, state.idempotency_key = info.attempt, StepStatus.RUNNING, key
        state.params = _jsonable(params)
        state.started_at = state.started_at or now
        data: dict[str, Any] = {"target": spec.target, "attempt": info.attempt, "idempotency_key": key}
        if info.attempt > 1:
            data["in_doubt"] = True
        self._store().record(
            state.run_id, [state], [RunEvent(state.run_id, EventType.STEP_STARTED, now, step_id, data)]
        )
        ctx = ActionContext(run_id=state.run_id, step_id=step_id, now=flow.now)
        try:
            output, message = await self._beating(self.runtime.call(spec.target, params, ctx))
        except AutomationError as exc:
            if isinstance(exc, RateLimited) and exc.retry_after and service is not None:
                await self._share_pause(service, exc.retry_after)
            return self._failure(state, exc, info)
        except ValidationError as exc:  # a model built inside the action refused a value
            return self._failure(state, invalid_params(exc, spec.target), info)
        except Exception as exc:  # a bug in an agent must end the step, not retry it forever
            log.exception("step_crashed", run_id=state.run_id, step=step_id)
            return self._failure(state, InvalidRequest(f"internal error: {type(exc).__name__}: {exc}"), info)
        return self._settle(state, "done", output=output.model_dump(mode="json"), message=message)

    @activity.defn(name="finish_run")
    async def finish_run(self, args: dict[str, Any]) -> dict[str, Any]:
        """Write what the store lacks of the steps' outcomes, end the run, return its record."""
        record = self._ensure(args["run"])
        if record.status.finished:
            return record_to_json(record)
        flow = self._flow(args["run"])
        outcomes: dict[str, dict[str, Any]] = args["outcomes"]
        for state in record.steps:
            outcome = outcomes.get(state.step_id, {"status": "skipped"})
            status = outcome["status"]
            if status in ("pending", "running"):
                status, outcome = "skipped", {"message": "not run"}
            if state.status.value != status:
                self._settle(state, status, **{k: outcome.get(k) for k in ("output", "message", "error")})
        status, error = RunStatus.DONE, None
        stops = {s.id: s.on_failure != "continue" for s in flow.steps}
        for state in record.steps:
            if state.status is StepStatus.NEEDS_CLARIFICATION:
                status, error = RunStatus.NEEDS_CLARIFICATION, state.error
                break
            if state.status is StepStatus.FAILED and stops.get(state.step_id, True):
                status, error = RunStatus.FAILED, state.error
                break
        now = time.time()
        kind = EventType.RUN_FAILED if status is RunStatus.FAILED else EventType.RUN_COMPLETED
        data = {"status": status.value, **({"error": error} if error else {})}
        event = RunEvent(record.run_id, kind, now, data=data)
        self._store().record(record.run_id, [], [event], finish=(status, None, error), at=now)
        finished = self._store().get_run(record.run_id)
        assert finished is not None
        self._flows.pop(record.run_id, None)
        return record_to_json(finished)

    async def _paused_for(self, service: str | None) -> float | None:
        """Seconds left of a pause some worker took for `service` (None: none, or unknown)."""
        if service is None:
            return None
        try:
            return await paused_for(activity.client(), self.settings.task_queue_prefix, service)
        except Exception as exc:  # Temporal unreachable: the call goes ahead under the local limiter
            log.warning("pause_unknown", service=service, error=type(exc).__name__, message=redact(str(exc)))
            return None

    async def _share_pause(self, service: str, seconds: float) -> None:
        """Tell every worker that `service` asked for `seconds` of quiet."""
        try:
            queue = runs_queue(self.settings)
            await pause_service(activity.client(), self.settings.task_queue_prefix, queue, service, seconds)
        except Exception as exc:  # the step is retried after the pause anyway; others pace locally
            log.warning(
                "pause_not_shared", service=service, error=type(exc).__name__, message=redact(str(exc))
            )

    def _failure(self, state: StepRecord, exc: AutomationError, info: activity.Info) -> dict[str, Any]:
        """Settle or retry a failed call: questions are outcomes; Temporal retries the rest, or not."""
        if isinstance(exc, SchedulingConflict):
            proposals = [p.model_dump(mode="json") for p in exc.proposals]
            text = f"{exc} Book one of these instead?"
            return self._settle(state, "needs_clarification", error=text, output={"proposals": proposals})
        if isinstance(exc, NeedsClarification):
            return self._settle(state, "needs_clarification", error=exc.question)
        text = _text(exc)
        retryable = isinstance(exc, IntegrationError) and exc.retryable
        last = info.retry_policy is None or info.attempt >= (info.retry_policy.maximum_attempts or 1 << 30)
        if retryable and not last:
            assert isinstance(exc, IntegrationError)
            delay = exc.retry_after
            event = RunEvent(
                state.run_id,
                EventType.STEP_RETRYING,
                time.time(),
                state.step_id,
                {"attempt": info.attempt, "error": text, **({"delay": delay} if delay else {})},
            )
            self._store().record(state.run_id, [state], [event])
            raise ApplicationError(
                text,
                type=type(exc).__name__,
                next_retry_delay=timedelta(seconds=delay) if delay else None,
            )
        outcome = self._settle(state, "failed", error=text)
        raise ApplicationError(text, outcome, type=type(exc).__name__, non_retryable=True)

    def _settle(self, state: StepRecord, status: str, **fields: Any) -> dict[str, Any]:
        """Record a step's outcome (and its event); return it as the workflow sees it."""
        now = time.time()
        state.status = StepStatus(status)
        state.output = fields.get("output")
        state.error = fields.get("error")
        state.message = fields.get("message") or state.error or ""
        state.started_at = state.started_at or now
        state.finished_at = now
        events = []
        if state.status is StepStatus.DONE:
            events.append(
                RunEvent(
                    state.run_id, EventType.STEP_COMPLETED, now, state.step_id, {"attempt": state.attempts}
                )
            )
        elif state.status in (StepStatus.FAILED, StepStatus.NEEDS_CLARIFICATION):
            events.append(
                RunEvent(
                    state.run_id,
                    EventType.STEP_FAILED,
                    now,
                    state.step_id,
                    {"status": status, "error": state.error},
                )
            )
        self._store().record(state.run_id, [state], events)
        return {
            "status": status,
            "output": state.output,
            "params": state.params,
            "message": state.message,
            "error": state.error,
        }

    async def _beating(self, call: Awaitable[tuple[BaseModel, str]]) -> tuple[BaseModel, str]:
        """Await the call, heartbeating meanwhile, so a dead worker's step is retried soon."""
        task = asyncio.ensure_future(call)
        every = activity.info().heartbeat_timeout
        interval = every.total_seconds() / 3 if every else self.settings.heartbeat_seconds / 3
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=interval)
                if done:
                    return task.result()
                activity.heartbeat()
        finally:
            if not task.done():
                task.cancel()

    def _store(self) -> Any:
        return self.runtime.store

    def _flow(self, run: dict[str, Any]) -> Flow:
        """The run's flow, rebuilt from its spec (and kept a while: every step needs it)."""
        run_id = run["run_id"]
        flow = self._flows.get(run_id)
        if flow is None:
            flow = self.runtime.flow_of(RunRecord(run_id, run["kind"], run["name"], run["spec"]))
            self._flows[run_id] = flow
            while len(self._flows) > _FLOWS_KEPT:
                self._flows.popitem(last=False)
        return flow

    def _ensure(self, run: dict[str, Any]) -> RunRecord:
        """The run as this worker's store has it, created (leased to Temporal) if it is new here."""
        store = self._store()
        record: RunRecord | None = store.get_run(run["run_id"])
        if record is not None:
            return record
        flow = self._flow(run)
        now = time.time()
        record = RunRecord(
            run_id=run["run_id"],
            kind=run["kind"],
            name=run["name"],
            spec=run["spec"],
            created_at=now,
            updated_at=now,
            steps=[StepRecord(run["run_id"], s.id, i, s.target) for i, s in enumerate(flow.steps)],
        )
        started = RunEvent(
            record.run_id,
            EventType.RUN_STARTED,
            now,
            data={"kind": record.kind, "name": record.name, "executor": "temporal"},
        )
        store.create_run(record, [started], lease=(f"temporal:{record.run_id}", now + TEMPORAL_LEASE))
        found: RunRecord | None = store.get_run(record.run_id)  # another worker may have won the race
        assert found is not None
        return found


def _entry(outcome: dict[str, Any]) -> dict[str, Any]:
    return {
        "output": outcome.get("output"),
        "params": outcome.get("params"),
        "message": outcome.get("message"),
    }


def _text(exc: AutomationError) -> str:
    text = redact(str(exc))
    return str(text) if text else type(exc).__name__


def _jsonable(params: Any) -> dict[str, Any]:
    if isinstance(params, BaseModel):
        dumped: dict[str, Any] = params.model_dump(mode="json")
        return dumped
    return params if isinstance(params, dict) else {}
