"""Everyday requests done as asked: each runs through the runtime on the embedded defaults,
and the test reads back what was stored (the event, the list items, the contact)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, time, timedelta

import pytest

from automate.agents.base import ActionContext
from automate.agents.email import EmailAgent
from automate.agents.email_models import FindContactParams
from automate.agents.lists import ListsAgent, ShowListParams
from automate.agents.scheduler import SchedulerAgent
from automate.agents.scheduler_models import ListEventsParams
from automate.integrations.calendar.models import CalendarEvent
from automate.integrations.config import AppConfig
from automate.runtime.result import TaskStatus
from automate.runtime.runtime import Runtime
from tests.conftest import NOW

READ = ActionContext(run_id="read-back", step_id="r1", now=NOW)
TOMORROW = (NOW + timedelta(days=1)).date()
FRIDAY = (NOW + timedelta(days=3)).date()  # NOW is a Tuesday


@pytest.fixture
async def runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    async with Runtime(local_config, now=fixed_now) as rt:
        yield rt


async def done(runtime: Runtime, text: str) -> None:
    """Run a request and insist it was carried out."""
    result = await runtime.handle(text)
    assert result.status == TaskStatus.DONE, (text, result.status, result.message)


async def only_event(runtime: Runtime) -> CalendarEvent:
    """The one event on the calendar in the fortnight from NOW."""
    window = ListEventsParams(start=NOW, end=NOW + timedelta(days=14))
    events = (await runtime.agent(SchedulerAgent).list_events(window, READ)).events
    assert len(events) == 1, events
    return events[0]


def local(moment: datetime) -> tuple[object, time]:
    """A moment as the day and the wall-clock time in the person's zone."""
    there = moment.astimezone(NOW.tzinfo)
    return there.date(), there.time()


class TestStatedEnds:
    @pytest.mark.parametrize(
        ("text", "day", "start", "end"),
        [
            ("lunch with Ana friday 12 to 1pm", FRIDAY, time(12), time(13)),
            ("sync with Carla tomorrow from 10:30 to 11:15", TOMORROW, time(10, 30), time(11, 15)),
            ("meet with Rui tomorrow between 2 and 3pm", TOMORROW, time(14), time(15)),
            ("workshop with Ines tomorrow 9am-11am", TOMORROW, time(9), time(11)),
        ],
    )
    async def test_a_range_ends_where_the_person_said(
        self, runtime: Runtime, text: str, day: object, start: time, end: time
    ) -> None:
        """ "to 1pm" ends at 13:00 and "to 11:15" at 11:15, not at the end of that hour or minute."""
        await done(runtime, text)
        event = await only_event(runtime)
        assert local(event.start) == (day, start)
        assert local(event.end) == (day, end)

    @pytest.mark.parametrize(
        ("text", "start", "minutes"),
        [
            ("meet Bob tomorrow at 10 for 45 minutes", time(10), 45),
            ("a call with Eva tomorrow at 9 for 90 minutes", time(9), 90),
            ("meet Joana tomorrow from 2pm for an hour and a half", time(14), 90),
        ],
    )
    async def test_a_time_with_a_length_lasts_that_long(
        self, runtime: Runtime, text: str, start: time, minutes: int
    ) -> None:
        """ "at 10 for 45 minutes" books 45 minutes, not 46."""
        await done(runtime, text)
        event = await only_event(runtime)
        assert local(event.start) == (TOMORROW, start)
        assert event.end - event.start == timedelta(minutes=minutes)


class TestLengths:
    @pytest.mark.parametrize(
        ("text", "minutes"),
        [
            ("book an hour with Frank tomorrow at 4pm", 60),
            ("schedule a 2-hour review with Dan tomorrow at 2pm", 120),
            ("set up a meeting with Lia tomorrow at 11am, 90 minutes", 90),
            ("put a 15 minute check-in with Noa on the calendar tomorrow at 9am", 15),
        ],
    )
    async def test_a_stated_length_is_booked(self, runtime: Runtime, text: str, minutes: int) -> None:
        """A length said anywhere in the request is the meeting's length, not the 30-minute default."""
        await done(runtime, text)
        event = await only_event(runtime)
        assert event.end - event.start == timedelta(minutes=minutes)

    @pytest.mark.parametrize(
        "text", ["a 2 hour review with Dan tomorrow at 2pm", "a thirty minute call with Eve tomorrow at 2pm"]
    )
    async def test_a_request_that_opens_with_its_length(self, runtime: Runtime, text: str) -> None:
        """ "a 2 hour review …" is a meeting to book ("review" after a length is no verb), that long."""
        await done(runtime, text)
        event = await only_event(runtime)
        assert local(event.start) == (TOMORROW, time(14))
        assert event.end - event.start == timedelta(minutes=120 if "2 hour" in text else 30)

    async def test_a_length_is_not_a_title(self, runtime: Runtime) -> None:
        """ "book an hour with Frank" is named after Frank, not "Hour with Frank"."""
        await done(runtime, "book an hour with Frank tomorrow at 4pm")
        assert "hour" not in (await only_event(runtime)).title.lower()

    async def test_when_in_hours_is_not_a_length(self, runtime: Runtime) -> None:
        """ "in 2 hours" says when; the meeting keeps the default length."""
        await done(runtime, "schedule a meeting with Gus in 2 hours")
        event = await only_event(runtime)
        assert event.start == NOW + timedelta(hours=2)
        assert event.end - event.start == timedelta(minutes=30)


