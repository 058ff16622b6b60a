"""What running a request gives back: one structured result, with a sentence for people."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field

from automate.integrations.model import Model

__all__ = ["EXIT_CODES", "StepResult", "TaskResult", "TaskStatus"]


class TaskStatus(StrEnum):
    """How a request ended."""

    DONE = "done"
    PLANNED = "planned"
    NEEDS_CLARIFICATION = "needs_clarification"
    DECLINED = "declined"
    FAILED = "failed"


EXIT_CODES: dict[TaskStatus, int] = {
    TaskStatus.DONE: 0,
    TaskStatus.PLANNED: 0,
    TaskStatus.FAILED: 1,
    TaskStatus.NEEDS_CLARIFICATION: 3,
    TaskStatus.DECLINED: 4,
}


class StepResult(Model):
    """One step of a plan and how it went."""

    id: str
    agent: str
    action: str
    params: dict[str, Any]
    status: TaskStatus
    output: dict[str, Any] | None = None
    message: str = ""
    error: str | None = None


class TaskResult(Model):
    """The outcome of one request: status, what ran, what came out, and a sentence."""

    status: TaskStatus
    text: str
    message: str
    run_id: str | None = None
    agent: str | None = None
    action: str | None = None
    params: dict[str, Any] | None = None
    output: dict[str, Any] | None = None
    question: str | None = None
    options: list[str] = Field(default_factory=list)
    steps: list[StepResult] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """The CLI's exit status for this outcome."""
        return EXIT_CODES[self.status]
