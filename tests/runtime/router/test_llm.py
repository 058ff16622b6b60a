"""The Claude router: the real `anthropic` client against a local Messages API server."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import structlog
from pydantic import BaseModel
from structlog.testing import capture_logs

from automate.integrations.config import AppConfig, load_config
from automate.integrations.errors import AuthError, InvalidRequest, RateLimited, TransientError
from automate.integrations.manager import IntegrationManager
from automate.integrations.testing import FakeClock
from automate.runtime.plan import Clarification, Decline, Plan
from automate.runtime.result import TaskStatus
from automate.runtime.router.hybrid import HybridRouter
from automate.runtime.router.llm import DRY_RUN_NOTE, LLMRouter
from automate.runtime.router.tools import ToolArgumentsError, Toolbox, ToolSpec, inline_schema
from automate.runtime.runtime import Runtime
from tests.conftest import NOW
from tests.peers.anthropic_api import FakeAnthropic, error, message, running_anthropic, text, tool_use

KEY = "sk-ant-test-9f2c41d7"
TOMORROW_3PM = (NOW + timedelta(days=1)).replace(hour=15)
CONFIG = """\
services:
  anthropic:
    adapter: anthropic
    rate_limit: {{requests: 100, per_seconds: 1, burst: 100}}
    retry: {{attempts: 2, initial_backoff: 0, max_backoff: 0, multiplier: 1, jitter: none, deadline: 60}}
    timeout: 10
    circuit_breaker: {{failure_threshold: {threshold}, reset_timeout: 60}}
    settings:
      api_key: ${{ANTHROPIC_API_KEY:-}}
      base_url: {url}
      model: claude-test
