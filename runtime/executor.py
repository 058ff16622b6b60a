"""The in-process executor: runs a flow of steps as one durable run in the run store.

Side effects happen once. Before a side-effecting step calls out, its intent
(step, idempotency key, params) is committed; after, its outcome. A run
picked up again — after a crash, by `automate resume` — keeps every step
that has an outcome, and repeats a step whose intent has no outcome (in
doubt) with the same idempotency key, which the adapters use to recognise
the repeat (event UID, Message-ID, item id). Steps whose `needs` are met run
concurrently. A lease in the store keeps two processes off the same run::

    executor = Executor(store, caller)
    record = await executor.run(flow)               # a new run
    record = await executor.run(flow, run_id=rid)   # resume (or start) run `rid`
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ValidationError

from automate.agents.base import ActionContext
from automate.integrations.clock import Clock, SystemClock
from automate.integrations.errors import (
    AutomationError,
    InvalidRequest,
    NeedsClarification,
    PermanentError,
    RoutingError,
    SchedulingConflict,
    invalid_params,
)
from automate.integrations.logs import get_logger
from automate.integrations.redaction import redact
from automate.runtime.store.base import LEASE_SECONDS, RunStore, lease_owner
from automate.runtime.store.models import EventType, RunEvent, RunRecord, RunStatus, StepRecord, StepStatus
from automate.runtime.templates import render

__all__ = [
    "Caller",
    "Executor",
    "Flow",
    "FlowStep",
    "OnFailure",
    "RunBusy",
    "RunGone",
    "new_run_id",
]

OnFailure = Literal["stop", "continue", "retry"]
log = get_logger("automate.executor")
_RETRY_BASE, _RETRY_MAX = 0.5, 30.0
_OPEN = frozenset({StepStatus.PENDING, StepStatus.RUNNING})


@dataclass(frozen=True, slots=True)
class FlowStep:
    """One step: which `agent.action` / `service.operation`, its params, and when it may run."""

    id: str
    target: str
    params: Any
    needs: tuple[str, ...] = ()
    when: Callable[[Mapping[str, Any]], bool] | None = None
    on_failure: OnFailure = "stop"
    attempts: int = 3


@dataclass(frozen=True, slots=True)
class Flow:
    """Steps to run as one durable run, the scope their templates start from, and its spec.

    `spec` is the JSON the flow is rebuilt from when the run is resumed elsewhere.
    """

    kind: str
    name: str
    steps: tuple[FlowStep, ...]
    spec: dict[str, Any]
    scope: Mapping[str, Any] = field(default_factory=dict)
    now: datetime | None = None


class Caller(Protocol):
    """Runs one step's call: an agent's action or a raw service operation."""

    def side_effect(self, target: str) -> bool:
        """Whether the call may change the world (so its intent is recorded first)."""
        ...

    async def call(self, target: str, params: Any, ctx: ActionContext) -> tuple[BaseModel, str]:
        """Make the call; return its output and one sentence about it."""
        ...


def new_run_id() -> str:
    """A fresh run id: milliseconds since the epoch, then randomness (sorts by creation)."""
    # Uniqueness, not secrecy, is needed (the global generator is reseeded after fork).
    return f"{time.time_ns() // 1_000_000:012x}{random.getrandbits(80):020x}"


class RunBusy(AutomationError):
    """Another live process holds the lease on this run."""


class RunGone(AutomationError):
    """The run store has no run with this id."""


class Executor:
    """Runs flows durably against one run store, as one lease owner."""

    def __init__(
        self,
        store: RunStore,
        caller: Caller,
        *,
        clock: Clock | None = None,
        wall: Callable[[], float] = time.time,
        owner: str | None = None,
        lease_ttl: float = LEASE_SECONDS,
    ) -> None:
        self.store = store
        self.caller = caller
        self.clock: Clock = clock or SystemClock()
        self.wall = wall
        self.owner = owner or lease_owner()
        self.lease_ttl = lease_ttl

    async def run(self, flow: Flow, *, run_id: str | None = None) -> RunRecord:
        """Run `flow` to its end as run `run_id` (new if absent; resumed if unfinished)."""
        record = None if run_id is None else self.store.get_run(run_id)
        if record is None:
            return await _Run(self, flow, self._new(run_id or new_run_id(), flow), new=True).go()
        if record.status.finished:
            return record
        return await _Run(self, flow, record, new=False).go()

    def _new(self, run_id: str, flow: Flow) -> RunRecord:
        """A run not yet in the store: it is written with its first batch (see `_Run._flush`)."""
        now = self.wall()
        steps = [StepRecord(run_id, s.id, i, s.target) for i, s in enumerate(flow.steps)]
        record = RunRecord(
            run_id=run_id,
            kind=flow.kind,
            name=flow.name,
            spec=flow.spec,
            created_at=now,
            updated_at=now,
            steps=steps,
        )
        return record


class _Run:
    """One pass over one run: the scheduling loop and each step's durable call."""

    def __init__(self, executor: Executor, flow: Flow, record: RunRecord, *, new: bool) -> None:
        self.x = executor
        self.flow = flow
        self.record = record
        self.run_id = record.run_id
        self.states: dict[str, StepRecord] = {s.step_id: s for s in record.steps}
        self.specs = {s.id: s for s in flow.steps}
        self.scope: dict[str, Any] = dict(flow.scope)
        self.halted = False
        self.lease_until = record.created_at + executor.lease_ttl if new else 0.0
        # Outcomes wait here until the next write that must happen anyway (an intent,
        # the run's end) or until the executor is about to wait on anything: one
        # transaction per batch, and nothing lingers while a call is in flight. A new
        # run itself is written with its first batch: before its first side effect,
        # or at its end if it has none.
        self.unsaved = new
        self.pending_steps: dict[str, StepRecord] = {}
        self.pending_events: list[RunEvent] = []
        if new:
            data = {"kind": flow.kind, "name": flow.name}
            self.pending_events.append(
                RunEvent(self.run_id, EventType.RUN_STARTED, record.created_at, data=data)
            )
        for state in record.steps:
            if state.status is StepStatus.DONE:
                self.scope[state.step_id] = _scope_entry(state)
            elif state.status.finished and self._stops(state):
                self.halted = True

    async def go(self) -> RunRecord:
        if not self.lease_until:
            self._renew(force=True)
        try:
            await self._loop()
        finally:
            if not self.record.status.finished:
                self._flush()
                self.x.store.release(self.run_id, self.x.owner)
        return self.record

    def _later(self, state: StepRecord, *events: RunEvent) -> None:
        self.pending_steps[state.step_id] = state
        self.pending_events.extend(events)

    def _flush(
        self,
        steps: tuple[StepRecord, ...] = (),
        events: tuple[RunEvent, ...] = (),
        finish: Any = None,
        at: float | None = None,
    ) -> None:
        if not (steps or events or finish or self.pending_events or self.pending_steps):
            return
        for state in steps:
            self.pending_steps[state.step_id] = state
        batch, self.pending_steps = list(self.pending_steps.values()), {}
        logged, self.pending_events = [*self.pending_events, *events], []
        if self.unsaved:
            self._create(logged, finish, at)
        else:
            self.x.store.record(self.run_id, batch, logged, finish=finish, at=at)

    def _create(self, events: list[RunEvent], finish: Any, at: float | None) -> None:
        record = self.record
        record.steps = list(self.states.values())
        lease: tuple[str, float] | None = (self.x.owner, self.lease_until)
        if finish is not None:
            record.status, record.result, record.error = finish
            record.finished_at = record.updated_at = self.x.wall() if at is None else at
            lease = None
        if not self.x.store.create_run(record, events, lease=lease):
            raise RunBusy(f"run {self.run_id} was started by another process meanwhile")
        self.unsaved = False

    async def _loop(self) -> None:
        running: dict[asyncio.Task[None], str] = {}
        while True:
            ready = [] if self.halted else self._ready(running.values())
            if len(ready) == 1 and not running:
                await self._step(self.specs[ready[0]])
                continue
            for step_id in ready:
                running[asyncio.ensure_future(self._step(self.specs[step_id]))] = step_id
            if not running:
                break
            self._flush()
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                del running[task]
                task.result()
        self._finish()

    def _ready(self, busy: Any) -> list[str]:
        taken = set(busy) if busy else ()
        states = self.states
        ready = []
        for spec in self.flow.steps:
            state = states[spec.id]
            if state.status not in _OPEN or spec.id in taken:
                continue
            needs = [states[n].status for n in spec.needs]
            if all(s is StepStatus.DONE for s in needs):
                ready.append(spec.id)
            elif any(s not in _OPEN and s is not StepStatus.DONE for s in needs):
                self._mark_not_run(state)
        return ready

    def _mark_not_run(self, state: StepRecord) -> None:
        state.status, state.message = StepStatus.SKIPPED, "not run"
        self._later(state)

    async def _step(self, spec: FlowStep) -> None:
        state = self.states[spec.id]
        if spec.when is not None and not self._holds(spec, state):
            return
        try:
            params = render(spec.params, self.scope)
        except AutomationError as exc:
            self._fail(state, exc, params=None, started=False)
            return
        key = f"{self.run_id}/{spec.id}"
        side_effect = self.x.caller.side_effect(spec.target)
        in_doubt = state.status is StepStatus.RUNNING
        while True:
            state.attempts += 1
            state.params = _jsonable(params)
            state.idempotency_key = key
            started_at = self.x.wall()
            if state.started_at is None:
                state.started_at = started_at
            state.status = StepStatus.RUNNING
            data = {"target": spec.target, "attempt": state.attempts, "idempotency_key": key}
            if in_doubt:
                data["in_doubt"] = True
            started = RunEvent(self.run_id, EventType.STEP_STARTED, started_at, spec.id, data)
            self._renew()
            if side_effect:
                self._flush((state,), (started,), at=started_at)
            else:
                self._flush()
            ctx = ActionContext(run_id=self.run_id, step_id=spec.id, now=self.flow.now)
            try:
                output, message = await self.x.caller.call(spec.target, params, ctx)
            except AutomationError as exc:
                if spec.on_failure == "retry" and state.attempts < spec.attempts and _retryable(exc):
                    await self._retrying(state, exc, [] if side_effect else [started])
                    in_doubt = False
                    continue
                self._fail(state, exc, params=params, started=not side_effect, event=started)
                return
            except ValidationError as exc:  # a model built inside the action refused a value
                failure = invalid_params(exc, spec.target)
                self._fail(state, failure, params=params, started=not side_effect, event=started)
                return
            except Exception as exc:  # a bug in an agent must still end the step, not hang the run
                log.exception("step_crashed", run_id=self.run_id, step=spec.id)
                self._fail(
                    state,
                    InvalidRequest(f"internal error: {type(exc).__name__}: {exc}"),
                    params=params,
                    started=not side_effect,
                    event=started,
                )
                return
            break
        dumped = output.model_dump(mode="json")
        now = self.x.wall()
        state.status, state.output, state.message, state.error = StepStatus.DONE, dumped, message, None
        state.finished_at = now
        self.scope[spec.id] = {"output": dumped, "params": params, "message": message}
        completed = RunEvent(self.run_id, EventType.STEP_COMPLETED, now, spec.id, {"attempt": state.attempts})
        self._later(state, completed) if side_effect else self._later(state, started, completed)

    def _holds(self, spec: FlowStep, state: StepRecord) -> bool:
        assert spec.when is not None
        try:
            holds = spec.when(self.scope)
        except AutomationError as exc:
            self._fail(state, exc, params=None, started=False)
            return False
        if not holds:
            state.status, state.message = StepStatus.SKIPPED, "skipped: its `when` condition is false"
            state.finished_at = self.x.wall()
            self._later(state)
        return holds

    async def _retrying(self, state: StepRecord, exc: AutomationError, pending: list[RunEvent]) -> None:
        delay = min(_RETRY_MAX, _RETRY_BASE * 2 ** (state.attempts - 1))
        event = RunEvent(
            self.run_id,
            EventType.STEP_RETRYING,
            self.x.wall(),
            state.step_id,
            {"attempt": state.attempts, "error": _error_text(exc), "delay": delay},
        )
        self._flush((state,), (*pending, event))
        await self.x.clock.sleep(delay)

    def _fail(
        self,
        state: StepRecord,
        exc: AutomationError,
        *,
        params: Any,
        started: bool,
        event: RunEvent | None = None,
    ) -> None:
        now = self.x.wall()
        text = _error_text(exc)
        output: dict[str, Any] | None = None
        status = StepStatus.FAILED
        if isinstance(exc, SchedulingConflict):
            status, text = StepStatus.NEEDS_CLARIFICATION, f"{exc} Book one of these instead?"
            output = {"proposals": [p.model_dump(mode="json") for p in exc.proposals]}
        elif isinstance(exc, NeedsClarification):
            status, text = StepStatus.NEEDS_CLARIFICATION, exc.question
        state.status, state.error, state.message, state.output = status, text, text, output
        if params is not None:
            state.params = _jsonable(params)
        if state.started_at is None:
            state.started_at = now
        state.finished_at = now
        failed = RunEvent(
            self.run_id, EventType.STEP_FAILED, now, state.step_id, {"status": status.value, "error": text}
        )
        if started and event is not None:
            self._later(state, event, failed)
        else:
            self._later(state, failed)
        if self._stops(state):
            self.halted = True
        if status is StepStatus.FAILED:
            log.warning(
                "step_failed", run_id=self.run_id, step=state.step_id, target=state.target, error=text
            )

    def _stops(self, state: StepRecord) -> bool:
        if state.status is StepStatus.NEEDS_CLARIFICATION:
            return True
        spec = self.specs.get(state.step_id)
        return state.status is StepStatus.FAILED and (spec is None or spec.on_failure != "continue")

    def _finish(self) -> None:
        status, error = RunStatus.DONE, None
        for state in self.states.values():
            if state.status in _OPEN:
                self._mark_not_run(state)  # queued for the final batch
            elif state.status is StepStatus.DONE or status is not RunStatus.DONE:
                continue
            elif state.status is StepStatus.NEEDS_CLARIFICATION:
                status, error = RunStatus.NEEDS_CLARIFICATION, state.error
            elif state.status is StepStatus.FAILED and self._stops(state):
                status, error = RunStatus.FAILED, state.error
        now = self.x.wall()
        kind = EventType.RUN_FAILED if status is RunStatus.FAILED else EventType.RUN_COMPLETED
        data = {"status": status.value}
        if error:
            data["error"] = error
        event = RunEvent(self.run_id, kind, now, data=data)
        self._flush((), (event,), finish=(status, None, error), at=now)  # ends the lease too
        self.record.status, self.record.error = status, error
        self.record.finished_at = self.record.updated_at = now
        self.record.steps = list(self.states.values())

    def _renew(self, *, force: bool = False) -> None:
        now = self.x.wall()
        if not force and now < self.lease_until - self.x.lease_ttl / 2:
            return
        if not self.x.store.claim(self.run_id, self.x.owner, now=now, ttl=self.x.lease_ttl):
            raise RunBusy(f"run {self.run_id} is being run by another process")
        self.lease_until = now + self.x.lease_ttl


def _scope_entry(state: StepRecord) -> dict[str, Any]:
    return {"output": state.output, "params": state.params, "message": state.message}


def _retryable(exc: AutomationError) -> bool:
    """Whether repeating the whole step may help: not for bad input, questions or conflicts."""
    return not isinstance(exc, PermanentError | RoutingError | SchedulingConflict)


def _error_text(exc: AutomationError) -> str:
    text = redact(str(exc))
    return str(text) if text else type(exc).__name__


def _jsonable(params: Any) -> dict[str, Any]:
    if isinstance(params, BaseModel):
        dumped: dict[str, Any] = params.model_dump(mode="json")
        return dumped
    return params if isinstance(params, dict) else {}
