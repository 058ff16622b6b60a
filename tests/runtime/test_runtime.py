"""The runtime: running plans, questions, declines, dry runs and follow-up answers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from automate.integrations.config import AppConfig, load_config
from automate.integrations.redaction import register_secret
from automate.runtime.followup import answer
from automate.runtime.plan import Clarification, Decline, Plan, Routing, Step
from automate.runtime.result import TaskStatus
from automate.runtime.router.base import RouteContext
from automate.runtime.runtime import Runtime
from tests.conftest import NOW

TOMORROW_3PM = (NOW + timedelta(days=1)).replace(hour=15)


@dataclass
class ScriptedRouter:
    """A router that answers every request with one prepared routing."""

    routing: Routing

    def route(self, text: str, context: RouteContext) -> Routing:
        return self.routing.model_copy(update={"text": text})


def book(start: datetime = TOMORROW_3PM, **params: Any) -> Plan:
    step = Step(
        id="s1",
        agent="scheduler",
        action="create_event",
        params={"start": start.isoformat(), "attendees": ["Ana"], **params},
    )
    return Plan(text="book", steps=[step])


@pytest.fixture
def make_runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> Callable[[Routing], Runtime]:
    def make(routing: Routing) -> Runtime:
        return Runtime(local_config, router=ScriptedRouter(routing), now=fixed_now)

    return make


@pytest.fixture
async def runtime(make_runtime: Callable[[Routing], Runtime]) -> AsyncIterator[Runtime]:
    async with make_runtime(book()) as rt:
        yield rt


async def events_tomorrow(rt: Runtime) -> list[datetime]:
    day = TOMORROW_3PM.replace(hour=0)
    listing = Plan(
        text="list",
        steps=[
            Step(
                id="s1",
                agent="scheduler",
                action="list_events",
                params={"start": day.isoformat(), "end": (day + timedelta(days=1)).isoformat()},
            )
        ],
    )
    result = await rt.execute(listing)
    assert result.output is not None
    return [datetime.fromisoformat(e["start"]) for e in result.output["events"]]


class TestHandle:
    async def test_runs_the_plan_and_says_what_happened(self, runtime: Runtime) -> None:
        """A booked meeting comes back as done, with the step's output and a sentence."""
        result = await runtime.handle("book")
        assert result.status is TaskStatus.DONE and result.exit_code == 0
        assert (result.agent, result.action) == ("scheduler", "create_event")
        assert result.message == "Booked 'Meeting with Ana' Wed 25 Nov 15:00–15:30"
        assert await events_tomorrow(runtime) == [TOMORROW_3PM]

    async def test_second_booking_is_a_question_not_a_double_booking(self, runtime: Runtime) -> None:
        """The same request twice reports the clash, offers slots, and books nothing more."""
        await runtime.handle("book")
        again = await runtime.handle("book")
        assert again.status is TaskStatus.NEEDS_CLARIFICATION and again.exit_code == 3
        assert "overlaps 'Meeting with Ana'" in again.message
        assert len(again.options) == 3
        assert len(await events_tomorrow(runtime)) == 1

    async def test_dry_run_changes_nothing(self, runtime: Runtime) -> None:
        """A dry run shows the plan and leaves the calendar empty."""
        result = await runtime.handle("book", dry_run=True)
        assert result.status is TaskStatus.PLANNED
        assert "scheduler.create_event" in result.message
        assert await events_tomorrow(runtime) == []

    async def test_decline_is_polite(self, make_runtime: Callable[[Routing], Runtime]) -> None:
        """A request no agent serves is declined with what the agents can do."""
        async with make_runtime(Decline(text="", reason="no agent handles the weather")) as rt:
            result = await rt.handle("what's the weather")
        assert result.status is TaskStatus.DECLINED and result.exit_code == 4
        assert result.message.startswith("Sorry, I can't help with that: no agent handles the weather.")
        assert "your calendar" in result.message

    async def test_oversized_request_is_refused_before_routing(self, runtime: Runtime) -> None:
        """A request over the size limit is declined and nothing runs."""
        result = await runtime.handle("x" * 20_000)
        assert result.status is TaskStatus.DECLINED
        assert await events_tomorrow(runtime) == []

    async def test_a_request_holding_a_lone_surrogate_is_declined_printably(self, runtime: Runtime) -> None:
        """A non-UTF-8 byte read from argv (a lone surrogate) is declined, the message still encodable."""
        result = await runtime.handle("book \udcff tomorrow")
        assert result.status is TaskStatus.DECLINED and "not valid text" in result.message
        result.message.encode("utf-8")
        assert await events_tomorrow(runtime) == []

    async def test_a_secret_typed_into_a_request_is_masked_in_the_result(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime]
    ) -> None:
        """A registered secret in the words comes back as *** in the text, message, params and output."""
        secret = "pasted-t0ken-8812"
        register_secret(secret)
        async with Runtime(local_config, now=fixed_now) as rt:
            result = await rt.handle(f"add {secret} to my shopping list")
        assert result.status is TaskStatus.DONE, result.message
        assert secret not in result.model_dump_json()
        assert "***" in result.message and result.steps[0].params["item"] == "***"

    async def test_later_step_uses_an_earlier_output(
        self, make_runtime: Callable[[Routing], Runtime]
    ) -> None:
        """A template in a later step's params is filled from the earlier step's output."""
        plan = Plan(
            text="book and mail",
            steps=[
                book(location="Café Lisboa").steps[0],
                Step(
                    id="s2",
                    agent="email",
                    action="send_email",
                    needs=["s1"],
                    params={
                        "to": ["ana@example.com"],
                        "subject": "Where",
                        "body": "We meet at {s1.output.location}.",
                    },
                ),
            ],
        )
        async with make_runtime(plan) as rt:
            result = await rt.handle("book and mail")
        assert result.status is TaskStatus.DONE
        assert result.steps[1].params["body"] == "We meet at Café Lisboa."

    async def test_unknown_action_fails_clearly(self, make_runtime: Callable[[Routing], Runtime]) -> None:
        """A plan naming an action the agent lacks fails before anything runs."""
        plan = Plan(text="x", steps=[Step(id="s1", agent="scheduler", action="fly", params={})])
        async with make_runtime(plan) as rt:
            result = await rt.handle("x")
        assert result.status is TaskStatus.FAILED
        assert "has no action 'fly'" in result.message


