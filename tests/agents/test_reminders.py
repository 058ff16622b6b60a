"""RemindersAgent on the embedded SQLite reminders store, through a real IntegrationManager."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from automate.agents.base import ActionContext
from automate.agents.reminders import (
    CancelledReminder,
    CancelReminderParams,
    ListRemindersParams,
    RemindersAgent,
    SetReminderParams,
)
from automate.integrations.config import AppConfig
from automate.integrations.errors import ActionError, InvalidRequest, NeedsClarification, NotFound
from automate.integrations.manager import IntegrationManager
from automate.integrations.reminders.models import Reminder, ReminderList, ReminderQuery
from automate.integrations.testing import app_config
from automate.runtime.result import TaskStatus
from automate.runtime.runtime import Runtime
from tests.conftest import NOW, ZONE

TOMORROW_6PM = NOW.replace(hour=18) + timedelta(days=1)
TOMORROW_9AM = NOW.replace(hour=9) + timedelta(days=1)


@pytest.fixture
async def agent(home: Path) -> AsyncIterator[RemindersAgent]:
    """A reminders agent whose service is the local adapter under a temporary home."""
    config = app_config(
        {"reminders": {"adapter": "local_reminders", "settings": {"path": "r.sqlite3"}}},
        home=home,
        settings={"timezone": "Europe/Lisbon"},
    )
    async with IntegrationManager.from_config(config, RemindersAgent.requires) as manager:
        yield RemindersAgent(manager, config.settings)


@pytest.fixture
async def runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    """The embedded defaults on a temporary home, the clock stopped at NOW."""
    async with Runtime(local_config, now=fixed_now) as rt:
        yield rt


async def remind(runtime: Runtime, text: str, at: datetime) -> None:
    """Set a reminder through the runtime's reminders agent, in a run of its own."""
    params = {"text": text, "at": at.isoformat()}
    await runtime.agent(RemindersAgent).run("set_reminder", params, ActionContext(now=NOW))


async def texts(runtime: Runtime) -> list[str]:
    """The text of every reminder the store holds, read back from it, soonest first."""
    manager = runtime.agent(RemindersAgent).manager
    found = await manager.call("reminders", "list_reminders", ReminderQuery(), expect=ReminderList)
    return [r.text for r in found.reminders]


def ctx(step: str = "s1", run: str = "run-1", now: datetime = NOW) -> ActionContext:
    """An action context at NOW."""
    return ActionContext(run_id=run, step_id=step, now=now)


async def set_(agent: RemindersAgent, step: str, **params: object) -> Reminder:
    """Set a reminder through the agent's validated entry point."""
    out = await agent.run("set_reminder", params, ctx(step))
    assert isinstance(out, Reminder)
    return out


def rows(home: Path) -> list[tuple[str, str | None]]:
    """(text, rrule) of every stored reminder (none when the file was never made)."""
    if not (home / "r.sqlite3").exists():
        return []
    return sqlite3.connect(home / "r.sqlite3").execute("SELECT text, rrule FROM reminders").fetchall()