"""

Make = Callable[..., Runtime]


@pytest.fixture
def api() -> Iterator[FakeAnthropic]:
    """The Messages API on a free loopback port."""
    with running_anthropic() as server:
        yield server


def claude_config(tmp_path: Path, home: Path, url: str, router: str, key: str, threshold: int) -> AppConfig:
    """The shipped defaults with a router policy and the anthropic service at `url`."""
    directory = tmp_path / "claude-config"
    directory.mkdir(exist_ok=True)
    (directory / "settings.yaml").write_text(f"timezone: Europe/Lisbon\nrouter: {router}\n")
    (directory / "integrations_config.yaml").write_text(CONFIG.format(url=url, threshold=threshold))
    return load_config(directory, env={"ANTHROPIC_API_KEY": key}, home=home)


@pytest.fixture
def make(tmp_path: Path, home: Path, api: FakeAnthropic, fixed_now: Callable[[], datetime]) -> Make:
    """Build a runtime with a router policy that talks to the local server."""

    def build(router: str = "llm", *, key: str = KEY, threshold: int = 5, **options: Any) -> Runtime:
        config = claude_config(tmp_path, home, api.url, router, key, threshold)
        return Runtime(config, now=fixed_now, clock=FakeClock(), **options)

    return build


@pytest.fixture
async def runtime(make: Make) -> AsyncIterator[Runtime]:
    """A runtime with the ``llm`` policy."""
    async with make("llm") as rt:
        yield rt


def book(start: datetime = TOMORROW_3PM, **more: Any) -> dict[str, Any]:
    return tool_use("scheduler__create_event", {"start": start.isoformat(), "attendees": ["Ana"], **more})


async def starts_tomorrow(rt: Runtime) -> list[datetime]:
    day = TOMORROW_3PM.replace(hour=0)
    listed = await rt.agents["scheduler"].run("list_events", {"start": day, "end": day + timedelta(days=1)})
    return [event.start for event in listed.events]  # type: ignore[attr-defined]


class TestClaudeRouter:
    async def test_one_tool_call_becomes_a_step_that_runs(self, runtime: Runtime, api: FakeAnthropic) -> None:
        """A single tool call is a one-step plan, validated and run: the meeting is booked."""
        api.reply(message(text("Booking it."), book(title="Sync")))
        result = await runtime.handle("get me some time with Ana after lunch tomorrow")
        assert result.status is TaskStatus.DONE
        assert (result.agent, result.action) == ("scheduler", "create_event")
        assert result.notes == []
        assert await starts_tomorrow(runtime) == [TOMORROW_3PM]

    async def test_request_offers_every_action_as_a_tool_with_cached_static_prompt(
        self, runtime: Runtime, api: FakeAnthropic
    ) -> None:
        """Tools carry the action's description and inlined schema; tools and static system are cached."""
        api.reply(message(text("I can't do that.")))
        await runtime.aplan("anything")
        sent = api.requests[0]
        tools = {tool["name"]: tool for tool in sent["tools"]}
        expected = {f"{a.name}__{n}" for a in runtime.agents.values() for n in a.actions}
        assert set(tools) == expected
        create = tools["scheduler__create_event"]
        assert create["description"] == runtime.agents["scheduler"].actions["create_event"].description
        assert create["input_schema"]["properties"]["start"]["format"] == "date-time"
        assert create["input_schema"]["required"] == ["start"]
        assert "$ref" not in str(tools["email__read_email"]["input_schema"])
        assert sent["tools"][-1]["cache_control"] == {"type": "ephemeral"}
        static, current = sent["system"]
        assert static["cache_control"] == {"type": "ephemeral"} and "cache_control" not in current
        assert "Manages your calendar" in static["text"] and "Europe/Lisbon" not in static["text"]
        assert "Tuesday 24 November 2026, 10:00" in current["text"] and "Europe/Lisbon" in current["text"]
        assert sent["model"] == "claude-test" and sent["max_tokens"] == 1024
        assert sent["messages"] == [{"role": "user", "content": "anything"}]

    async def test_two_tool_calls_become_two_steps_in_order(
        self, runtime: Runtime, api: FakeAnthropic
    ) -> None:
        """Two tool calls are two steps, run in the order Claude gave them."""
        api.reply(
            message(
                book(title="Review"),
                tool_use("email__send_email", {"to": ["ana@example.com"], "body": "See you at 3."}),
            )
        )
        routing = await runtime.aplan("book a review with Ana tomorrow at 3 and email her")
        assert isinstance(routing, Plan)
        assert [(s.id, s.agent, s.action) for s in routing.steps] == [
            ("s1", "scheduler", "create_event"),
            ("s2", "email", "send_email"),
        ]
        result = await runtime.execute(routing)
        assert result.status is TaskStatus.DONE and [s.status for s in result.steps] == [TaskStatus.DONE] * 2
        assert result.steps[1].output is not None and result.steps[1].output["recipients"] == [
            "ana@example.com"
        ]

    async def test_invalid_arguments_go_back_once_and_the_correction_is_used(
        self, runtime: Runtime, api: FakeAnthropic
    ) -> None:
        """A call whose arguments fail validation gets a tool_result error; the second turn's call runs."""
        bad = tool_use(
            "scheduler__create_event", {"title": "Sync", "duration_minutes": 0}, call_id="toolu_bad"
        )
        api.reply(message(bad), message(book(title="Sync")))
        with capture_logs() as logs:
            result = await runtime.handle("sync with Ana tomorrow at 3")
        assert result.status is TaskStatus.DONE
        assert await starts_tomorrow(runtime) == [TOMORROW_3PM]
        second = api.requests[1]["messages"]
        assert second[1]["role"] == "assistant" and second[1]["content"][0]["id"] == "toolu_bad"
        (returned,) = second[2]["content"]
        assert returned["type"] == "tool_result" and returned["tool_use_id"] == "toolu_bad"
        assert returned["is_error"] is True
        assert "start: Field required" in returned["content"]
        assert "duration_minutes" in returned["content"]
        assert any(e["event"] == "router_arguments_rejected" for e in logs)

    async def test_invalid_twice_gives_up_to_the_rules(self, runtime: Runtime, api: FakeAnthropic) -> None:
        """A second invalid answer is not sent back again: the rules answer, and the result says why."""
        bad = tool_use("scheduler__create_event", {"title": "Sync"})
        api.reply(message(bad), message(bad))
        routing = await runtime.aplan("what's on my calendar tomorrow")
        assert len(api.requests) == 2
        assert isinstance(routing, Plan) and routing.steps[0].action == "list_events"
        assert "invalid twice" in routing.notes[0] and "built-in rules" in routing.notes[0]

    async def test_times_in_words_go_through_the_time_resolver(
        self, runtime: Runtime, api: FakeAnthropic
    ) -> None:
        """A start written as words, or without an offset, is read in the person's zone."""
        api.reply(
            message(
                tool_use("scheduler__create_event", {"start": "tomorrow at 3pm", "title": "A"}),
                tool_use("scheduler__create_event", {"start": "2026-11-26T09:30:00", "title": "B"}),
            )
        )
        routing = await runtime.aplan("two meetings")
        assert isinstance(routing, Plan)
        starts = [datetime.fromisoformat(s.params["start"]) for s in routing.steps]
        assert starts == [TOMORROW_3PM, TOMORROW_3PM.replace(day=26, hour=9, minute=30)]
        assert starts[1].utcoffset() == NOW.utcoffset()

    async def test_a_text_only_refusal_declines(self, runtime: Runtime, api: FakeAnthropic) -> None:
        """Text with stop_reason end_turn and no tool call declines, in Claude's words."""
        api.reply(
            message(text("I can't order pizza: no agent handles food delivery."), stop_reason="end_turn")
        )
        result = await runtime.handle("order me a pizza")
        assert result.status is TaskStatus.DECLINED
        assert "no agent handles food delivery" in result.message
        assert result.run_id is None

    async def test_a_text_question_asks(self, runtime: Runtime, api: FakeAnthropic) -> None:
        """A text answer ending in a question mark is a clarification to ask the person."""
        api.reply(message(text("Which day should I book it?")))
        routing = await runtime.aplan("book a meeting with Ana")
        assert isinstance(routing, Clarification) and routing.question == "Which day should I book it?"

    async def test_overload_falls_back_to_the_rules_and_says_so(
        self, runtime: Runtime, api: FakeAnthropic
    ) -> None:
        """529 overloaded on every attempt (retry-after honoured): the rules answer, with a note."""
        api.reply(error(529, "Overloaded", retry_after="2"), error(529, "Overloaded", retry_after="2"))
        with capture_logs() as logs:
            result = await runtime.handle("schedule a meeting with Ana tomorrow at 3pm")
        assert len(api.requests) == 2
        assert result.status is TaskStatus.DONE
        assert await starts_tomorrow(runtime) == [TOMORROW_3PM]
        assert len(result.notes) == 1 and "RateLimited" in result.notes[0] and "rules" in result.notes[0]
        assert result.message.endswith(f"Note: {result.notes[0]}")
        clock = runtime.pool.clock
        assert isinstance(clock, FakeClock) and clock.sleeps == [2.0]
        assert any(e["event"] == "router_fell_back" for e in logs)

    async def test_an_open_breaker_sends_nothing(self, make: Make, api: FakeAnthropic) -> None:
        """After the breaker opens, requests are not sent: the rules answer at once."""
        async with make("llm", threshold=1) as rt:
            api.reply(error(500), error(500))
            await rt.aplan("what's on my calendar tomorrow")
            sent = len(api.requests)
            routing = await rt.aplan("what's on my calendar tomorrow")
        assert len(api.requests) == sent
        assert isinstance(routing, Plan) and "CircuitOpen" in routing.notes[0]

    async def test_no_key_uses_the_rules_and_sends_nothing(self, make: Make, api: FakeAnthropic) -> None:
        """With an empty ANTHROPIC_API_KEY no request is sent; the result says Claude is not configured."""
        async with make("llm", key="") as rt:
            result = await rt.handle("what's on my calendar tomorrow")
        assert api.requests == []
        assert result.status is TaskStatus.DONE and "ANTHROPIC_API_KEY" in result.notes[0]

    async def test_dry_run_sends_nothing_unless_asked(self, make: Make, api: FakeAnthropic) -> None:
        """--dry-run plans with the rules; with ask_on_dry_run Claude is asked and nothing runs."""
        async with make("llm") as rt:
            result = await rt.handle("schedule a meeting with Ana tomorrow at 3pm", dry_run=True)
            assert api.requests == [] and result.status is TaskStatus.PLANNED
            assert result.notes == [DRY_RUN_NOTE]
        async with make("llm", ask_on_dry_run=True) as rt:
            api.reply(message(book()))
            result = await rt.handle("a meeting with Ana", dry_run=True)
            assert len(api.requests) == 1 and result.status is TaskStatus.PLANNED
            assert await starts_tomorrow(rt) == []

    async def test_synchronous_route_is_the_rules(self, runtime: Runtime, api: FakeAnthropic) -> None:
        """`route` (for callers that cannot await) never calls out."""
        assert isinstance(runtime.router, LLMRouter)
        routing = runtime.plan("what's on my calendar tomorrow")
        assert isinstance(routing, Plan) and api.requests == []


