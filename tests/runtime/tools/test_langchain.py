"""LangChain tools over the agents: schemas, errors as ToolMessages, sync and async calls, an agent loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import StructuredTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from automate.agents.base import ActionContext
from automate.agents.scheduler import SchedulerAgent
from automate.agents.scheduler_models import ListEventsParams
from automate.integrations.config import AppConfig
from automate.integrations.redaction import register_secret
from automate.runtime.router.tools import ToolSpec
from automate.runtime.runtime import Runtime
from automate.runtime.tools.langchain import agent_tools, runtime_tools
from tests.conftest import NOW

TOMORROW_3PM = (NOW + timedelta(days=1)).replace(hour=15)


@pytest.fixture
async def runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    async with Runtime(local_config, now=fixed_now) as rt:
        yield rt


def by_name(tools: list[StructuredTool]) -> dict[str, StructuredTool]:
    return {tool.name: tool for tool in tools}


def tool_call(name: str, args: dict[str, Any], call_id: str = "call_1") -> dict[str, Any]:
    """The ToolCall dict a chat model hands a tool, so the answer comes back as a ToolMessage."""
    return {"name": name, "args": args, "id": call_id, "type": "tool_call"}


async def booked(rt: Runtime) -> list[tuple[str, datetime]]:
    day = TOMORROW_3PM.replace(hour=0)
    scheduler = rt.agent(SchedulerAgent)
    listed = await scheduler.list_events(
        ListEventsParams(start=day, end=day + timedelta(days=1)), ActionContext()
    )
    return [(e.title, e.start) for e in listed.events]


async def tool_loop(model: GenericFakeChatModel, tools: list[StructuredTool], ask: str) -> list[BaseMessage]:
    """The usual agent loop: call the model, run the tools it asks for, until it answers in text."""
    found = by_name(tools)
    messages: list[BaseMessage] = [HumanMessage(ask)]
    for _ in range(5):
        reply = await model.ainvoke(messages)
        messages.append(reply)
        if not isinstance(reply, AIMessage) or not reply.tool_calls:
            break
        for call in reply.tool_calls:
            messages.append(await found[call["name"]].ainvoke({**call, "type": "tool_call"}))
    return messages


class TestRuntimeTools:
    def test_every_action_is_a_tool_with_the_shared_json_schema(self, runtime: Runtime) -> None:
        """Each tool has the action's description, MCP's JSON schema, metadata, and sync and async bodies."""
        tools = by_name(runtime_tools(runtime))
        scheduler = runtime.agent(SchedulerAgent)
        assert {f"scheduler__{name}" for name in scheduler.actions} <= set(tools)
        assert {"email__send_email", "lists__add_item", "reminders__set_reminder"} <= set(tools)
        create = tools["scheduler__create_event"]
        spec = scheduler.actions["create_event"]
        assert create.args_schema == ToolSpec.of("scheduler", spec).input_schema
        assert create.description == spec.description
        assert create.func is not None and create.coroutine is not None
        assert create.metadata == {"agent": "scheduler", "action": "create_event", "side_effect": True}
        assert tools["scheduler__list_events"].tags == ["read_only"]
        bound = convert_to_openai_tool(create)["function"]  # what bind_tools sends a chat model
        assert bound["parameters"]["required"] == ["start"] and bound["description"] == spec.description

    async def test_times_in_words_are_read_on_the_runtime_clock(self, runtime: Runtime) -> None:
        """'tomorrow at 4pm' books the next day at 16:00 of the runtime's clock, as MCP would."""
        create = by_name(runtime_tools(runtime))["scheduler__create_event"]
        answer = await create.ainvoke({"start": "tomorrow at 4pm", "title": "Words"})
        assert answer["status"] == "done" and answer["run_id"]
        assert await booked(runtime) == [("Words", TOMORROW_3PM.replace(hour=16))]

    async def test_a_conflict_is_an_error_tool_message(self, runtime: Runtime) -> None:
        """A double booking answers ToolMessage(status='error') naming the clash; nothing is booked twice."""
        create = by_name(runtime_tools(runtime))["scheduler__create_event"]
        args = {"start": TOMORROW_3PM.isoformat(), "title": "First"}
        first = await create.ainvoke(tool_call(create.name, args, "c1"))
        clash = await create.ainvoke(tool_call(create.name, {**args, "title": "Second"}, "c2"))
        assert isinstance(first, ToolMessage) and first.status == "success"
        assert isinstance(clash, ToolMessage) and clash.status == "error"
        assert "overlaps 'First'" in str(clash.content)
        assert [title for title, _ in await booked(runtime)] == ["First"]

    async def test_a_missing_required_argument_is_an_error_tool_message(self, runtime: Runtime) -> None:
        """A call without `start` answers with an error ToolMessage saying so, and raises nothing."""
        create = by_name(runtime_tools(runtime))["scheduler__create_event"]
        answer = await create.ainvoke(tool_call(create.name, {"title": "No start"}))
        assert isinstance(answer, ToolMessage) and answer.status == "error"
        assert answer.content == "Invalid arguments: scheduler__create_event: start: Field required"
        assert runtime.store.list_runs() == []