class TestSetReminder:
    """Setting one-off and repeating reminders."""

    async def test_one_off_is_stored_in_the_persons_zone(self, agent: RemindersAgent, home: Path) -> None:
        """A reminder at a time is due then, in the person's zone, and stored once."""
        reminder = await set_(agent, "s1", text="call mom", at=TOMORROW_6PM.isoformat())
        assert reminder.due == TOMORROW_6PM and reminder.timezone == "Europe/Lisbon"
        assert rows(home) == [("call mom", None)]
        assert agent.say("set_reminder", reminder) == "I'll remind you: Wed 25 Nov 18:00 call mom"

    async def test_retried_step_stores_one_reminder(self, agent: RemindersAgent, home: Path) -> None:
        """Running the same step twice (same idempotency key) stores the reminder once."""
        first = await agent.set_reminder(SetReminderParams(text="pay rent", at=TOMORROW_6PM), ctx())
        again = await agent.set_reminder(SetReminderParams(text="pay rent", at=TOMORROW_6PM), ctx())
        assert again.id == first.id
        assert rows(home) == [("pay rent", None)]

    async def test_rule_without_time_fires_on_whole_minutes(self, agent: RemindersAgent) -> None:
        """'Every day at 9' (BYHOUR only) next fires tomorrow at 9:00 sharp, not at 9:MM of now."""
        reminder = await set_(agent, "s1", text="stretch", rrule="freq=daily;byhour=9")
        assert reminder.rrule == "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"
        assert reminder.due == datetime(2026, 11, 25, 9, 0, tzinfo=ZONE)

    async def test_rule_anchored_at_a_past_time_is_due_next_from_now(self, agent: RemindersAgent) -> None:
        """A weekly rule starting last week is due at its next occurrence after now."""
        last_monday = datetime(2026, 11, 16, 8, 30, tzinfo=ZONE)
        reminder = await set_(
            agent, "s1", text="standup", at=last_monday.isoformat(), rrule="FREQ=WEEKLY;BYDAY=MO"
        )
        assert reminder.start == last_monday
        assert reminder.due == datetime(2026, 11, 30, 8, 30, tzinfo=ZONE)

    async def test_past_one_off_is_refused(self, agent: RemindersAgent, home: Path) -> None:
        """A one-off reminder in the past is an error, and nothing is stored."""
        with pytest.raises(ActionError, match="in the past"):
            await set_(agent, "s1", text="late", at=(NOW - timedelta(hours=1)).isoformat())
        assert rows(home) == []

    async def test_finished_rule_is_refused(self, agent: RemindersAgent) -> None:
        """A rule whose last occurrence has passed cannot be set."""
        with pytest.raises(ActionError, match="no occurrence"):
            await set_(agent, "s1", text="x", rrule="FREQ=DAILY;UNTIL=20200101T000000Z")

    @pytest.mark.parametrize(
        ("params", "problem"),
        [
            ({"text": "nothing said"}, "say when"),
            ({"text": "x", "rrule": "FREQ=SOMETIMES"}, "rrule"),
            ({"text": "x", "at": "2026-11-25T09:00:00"}, "timezone"),
            ({"text": "a\nb", "at": "2026-11-25T09:00:00+00:00"}, "one line"),
        ],
    )
    async def test_bad_params_are_invalid_requests(
        self, agent: RemindersAgent, params: dict[str, str], problem: str
    ) -> None:
        """Missing time, a bad rule, a naive time or a multi-line text are refused clearly."""
        with pytest.raises(InvalidRequest, match=problem):
            await agent.run("set_reminder", params, ctx())


class TestListReminders:
    """Listing what is coming up."""

    async def test_upcoming_by_default_soonest_first(self, agent: RemindersAgent) -> None:
        """Without a range, only reminders from now on are listed, each at its next time."""
        await set_(agent, "a", text="dentist", at=(NOW + timedelta(days=3)).isoformat())
        await set_(agent, "b", text="old", at=(NOW + timedelta(minutes=5)).isoformat())
        await set_(agent, "c", text="pills", rrule="FREQ=DAILY;BYHOUR=20")
        later = ctx(now=NOW + timedelta(hours=1))
        listed = await agent.run("list_reminders", {}, later)
        assert isinstance(listed, ReminderList)
        assert [(r.text, r.due) for r in listed.reminders] == [
            ("pills", NOW.replace(hour=20)),
            ("dentist", NOW + timedelta(days=3)),
        ]
        assert agent.say("list_reminders", listed).startswith("2 reminders: Tue 24 Nov 20:00 pills")

    async def test_range_bounds_the_listing(self, agent: RemindersAgent) -> None:
        """A range lists only occurrences inside it."""
        await set_(agent, "a", text="dentist", at=(NOW + timedelta(days=3)).isoformat())
        await set_(agent, "b", text="call", at=TOMORROW_6PM.isoformat())
        window = ListRemindersParams(start=NOW, end=NOW + timedelta(days=2))
        listed = await agent.list_reminders(window, ctx())
        assert [r.text for r in listed.reminders] == ["call"]

    async def test_end_before_now_is_an_empty_range(self, agent: RemindersAgent) -> None:
        """A range ending before now (with the start left to default) lists nothing."""
        await set_(agent, "a", text="call", at=TOMORROW_6PM.isoformat())
        listed = await agent.run("list_reminders", {"end": (NOW - timedelta(days=1)).isoformat()}, ctx())
        assert listed == ReminderList()

    async def test_nothing_coming_up_is_said_plainly(self, agent: RemindersAgent) -> None:
        """An empty listing reads as a sentence."""
        listed = await agent.list_reminders(ListRemindersParams(), ctx())
        assert agent.say("list_reminders", listed) == "No reminders coming up."


