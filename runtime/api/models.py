"""What the API reads and writes: request bodies (validated strictly) and response shapes."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

from automate.agents.base import AgentInfo
from automate.integrations.model import Model
from automate.integrations.redaction import redact
from automate.runtime.result import TaskResult
from automate.runtime.runtime import MAX_REQUEST_CHARS
from automate.runtime.store.models import RunEvent, RunRecord, StepRecord

__all__ = [
    "UNPROCESSABLE",
    "AgentsView",
    "EventView",
    "HealthView",
    "HookAccepted",
    "RunAccepted",
    "RunPage",
    "RunView",
    "StepView",
    "TaskRequest",
    "WorkflowInfo",
    "WorkflowList",
    "WorkflowRunRequest",
    "event_view",
    "run_view",
]


UNPROCESSABLE = 422  # (Starlette renamed its constant; the number is what clients see)


class _Body(Model):
    model_config = ConfigDict(extra="forbid")


class TaskRequest(_Body):
    """A request in plain words, to plan (`dry_run`) or run."""

    text: str = Field(min_length=1, max_length=MAX_REQUEST_CHARS, description="what you want done")
    dry_run: bool = Field(False, description="only plan it: change nothing")
    wait: bool = Field(False, description="answer when the run has ended, with its result")
    answering: TaskResult | None = Field(
        None,
        description="the question `text` answers, as this API gave it (a task's question, or "
        "/api/runs/{run_id}/result of a run that asked): the answer is merged into that request",
    )


class WorkflowRunRequest(_Body):
    """The inputs of one workflow run."""

    inputs: dict[str, Any] = Field(default_factory=dict, max_length=100)
    wait: bool = Field(False, description="answer when the run has ended, with the run")


class RunLinks(Model):
    """Where to follow a run."""

    run: str
    events: str


class RunAccepted(Model):
    """A run was started; follow it at `links`."""

    run_id: str
    status: Literal["running"] = "running"
    links: RunLinks

    @classmethod
    def of(cls, run_id: str) -> RunAccepted:
        """The answer for a run just started."""
        base = f"/api/runs/{run_id}"
        return cls(run_id=run_id, links=RunLinks(run=base, events=f"{base}/events"))


class HookAccepted(Model):
    """A webhook delivery started a run, or repeated one already received (then: that run's status)."""

    run_id: str
    status: str = "running"
    links: RunLinks
    workflow: str
    duplicate: bool = False


class StepView(Model):
    """One step of a run."""

    step_id: str
    target: str
    status: str
    attempts: int
    idempotency_key: str | None
    params: dict[str, Any] | None
    output: dict[str, Any] | None
    message: str
    error: str | None
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: float | None


class RunView(Model):
    """One run: what it is, how it went, and its steps."""

    run_id: str
    kind: str
    name: str
    status: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    duration_ms: float | None
    error: str | None
    steps: list[StepView]
    inputs: dict[str, Any] | None = None
    trigger: dict[str, Any] | None = None


class RunPage(Model):
    """A page of runs, newest first, and the offset of the next page (None at the end)."""

    runs: list[RunView]
    next_offset: int | None


class EventView(Model):
    """One entry of a run's event log; `seq` is also the SSE event id."""

    seq: int
    run_id: str
    type: str
    at: datetime
    step_id: str | None
    data: dict[str, Any] | None


class WorkflowInfo(Model):
    """A workflow that can be started: its inputs, trigger and steps."""

    name: str
    description: str
    inputs: dict[str, dict[str, Any]]
    trigger: str
    steps: list[str]


class AgentsView(Model):
    """Every available agent with its actions' JSON schemas, and those left out with why."""

    agents: list[AgentInfo]
    unavailable: dict[str, str]


class HealthView(Model):
    """The server is up; how many runs it is carrying and whether its scheduler runs."""

    status: Literal["ok"] = "ok"
    runs_in_flight: int
    scheduler: bool


def _time(stamp: float | None) -> datetime | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC)


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 3)


def _step_view(step: StepRecord) -> StepView:
    return StepView(
        step_id=step.step_id,
        target=step.target,
        status=step.status.value,
        attempts=step.attempts,
        idempotency_key=step.idempotency_key,
        params=redact(step.params),
        output=redact(step.output),
        message=redact(step.message),
        error=redact(step.error),
        started_at=_time(step.started_at),
        finished_at=_time(step.finished_at),
        duration_ms=_ms(step.duration),
    )


def run_view(record: RunRecord, *, detail: bool = False) -> RunView:
    """A stored run as the API shows it (secrets masked); `detail` adds inputs and trigger."""
    scope = record.spec.get("scope") if detail and record.kind == "workflow" else None
    return RunView(
        run_id=record.run_id,
        kind=record.kind,
        name=redact(record.name),
        status=record.status.value,
        created_at=datetime.fromtimestamp(record.created_at, UTC),
        updated_at=datetime.fromtimestamp(record.updated_at, UTC),
        finished_at=_time(record.finished_at),
        duration_ms=_ms(record.duration),
        error=redact(record.error),
        steps=[_step_view(step) for step in record.steps],
        inputs=redact(scope.get("inputs")) if isinstance(scope, dict) else None,
        trigger=redact(scope.get("trigger")) if isinstance(scope, dict) else None,
    )


def event_view(event: RunEvent) -> EventView:
    """A log entry as the API shows it (secrets masked)."""
    data = asdict(event)
    data["type"] = event.type.value
    data["at"] = datetime.fromtimestamp(event.at, UTC)
    data["data"] = redact(event.data)
    return EventView.model_validate(data)


class WorkflowList(Model):
    """The workflows that can be started, and the files that failed to load."""

    workflows: list[WorkflowInfo]
    errors: list[str]
