"""LangChain tools over the agents: schemas, metadata, and a tool-calling loop with a fake chat model."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import StructuredTool

from automate.agents.base import ActionContext
from automate.agents.scheduler import SchedulerAgent
from automate.agents.scheduler_models import CreateEventParams, ListEventsParams
from automate.integrations.config import AppConfig
from automate.runtime.runtime import Runtime
from tests.conftest import NOW

TOMORROW_3PM = (NOW + timedelta(days=1)).replace(hour=15)


@pytest.fixture
async def runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    async with Runtime(local_config, now=fixed_now) as rt:
        yield rt


async def booked(rt: Runtime) -> list[tuple[str, datetime]]:
    day = TOMORROW_3PM.replace(hour=0)
    scheduler = rt.agent(SchedulerAgent)
    listed = await scheduler.list_events(
        ListEventsParams(start=day, end=day + timedelta(days=1)), ActionContext()
    )
    return [(e.title, e.start) for e in listed.events]


async def tool_loop(model: GenericFakeChatModel, tools: list[StructuredTool], ask: str) -> list[BaseMessage]:
    """The usual agent loop: call the model, run the tools it asks for, until it answers in text."""
    by_name = {tool.name: tool for tool in tools}
    messages: list[BaseMessage] = [HumanMessage(ask)]
    for _ in range(5):
        reply = await model.ainvoke(messages)
        messages.append(reply)
        if not isinstance(reply, AIMessage) or not reply.tool_calls:
            break
        for call in reply.tool_calls:
            answer = await by_name[call["name"]].ainvoke({**call, "type": "tool_call"})
            messages.append(answer)
    return messages


class TestAsTools:
    def test_every_action_is_an_async_tool_with_its_params_schema(self, runtime: Runtime) -> None:
        """Tools carry the action's description, params model and side-effect metadata."""
        scheduler = runtime.agent(SchedulerAgent)
        tools = {tool.name: tool for tool in scheduler.as_tools()}
        assert set(tools) == {f"scheduler__{name}" for name in scheduler.actions}
        create = tools["scheduler__create_event"]
        assert create.args_schema is CreateEventParams and create.coroutine is not None
        assert create.description == scheduler.actions["create_event"].description
        assert create.metadata == {"agent": "scheduler", "action": "create_event", "side_effect": True}
        assert tools["scheduler__list_events"].metadata["side_effect"] is False
        everything = {tool.name for tool in runtime.as_tools()}
        assert {"email__send_email", "lists__add_item", "scheduler__create_event"} <= everything

    async def test_agent_tool_books_directly(self, runtime: Runtime) -> None:
        """An agent's own tool calls the agent: the event is in the calendar, no run is recorded."""
        tool = {t.name: t for t in runtime.agent(SchedulerAgent).as_tools()}["scheduler__create_event"]
        output = await tool.ainvoke({"start": TOMORROW_3PM.isoformat(), "title": "Direct"})
        assert output["title"] == "Direct"
        assert await booked(runtime) == [("Direct", TOMORROW_3PM)]
        assert runtime.store.list_runs() == []

    async def test_failures_come_back_as_the_tool_answer(self, runtime: Runtime) -> None:
        """A conflict is a ToolException turned into the tool's answer, not a crash of the loop."""
        tool = {t.name: t for t in runtime.as_tools()}["scheduler__create_event"]
        await tool.ainvoke({"start": TOMORROW_3PM.isoformat(), "title": "First"})
        answer = await tool.ainvoke({"start": TOMORROW_3PM.isoformat(), "title": "Second"})
        assert isinstance(answer, str) and "overlaps 'First'" in answer
        assert [title for title, _ in await booked(runtime)] == ["First"]


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
        messages = await tool_loop(model, runtime.as_tools(), "book 'Plan' tomorrow at 3pm")
        tool_answers = [m for m in messages if isinstance(m, ToolMessage)]
        assert [m.tool_call_id for m in tool_answers] == ["call_1", "call_2"]
        assert "Booked 'Plan'" in str(tool_answers[0].content)
        assert "1 event" in str(tool_answers[1].content)
        assert messages[-1].content == "Booked 'Plan' tomorrow at 15:00."
        assert await booked(runtime) == [("Plan", TOMORROW_3PM)]
        runs = runtime.store.list_runs()
        assert sorted(run.status.value for run in runs) == ["done", "done"]