class TestSyncInvoke:
    def test_invoke_without_a_loop_runs_on_the_runtimes_loop_thread(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime]
    ) -> None:
        """A script's `invoke` books through the runtime; its loop thread stops with `close()`."""
        runtime = Runtime(local_config, now=fixed_now)
        tools = by_name(runtime_tools(runtime))
        first = tools["scheduler__create_event"].invoke({"start": TOMORROW_3PM.isoformat(), "title": "Sync"})
        listed = tools["scheduler__list_events"].invoke(
            {
                "start": TOMORROW_3PM.replace(hour=0).isoformat(),
                "end": TOMORROW_3PM.replace(hour=23).isoformat(),
            }
        )
        assert first["status"] == "done" and "Booked 'Sync'" in first["message"]
        assert [event["title"] for event in listed["output"]["events"]] == ["Sync"]
        (thread,) = [t for t in threading.enumerate() if t.name == "automate-runtime"]
        runtime.close()  # the sync close runs aclose on that thread, which then stops
        thread.join(timeout=10)
        assert not thread.is_alive()

    async def test_invoke_inside_a_running_loop_does_not_deadlock(self, runtime: Runtime) -> None:
        """`invoke` called synchronously from a coroutine (LangGraph, Jupyter) returns instead of hanging."""
        asyncio.get_running_loop()  # this test's body runs inside a live loop
        create = by_name(runtime_tools(runtime))["scheduler__create_event"]
        answer = create.invoke(tool_call(create.name, {"start": "tomorrow at 3pm", "title": "In loop"}))
        missing = create.invoke(tool_call(create.name, {}, "c2"))
        assert isinstance(answer, ToolMessage) and answer.status == "success"
        assert isinstance(missing, ToolMessage) and missing.status == "error"
        assert await booked(runtime) == [("In loop", TOMORROW_3PM)]


class TestAgentTools:
    async def test_an_agent_tool_books_directly(
        self, runtime: Runtime, fixed_now: Callable[[], datetime]
    ) -> None:
        """An agent's own tool calls the agent on the given clock: the event is booked, no run is recorded."""
        tools = by_name(agent_tools(runtime.agent(SchedulerAgent), now=fixed_now))
        assert set(tools) == {f"scheduler__{name}" for name in SchedulerAgent.actions}
        output = await tools["scheduler__create_event"].ainvoke(
            {"start": "tomorrow at 3pm", "title": "Direct"}
        )
        assert output["title"] == "Direct"
        assert await booked(runtime) == [("Direct", TOMORROW_3PM)]
        assert runtime.store.list_runs() == []

    async def test_agent_errors_and_bad_arguments_are_error_tool_messages(
        self, runtime: Runtime, fixed_now: Callable[[], datetime]
    ) -> None:
        """An agent's refusal and a missing argument both answer as error ToolMessages, also from `invoke`."""
        create = by_name(agent_tools(runtime.agent(SchedulerAgent), now=fixed_now))["scheduler__create_event"]
        args = {"start": TOMORROW_3PM.isoformat(), "title": "First"}
        await create.ainvoke(args)
        clash = create.invoke(tool_call(create.name, {**args, "title": "Second"}))
        missing = await create.ainvoke(tool_call(create.name, {"title": "No start"}, "c2"))
        assert isinstance(clash, ToolMessage) and clash.status == "error" and "overlaps 'First'" in clash.text
        assert isinstance(missing, ToolMessage) and missing.status == "error"
        assert missing.content == "Invalid arguments: scheduler__create_event: start: Field required"

    async def test_a_secret_in_the_arguments_comes_back_masked(
        self, runtime: Runtime, fixed_now: Callable[[], datetime]
    ) -> None:
        """A registered secret a model pasted into a title is *** in the tool's answer."""
        register_secret("pasted-in-tool-4410")
        create = by_name(agent_tools(runtime.agent(SchedulerAgent), now=fixed_now))["scheduler__create_event"]
        output = await create.ainvoke({"start": "tomorrow at 3pm", "title": "sync pasted-in-tool-4410"})
        assert output["title"] == "sync ***"


