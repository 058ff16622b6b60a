"""What running a request gives back: one structured result, with a sentence for people.

Dumped as JSON it is the contract of ``automate --json`` and of the HTTP API's
task results, which scripts rely on: `json_schema()` describes it (committed
as docs/json-output.schema.json, explained in docs/json-output.md), and
`SCHEMA_VERSION` changes only when a field is removed, renamed or retyped.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from automate.integrations.model import Model
from automate.integrations.redaction import redact

__all__ = [
    "EXIT_CODES",
    "SCHEMA_VERSION",
    "StepResult",
    "TaskResult",
    "TaskStatus",
    "json_schema",
    "schema_text",
]

SCHEMA_VERSION = 1


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


_TEXT = {"type": "string", "minLength": 1}
_NULL = {"type": "null"}
_SOME = {"type": "array", "minItems": 1}
_NONE = {"type": "array", "maxItems": 0}
_OBJECT = {"type": "object"}


def _when(rules: dict[TaskStatus, dict[str, Any]]) -> dict[str, Any]:
    """JSON Schema saying which fields each status fills: ``if status is X then …``."""
    return {
        "allOf": [
            {"if": {"properties": {"status": {"const": status.value}}}, "then": {"properties": then}}
            for status, then in rules.items()
        ]
    }


class _Masked(Model):
    """Built with registered secrets masked: the CLI, the API, chat and tools all show results as they are."""

    @model_validator(mode="before")
    @classmethod
    def _mask(cls, data: Any) -> Any:
        return redact(data)


class StepResult(_Masked):
    """One step of a plan and how it went."""

    model_config = ConfigDict(
        json_schema_serialization_defaults_required=True,
        json_schema_extra=_when({TaskStatus.DONE: {"output": _OBJECT}, TaskStatus.FAILED: {"error": _TEXT}}),
    )

    id: str = Field(description="the step's id in its plan: s1, s2, …")
    agent: str = Field(description="the agent that ran (or would run) it")
    action: str = Field(description="the agent's action")
    params: dict[str, Any] = Field(description="its params: as filled when it ran, else as planned")
    status: TaskStatus = Field(description="done, failed, needs_clarification, or planned (not run)")
    output: dict[str, Any] | None = Field(None, description="the action's output model, when it ran")
    message: str = Field("", description="one sentence about the step")
    error: str | None = Field(None, description="why it failed or asked")


class TaskResult(_Masked):
    """The outcome of one request: status, what ran, what came out, and a sentence."""

    model_config = ConfigDict(
        json_schema_serialization_defaults_required=True,
        json_schema_extra=_when(
            {
                TaskStatus.DONE: {
                    "run_id": _TEXT,
                    "agent": _TEXT,
                    "action": _TEXT,
                    "params": _OBJECT,
                    "steps": _SOME,
                },
                TaskStatus.PLANNED: {
                    "run_id": _NULL,
                    "agent": _TEXT,
                    "action": _TEXT,
                    "params": _OBJECT,
                    "steps": _SOME,
                },
                TaskStatus.NEEDS_CLARIFICATION: {"question": _TEXT},
                TaskStatus.DECLINED: {"run_id": _NULL, "steps": _NONE},
                TaskStatus.FAILED: {"message": _TEXT},
            }
        ),
    )

    schema_version: int = Field(
        SCHEMA_VERSION, description="the version of this shape", json_schema_extra={"const": SCHEMA_VERSION}
    )
    status: TaskStatus = Field(description="how the request ended; it sets the exit status")
    text: str = Field(description="the request as understood (clipped if very long)")
    message: str = Field(description="what a person is told, one or more lines")
    run_id: str | None = Field(None, description="the run in the run store (automate history), if one ran")
    agent: str | None = Field(None, description="the first step's agent")
    action: str | None = Field(None, description="the first step's action")
    params: dict[str, Any] | None = Field(None, description="the first step's params")
    output: dict[str, Any] | None = Field(None, description="the first step's output, when it ran")
    question: str | None = Field(None, description="what to answer, when status is needs_clarification")
    options: list[str] = Field(default_factory=list, description="choices offered with the question")
    slot: str | None = Field(None, description="the param the question asks for, when the router knows it")
    steps: list[StepResult] = Field(default_factory=list, description="every step of the plan, in order")
    notes: list[str] = Field(default_factory=list, description="how the request was understood, if unusually")

    @property
    def exit_code(self) -> int:
        """The CLI's exit status for this outcome."""
        return EXIT_CODES[self.status]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a dumped `TaskResult`, generated from the model so the two cannot drift."""
    schema = TaskResult.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    """`json_schema()` as docs/json-output.schema.json holds it."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