class TestHybridRouter:
    async def test_rules_plan_needs_no_request(self, make: Make, api: FakeAnthropic) -> None:
        """A request the rules understand is planned by them alone."""
        async with make("hybrid") as rt:
            assert isinstance(rt.router, HybridRouter)
            routing = await rt.aplan("what's on my calendar tomorrow")
        assert isinstance(routing, Plan) and api.requests == [] and routing.notes == []

    async def test_claude_answers_what_the_rules_decline(self, make: Make, api: FakeAnthropic) -> None:
        """When the rules decline, Claude is asked and its plan is used."""
        async with make("hybrid") as rt:
            assert isinstance(
                rt.plan("pencil in the quarterly thing with Ana, usual slot"), Decline | Clarification
            )
            api.reply(message(book(title="Quarterly")))
            routing = await rt.aplan("pencil in the quarterly thing with Ana, usual slot")
        assert isinstance(routing, Plan) and routing.steps[0].params["title"] == "Quarterly"
        assert len(api.requests) == 1

    async def test_when_claude_is_down_the_rules_answer_stands(self, make: Make, api: FakeAnthropic) -> None:
        """Claude unreachable: the rules' own decline or question comes back, with a note."""
        async with make("hybrid") as rt:
            first = rt.plan("pencil in the quarterly thing with Ana, usual slot")
            api.reply(error(529), error(529))
            routing = await rt.aplan("pencil in the quarterly thing with Ana, usual slot")
        assert type(routing) is type(first) and routing.notes and "Claude did not answer" in routing.notes[0]