class TestToolCallingLoop:
    async def test_fake_chat_model_books_through_the_runtime(self, runtime: Runtime) -> None:
        """A LangChain loop whose model asks for two tools books and lists the meeting; runs are recorded."""
        model = GenericFakeChatModel(
            messages=iter(
                [
                    AIMessage(
                        content="",
                        tool_calls=[
                            {
                                "name": "scheduler__create_event",
                                "args": {"start": TOMORROW_3PM.isoformat(), "title": "Plan", "attendees": []},
                                "id": "call_1",
                            }
                        ],
                    ),
                    AIMessage(
                        content="",
                        tool_calls=[
                            {
                                "name": "scheduler__list_events",
                                "args": {
                                    "start": TOMORROW_3PM.replace(hour=0).isoformat(),
                                    "end": TOMORROW_3PM.replace(hour=23).isoformat(),
                                },
                                "id": "call_2",
                            }
                        ],
                    ),
                    AIMessage(content="Booked 'Plan' tomorrow at 15:00."),
                ]
            )
        )
        messages = await tool_loop(model, runtime_tools(runtime), "book 'Plan' tomorrow at 3pm")
        tool_answers = [m for m in messages if isinstance(m, ToolMessage)]
        assert [m.tool_call_id for m in tool_answers] == ["call_1", "call_2"]
        assert "Booked 'Plan'" in str(tool_answers[0].content)
        assert "1 event" in str(tool_answers[1].content)
        assert messages[-1].content == "Booked 'Plan' tomorrow at 15:00."
        assert await booked(runtime) == [("Plan", TOMORROW_3PM)]
        assert sorted(run.status.value for run in runtime.store.list_runs()) == ["done", "done"]

    async def test_a_missing_argument_reaches_the_model_as_an_error_and_the_loop_goes_on(
        self, runtime: Runtime
    ) -> None:
        """The model forgets `start`, reads the error ToolMessage, retries with it, and books the meeting."""
        model = GenericFakeChatModel(
            messages=iter(
                [
                    AIMessage(
                        content="",
                        tool_calls=[
                            {"name": "scheduler__create_event", "args": {"title": "Plan"}, "id": "call_1"}
                        ],
                    ),
                    AIMessage(
                        content="",
                        tool_calls=[
                            {
                                "name": "scheduler__create_event",
                                "args": {"title": "Plan", "start": "tomorrow at 3pm"},
                                "id": "call_2",
                            }
                        ],
                    ),
                    AIMessage(content="Booked."),
                ]
            )
        )
        messages = await tool_loop(model, runtime_tools(runtime), "book 'Plan'")
        answers = [m for m in messages if isinstance(m, ToolMessage)]
        assert [(m.tool_call_id, m.status) for m in answers] == [("call_1", "error"), ("call_2", "success")]
        assert "start: Field required" in answers[0].text
        assert messages[-1].content == "Booked."
        assert await booked(runtime) == [("Plan", TOMORROW_3PM)]