class TestFollowUp:
    def context(self) -> RouteContext:
        return RouteContext(now=NOW, timezone=NOW.tzinfo)  # type: ignore[arg-type]

    async def test_choosing_a_proposed_slot_books_it(self, runtime: Runtime) -> None:
        """Answering a clash with a number books that proposal."""
        await runtime.handle("book")
        clash = await runtime.handle("book")
        routing = answer(clash, "2", runtime.router, self.context())
        booked = await runtime.execute(routing)
        assert booked.status is TaskStatus.DONE
        assert booked.message.endswith(clash.options[1])

    async def test_book_anyway_overrides_the_clash(self, runtime: Runtime) -> None:
        """'book anyway' books over the existing event."""
        await runtime.handle("book")
        clash = await runtime.handle("book")
        booked = await runtime.execute(answer(clash, "book anyway", runtime.router, self.context()))
        assert booked.status is TaskStatus.DONE
        assert len(await events_tomorrow(runtime)) == 2

    async def test_an_address_fills_the_missing_recipient(
        self, make_runtime: Callable[[Routing], Runtime]
    ) -> None:
        """An address given in answer to 'what is Bob's address' completes the send."""
        plan = Plan(
            text="mail bob",
            steps=[Step(id="s1", agent="email", action="send_email", params={"to": ["Bob"], "body": "hi"})],
        )
        async with make_runtime(plan) as rt:
            asked = await rt.handle("mail bob")
            assert asked.status is TaskStatus.NEEDS_CLARIFICATION
            sent = await rt.execute(answer(asked, "bob@example.com", rt.router, self.context()))
        assert sent.status is TaskStatus.DONE
        assert sent.output is not None and sent.output["recipients"] == ["bob@example.com"]

    async def test_a_time_fills_a_missing_start(self, make_runtime: Callable[[Routing], Runtime]) -> None:
        """A router's question about the start is answered by a time expression."""
        question = Clarification(
            text="meet ana",
            question="When?",
            slot="start",
            agent="scheduler",
            action="create_event",
            params={"attendees": ["Ana"]},
        )
        async with make_runtime(question) as rt:
            asked = await rt.handle("meet ana")
            booked = await rt.execute(answer(asked, "tomorrow at 3pm", rt.router, self.context()))
        assert booked.status is TaskStatus.DONE
        assert booked.output is not None
        assert datetime.fromisoformat(booked.output["start"]) == TOMORROW_3PM

    async def test_a_bare_clock_time_keeps_the_asked_day(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime]
    ) -> None:
        """'3pm' in answer to 'what time on friday?' books friday at 3pm, not today."""
        async with Runtime(local_config, now=fixed_now) as rt:
            asked = await rt.handle("schedule a meeting with Ana on friday")
            assert asked.status is TaskStatus.NEEDS_CLARIFICATION
            booked = await rt.execute(answer(asked, "3pm", rt.router, self.context()))
        assert booked.status is TaskStatus.DONE
        assert booked.output is not None
        friday_3pm = (NOW + timedelta(days=3)).replace(hour=15)
        assert datetime.fromisoformat(booked.output["start"]) == friday_3pm


class TestPinnedClock:
    def test_automate_now_is_the_runtime_time_in_the_person_zone(self, user_config: Path, home: Path) -> None:
        """A config loaded with AUTOMATE_NOW makes that instant the runtime's now, in the configured zone."""
        config = load_config(user_config, env={"AUTOMATE_NOW": "2030-06-01T09:30:00+00:00"}, home=home)
        now = Runtime(config).now()
        assert now == datetime(2030, 6, 1, 9, 30, tzinfo=UTC)
        assert now.tzinfo == config.settings.tzinfo and now.hour == 10  # Lisbon summer time

    def test_an_injected_clock_wins_over_automate_now(self, user_config: Path, home: Path) -> None:
        """A `now` passed to the runtime is used even when the config pins another instant."""
        config = load_config(user_config, env={"AUTOMATE_NOW": "2030-06-01T09:30:00+00:00"}, home=home)
        assert Runtime(config, now=lambda: NOW).now() == NOW

    def test_without_it_the_runtime_reads_the_real_clock(self, local_config: AppConfig) -> None:
        """With no pin and no injected clock, now is the system time (between two readings of it)."""
        before = datetime.now(UTC)
        now = Runtime(local_config).now()
        assert before <= now <= datetime.now(UTC)
