"""The `Agent` base: a named set of typed actions over its own integrations.

An agent describes itself (a name and prose the router and help text read),
declares the services it requires, and offers actions: async methods taking
one pydantic params model and returning one output model. It is built with
its own `IntegrationManager` and never imports another agent::

    class GreeterAgent(Agent):
        name = "greeter"
        description = "Says hello."
        requires = ()

        @action("Greet someone by name.", side_effect=False)
        async def greet(self, params: GreetParams, ctx: ActionContext) -> Greeting:
            return Greeting(text=f"Hello, {params.name}")
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar, get_type_hints
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from automate.integrations.config import Settings
from automate.integrations.errors import InvalidRequest, invalid_params
from automate.integrations.manager import IntegrationManager
from automate.integrations.model import Model

__all__ = [
    "ActionContext",
    "ActionInfo",
    "ActionSpec",
    "ActionTraits",
    "Agent",
    "AgentInfo",
    "action",
]

ParamsT = TypeVar("ParamsT", bound=BaseModel)
OutputT = TypeVar("OutputT", bound=BaseModel)
ActionMethod = Callable[[Any, ParamsT, "ActionContext"], Awaitable[OutputT]]


@dataclass(frozen=True)
class ActionContext:
    """Who is asking and when: the run and step (for idempotency keys), the clock, named files.

    `named_files` are the files the person named on the command line: an
    action may read them wherever they are. Any other path comes from a tool,
    the API or a workflow, and is held to the folders the settings allow.
    """

    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    step_id: str = "step-1"
    now: datetime | None = None
    named_files: frozenset[Path] = frozenset()

    @property
    def idempotency_key(self) -> str:
        """Stable for one step of one run, so a retried step repeats nothing."""
        return f"{self.run_id}/{self.step_id}"


@dataclass(frozen=True)
class ActionTraits:
    """What an action does to the world beyond `side_effect`, as tool hosts (MCP hints) want it told.

    `read_only` is False when anything is changed, even a change not worth asking
    about (reading a message marks it read); `destructive` when something is
    deleted or overwritten; `idempotent` when repeating the same call changes
    nothing more; `open_world` when it reaches people outside the person's own
    accounts (mail goes out).
    """

    read_only: bool = True
    destructive: bool = False
    idempotent: bool = False
    open_world: bool = False


@dataclass(frozen=True)
class ActionSpec:
    """One declared action of an agent."""

    name: str
    description: str
    params_model: type[BaseModel]
    output_model: type[BaseModel]
    side_effect: bool
    traits: ActionTraits = ActionTraits()


class ActionInfo(Model):
    """An action as described to people, routers and LLMs."""

    name: str
    description: str
    side_effect: bool
    params_schema: dict[str, Any]
    output_schema: dict[str, Any]


class AgentInfo(Model):
    """An agent as described to people, routers and LLMs."""

    name: str
    description: str
    requires: list[str]
    actions: list[ActionInfo]


def action(
    description: str,
    *,
    side_effect: bool,
    read_only: bool | None = None,
    destructive: bool = False,
    idempotent: bool = False,
    open_world: bool = False,
) -> Callable[[ActionMethod[ParamsT, OutputT]], ActionMethod[ParamsT, OutputT]]:
    """Declare an agent method as an action with a one-line description (traits: see `ActionTraits`).

    `read_only` defaults to the opposite of `side_effect`; an action with side
    effects cannot be read-only.
    """
    read_only = not side_effect if read_only is None else read_only
    if side_effect and read_only:
        raise ValueError(f"an action with side effects is not read-only: {description!r}")
    traits = ActionTraits(read_only, destructive, idempotent, open_world)

    def mark(method: ActionMethod[ParamsT, OutputT]) -> ActionMethod[ParamsT, OutputT]:
        method.__automate_action__ = (description, side_effect, traits)  # type: ignore[attr-defined]
        return method

    return mark


class Agent:
    """Base of every agent. Subclasses set `name`, `description` and `requires`."""

    name: ClassVar[str]
    description: ClassVar[str]
    requires: ClassVar[tuple[str, ...]] = ()
    actions: ClassVar[dict[str, ActionSpec]] = {}

    def __init__(self, manager: IntegrationManager, settings: Settings | None = None) -> None:
        self.manager = manager
        self.settings = settings or Settings()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found = dict(cls.actions)
        for attr, value in vars(cls).items():
            marker = getattr(value, "__automate_action__", None)
            if marker is None:
                continue
            hints = get_type_hints(value)
            found[attr] = ActionSpec(attr, marker[0], hints["params"], hints["return"], *marker[1:])
        cls.actions = found

    @property
    def tz(self) -> ZoneInfo:
        """The person's time zone."""
        return self.settings.tzinfo

    def now(self, ctx: ActionContext | None = None) -> datetime:
        """The current time in the person's zone (the context's clock when it has one)."""
        if ctx is not None and ctx.now is not None:
            return ctx.now.astimezone(self.tz)
        return datetime.now(self.tz)

    async def run(
        self, action_name: str, params: BaseModel | dict[str, Any], ctx: ActionContext | None = None
    ) -> BaseModel:
        """Validate `params` for an action and run it."""
        spec = self.actions.get(action_name)
        if spec is None:
            raise InvalidRequest(f"agent {self.name!r} has no action {action_name!r}")
        try:
            model = spec.params_model.model_validate(
                params.model_dump() if isinstance(params, BaseModel) else params
            )
        except ValidationError as exc:
            raise invalid_params(exc, f"{self.name}.{action_name}") from None
        method = getattr(self, action_name)
        result: BaseModel = await method(model, ctx or ActionContext())
        return result

    def say(self, action_name: str, output: BaseModel) -> str:
        """One sentence telling a person what an action did (agents say more than this default)."""
        return "Done."

    @classmethod
    def describe(cls) -> AgentInfo:
        """Name, prose and every action with its JSON schemas."""
        return AgentInfo(
            name=cls.name,
            description=cls.description,
            requires=list(cls.requires),
            actions=[
                ActionInfo(
                    name=spec.name,
                    description=spec.description,
                    side_effect=spec.side_effect,
                    params_schema=spec.params_model.model_json_schema(),
                    output_schema=spec.output_model.model_json_schema(),
                )
                for spec in cls.actions.values()
            ],
        )
