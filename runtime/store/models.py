"""What the run store keeps: runs, their steps, and the events they emitted.

Plain slotted dataclasses rather than pydantic models: these are built on
every step of every run, and the hot path must stay in the microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["EventType", "RunEvent", "RunRecord", "RunStatus", "StepRecord", "StepStatus"]


class RunStatus(StrEnum):
    """Where a run is: still going, or how it ended."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    NEEDS_CLARIFICATION = "needs_clarification"

    @property
    def finished(self) -> bool:
        """Whether the run has ended (anything but running)."""
        return self is not RunStatus.RUNNING


class StepStatus(StrEnum):
    """Where one step is. `running` with no outcome after a crash means in doubt."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    NEEDS_CLARIFICATION = "needs_clarification"

    @property
    def finished(self) -> bool:
        """Whether the step has a recorded outcome."""
        return self not in (StepStatus.PENDING, StepStatus.RUNNING)


class EventType(StrEnum):
    """The kinds of entries in the append-only event log."""

    RUN_STARTED = "run_started"
    STEP_STARTED = "step_started"
    STEP_RETRYING = "step_retrying"
    STEP_COMPLETED = "step_completed"
    STEP_FAILED = "step_failed"
    RUN_COMPLETED = "run_completed"
    RUN_FAILED = "run_failed"


@dataclass(slots=True)
class StepRecord:
    """One step of a run: what it called, with what, how often, and how it went."""

    run_id: str
    step_id: str
    seq: int
    target: str
    status: StepStatus = StepStatus.PENDING
    idempotency_key: str | None = None
    attempts: int = 0
    params: dict[str, Any] | None = None
    output: dict[str, Any] | None = None
    message: str = ""
    error: str | None = None
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def duration(self) -> float | None:
        """Seconds from first start to outcome, when both are known."""
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at


@dataclass(slots=True)
class RunRecord:
    """One run of a task or workflow: its spec (enough to resume it), state and steps."""

    run_id: str
    kind: str
    name: str
    spec: dict[str, Any]
    status: RunStatus = RunStatus.RUNNING
    created_at: float = 0.0
    updated_at: float = 0.0
    finished_at: float | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    steps: list[StepRecord] = field(default_factory=list)

    @property
    def duration(self) -> float | None:
        """Seconds from creation to the end, once finished."""
        return None if self.finished_at is None else self.finished_at - self.created_at

    def step(self, step_id: str) -> StepRecord:
        """The step called `step_id`; `KeyError` if the run has none."""
        for record in self.steps:
            if record.step_id == step_id:
                return record
        raise KeyError(step_id)


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs a microsecond more per event
class RunEvent:
    """One entry of the event log (treat it as read-only); `seq` orders all events of a store."""

    run_id: str
    type: EventType
    at: float
    step_id: str | None = None
    data: dict[str, Any] | None = None
    seq: int = 0