class TestAnthropicAdapter:
    @pytest.fixture
    async def manager(
        self, tmp_path: Path, home: Path, api: FakeAnthropic
    ) -> AsyncIterator[IntegrationManager]:
        config = claude_config(tmp_path, home, api.url, "rules", KEY, 5)
        async with IntegrationManager.from_config(config, ["anthropic"], clock=FakeClock()) as manager:
            yield manager

    async def call(self, manager: IntegrationManager) -> Any:
        return await manager.call(
            "anthropic", "create_message", {"messages": [{"role": "user", "content": "hi"}]}
        )

    async def test_reply_blocks_stop_reason_and_usage(
        self, manager: IntegrationManager, api: FakeAnthropic
    ) -> None:
        """A message answer comes back as typed blocks with its usage, sent with the configured key."""
        api.reply(message(text("Hello"), tool_use("x__y", {"a": 1}, call_id="toolu_1")))
        reply = await self.call(manager)
        assert reply.text == "Hello" and [(c.id, c.input) for c in reply.tool_calls] == [
            ("toolu_1", {"a": 1})
        ]
        assert reply.stop_reason == "tool_use" and reply.usage.cache_read_input_tokens == 700
        sent = api.headers[0]
        assert KEY in (sent.get("x-api-key"), sent.get("authorization", "").removeprefix("Bearer "))
        assert sent["x-stainless-retry-count"] == "0"

    @pytest.mark.parametrize(
        ("status", "kind"),
        [
            (401, AuthError),
            (400, InvalidRequest),
            (429, RateLimited),
            (529, RateLimited),
            (500, TransientError),
        ],
    )
    async def test_errors_map_to_the_project_errors(
        self, manager: IntegrationManager, api: FakeAnthropic, status: int, kind: type[Exception]
    ) -> None:
        """Each status becomes the project's error of the right kind (retryable ones retried once)."""
        api.reply(error(status, retry_after="1"), error(status, retry_after="1"))
        with pytest.raises(kind) as raised:
            await self.call(manager)
        assert f"HTTP {status}" in str(raised.value)
        assert len(api.requests) == (2 if kind in (RateLimited, TransientError) else 1)
        if kind is RateLimited:
            assert raised.value.retry_after == 1.0  # type: ignore[attr-defined]

    async def test_a_refused_connection_is_transient(self, tmp_path: Path, home: Path) -> None:
        """Nothing listening on the port: a TransientError, not a crash."""
        with running_anthropic() as gone:
            url = gone.url
        config = claude_config(tmp_path, home, url, "rules", KEY, 5)
        async with IntegrationManager.from_config(config, ["anthropic"], clock=FakeClock()) as manager:
            with pytest.raises(TransientError):
                await self.call(manager)

    async def test_key_never_appears_in_errors(self, manager: IntegrationManager, api: FakeAnthropic) -> None:
        """An error body echoing the key is redacted in the error the caller sees."""
        api.reply(error(401, f"invalid x-api-key {KEY}"))
        with pytest.raises(AuthError) as raised:
            await self.call(manager)
        from automate.integrations.redaction import redact

        assert KEY not in redact(str(raised.value))


