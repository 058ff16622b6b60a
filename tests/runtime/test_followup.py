"""Answers to questions, merged into the pending request and read back from the stores."""

from __future__ import annotations

import mailbox
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import pytest

from automate.agents.scheduler import SchedulerAgent
from automate.agents.scheduler_models import ListEventsParams
from automate.integrations.config import AppConfig
from automate.integrations.lists.models import ListContents
from automate.integrations.reminders.models import ReminderList
from automate.runtime.followup import answer
from automate.runtime.result import TaskResult, TaskStatus
from automate.runtime.runtime import Runtime
from tests.agents.test_scheduler import ctx
from tests.conftest import NOW


@pytest.fixture
async def runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    async with Runtime(local_config, now=fixed_now) as rt:
        yield rt


async def starts(runtime: Runtime) -> list[datetime]:
    """The start of every event in the fortnight around NOW."""
    window = ListEventsParams(start=NOW - timedelta(days=7), end=NOW + timedelta(days=7))
    listed = await runtime.agent(SchedulerAgent).list_events(window, ctx())
    return [e.start for e in listed.events]


class TestAnswer:
    async def test_yes_to_a_past_start_books_it(self, runtime: Runtime) -> None:
        """'yes' to "… is in the past. Book it anyway?" books the past time, once."""
        asked = await runtime.handle("book a call yesterday at 3pm")
        assert asked.status is TaskStatus.NEEDS_CLARIFICATION
        assert asked.message == "Mon 23 Nov 15:00–15:30 is in the past. Book it anyway?"
        assert await starts(runtime) == []
        booked = await runtime.execute(answer(asked, "yes", runtime.router, runtime.route_context()))
        assert booked.status is TaskStatus.DONE
        assert await starts(runtime) == [NOW.replace(hour=15) - timedelta(days=1)]

    async def test_book_anyway_to_a_clash_double_books(self, runtime: Runtime) -> None:
        """'book anyway' to a clash's question books over the other event."""
        assert (await runtime.handle("book a call tomorrow at 3pm")).status is TaskStatus.DONE
        asked = await runtime.handle("book a call tomorrow at 3pm")
        assert asked.status is TaskStatus.NEEDS_CLARIFICATION
        plan = answer(asked, "book anyway", runtime.router, runtime.route_context())
        assert (await runtime.execute(plan)).status is TaskStatus.DONE
        assert await starts(runtime) == [NOW.replace(hour=15) + timedelta(days=1)] * 2

    async def test_yes_to_a_clash_books_nothing(self, runtime: Runtime) -> None:
        """A bare 'yes' to a clash's question (which offers slots) does not double-book."""
        await runtime.handle("book a call tomorrow at 3pm")
        asked = await runtime.handle("book a call tomorrow at 3pm")
        routed = answer(asked, "yes", runtime.router, runtime.route_context())
        await runtime.execute(routed)
        assert await starts(runtime) == [NOW.replace(hour=15) + timedelta(days=1)]


async def converse(runtime: Runtime, *lines: str) -> TaskResult:
    """Say each line as chat does (a reply to a question goes to `answer`); the last result."""
    result: TaskResult | None = None
    for line in lines:
        if result is None or result.status is not TaskStatus.NEEDS_CLARIFICATION:
            routing = await runtime.aplan(line)
        else:
            routing = answer(result, line, runtime.router, runtime.route_context())
        result = await runtime.execute(routing)
    assert result is not None
    return result


async def spans(runtime: Runtime) -> list[tuple[str, datetime, datetime]]:
    """Every event of the fortnight around NOW, as (title, start, end)."""
    window = ListEventsParams(start=NOW - timedelta(days=7), end=NOW + timedelta(days=7))
    listed = await runtime.agent(SchedulerAgent).list_events(window, ctx())
    return [(e.title, e.start, e.end) for e in listed.events]


def sent_bodies(runtime: Runtime) -> list[str]:
    """The body of every mail in the local Maildir's sent folder."""
    folder = runtime.config.home / "mail" / "sent"
    if not folder.exists():
        return []
    return [bytes(m.get_payload(decode=True)).decode().strip() for m in mailbox.Maildir(folder, create=False)]


THURSDAY = NOW.replace(hour=0) + timedelta(days=2)


