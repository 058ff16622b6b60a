"""The agents' actions as LangChain tools, for any LangChain or LangGraph agent.

Each action becomes a `StructuredTool` named ``agent__action`` whose args
schema is the JSON schema MCP and Claude see, and whose description is the
action's own; its metadata says which agent and action it runs and whether it
changes things (``side_effect``), so a host can ask before calling those::

    tools = runtime_tools(runtime)             # through the runtime: runs recorded
    tools = agent_tools(scheduler)             # straight to one agent
    booked = await by_name["scheduler__create_event"].ainvoke({"start": "tomorrow at 3pm"})
    booked = by_name["scheduler__create_event"].invoke({...})   # sync, also inside a running loop

Arguments are read as MCP reads them (`calls.ToolCalls`). A failure (bad or
missing arguments, a conflict, a question) is a `ToolException`, which
LangChain hands back to the model as a ``ToolMessage(status="error")``.
Needs ``langchain-core`` (the ``llm`` extra); nothing imports this module at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from langchain_core.tools import StructuredTool, ToolException

from automate.runtime.router.tools import ToolSpec
from automate.runtime.tools.calls import AgentCalls, RuntimeCalls, ToolCalls, ToolOutcome

if TYPE_CHECKING:
    from automate.agents.base import Agent
    from automate.runtime.runtime import Runtime

__all__ = ["agent_tools", "langchain_tools", "runtime_tools"]


def runtime_tools(runtime: Runtime) -> list[StructuredTool]:
    """Every available action as a tool that runs through the runtime: policies, run store, events."""
    return langchain_tools(RuntimeCalls(runtime))


def agent_tools(agent: Agent, *, now: Callable[[], datetime] | None = None) -> list[StructuredTool]:
    """Every action of `agent` as a tool that calls the agent directly (no run is recorded)."""
    return langchain_tools(AgentCalls(agent, now=now))


def langchain_tools(calls: ToolCalls) -> list[StructuredTool]:
    """One LangChain tool per tool of `calls`, sync and async."""
    return [_tool(calls, tool) for tool in calls.toolbox]


def _tool(calls: ToolCalls, tool: ToolSpec) -> StructuredTool:
    """A LangChain tool for `tool`: `ainvoke` on the caller's loop, `invoke` on the runtime's loop thread."""

    async def ainvoke(**arguments: Any) -> dict[str, Any]:
        return _answer(await calls.call(tool.name, arguments))

    def invoke(**arguments: Any) -> dict[str, Any]:
        return _answer(calls.call_sync(tool.name, arguments))

    return StructuredTool.from_function(
        func=invoke,
        coroutine=ainvoke,
        name=tool.name,
        description=tool.description,
        # The JSON schema, not the params model: LangChain must not validate before the
        # times in words are read, or "tomorrow at 4pm" would be refused here and taken by MCP.
        args_schema=tool.input_schema,
        infer_schema=False,
        handle_tool_error=True,
        metadata={"agent": tool.agent, "action": tool.action, "side_effect": tool.side_effect},
        tags=["side_effect"] if tool.side_effect else ["read_only"],
    )


def _answer(outcome: ToolOutcome) -> dict[str, Any]:
    """The outcome's data, or a `ToolException` LangChain turns into an error ToolMessage."""
    if outcome.is_error:
        raise ToolException(outcome.message)
    return outcome.data
