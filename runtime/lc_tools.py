"""The agents' actions as LangChain tools, for any LangChain or LangGraph agent.

Each action becomes an async `StructuredTool` named ``agent__action`` whose
args schema is the action's params model and whose description is the
action's own; its metadata says which agent and action it runs and whether it
changes things (``side_effect``), so a host can ask before calling those::

    tools = runtime.as_tools()                 # through the runtime: runs recorded
    tools = scheduler.as_tools()               # straight to one agent
    booked = await tools_by_name["scheduler__create_event"].ainvoke({"start": ...})

A failure (a conflict, a missing address, bad arguments) is raised as a
`ToolException`, which LangChain hands back to the model as the tool's answer.
Needs ``langchain-core`` (the ``llm`` extra); nothing imports this module at start-up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from langchain_core.tools import StructuredTool, ToolException
from pydantic import BaseModel

from automate.agents.base import ActionContext
from automate.integrations.errors import AutomationError
from automate.runtime.result import TaskStatus
from automate.runtime.router.tools import ToolArgumentsError, Toolbox, ToolSpec, run_tool

if TYPE_CHECKING:
    from automate.agents.base import Agent
    from automate.runtime.runtime import Runtime

__all__ = ["as_tools", "runtime_tools"]

Call = Callable[[ToolSpec, BaseModel], Awaitable[dict[str, Any]]]


def as_tools(agent: Agent) -> list[StructuredTool]:
    """Every action of `agent` as a tool that calls the agent directly (no run is recorded)."""

    async def call(tool: ToolSpec, params: BaseModel) -> dict[str, Any]:
        try:
            output = await agent.run(tool.action, params, ActionContext())
        except AutomationError as exc:
            raise ToolException(str(exc)) from exc
        return output.model_dump(mode="json")

    return [_tool(tool, call) for tool in Toolbox.of_agents([agent])]


def runtime_tools(runtime: Runtime) -> list[StructuredTool]:
    """Every available action as a tool that runs through the runtime: policies, run store, events."""

    async def call(tool: ToolSpec, params: BaseModel) -> dict[str, Any]:
        try:
            result = await run_tool(runtime, tool, params)
        except ToolArgumentsError as exc:
            raise ToolException(str(exc)) from exc
        if result.status is not TaskStatus.DONE:
            raise ToolException(result.message)
        return {"message": result.message, "run_id": result.run_id, "output": result.output}

    return [_tool(tool, call) for tool in Toolbox.of_agents(runtime.agents.values())]


def _tool(tool: ToolSpec, call: Call) -> StructuredTool:
    """One async LangChain tool for `tool`, calling `call` with validated params."""

    async def invoke(**arguments: Any) -> dict[str, Any]:
        # LangChain has validated the arguments with the same model; rebuild it from them.
        params = tool.params_model.model_validate(arguments)
        return await call(tool, params)

    return StructuredTool.from_function(
        coroutine=invoke,
        name=tool.name,
        description=tool.description,
        args_schema=tool.params_model,
        infer_schema=False,
        handle_tool_error=True,
        metadata={"agent": tool.agent, "action": tool.action, "side_effect": tool.side_effect},
        tags=["side_effect"] if tool.side_effect else ["read_only"],
    )
