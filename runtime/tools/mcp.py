"""`automate mcp`: every agent action as an MCP tool, served over stdio with the official SDK.

Desktop assistants and IDEs list the tools (name ``agent__action``, the
action's description, its params model's JSON schema, and hints taken from
the action's declared traits: read-only, destructive, idempotent, open-world)
and call them. Each call runs as a one-step request of the runtime, so the
services' policies apply and the run is in `automate history`. Arguments are
read as LangChain's tools read them (`calls.ToolCalls`); a failure (bad
arguments, a conflict, a question) comes back as a tool result with
``isError`` and the sentence a person would read::

    {"mcpServers": {"automate": {"command": "automate", "args": ["mcp"]}}}

Needs the ``mcp`` package (the ``llm`` extra); only this command imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from automate.runtime.tools.calls import RuntimeCalls

if TYPE_CHECKING:
    from mcp.server.context import ServerRequestContext

    from automate.agents.base import ActionTraits
    from automate.runtime.runtime import Runtime

__all__ = ["build_server", "serve_stdio", "tool_annotations"]

SERVER_NAME = "automate"
INSTRUCTIONS = (
    "Agents that own the person's calendar, email, contacts, reminders and lists. "
    "Times are ISO 8601 with a UTC offset, or words such as 'tomorrow at 3pm'. "
    "Tools not marked read-only change things; destructive ones delete or overwrite."
)


def tool_annotations(traits: ActionTraits) -> types.ToolAnnotations:
    """MCP's hints for an action, from what it declares it does to the world."""
    return types.ToolAnnotations(
        read_only_hint=traits.read_only,
        destructive_hint=traits.destructive,
        idempotent_hint=traits.read_only or traits.idempotent,
        open_world_hint=traits.open_world,
    )


def build_server(runtime: Runtime) -> Server[Any]:
    """An MCP server whose tools are the runtime's available agent actions."""
    calls = RuntimeCalls(runtime)
    tools = [
        types.Tool(
            name=tool.name,
            title=f"{tool.agent}: {tool.action.replace('_', ' ')}",
            description=tool.description,
            input_schema=tool.input_schema,
            annotations=tool_annotations(calls.spec(tool).traits),
        )
        for tool in calls.toolbox
    ]

    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools)

    async def call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        outcome = await calls.call(params.name, params.arguments or {})
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=outcome.message)],
            structured_content=outcome.data,
            is_error=outcome.is_error,
        )

    return Server(
        SERVER_NAME,
        version="0.1.0",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def serve_stdio(runtime: Runtime) -> None:
    """Serve the runtime's tools on stdin/stdout until the client closes the connection."""
    server = build_server(runtime)
    async with runtime, stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())
