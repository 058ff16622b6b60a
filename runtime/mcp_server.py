"""`automate mcp`: every agent action as an MCP tool, served over stdio with the official SDK.

Desktop assistants and IDEs list the tools (name ``agent__action``, the
action's description, its params model's JSON schema, and hints: read-only
or destructive) and call them. Each call runs as a one-step request of the
runtime, so the services' policies apply and the run is in `automate
history`. A failure (bad arguments, a conflict, a question) comes back as a
tool result with ``isError`` and the sentence a person would read::

    {"mcpServers": {"automate": {"command": "automate", "args": ["mcp"]}}}

Needs the ``mcp`` package (the ``llm`` extra); only this command imports it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from automate.runtime.result import TaskStatus
from automate.runtime.router.tools import ToolArgumentsError, Toolbox, run_tool

if TYPE_CHECKING:
    from mcp.server.context import ServerRequestContext

    from automate.runtime.runtime import Runtime

__all__ = ["build_server", "serve_stdio"]

SERVER_NAME = "automate"
INSTRUCTIONS = (
    "Agents that own the person's calendar, email, contacts, reminders and lists. "
    "Times are ISO 8601 with a UTC offset. Tools marked destructive change things."
)


def build_server(runtime: Runtime) -> Server[Any]:
    """An MCP server whose tools are the runtime's available agent actions."""
    toolbox = Toolbox.of_agents(runtime.agents.values())

    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        tools = [
            types.Tool(
                name=tool.name,
                title=f"{tool.agent}: {tool.action.replace('_', ' ')}",
                description=tool.description,
                input_schema=tool.input_schema,
                annotations=types.ToolAnnotations(
                    read_only_hint=not tool.side_effect,
                    destructive_hint=tool.side_effect,
                    open_world_hint=False,
                ),
            )
            for tool in toolbox
        ]
        return types.ListToolsResult(tools=tools)

    async def call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        tool = toolbox.get(params.name)
        if tool is None:
            return _error(f"There is no tool {params.name!r}.")
        try:
            result = await run_tool(runtime, tool, dict(params.arguments or {}))
        except ToolArgumentsError as exc:
            return _error(f"Invalid arguments: {exc}")
        structured = {
            "status": result.status.value,
            "message": result.message,
            "run_id": result.run_id,
            "output": result.output,
        }
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=result.message)],
            structured_content=json.loads(json.dumps(structured, default=str)),
            is_error=result.status is not TaskStatus.DONE,
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


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)
