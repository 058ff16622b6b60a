"""Reminders and list items as people phrase them: named before the word "reminder", a
frequency said apart from the time, items joined by "and", "it" for a thing said before."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime

import pytest

from automate.agents.base import ActionContext
from automate.agents.lists import ListsAgent, ShowListParams
from automate.agents.reminders import ListRemindersParams, RemindersAgent
from automate.integrations.config import AppConfig
from automate.runtime.nlu.intents.phrases import (
    adds_nothing,
    antecedent,
    list_item,
    list_items,
    list_named,
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


async def items(runtime: Runtime, name: str) -> list[str]:
    """The texts on a list, in order."""
    view = await runtime.agent(ListsAgent).show_list(ShowListParams(list=name), READ)
    return [item.text for item in view.items]


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


class TestListPhrasing:
    @pytest.mark.parametrize(
        ("said", "expected"),
        [
            ("soap and sponges", ["soap", "sponges"]),
            ("a hammer and a box of nails", ["hammer", "box of nails"]),
            ("macaroni and cheese", ["macaroni and cheese"]),
            ("fish and chips", ["fish and chips"]),
            ("phone grandma and grandpa", ["phone grandma and grandpa"]),
        ],
    )
    def test_a_lone_and_joins_two_items_each_able_to_stand_alone(
        self, said: str, expected: list[str]
    ) -> None:
        """Two things are two items; a thing known by the pair, or one task, stays one."""
        assert list_items(said) == expected

    @pytest.mark.parametrize(
        ("text", "name"),
        [
            ("make a books to read list", "books to read"),
            ("start a new birthday party list", "birthday party"),
        ],
    )
    def test_a_list_is_named_by_all_its_words(self, text: str, name: str) -> None:
        """The words between the article and "list" are the name."""
        assert list_named(text) == name

    def test_an_item_may_follow_the_list(self) -> None:
        """ "add to my packing list: sunscreen" names the list first and the item after."""
        assert list_item("add to my packing list: sunscreen", removing=False) == ("sunscreen", "packing")

    def test_a_removal_may_leave_the_list_out(self) -> None:
        """ "remove the sponges" has an item and no list; "delete the party list" no item."""
        assert list_item("remove the sponges", removing=True) == ("sponges", None)
        assert list_item("delete the party list", removing=True) == (None, None)

    @pytest.mark.parametrize(
        ("text", "thing"),
        [
            ("we ran out of honey, add it to the list", "honey"),
            ("i need to get stamps so put it on my errands list", "stamps"),
            ("i washed the car, tick it off", "washed the car"),
        ],
    )
    def test_it_stands_for_the_thing_said_before(self, text: str, thing: str) -> None:
        """ "it" is what the statement before the command named."""
        assert antecedent(text) == thing

    def test_adding_without_an_item_asks_what(self) -> None:
        """ "add to my packing list" says where but not what: a question, not a new list."""
        assert adds_nothing("put on the packing list")
        question = routed("add to my packing list")
        assert isinstance(question, Clarification)
        assert question.slot == "item"

    async def test_two_things_joined_by_and_are_two_items(self, runtime: Runtime) -> None:
        """ "add soap and sponges" puts two items on the list."""
        await done(runtime, "add soap and sponges to my cleaning list")
        assert await items(runtime, "cleaning") == ["soap", "sponges"]

    async def test_a_list_of_several_words_keeps_them(self, runtime: Runtime) -> None:
        """ "my books to read list" is the list "books to read"."""
        await done(runtime, "add dune to my books to read list")
        assert await items(runtime, "books to read") == ["dune"]

    async def test_it_is_the_item_of_the_statement_before(self, runtime: Runtime) -> None:
        """ "we ran out of honey, add it to the shopping list" adds honey."""
        await done(runtime, "we ran out of honey, add it to the shopping list")
        assert await items(runtime, "shopping") == ["honey"]

    async def test_an_item_without_a_list_comes_off_the_list_holding_it(self, runtime: Runtime) -> None:
        """ "remove the butter" takes it off the one list that has it."""
        await done(runtime, "add butter to my baking list")
        await done(runtime, "add stamps to my errands list")
        await done(runtime, "remove the butter")
        assert await items(runtime, "baking") == []
        assert await items(runtime, "errands") == ["stamps"]

    async def test_a_done_task_named_by_it_comes_off(self, runtime: Runtime) -> None:
        """ "i washed the car, cross it off my todo list" removes "wash the car"."""
        await done(runtime, "add wash the car to my todo list")
        await done(runtime, "add pay the gas bill to my todo list")
        await done(runtime, "i washed the car, cross it off my todo list")
        assert await items(runtime, "todo") == ["pay the gas bill"]