class Node(BaseModel):
    """A recursive model, to check refs that cannot be inlined."""

    name: str
    children: list[Node] = []


class TestToolbox:
    def test_nested_refs_are_inlined(self) -> None:
        """A nested params model's schema is written out in place, with no $defs left."""
        from automate.agents.email_models import ReadEmailParams

        schema = ToolSpec("email", "read_email", "Read.", ReadEmailParams, False).input_schema
        assert "$defs" not in schema and "$ref" not in str(schema)
        search = schema["properties"]["search"]["anyOf"][0]
        assert search["properties"]["since"]["anyOf"][0]["format"] == "date-time"

    def test_recursive_models_keep_their_definitions(self) -> None:
        """A model that contains itself keeps $defs and the recursive $ref, so the schema stays whole."""
        schema = inline_schema(Node.model_json_schema())
        assert "Node" in schema["$defs"]
        assert schema["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}

    def test_nested_times_in_words_are_resolved(self) -> None:
        """A date-time inside a nested model is read by the time resolver too; bad ones stay invalid."""
        from automate.agents.email_models import ReadEmailParams

        tool = ToolSpec("email", "read_email", "Read.", ReadEmailParams, False)
        params = tool.parse({"search": {"since": "yesterday at 9am"}}, NOW)
        assert isinstance(params, ReadEmailParams) and params.search is not None
        assert params.search.since == NOW.replace(day=23, hour=9)
        with pytest.raises(ToolArgumentsError, match=r"search\.since"):
            tool.parse({"search": {"since": "when the cows come home"}}, NOW)

    def test_every_name_is_accepted_by_tool_apis(self) -> None:
        """Tool names use only letters, digits and underscores, at most 64 characters."""
        from automate.runtime.runtime import builtin_agents

        names = [tool.name for tool in Toolbox.of_agents(builtin_agents())]
        assert names and all(re.fullmatch(r"[A-Za-z0-9_]{1,64}", name) for name in names)


class TestCommandLine:
    @pytest.fixture
    def configured(
        self, tmp_path: Path, home: Path, api: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
    ) -> Iterator[Path]:
        """AUTOMATE_CONFIG and AUTOMATE_HOME for the command, the key in the environment.

        The command configures logging to the (captured) stderr; the previous
        configuration is put back so later tests do not log to a closed stream.
        """
        claude_config(tmp_path, home, api.url, "rules", KEY, 5)
        monkeypatch.setenv("AUTOMATE_CONFIG", str(tmp_path / "claude-config"))
        monkeypatch.setenv("AUTOMATE_HOME", str(home))
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        saved = structlog.get_config()
        yield home
        structlog.configure(**saved)

    def test_router_option_asks_claude(
        self, configured: Path, api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`--router llm` overrides the configured rules: Claude's tool call is booked."""
        import json

        from automate.main import main

        start = "2030-01-08T15:00:00+00:00"
        api.reply(message(tool_use("scheduler__create_event", {"start": start, "title": "Board"})))
        code = main(["--router", "llm", "--json", "set up the board thing early next year"])
        shown = json.loads(capsys.readouterr().out)
        assert code == 0 and shown["status"] == "done" and shown["output"]["title"] == "Board"
        assert shown["notes"] == [] and len(api.requests) == 1

    def test_overload_prints_the_rules_answer_with_a_note(
        self, configured: Path, api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Claude overloaded: the rules plan the request, and the person reads why."""
        from automate.main import main

        api.reply(error(529), error(529))
        code = main(["--router", "llm", "--dry-run", "schedule a meeting with Ana tomorrow at 3pm"])
        out = capsys.readouterr().out
        assert code == 0 and "scheduler.create_event" in out
        assert "Note: Claude did not answer (RateLimited: HTTP 529" in out and KEY not in out
