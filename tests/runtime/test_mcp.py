"""`automate mcp` from a real MCP client session over stdio: list tools, call them, see the runs."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from automate.runtime.store import open_store
from tests.conftest import CLOCK_ENV, NOW

ROOT = Path(__file__).resolve().parents[2]
TOMORROW_3PM = (NOW + timedelta(days=1)).replace(hour=15)


@asynccontextmanager
async def connected(home: Path, user_config: Path) -> AsyncIterator[ClientSession]:
    """A client session with `automate mcp` spawned on a temporary data directory.

    A context manager rather than a fixture: the SDK's task group must be left
    in the task that entered it.
    """
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "automate.main", "mcp", "--config", str(user_config)],
        # The whole environment, so the server shares the test's clocks (AUTOMATE_NOW, faketime).
        env={**os.environ, "AUTOMATE_HOME": str(home), "PYTHONPATH": str(ROOT), **CLOCK_ENV},
        cwd=str(ROOT),
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
        await client.initialize()
        yield client


class TestMcpServer:
    async def test_lists_every_action_with_schema_and_hints(self, home: Path, user_config: Path) -> None:
        """Every agent action is a tool with its description, JSON schema and read-only hint."""
        async with connected(home, user_config) as session:
            listed = await session.list_tools()
        tools = {tool.name: tool for tool in listed.tools}
        assert {"scheduler__create_event", "scheduler__list_events", "email__send_email"} <= set(tools)
        create = tools["scheduler__create_event"]
        assert create.description is not None and create.description.startswith("Book an event")
        assert create.input_schema["required"] == ["start"]
        assert create.annotations is not None and create.annotations.read_only_hint is False
        listing = tools["scheduler__list_events"].annotations
        assert listing is not None and listing.read_only_hint is True

    async def test_a_call_books_through_the_runtime_and_is_recorded(
        self, home: Path, user_config: Path
    ) -> None:
        """Calling create_event books the meeting and leaves a finished run in the run store."""
        async with connected(home, user_config) as session:
            result = await session.call_tool(
                "scheduler__create_event", {"start": TOMORROW_3PM.isoformat(), "title": "From MCP"}
            )
        assert not result.is_error
        assert "Booked 'From MCP'" in result.content[0].text  # type: ignore[union-attr]
        assert result.structured_content is not None
        run_id = result.structured_content["run_id"]
        assert result.structured_content["output"]["title"] == "From MCP"
        store = open_store(home)
        try:
            run = store.get_run(run_id)
            assert run is not None and run.status.value == "done"
            assert [step.target for step in run.steps] == ["scheduler.create_event"]
        finally:
            store.close()

    async def test_bad_arguments_and_conflicts_are_tool_errors(self, home: Path, user_config: Path) -> None:
        """Invalid arguments and a double booking come back as isError results with a clear sentence."""
        args = {"start": TOMORROW_3PM.isoformat(), "title": "First"}
        async with connected(home, user_config) as session:
            bad = await session.call_tool("scheduler__create_event", {"title": "No start"})
            first = await session.call_tool("scheduler__create_event", args)
            clash = await session.call_tool("scheduler__create_event", {**args, "title": "Second"})
            unknown = await session.call_tool("nobody__nothing", {})
        assert bad.is_error and "start: Field required" in bad.content[0].text  # type: ignore[union-attr]
        assert not first.is_error
        assert clash.is_error and "overlaps 'First'" in clash.content[0].text  # type: ignore[union-attr]
        assert unknown.is_error