class TestMergedAnswers:
    async def test_a_clock_time_keeps_the_day_of_the_request(self, runtime: Runtime) -> None:
        """'5pm instead' to a clash on thursday books thursday at 5pm, as long as asked for."""
        await runtime.handle("book a review on thursday at 2pm for an hour")
        result = await converse(runtime, "book a call on thursday at 2pm for 45 minutes", "5pm instead")
        assert result.status is TaskStatus.DONE
        booked = THURSDAY.replace(hour=17)
        assert (booked, booked + timedelta(minutes=45)) in [(s, e) for _, s, e in await spans(runtime)]

    async def test_a_clock_time_settles_an_ambiguous_hour_on_its_day(self, runtime: Runtime) -> None:
        """'7pm' to "which time: 07:00 or 19:00?" for thursday books thursday at 19:00, not today."""
        asked = await converse(runtime, "plan a call on thursday at 7")
        assert len(asked.options) == 2
        await converse(runtime, "plan a call on thursday at 7", "7pm")
        assert [s for _, s, _ in await spans(runtime)] == [THURSDAY.replace(hour=19)]

    async def test_a_number_picks_one_of_the_readings(self, runtime: Runtime) -> None:
        """'2' to a question with two readings books the second, instead of asking again."""
        result = await converse(runtime, "plan a call on thursday at 7", "2")
        assert result.status is TaskStatus.DONE
        assert [s for _, s, _ in await spans(runtime)] == [THURSDAY.replace(hour=19)]

    async def test_a_day_keeps_the_time_of_the_request(self, runtime: Runtime) -> None:
        """'monday then' to a clash on thursday at 2pm books monday at 2pm."""
        await runtime.handle("book a review on thursday at 2pm")
        await converse(runtime, "book a call on thursday at 2pm", "monday then")
        monday = THURSDAY.replace(hour=14) + timedelta(days=4)
        assert monday in [s for _, s, _ in await spans(runtime)]

    async def test_a_day_with_no_time_anywhere_asks_the_time(self, runtime: Runtime) -> None:
        """'on saturday' to "when?" asks what time on saturday, books nothing, then books the answer."""
        asked = await converse(runtime, "book a call", "on saturday")
        assert asked.status is TaskStatus.NEEDS_CLARIFICATION
        assert asked.question == "What time on Saturday 28 November?"
        assert await spans(runtime) == []
        await converse(runtime, "book a call", "on saturday", "at 11am")
        assert [s for _, s, _ in await spans(runtime)] == [THURSDAY.replace(hour=11) + timedelta(days=2)]

    async def test_a_reminder_gets_its_time_as_at(self, runtime: Runtime) -> None:
        """A reminder's day and then its time set the reminder at that moment (its `at`)."""
        result = await converse(runtime, "remind me to water the ferns", "sunday", "8am")
        assert result.status is TaskStatus.DONE
        sunday = THURSDAY.replace(hour=8) + timedelta(days=3)
        assert datetime.fromisoformat(result.steps[0].params["at"]) == sunday
        manager = runtime.agents["reminders"].manager
        stored = await manager.call("reminders", "list_reminders", {}, expect=ReminderList)
        assert [(r.text, r.start) for r in stored.reminders] == [("water the ferns", sunday)]

    async def test_the_text_a_question_asks_for_is_taken_as_said(self, runtime: Runtime) -> None:
        """A message body with a time in it ('dinner moves to 8 tonight') is the body, not a time."""
        result = await converse(runtime, "send an email to lee@example.org", "dinner moves to 8 tonight")
        assert result.status is TaskStatus.DONE
        params = result.steps[0].params
        assert params["body"] == "dinner moves to 8 tonight" and "start" not in params
        assert sent_bodies(runtime) == ["dinner moves to 8 tonight"]

    async def test_a_request_of_its_own_starts_afresh(self, runtime: Runtime) -> None:
        """A new request instead of an answer is done on its own; the pending booking is dropped."""
        result = await converse(runtime, "book a call tomorrow", "add oat milk to the groceries list")
        assert [f"{s.agent}.{s.action}" for s in result.steps] == ["lists.add_item"]
        assert await spans(runtime) == []

    async def test_the_one_on_a_day_picks_that_days_event(self, runtime: Runtime) -> None:
        """'the one on friday' to "which event?" cancels friday's and leaves thursday's."""
        await runtime.handle("book a budget review on thursday at 11am")
        await runtime.handle("book a budget review on friday at 11am")
        result = await converse(runtime, "cancel the budget review", "the one on friday")
        assert result.status is TaskStatus.DONE
        assert [s for _, s, _ in await spans(runtime)] == [THURSDAY.replace(hour=11)]

    async def test_a_fragment_completes_the_request(self, runtime: Runtime) -> None:
        """'from the pantry list' to "which list?" removes the item there, not shows that list."""
        await runtime.handle("add flour to the pantry list")
        await runtime.handle("add flour to the baking list")
        result = await converse(runtime, "remove flour", "from the pantry list")
        assert [f"{s.agent}.{s.action}" for s in result.steps] == ["lists.remove_item"]
        manager = runtime.agents["lists"].manager
        listed = await manager.call("lists", "get_list", {"list": "baking"}, expect=ListContents)
        assert [i.text for i in listed.items] == ["flour"]

    async def test_dropping_the_request_sends_nothing(self, runtime: Runtime) -> None:
        """'forget it' to "what should the email say?" is no message body: nothing is sent."""
        result = await converse(runtime, "send an email to lee@example.org", "forget it")
        assert result.status is TaskStatus.DECLINED
        assert sent_bodies(runtime) == []
