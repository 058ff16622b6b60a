"""Reminders as people phrase them: named before the word "reminder", after "reminding",
in the clause before "that reminder"; a frequency said apart from the time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime

import pytest

from automate.agents.base import ActionContext
from automate.agents.reminders import ListRemindersParams, RemindersAgent
from automate.integrations.config import AppConfig
from automate.runtime.nlu.intents.phrases import (
    reminder_query,
    reminder_text,
)
from automate.runtime.plan import Clarification, Plan
from automate.runtime.result import TaskStatus
from automate.runtime.router.base import RouteContext
from automate.runtime.router.rules import RuleRouter
from automate.runtime.runtime import Runtime
from tests.conftest import NOW

READ = ActionContext(run_id="read-back", step_id="r1", now=NOW)


@pytest.fixture
async def runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    async with Runtime(local_config, now=fixed_now) as rt:
        yield rt


def routed(text: str) -> Plan | Clarification:
    routing = RuleRouter().route(text, RouteContext(now=NOW, timezone=NOW.tzinfo))  # type: ignore[arg-type]
    assert isinstance(routing, Plan | Clarification), routing
    return routing


async def done(runtime: Runtime, text: str) -> None:
    """Run a request and insist it was carried out."""
    result = await runtime.handle(text)
    assert result.status == TaskStatus.DONE, (text, result.status, result.message)


async def reminder_texts(runtime: Runtime) -> list[str]:
    """The texts of the reminders still upcoming."""
    found = await runtime.agent(RemindersAgent).list_reminders(ListRemindersParams(), READ)
    return sorted(r.text for r in found.reminders)


class TestReminderWords:
    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("remove my renew insurance reminder", "renew insurance"),
            ("turn off the vet reminder please", "vet"),
            ("quit reminding me to stretch", "stretch"),
            ("get rid of the gym reminders", "gym"),
            ("i already paid the gas bill so cancel that reminder", "paid the gas bill"),
        ],
    )
    def test_the_telling_words_of_a_reminder_to_cancel(self, text: str, words: str) -> None:
        """The words naming a reminder come before the word, after it, or in the clause before."""
        assert reminder_query(text) == words

    def test_a_reminder_named_by_nothing_gives_no_words(self) -> None:
        """ "cancel the reminder" names none: the router asks which."""
        assert reminder_query("cancel the reminder") is None
        assert isinstance(routed("cancel the reminder"), Clarification)

    @pytest.mark.parametrize(
        ("text", "said"),
        [
            ("make a reminder for to book the flights", "book the flights"),
            ("a reminder about to renew my passport", "renew my passport"),
        ],
    )
    def test_connectors_before_the_text_are_dropped(self, text: str, said: str) -> None:
        """Every connector before the words ("for to …", once the time is out) is dropped."""
        assert reminder_text(text) == said

    def test_a_reminder_with_a_time_but_no_words_asks_what(self) -> None:
        """ "set a reminder for monday at 6pm" asks what to be reminded of, keeping the time."""
        question = routed("set a reminder for monday at 6pm")
        assert isinstance(question, Clarification)
        assert question.slot == "text"
        assert question.params["at"].startswith("2026-11-30T18:00")

    @pytest.mark.parametrize(
        ("text", "rule"),
        [
            ("set a daily reminder at 7am to take vitamins", "FREQ=DAILY;BYHOUR=7;BYMINUTE=0"),
            ("make a weekly reminder on sunday at 6pm to plan meals", "FREQ=WEEKLY;BYDAY=SU;BYHOUR=18"),
        ],
    )
    def test_a_frequency_said_apart_from_the_time_repeats_it(self, text: str, rule: str) -> None:
        """ "a daily reminder at 7am" fires every day at 7, not once."""
        plan = routed(text)
        assert isinstance(plan, Plan)
        assert plan.steps[0].params["rrule"].startswith(rule)

    @pytest.mark.parametrize(
        ("what", "said"),
        [
            ("renew insurance", "delete my renew insurance reminder"),
            ("water the ferns", "i watered the ferns, cancel that reminder"),
            ("stretch", "stop reminding me to stretch"),
        ],
    )
    async def test_a_reminder_named_loosely_is_cancelled(
        self, runtime: Runtime, what: str, said: str
    ) -> None:
        """The reminder the person names by its words goes, whichever side of "reminder" they are."""
        await done(runtime, f"remind me on friday at 9am to {what}")
        await done(runtime, "remind me on saturday at 9am to call grandma")
        await done(runtime, said)
        assert await reminder_texts(runtime) == ["call grandma"]
