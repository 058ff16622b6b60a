"""Plans: which step params are templates, and the checks before a plan runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from automate.integrations.config import AppConfig
from automate.integrations.errors import InvalidRequest
from automate.runtime.followup import answer
from automate.runtime.plan import Plan, Step, compiled_params
from automate.runtime.result import TaskStatus
from automate.runtime.runtime import Runtime
from automate.runtime.templates import render

CODE = "if (x) { y } else {s1.output.title}"


def mail(body: str, *needs: str, id: str = "s2") -> Step:
    return Step(
        id=id,
        agent="email",
        action="send_email",
        needs=list(needs),
        params={"to": ["ana@example.com"], "subject": "Hi", "body": body},
    )


def listing() -> Step:
    return Step(
        id="s1",
        agent="scheduler",
        action="list_events",
        params={"start": "2026-11-25T00:00:00+00:00", "end": "2026-11-26T00:00:00+00:00"},
    )


def two_steps(body: str, *needs: str) -> Plan:
    return Plan(text="list and mail", steps=[listing(), mail(body, *needs)])


class TestCompiledParams:
    def test_a_step_that_needs_nothing_is_taken_as_written(self) -> None:
        """Braces and template-looking words in a step without needs stay exactly as given."""
        params = compiled_params(Plan(text="mail", steps=[mail(CODE, id="s1")]))[0]
        assert render(params, {"s1": {"output": {"title": "secret"}}})["body"] == CODE

    def test_a_step_that_needs_an_earlier_one_reads_its_output(self) -> None:
        """Templates in a step with needs are filled from the steps it needs."""
        params = compiled_params(two_steps("{s1.output.events.0.title} at {s1.output.events.0.start}", "s1"))
        scope: dict[str, Any] = {"s1": {"output": {"events": [{"title": "Sync", "start": "09:00"}]}}}
        assert render(params[1], scope)["body"] == "Sync at 09:00"

    @pytest.mark.parametrize(
        ("body", "needs", "problem"),
        [
            ("{s3.output.title}", ("s1",), r"step s2: \{s3.output.title\} reads no earlier step it needs"),
            ("{s1.output.title}", ("s3",), r"\{s1.output.title\} reads no earlier step .*may read none"),
            ("{inputs.title}", ("s1",), r"\{inputs.title\} reads no earlier step it needs \(it may read s1"),
            ("{s1.result}", ("s1",), r"\{s1.result\} reads no earlier step"),
            ("{s1.output.title} {", ("s1",), r"step s2: param 'body': template opened at position 18"),
        ],
    )
    def test_a_template_that_cannot_be_filled_is_refused(
        self, body: str, needs: tuple[str, ...], problem: str
    ) -> None:
        """A malformed template, or one reading a step the step does not need, names the step."""
        with pytest.raises(InvalidRequest, match=problem):
            compiled_params(two_steps(body, *needs))

    def test_a_step_may_not_read_a_later_step(self) -> None:
        """A need on a step that comes after is no earlier output to read."""
        plan = Plan(text="x", steps=[mail("{s2.output.uid}", "s2", id="s1"), mail("hi", id="s2")])
        with pytest.raises(InvalidRequest, match=r"step s1: \{s2.output.uid\} reads no earlier step"):
            compiled_params(plan)


class TestPlanRuns:
    async def test_words_with_braces_are_sent_as_written(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime]
    ) -> None:
        """A one-step plan's text with braces and template-looking words reaches the action unchanged."""
        async with Runtime(local_config, now=fixed_now) as rt:
            result = await rt.execute(Plan(text="mail", steps=[mail(CODE, id="s1")]))
        assert result.status is TaskStatus.DONE
        assert result.steps[0].params["body"] == CODE

    async def test_a_bad_template_fails_before_anything_runs(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime]
    ) -> None:
        """A plan whose later step reads an unknown step fails with one line and runs no step."""
        async with Runtime(local_config, now=fixed_now) as rt:
            result = await rt.execute(two_steps("{s9.output.title}", "s1"))
            runs = rt.store.list_runs()
        assert result.status is TaskStatus.FAILED and result.steps == []
        assert result.message.startswith("Cannot run step s2: {s9.output.title} reads no earlier step")
        assert "\n" not in result.message and runs == []

    async def test_an_answered_step_keeps_what_its_templates_filled(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime]
    ) -> None:
        """A step that asked reports its filled params, so the answer sends filled text, not a template."""
        async with Runtime(local_config, now=fixed_now) as rt:
            asked = await rt.handle(
                "schedule a meeting with Bob tomorrow at 3pm at Café Lisboa and email him the address"
            )
            assert asked.status is TaskStatus.NEEDS_CLARIFICATION
            assert asked.steps[1].params["body"] == "The address: Café Lisboa"
            result = await rt.execute(answer(asked, "bob@example.com", rt.router, rt.route_context()))
        assert result.status is TaskStatus.DONE
        assert result.steps[0].params["to"] == ["bob@example.com"]
        assert result.steps[0].params["body"] == "The address: Café Lisboa"
