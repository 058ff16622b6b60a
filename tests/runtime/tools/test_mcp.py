"""The MCP server through the SDK's own client: hints from declared traits, parity with LangChain."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import ToolMessage
from mcp import Client

from automate.agents.base import ActionTraits
from automate.integrations.config import AppConfig
from automate.runtime.runtime import Runtime, builtin_agents
from automate.runtime.tools.langchain import runtime_tools
from automate.runtime.tools.mcp import build_server, tool_annotations
from tests.conftest import NOW
from tests.runtime.test_mcp import connected

TOMORROW = NOW + timedelta(days=1)


@pytest.fixture
async def runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    async with Runtime(local_config, now=fixed_now) as rt:
        yield rt


async def langchain_answer(runtime: Runtime, name: str, args: dict[str, Any]) -> ToolMessage:
    """What LangChain's tool answers a model's call with."""
    tool = {t.name: t for t in runtime_tools(runtime)}[name]
    answer = await tool.ainvoke({"name": name, "args": args, "id": "call_1", "type": "tool_call"})
    assert isinstance(answer, ToolMessage)
    return answer


class TestToolAnnotations:
    def test_hints_follow_the_declared_traits(self) -> None:
        """Read-only, destructive, idempotent and open-world hints are the traits, reads being idempotent."""
        read = tool_annotations(ActionTraits())
        assert (read.read_only_hint, read.destructive_hint, read.idempotent_hint, read.open_world_hint) == (
            True,
            False,
            True,
            False,
        )
        mail = tool_annotations(ActionTraits(read_only=False, open_world=True))
        assert (mail.read_only_hint, mail.destructive_hint, mail.idempotent_hint, mail.open_world_hint) == (
            False,
            False,
            False,
            True,
        )

    async def test_listed_tools_carry_each_actions_hints(self, runtime: Runtime) -> None:
        """Over MCP read_email is not read-only, send_email reaches out, cancel_event destroys."""
        async with Client(build_server(runtime)) as client:
            listed = await client.list_tools()
        hints = {tool.name: tool.annotations for tool in listed.tools}
        assert len(hints) == sum(len(agent.actions) for agent in builtin_agents())
        read = hints["email__read_email"]
        assert read is not None and read.read_only_hint is False and read.idempotent_hint is True
        send = hints["email__send_email"]
        assert send is not None and send.open_world_hint is True and send.idempotent_hint is False
        cancel = hints["scheduler__cancel_event"]
        assert cancel is not None and cancel.destructive_hint is True and cancel.read_only_hint is False
        create = hints["scheduler__create_event"]
        assert create is not None and create.read_only_hint is False and create.destructive_hint is False
        listing = hints["scheduler__list_events"]
        assert listing is not None and listing.read_only_hint is True and listing.open_world_hint is False


class TestParity:
    async def test_times_in_words_are_accepted_by_both(self, runtime: Runtime) -> None:
        """'tomorrow at 4pm' books through MCP and through LangChain alike, on the runtime's clock."""
        async with Client(build_server(runtime)) as client:
            over_mcp = await client.call_tool(
                "scheduler__create_event", {"start": "tomorrow at 4pm", "title": "MCP"}
            )
        over_langchain = await langchain_answer(
            runtime, "scheduler__create_event", {"start": "tomorrow at 6pm", "title": "LangChain"}
        )
        assert not over_mcp.is_error and over_langchain.status == "success"
        assert over_mcp.structured_content is not None
        starts = [
            over_mcp.structured_content["output"]["start"],
            _output(over_langchain)["start"],
        ]
        assert [datetime.fromisoformat(s) for s in starts] == [
            TOMORROW.replace(hour=16),
            TOMORROW.replace(hour=18),
        ]

    @pytest.mark.parametrize(
        "args",
        [
            {"title": "No start"},
            {"start": "when pigs fly", "title": "Never"},
            {"start": ["tomorrow"], "title": "List"},
        ],
        ids=["missing", "unreadable-words", "wrong-type"],
    )
    async def test_bad_arguments_are_errors_with_the_same_sentence(
        self, runtime: Runtime, args: dict[str, Any]
    ) -> None:
        """A missing, unreadable or mistyped start is an error in both, worded the same, and nothing runs."""
        async with Client(build_server(runtime)) as client:
            over_mcp = await client.call_tool("scheduler__create_event", args)
        over_langchain = await langchain_answer(runtime, "scheduler__create_event", args)
        assert over_mcp.is_error and over_langchain.status == "error"
        text = over_mcp.content[0].text  # type: ignore[union-attr]
        assert text.startswith("Invalid arguments: scheduler__create_event: start: ")
        assert over_langchain.content == text
        assert runtime.store.list_runs() == []

    async def test_the_stdio_server_words_errors_as_langchain_does(
        self, runtime: Runtime, home: Path, user_config: Path
    ) -> None:
        """`automate mcp` over stdio refuses an unreadable time with LangChain's very sentence."""
        args = {"start": "when pigs fly", "title": "Never"}
        over_langchain = await langchain_answer(runtime, "scheduler__create_event", args)
        async with connected(home, user_config) as session:
            over_stdio = await session.call_tool("scheduler__create_event", args)
        assert over_stdio.is_error
        assert over_stdio.content[0].text == over_langchain.content  # type: ignore[union-attr]


def _output(message: ToolMessage) -> dict[str, Any]:
    """The action's output inside a LangChain tool answer (its content is the outcome's JSON)."""
    data: dict[str, Any] = json.loads(str(message.content))
    return dict(data["output"])
