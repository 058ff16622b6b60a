"""The agent base: every action's params are described for LLMs, and its declared traits hold together."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from automate.agents.base import ActionContext, ActionTraits, Agent, action
from automate.runtime.router.tools import inline_schema
from automate.runtime.runtime import builtin_agents


def undescribed(schema: dict[str, Any], where: str) -> Iterator[str]:
    """The paths of properties (nested ones too) whose description is missing, blank or not one line."""
    for name, node in schema.get("properties", {}).items():
        text = node.get("description", "") if isinstance(node, dict) else ""
        if not text.strip() or "\n" in text:
            yield f"{where}.{name}"
        if isinstance(node, dict):
            for inner in [node, *node.get("anyOf", []), node.get("items", {})]:
                if isinstance(inner, dict):
                    yield from undescribed(inner, f"{where}.{name}")


class Greeting(BaseModel):
    text: str


class NameParams(BaseModel):
    name: str


class TestParamDescriptions:
    @pytest.mark.parametrize("agent", builtin_agents(), ids=lambda agent: agent.name)
    def test_every_param_of_every_action_has_a_one_line_description(self, agent: type[Agent]) -> None:
        """Each property of each action's JSON schema, nested ones included, says in one line what it is."""
        missing = [
            path
            for name, spec in agent.actions.items()
            for path in undescribed(inline_schema(spec.params_model.model_json_schema()), name)
        ]
        assert agent.actions and missing == []

    def test_the_check_finds_a_param_without_description(self) -> None:
        """A model with a bare field is reported, so the check above can fail."""
        assert list(undescribed(NameParams.model_json_schema(), "greet")) == ["greet.name"]


class TestActionTraits:
    def test_traits_default_from_side_effect(self) -> None:
        """An action without side effects is read-only by default; one with them is not."""

        class Greeter(Agent):
            name = "greeter"
            description = "Says hello."

            @action("Greet someone.", side_effect=False)
            async def greet(self, params: NameParams, ctx: ActionContext) -> Greeting:
                return Greeting(text=params.name)

            @action("Send a greeting card.", side_effect=True, open_world=True)
            async def post(self, params: NameParams, ctx: ActionContext) -> Greeting:
                return Greeting(text=params.name)

        assert Greeter.actions["greet"].traits == ActionTraits()
        assert Greeter.actions["post"].traits == ActionTraits(read_only=False, open_world=True)

    def test_a_side_effect_cannot_be_read_only(self) -> None:
        """Declaring an action with side effects read-only is refused when the class is written."""
        with pytest.raises(ValueError, match="not read-only"):
            action("Delete everything.", side_effect=True, read_only=True)

    def test_reading_mail_is_not_read_only_and_sending_reaches_out(self) -> None:
        """The built-in declarations: read_email marks mail read, send_email leaves the person's accounts."""
        email = next(agent for agent in builtin_agents() if agent.name == "email")
        read, send = email.actions["read_email"], email.actions["send_email"]
        assert read.side_effect is False and read.traits.read_only is False and read.traits.idempotent
        assert send.traits.open_world is True and send.traits.read_only is False
