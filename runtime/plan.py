"""What a router makes of a request: a plan of steps, a question, or a polite no."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from automate.integrations.errors import InvalidRequest
from automate.integrations.model import Model
from automate.runtime.templates import STEP_PARTS, Compiled, TemplateSyntaxError, compile_value, refs_in

__all__ = ["Clarification", "Decline", "Plan", "Routing", "Step", "compiled_params"]


class Step(Model):
    """One agent action with its params; `needs` names steps whose output it uses.

    Params are plain JSON values validated later by the action's params model.
    In a step that `needs` earlier steps, a string param may hold a template
    like ``{s1.output.location}`` that is filled from their output when the
    step runs; a step that needs nothing is taken as written, so a person's,
    Claude's or a tool caller's words are never read as templates.
    """

    id: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$")
    agent: str
    action: str
    params: dict[str, Any] = Field(default_factory=dict)
    needs: list[str] = Field(default_factory=list)


class Plan(Model):
    """The steps that carry out one request, in an order that respects `needs`."""

    kind: Literal["plan"] = "plan"
    text: str
    steps: list[Step] = Field(min_length=1)
    notes: list[str] = Field(default_factory=list)


class Clarification(Model):
    """A required slot is missing or ambiguous: the question to ask, and which slot.

    `agent`, `action` and the `params` understood so far let the answer fill
    the slot without understanding the whole request again.
    """

    kind: Literal["clarification"] = "clarification"
    text: str
    question: str
    slot: str | None = None
    agent: str | None = None
    action: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    options: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class Decline(Model):
    """No agent serves this request."""

    kind: Literal["decline"] = "decline"
    text: str
    reason: str
    notes: list[str] = Field(default_factory=list)


Routing = Plan | Clarification | Decline


def compiled_params(plan: Plan) -> list[Compiled]:
    """Each step's params ready to render, checked first: templates read only steps they need.

    `InvalidRequest` names the step and the template that is malformed or
    reads a step that is not an earlier one among its `needs`.
    """
    compiled: list[Compiled] = []
    earlier: set[str] = set()
    for step in plan.steps:
        compiled.append(_compiled(step, earlier & set(step.needs)) if step.needs else step.params)
        earlier.add(step.id)
    return compiled


def _compiled(step: Step, readable: set[str]) -> Compiled:
    params: dict[str, Compiled] = {}
    for key, value in step.params.items():
        try:
            params[key] = compile_value(value)
        except TemplateSyntaxError as exc:
            raise InvalidRequest(f"step {step.id}: param {key!r}: {exc}") from None
    for ref in refs_in(params):
        if ref.path[0] not in readable or len(ref.path) < 2 or ref.path[1] not in STEP_PARTS:
            names = ", ".join(sorted(readable)) or "none"
            raise InvalidRequest(
                f"step {step.id}: {{{ref.text}}} reads no earlier step it needs "
                f"(it may read {names}, as {{step.output...}}, {{step.params...}} or {{step.message}})"
            )
    return params