class TestTopics:
    @pytest.mark.parametrize(
        ("text", "title"),
        [
            ("meet Ana tomorrow at 3pm to go over the roadmap", "Go over the roadmap"),
            ("schedule a meeting with Bob about the quarterly budget friday at 10am", "Quarterly budget"),
            ("set up time with Carla tomorrow at 4pm to plan the offsite with the team", "Plan the offsite"),
            ("book a meeting with Duarte regarding hiring tomorrow at 9am", "Hiring"),
        ],
    )
    async def test_the_topic_is_the_title(self, runtime: Runtime, text: str, title: str) -> None:
        """What the meeting is for becomes its title instead of "Meeting with …"."""
        await done(runtime, text)
        assert (await only_event(runtime)).title == title

    async def test_without_a_topic_the_default_title_stays(self, runtime: Runtime) -> None:
        """A meeting that says nothing about its purpose is still named after its attendees."""
        await done(runtime, "schedule a meeting with Ana tomorrow at 3pm")
        assert (await only_event(runtime)).title == "Meeting with Ana"


async def items(runtime: Runtime, name: str) -> list[str]:
    """The texts on a list, in order."""
    view = await runtime.agent(ListsAgent).show_list(ShowListParams(list=name), READ)
    return [item.text for item in view.items]


class TestLists:
    @pytest.mark.parametrize(
        ("text", "name", "expected"),
        [
            ("add apples, pears and plums to my fruit list", "fruit", ["apples", "pears", "plums"]),
            ("put eggs, milk, and bread on the shopping list", "shopping", ["eggs", "milk", "bread"]),
            ("add mac and cheese to my dinner list", "dinner", ["mac and cheese"]),
        ],
    )
    async def test_a_series_is_several_items(
        self, runtime: Runtime, text: str, name: str, expected: list[str]
    ) -> None:
        """Commas (and the last "and" of a series) separate items; "mac and cheese" alone is one."""
        await done(runtime, text)
        assert await items(runtime, name) == expected

    @pytest.mark.parametrize(
        "text", ["add tea to groceries", "put tea on groceries", "add tea to my groceries."]
    )
    async def test_a_list_named_without_the_word_list(self, runtime: Runtime, text: str) -> None:
        """ "add tea to groceries" puts tea on the groceries list."""
        await done(runtime, text)
        assert await items(runtime, "groceries") == ["tea"]

    @pytest.mark.parametrize(
        "said", ["show me my to do list", "what's on my to do list", "show my todo list"]
    )
    async def test_a_name_spelt_with_other_separators_finds_the_list(
        self, runtime: Runtime, said: str
    ) -> None:
        """A list stored as "to-do" is the one meant by "to do" or "todo"; no second list is made."""
        await done(runtime, "add call the bank to my to-do list")
        result = await runtime.handle(said)
        assert result.status == TaskStatus.DONE, result.message
        assert "call the bank" in result.message
        await done(runtime, "add pay rent to my to do list")
        assert await items(runtime, "to-do") == ["call the bank", "pay rent"]

    @pytest.mark.parametrize("text", ["show groceries", "show me my groceries", "read the chores"])
    async def test_a_bare_list_name_is_shown(self, runtime: Runtime, text: str) -> None:
        """ "show groceries" shows that list instead of being declined."""
        await done(runtime, "add tea to the groceries list")
        await done(runtime, "add dishes to the chores list")
        result = await runtime.handle(text)
        assert result.status == TaskStatus.DONE, result.message
        expected = "dishes" if "chores" in text else "tea"
        assert result.output is not None and [i["text"] for i in result.output["items"]] == [expected]


class TestContacts:
    @pytest.mark.parametrize(
        ("text", "name", "email"),
        [
            ("add a contact Tom with email tom@example.com", "Tom", "tom@example.com"),
            ("save new contact Rita Moss rita@example.org", "Rita Moss", "rita@example.org"),
            ("create contact Lee with email lee@example.net", "Lee", "lee@example.net"),
        ],
    )
    async def test_the_name_given_is_used(self, runtime: Runtime, text: str, name: str, email: str) -> None:
        """A contact named right after the word "contact" is stored with that name and address."""
        await done(runtime, text)
        found = await runtime.agent(EmailAgent).find_contact(FindContactParams(query=name), READ)
        assert [(c.name, c.email) for c in found.contacts] == [(name, email)]