class TestCancelReminder:
    """Cancelling by id, words or time; asking when unsure."""

    async def test_cancel_by_words(self, agent: RemindersAgent, home: Path) -> None:
        """The one reminder matching the words is deleted and reported."""
        await set_(agent, "a", text="call mom", at=TOMORROW_6PM.isoformat())
        await set_(agent, "b", text="buy bread", at=TOMORROW_6PM.isoformat())
        with capture_logs() as logs:
            out = await agent.run("cancel_reminder", {"query": "Mom"}, ctx("c"))
        assert isinstance(out, CancelledReminder) and out.reminder.text == "call mom"
        assert rows(home) == [("buy bread", None)]
        assert {e["operation"] for e in logs if e["event"] == "service_called"} == {
            "list_reminders",
            "delete_reminder",
        }

    async def test_cancel_by_time_finds_a_recurring_occurrence(
        self, agent: RemindersAgent, home: Path
    ) -> None:
        """A time at which a repeating reminder fires names that reminder."""
        await set_(agent, "a", text="stretch", rrule="FREQ=DAILY;BYHOUR=9")
        await set_(agent, "b", text="call", at=TOMORROW_6PM.isoformat())
        out = await agent.cancel_reminder(
            CancelReminderParams(at=datetime(2026, 11, 27, 9, 0, tzinfo=ZONE)), ctx("c")
        )
        assert out.reminder.text == "stretch"
        assert rows(home) == [("call", None)]

    async def test_cancel_by_id(self, agent: RemindersAgent, home: Path) -> None:
        """An id names exactly one reminder."""
        made = await set_(agent, "a", text="call", at=TOMORROW_6PM.isoformat())
        out = await agent.cancel_reminder(CancelReminderParams(id=made.id), ctx("c"))
        assert out.reminder.id == made.id and rows(home) == []

    async def test_several_matches_ask_which(self, agent: RemindersAgent, home: Path) -> None:
        """Two matching reminders raise a question listing both, and nothing is deleted."""
        await set_(agent, "a", text="call mom", at=TOMORROW_6PM.isoformat())
        await set_(agent, "b", text="call dad", at=(TOMORROW_6PM + timedelta(days=1)).isoformat())
        with pytest.raises(NeedsClarification) as caught:
            await agent.cancel_reminder(CancelReminderParams(query="call"), ctx("c"))
        assert caught.value.question == (
            "Which reminder do you mean: 'call mom' Wed 25 Nov 18:00; 'call dad' Thu 26 Nov 18:00?"
        )
        assert len(rows(home)) == 2

    async def test_identical_matches_are_told_apart_by_id(self, agent: RemindersAgent) -> None:
        """Two reminders with the same words and time are offered with their ids."""
        one = await set_(agent, "a", text="call", at=TOMORROW_6PM.isoformat())
        two = await set_(agent, "b", text="call", at=TOMORROW_6PM.isoformat())
        with pytest.raises(NeedsClarification) as caught:
            await agent.cancel_reminder(CancelReminderParams(query="call"), ctx("c"))
        assert one.id in caught.value.question and two.id in caught.value.question

    async def test_no_match_is_not_found(self, agent: RemindersAgent) -> None:
        """No matching upcoming reminder is a NotFound that says what was looked for."""
        await set_(agent, "a", text="call mom", at=TOMORROW_6PM.isoformat())
        with pytest.raises(NotFound, match="No upcoming reminder matching 'dentist'"):
            await agent.cancel_reminder(CancelReminderParams(query="dentist"), ctx("c"))
        with pytest.raises(NotFound, match="no reminder with id nope"):
            await agent.cancel_reminder(CancelReminderParams(id="nope"), ctx("c"))

    async def test_cancel_needs_something(self, agent: RemindersAgent) -> None:
        """A cancel naming nothing is refused before any call."""
        with pytest.raises(InvalidRequest, match="say which reminder"):
            await agent.run("cancel_reminder", {}, ctx())

    @pytest.mark.parametrize(
        ("request_", "set_up", "left"),
        [
            # Words beside the reminder's own: "the" is no word of "dentist appointment".
            (
                "cancel the reminder about the dentist",
                [
                    ("dentist appointment", TOMORROW_6PM),
                    ("call the plumber", TOMORROW_6PM + timedelta(days=1)),
                ],
                ["call the plumber"],
            ),
            # A time and no telling word ("for"): the time alone names it.
            (
                "remove the reminder for tomorrow at 9",
                [("call the plumber", TOMORROW_9AM), ("pay rent", TOMORROW_9AM + timedelta(days=6))],
                ["pay rent"],
            ),
            # An inflected word finds its stem: "calling" is "call".
            (
                "cancel the reminder about calling mom",
                [("call mom", TOMORROW_6PM), ("call dad", TOMORROW_6PM + timedelta(days=1))],
                ["call dad"],
            ),
        ],
    )
    async def test_a_request_cancels_the_one_reminder_its_words_name(
        self, runtime: Runtime, request_: str, set_up: list[tuple[str, datetime]], left: list[str]
    ) -> None:
        """The reminder the request names is cancelled, and every other one stays."""
        for text, at in set_up:
            await remind(runtime, text, at)
        result = await runtime.handle(request_)
        assert result.status is TaskStatus.DONE, result.message
        assert await texts(runtime) == left

    async def test_the_noun_reminder_and_plurals_are_folded(self, runtime: Runtime) -> None:
        """'plumber reminder' names 'call the plumber'; 'the plants' names 'water the plant'."""
        await remind(runtime, "call the plumber", TOMORROW_6PM)
        await remind(runtime, "water the plant", TOMORROW_6PM + timedelta(days=1))
        await remind(runtime, "renew passport", TOMORROW_6PM + timedelta(days=2))
        reminders = runtime.agent(RemindersAgent)
        await reminders.run("cancel_reminder", {"query": "plumber reminder"}, ActionContext(now=NOW))
        await reminders.run("cancel_reminder", {"query": "the plants"}, ActionContext(now=NOW))
        assert await texts(runtime) == ["renew passport"]

    async def test_a_word_no_reminder_holds_cancels_nothing(self, runtime: Runtime) -> None:
        """'call the dentist' never cancels 'call the plumber', which lacks 'dentist'."""
        await remind(runtime, "call the plumber", TOMORROW_6PM)
        result = await runtime.handle("cancel my reminder to call the dentist")
        assert result.status is TaskStatus.FAILED
        assert "No upcoming reminder matching" in result.message
        assert await texts(runtime) == ["call the plumber"]


class TestDescription:
    """How the agent presents itself to the router and help."""

    def test_describes_its_actions(self) -> None:
        """The agent lists its three actions, with side effects marked."""
        info = RemindersAgent.describe()
        assert info.name == "reminders" and info.requires == ["reminders"]
        assert {a.name: a.side_effect for a in info.actions} == {
            "set_reminder": True,
            "list_reminders": False,
            "cancel_reminder": True,
        }
        set_schema = next(a for a in info.actions if a.name == "set_reminder").params_schema
        assert set(set_schema["properties"]) == {"text", "at", "rrule"}
