"""What a router makes of a request: a plan of steps, a question, or a polite no."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from automate.integrations.model import Model

__all__ = ["Clarification", "Decline", "Plan", "Routing", "Step"]


class Step(Model):
    """One agent action with its params; `needs` names steps whose output it uses.

    Params are plain JSON values validated later by the action's params model.
    A string param may hold a template like ``{s1.output.location}`` that is
    filled from an earlier step's output when the step runs.
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
