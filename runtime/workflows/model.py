"""The shape of a workflow file, validated strictly (unknown keys are errors)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from automate.integrations.model import Model

__all__ = [
    "RESERVED",
    "EventTrigger",
    "InputSpec",
    "InputType",
    "StepSpec",
    "TriggerSpec",
    "WorkflowSpec",
]

InputType = Literal["string", "integer", "number", "boolean", "datetime", "date", "email", "list"]
RESERVED = frozenset({"inputs", "trigger", "time", "user", "run"})
_ID = r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$"


class _Strict(Model):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputSpec(_Strict):
    """One input a run is started with: its type, and a default or `required`."""

    type: InputType = "string"
    description: str = Field("", max_length=1000)
    default: Any = None
    required: bool | None = None

    @property
    def is_required(self) -> bool:
        """Required unless it has a default or says `required: false`."""
        return self.required if self.required is not None else self.default is None


EndStatus = Literal["done", "failed", "needs_clarification"]


def _only_done() -> list[EndStatus]:
    return ["done"]


class EventTrigger(_Strict):
    """Start when another workflow's run ends with one of these statuses."""

    workflow: str = Field(pattern=_ID)
    status: list[EndStatus] = Field(default_factory=_only_done)


class TriggerSpec(_Strict):
    """What starts the workflow: by hand, a cron schedule, another run's end, or a webhook."""

    kind: Literal["manual", "cron", "event", "webhook"] = "manual"
    cron: str | None = Field(None, max_length=200)
    timezone: str | None = Field(None, max_length=64)
    catch_up: Literal["skip", "run_once"] = "skip"
    event: EventTrigger | None = None

    @model_validator(mode="after")
    def _complete(self) -> TriggerSpec:
        if self.kind == "cron" and not self.cron:
            raise ValueError("a cron trigger needs `cron:` (e.g. '0 7 * * mon-fri')")
        if self.kind == "event" and self.event is None:
            raise ValueError("an event trigger needs `event: {workflow: NAME}`")
        if self.kind != "cron" and (self.cron or self.timezone):
            raise ValueError("`cron` and `timezone` belong to a cron trigger")
        return self


class StepSpec(_Strict):
    """One step as written: what it uses, its params, what it needs, when, and on failure."""

    id: str = Field(pattern=_ID)
    uses: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")
    params: dict[str, Any] = Field(default_factory=dict)
    needs: list[str] = Field(default_factory=list, max_length=100)
    when: str | bool | None = None
    on_failure: Literal["stop", "continue", "retry"] = "stop"
    attempts: int = Field(3, ge=1, le=10)

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED:
            raise ValueError(f"{value!r} is reserved for templates; pick another step id")
        return value


class WorkflowSpec(_Strict):
    """A whole workflow file."""

    name: str = Field(pattern=_ID)
    description: str = Field("", max_length=2000)
    inputs: dict[str, InputSpec] = Field(default_factory=dict, max_length=100)
    trigger: TriggerSpec = Field(default_factory=TriggerSpec)
    steps: list[StepSpec] = Field(min_length=1, max_length=200)

    @field_validator("trigger", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"kind": value} if isinstance(value, str) else value

    @field_validator("inputs")
    @classmethod
    def _input_names(cls, value: dict[str, InputSpec]) -> dict[str, InputSpec]:
        import re

        for name in value:
            if not re.fullmatch(_ID, name):
                raise ValueError(f"input name {name!r} must be letters, digits, _ or -")
        return value
