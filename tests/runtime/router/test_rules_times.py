"""Times in scheduling requests and moves: an am/pm-less hour settled by the working hours or a
meal, today's weekday at a past time meaning next week, and a move keeping the part of the
event's start that the request did not name. Outcomes are read back from the calendar."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, time, timedelta

import pytest

from automate.agents.base import ActionContext
from automate.agents.scheduler import SchedulerAgent
from automate.agents.scheduler_models import ListEventsParams
from automate.integrations.calendar.models import CalendarEvent
from automate.integrations.config import AppConfig
from automate.runtime.plan import Clarification, Plan
from automate.runtime.result import TaskStatus
from automate.runtime.router.base import RouteContext
from automate.runtime.router.rules import RuleRouter
from automate.runtime.runtime import Runtime
from tests.conftest import NOW

ZONE = NOW.tzinfo
READ = ActionContext(run_id="read-back", step_id="r1", now=NOW)
DAY = timedelta(days=1)
TOMORROW = (NOW + DAY).date()
THURSDAY = (NOW + 2 * DAY).date()  # NOW is a Tuesday, 10:00
FRIDAY = (NOW + 3 * DAY).date()
SATURDAY = (NOW + 4 * DAY).date()
MONDAY = (NOW + 6 * DAY).date()
NEXT_TUESDAY = (NOW + 7 * DAY).date()


def at(day: object, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time on a day in the person's zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)  # type: ignore[arg-type]


def route(text: str, hours: tuple[time, time] = (time(9), time(17))) -> Plan | Clarification:
    """The rule router's answer at NOW, with the given working hours."""
    routing = RuleRouter().route(text, RouteContext(now=NOW, timezone=ZONE, working_hours=hours))  # type: ignore[arg-type]
    assert isinstance(routing, Plan | Clarification), routing
    return routing


def first_params(text: str, hours: tuple[time, time] = (time(9), time(17))) -> dict[str, object]:
    """The params of the one step a request plans."""
    routing = route(text, hours)
    assert isinstance(routing, Plan), routing
    return routing.steps[0].params


class TestAmOrPm:
    @pytest.mark.parametrize(
        ("text", "field", "expected"),
        [
            # Only one reading falls in working hours (09:00-17:00): it is meant.
            ("set up a call with Rui on thursday at 11", "start", at(THURSDAY, 11)),
            ("book a review with Carla tomorrow at 2", "start", at(TOMORROW, 14)),
            ("sync with Rui friday at 10:45", "start", at(FRIDAY, 10, 45)),
            ("meet Carla on saturday at 12:15", "start", at(SATURDAY, 12, 15)),
            # A meal says its part of the day.
            ("dinner with Carla on saturday at 8", "start", at(SATURDAY, 20)),
            ("breakfast with Rui tomorrow at 7", "start", at(TOMORROW, 7)),
            # Reminders follow the same rule.
            ("remind me on friday at 3 to ring the garage", "at", at(FRIDAY, 15)),
        ],
    )
    def test_the_one_plausible_reading_is_taken(self, text: str, field: str, expected: datetime) -> None:
        """An hour without am/pm is read the one way the working hours or a meal allow."""
        params = first_params(text)
        assert datetime.fromisoformat(str(params[field])) == expected

    def test_an_hour_neither_reading_fits_is_asked(self) -> None:
        """ "at 8" for a call is outside working hours either way, so the person is asked."""
        routing = route("book a call with Rui tomorrow at 8")
        assert isinstance(routing, Clarification)
        assert routing.options == ["Wed 25 Nov 2026, 08:00", "Wed 25 Nov 2026, 20:00"]

    def test_the_working_hours_come_from_the_context(self) -> None:
        """With an afternoon-and-evening working day, "at 9" is 21:00."""
        params = first_params("set up a call with Rui on thursday at 9", hours=(time(13), time(22)))
        assert datetime.fromisoformat(str(params["start"])) == at(THURSDAY, 21)


class TestTodaysWeekday:
    def test_todays_weekday_at_a_time_gone_by_is_next_week(self) -> None:
        """ "tuesday at 10" said on Tuesday at 10:00 is next Tuesday."""
        params = first_params("book a meeting with Rui tuesday at 10")
        assert datetime.fromisoformat(str(params["start"])) == at(NEXT_TUESDAY, 10)

    def test_todays_weekday_at_a_time_to_come_is_today(self) -> None:
        """ "tuesday at 4pm" said on Tuesday morning is this afternoon."""
        params = first_params("book a meeting with Rui tuesday at 4pm")
        assert datetime.fromisoformat(str(params["start"])) == at(NOW.date(), 16)


