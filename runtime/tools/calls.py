"""One tool call, whatever framework asked: argument coercion, the call, and the outcome's shape.

LangChain and MCP adapters both go through a `ToolCalls`: the arguments a
model sent are read by `ToolSpec.parse` (times in words such as "tomorrow at
4pm" resolved on the caller's clock, then the params model's validation), so
both accept or reject the same arguments with the same sentence; the call
then runs through the runtime (`RuntimeCalls`: policies, run store, events)
or straight on one agent (`AgentCalls`), and comes back as a `ToolOutcome`
that each adapter only translates (a `ToolException`, an ``isError`` result).
Sync callers are served on a `LoopThread`, so they work inside a running loop.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from automate.agents.base import ActionContext, ActionSpec, Agent
from automate.integrations.errors import AutomationError
from automate.integrations.redaction import redact
from automate.runtime.loop_thread import LoopThread
from automate.runtime.result import TaskStatus
from automate.runtime.router.tools import ToolArgumentsError, Toolbox, ToolSpec, run_tool

if TYPE_CHECKING:
    from automate.runtime.runtime import Runtime

__all__ = ["AgentCalls", "RuntimeCalls", "ToolCalls", "ToolOutcome"]


@dataclass(frozen=True)
class ToolOutcome:
    """What a tool call came to: a sentence for people, data for programs, and whether it failed."""

    message: str
    data: dict[str, Any]
    is_error: bool

    def __post_init__(self) -> None:
        # Every tool answer leaves through here: a secret pasted into the arguments comes back masked.
        object.__setattr__(self, "message", redact(self.message))
        object.__setattr__(self, "data", redact(self.data))

    @classmethod
    def failed(cls, message: str) -> ToolOutcome:
        """A failed call, told in one sentence."""
        return cls(
            message=message, data={"status": TaskStatus.FAILED.value, "message": message}, is_error=True
        )


class ToolCalls(ABC):
    """The tools of some agents and how to call them; subclasses say where a call runs."""

    def __init__(self, agents: dict[str, Agent], portal: LoopThread) -> None:
        self.agents = agents
        self.toolbox = Toolbox.of_agents(agents.values())
        self.portal = portal

    def spec(self, tool: ToolSpec) -> ActionSpec:
        """The declared action behind a tool (its traits say what it does to the world)."""
        return self.agents[tool.agent].actions[tool.action]

    async def call(self, name: str, arguments: Any) -> ToolOutcome:
        """Call the tool `name` with the arguments a model sent; every failure is an outcome, not a raise."""
        tool = self.toolbox.get(name)
        if tool is None:
            return ToolOutcome.failed(f"There is no tool {name!r}.")
        try:
            params = tool.parse(arguments, self.now())
        except ToolArgumentsError as exc:
            return ToolOutcome.failed(f"Invalid arguments: {exc}")
        return await self.run(tool, params)

    def call_sync(self, name: str, arguments: Any) -> ToolOutcome:
        """`call` for a synchronous caller, run on the portal's loop thread (fine inside a running loop)."""
        return self.portal.run(self.call(name, arguments))

    @abstractmethod
    def now(self) -> datetime:
        """The time words in arguments are read at."""

    @abstractmethod
    async def run(self, tool: ToolSpec, params: BaseModel) -> ToolOutcome:
        """Run a call whose params are validated."""


class RuntimeCalls(ToolCalls):
    """Calls run as one-step requests of a runtime: the services' policies apply and each run is recorded."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime.agents, runtime.loop_thread)
        self.runtime = runtime

    def now(self) -> datetime:
        """The runtime's clock."""
        return self.runtime.now()

    async def run(self, tool: ToolSpec, params: BaseModel) -> ToolOutcome:
        """Run the step through the runtime; anything but done is an error with the runtime's sentence."""
        result = await run_tool(self.runtime, tool, params)
        data = {
            "status": result.status.value,
            "message": result.message,
            "run_id": result.run_id,
            "output": result.output,
        }
        return ToolOutcome(result.message, _json(data), is_error=result.status is not TaskStatus.DONE)


class AgentCalls(ToolCalls):
    """Calls made straight on one agent: no run store, no events (for hosts that keep their own record)."""

    def __init__(
        self, agent: Agent, *, now: Callable[[], datetime] | None = None, portal: LoopThread | None = None
    ) -> None:
        super().__init__({agent.name: agent}, portal or LoopThread(f"automate-{agent.name}-tools"))
        self.agent = agent
        self._now = now

    def now(self) -> datetime:
        """The given clock, else the agent's (in the person's zone)."""
        return self._now().astimezone(self.agent.tz) if self._now else self.agent.now()

    async def run(self, tool: ToolSpec, params: BaseModel) -> ToolOutcome:
        """Run the action on the agent; an automation error is the outcome's sentence."""
        try:
            output = await self.agent.run(tool.action, params, ActionContext(now=self.now()))
        except AutomationError as exc:
            return ToolOutcome.failed(str(exc))
        return ToolOutcome(
            self.agent.say(tool.action, output), output.model_dump(mode="json"), is_error=False
        )


def _json(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with every value plain JSON (dates as strings), as tool hosts exchange it."""
    plain: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return plain