class TestEarlierClauseDay:
    def test_a_bare_time_falls_on_the_day_booked_before(self) -> None:
        """ "book … on friday at 2 and remind me at 1:30" reminds on Friday."""
        routing = route("book a review with Rui on friday at 2 and remind me at 1:30 to print the slides")
        assert isinstance(routing, Plan)
        assert datetime.fromisoformat(str(routing.steps[1].params["at"])) == at(FRIDAY, 13, 30)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("book a review with Rui on friday at 2 and remind me 45 minutes before", at(FRIDAY, 13, 15)),
            ("book a review with Rui on friday at 2 and remind me the day before at 6pm", at(THURSDAY, 18)),
            ("book a review with Rui on friday at 2 and remind me the day after at 9", at(SATURDAY, 9)),
        ],
    )
    def test_a_time_said_from_the_event(self, text: str, expected: datetime) -> None:
        """ "45 minutes before" and "the day before at 6pm" count from the event booked."""
        routing = route(text)
        assert isinstance(routing, Plan)
        assert datetime.fromisoformat(str(routing.steps[1].params["at"])) == expected

    def test_the_day_before_without_a_time_is_asked(self) -> None:
        """ "the day before" names a day, not a time to remind at: it asks what time."""
        routing = route("book a review with Rui on friday at 2 and remind me the day before")
        assert isinstance(routing, Clarification)
        assert routing.question == "What time on Thursday 26 November?"

    def test_a_day_said_again_is_kept(self) -> None:
        """A later clause that names its own day keeps it."""
        routing = route(
            "book a review with Rui on friday at 2 and remind me tomorrow at 9 to print the slides"
        )
        assert isinstance(routing, Plan)
        assert datetime.fromisoformat(str(routing.steps[1].params["at"])) == at(TOMORROW, 9)


@pytest.fixture
async def runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    async with Runtime(local_config, now=fixed_now) as rt:
        yield rt


async def book(runtime: Runtime, title: str, start: datetime, minutes: int = 60) -> None:
    """Put an event on the calendar."""
    params = {"title": title, "start": start, "duration_minutes": minutes, "allow_conflict": True}
    await runtime.agent(SchedulerAgent).run("create_event", params, READ)


async def only_event(runtime: Runtime) -> CalendarEvent:
    """The one event on the calendar in the fortnight from NOW."""
    window = ListEventsParams(start=NOW, end=NOW + timedelta(days=14))
    events = (await runtime.agent(SchedulerAgent).list_events(window, READ)).events
    assert len(events) == 1, events
    return events[0]


class TestMoves:
    @pytest.mark.parametrize(
        ("booked", "text", "start", "end"),
        [
            # A bare new time keeps the event's day and length.
            (at(FRIDAY, 11), "move the physio to 3pm", at(FRIDAY, 15), at(FRIDAY, 16)),
            (at(FRIDAY, 11), "move the physio to 9:30", at(FRIDAY, 9, 30), at(FRIDAY, 10, 30)),
            # A bare new day keeps the event's time.
            (at(FRIDAY, 11), "move the physio to monday", at(MONDAY, 11), at(MONDAY, 12)),
            # A day and a time: both are said.
            (at(FRIDAY, 11), "move the physio to thursday at 2", at(THURSDAY, 14), at(THURSDAY, 15)),
            # A new length said after the move.
            (
                at(FRIDAY, 11),
                "move the physio to 3pm and make it 90 minutes",
                at(FRIDAY, 15),
                at(FRIDAY, 16, 30),
            ),
            # A move by a length keeps the length of the event.
            (at(FRIDAY, 11), "push the physio back by 45 minutes", at(FRIDAY, 11, 45), at(FRIDAY, 12, 45)),
            (at(FRIDAY, 11), "bring the physio forward by two hours", at(FRIDAY, 9), at(FRIDAY, 10)),
            (at(FRIDAY, 11), "move the physio 20 minutes later", at(FRIDAY, 11, 20), at(FRIDAY, 12, 20)),
            # "my 4pm to 5pm" is the old time and the new one, not an interval.
            (at(NOW.date(), 16), "move my 4pm to 5pm", at(NOW.date(), 17), at(NOW.date(), 18)),
            (
                at(NOW.date(), 11),
                "move the physio from 11 to 11:30",
                at(NOW.date(), 11, 30),
                at(NOW.date(), 12, 30),
            ),
        ],
    )
    async def test_the_event_lands_where_the_request_says(
        self, runtime: Runtime, booked: datetime, text: str, start: datetime, end: datetime
    ) -> None:
        """The moved event is stored at the new start, with what was not said kept."""
        await book(runtime, "Physio", booked)
        result = await runtime.handle(text)
        assert result.status is TaskStatus.DONE, result.message
        event = await only_event(runtime)
        assert (event.start, event.end) == (start, end)
