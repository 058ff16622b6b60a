"""SchedulerAgent on the embedded calendar and address book."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import pytest

from automate.agents.base import ActionContext
from automate.agents.email import EmailAgent
from automate.agents.scheduler import SchedulerAgent
from automate.agents.scheduler_models import (
    CreateEventParams,
    EventQuery,
    FreeSlotsParams,
    ListEventsParams,
    RescheduleEventParams,
)
from automate.integrations.calendar.models import EventList, TimeRange
from automate.integrations.config import AppConfig
from automate.integrations.contacts.models import Contact
from automate.integrations.errors import ActionError, NeedsClarification, SchedulingConflict
from automate.runtime.result import TaskStatus
from automate.runtime.runtime import Runtime
from tests.conftest import NOW


@pytest.fixture
async def runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    async with Runtime(local_config, now=fixed_now) as rt:
        yield rt


@pytest.fixture
def scheduler(runtime: Runtime) -> SchedulerAgent:
    return runtime.agent(SchedulerAgent)


def ctx(step: str = "s1", run: str = "run-1") -> ActionContext:
    return ActionContext(run_id=run, step_id=step, now=NOW)


TOMORROW_3PM = NOW.replace(hour=15) + timedelta(days=1)


async def book(runtime: Runtime, title: str, start: datetime, **more: object) -> None:
    """Put an event on the calendar through the scheduler, in a run of its own."""
    params = {"title": title, "start": start, "allow_conflict": True, **more}
    await runtime.agent(SchedulerAgent).run("create_event", params, ActionContext(now=NOW))


async def add_contact(runtime: Runtime, name: str, email: str) -> None:
    """Put someone in the address book."""
    await runtime.agent(EmailAgent).add_contact(Contact(name=name, email=email), ActionContext(now=NOW))


async def stored(runtime: Runtime) -> list[tuple[str, datetime]]:
    """(title, start) of every event the calendar holds, read back from it, in start order."""
    window = TimeRange(start=NOW - timedelta(days=365), end=NOW + timedelta(days=365))
    found = await runtime.agent(SchedulerAgent).manager.call(
        "calendar", "list_events", window, expect=EventList
    )
    return [(e.title, e.start) for e in found.events]


class TestCreateEvent:
    async def test_books_with_default_length_and_title(self, scheduler: SchedulerAgent) -> None:
        """A meeting with no end lasts the configured default and is named after its attendees."""
        event = await scheduler.create_event(CreateEventParams(start=TOMORROW_3PM, attendees=["Ana"]), ctx())
        assert event.start == TOMORROW_3PM
        assert event.end == TOMORROW_3PM + timedelta(minutes=30)
        assert event.title == "Meeting with Ana"
        assert event.timezone == "Europe/Lisbon"

    async def test_attendees_resolve_through_contacts(
        self, runtime: Runtime, scheduler: SchedulerAgent
    ) -> None:
        """A known name becomes an attendee with the contact's address."""
        await runtime.agent(EmailAgent).add_contact(
            Contact(name="Ana Lima", email="ana@example.com"), ctx("c1")
        )
        event = await scheduler.create_event(CreateEventParams(start=TOMORROW_3PM, attendees=["Ana"]), ctx())
        assert [(a.name, a.email) for a in event.attendees] == [("Ana Lima", "ana@example.com")]

    async def test_refuses_to_double_book_and_proposes_free_slots(self, scheduler: SchedulerAgent) -> None:
        """An overlapping request raises a conflict whose proposals are free, in working hours, nearby."""
        await scheduler.create_event(CreateEventParams(start=TOMORROW_3PM, title="Review"), ctx("s1", "a"))
        with pytest.raises(SchedulingConflict) as caught:
            await scheduler.create_event(CreateEventParams(start=TOMORROW_3PM, title="Other"), ctx("s1", "b"))
        proposals = caught.value.proposals
        assert len(proposals) == 3
        for slot in proposals:
            local = slot.start.astimezone(TOMORROW_3PM.tzinfo)
            assert local.hour >= 9 and (slot.end.astimezone(TOMORROW_3PM.tzinfo).hour, 0) <= (17, 0)
            assert not (slot.start < TOMORROW_3PM + timedelta(minutes=30) and slot.end > TOMORROW_3PM)
            assert abs(slot.start - TOMORROW_3PM) <= timedelta(hours=1)
        listed = await scheduler.list_events(
            ListEventsParams(start=TOMORROW_3PM, end=TOMORROW_3PM + timedelta(hours=1)), ctx()
        )
        assert [e.title for e in listed.events] == ["Review"]

    async def test_books_anyway_when_told(self, scheduler: SchedulerAgent) -> None:
        """allow_conflict books over an existing event."""
        await scheduler.create_event(CreateEventParams(start=TOMORROW_3PM), ctx("s1", "a"))
        await scheduler.create_event(
            CreateEventParams(start=TOMORROW_3PM, allow_conflict=True), ctx("s1", "b")
        )
        listed = await scheduler.list_events(
            ListEventsParams(start=TOMORROW_3PM, end=TOMORROW_3PM + timedelta(hours=1)), ctx()
        )
        assert len(listed.events) == 2

    async def test_retried_step_returns_the_same_event(self, scheduler: SchedulerAgent) -> None:
        """The same run and step book once: a retry finds its own event instead of a conflict."""
        first = await scheduler.create_event(CreateEventParams(start=TOMORROW_3PM), ctx())
        again = await scheduler.create_event(CreateEventParams(start=TOMORROW_3PM), ctx())
        assert again.uid == first.uid
        listed = await scheduler.list_events(
            ListEventsParams(start=TOMORROW_3PM, end=TOMORROW_3PM + timedelta(hours=1)), ctx()
        )
        assert len(listed.events) == 1

    async def test_a_past_start_asks_before_booking(self, scheduler: SchedulerAgent) -> None:
        """A start before now is a question naming the time, and nothing is stored."""
        yesterday = TOMORROW_3PM - timedelta(days=2)
        with pytest.raises(NeedsClarification) as caught:
            await scheduler.create_event(CreateEventParams(start=yesterday), ctx())
        assert caught.value.slot == "allow_past"
        assert caught.value.question == "Mon 23 Nov 15:00–15:30 is in the past. Book it anyway?"
        listed = await scheduler.list_events(ListEventsParams(start=yesterday, end=TOMORROW_3PM), ctx())
        assert listed.events == []

    async def test_a_confirmed_past_start_is_booked(self, scheduler: SchedulerAgent) -> None:
        """allow_past books a start that has passed."""
        yesterday = TOMORROW_3PM - timedelta(days=2)
        event = await scheduler.create_event(CreateEventParams(start=yesterday, allow_past=True), ctx())
        listed = await scheduler.list_events(ListEventsParams(start=yesterday, end=TOMORROW_3PM), ctx())
        assert [e.uid for e in listed.events] == [event.uid]

    async def test_a_clash_with_an_old_event_proposes_future_slots(self, scheduler: SchedulerAgent) -> None:
        """A clash weeks in the past is a conflict whose proposals start after now (it used to crash)."""
        old = NOW.replace(hour=11) - timedelta(days=14)
        await scheduler.create_event(
            CreateEventParams(start=old, allow_past=True, title="Old"), ctx("s1", "a")
        )
        with pytest.raises(SchedulingConflict) as caught:
            await scheduler.create_event(CreateEventParams(start=old, allow_past=True), ctx("s1", "b"))
        assert [e.title for e in caught.value.conflicts] == ["Old"]
        assert len(caught.value.proposals) == 3
        assert all(slot.start > NOW for slot in caught.value.proposals)

    async def test_a_weekend_clash_says_why_the_slots_are_on_other_days(
        self, scheduler: SchedulerAgent
    ) -> None:
        """A clash on a Saturday names it as no working day before offering working-hours slots."""
        saturday = NOW.replace(hour=11) + timedelta(days=4)
        await scheduler.create_event(CreateEventParams(start=saturday, title="Brunch"), ctx("s1", "a"))
        with pytest.raises(SchedulingConflict) as caught:
            await scheduler.create_event(CreateEventParams(start=saturday), ctx("s1", "b"))
        assert str(caught.value) == (
            "That time overlaps 'Brunch' Sat 28 Nov 11:00–11:30. Saturday is not a working day;"
            " nearest free working-hours slots: Fri 27 Nov 15:30–16:00; Fri 27 Nov 16:00–16:30;"
            " Fri 27 Nov 16:30–17:00."
        )

    async def test_a_full_working_day_says_why_the_slots_are_on_other_days(
        self, scheduler: SchedulerAgent
    ) -> None:
        """A clash on a working day with no free working hour left says so before offering other days."""
        day = TOMORROW_3PM.replace(hour=9)
        await scheduler.create_event(
            CreateEventParams(start=day, end=day.replace(hour=17), title="Offsite"), ctx("s1", "a")
        )
        with pytest.raises(SchedulingConflict) as caught:
            await scheduler.create_event(CreateEventParams(start=TOMORROW_3PM), ctx("s1", "b"))
        assert (
            "Wednesday 25 Nov has no free slot left in working hours; nearest free working-hours slots:"
            in str(caught.value)
        )
        assert all(slot.start.date() != day.date() for slot in caught.value.proposals)


class TestFindEvents:
    async def test_cancel_by_words_and_window(self, scheduler: SchedulerAgent) -> None:
        """Cancelling by a word of the title removes that event only."""
        await scheduler.create_event(CreateEventParams(start=TOMORROW_3PM, title="Dentist"), ctx("s1", "a"))
        await scheduler.create_event(
            CreateEventParams(start=TOMORROW_3PM + timedelta(hours=1), title="Standup"), ctx("s1", "b")
        )
        cancelled = await scheduler.cancel_event(EventQuery(query="dentist"), ctx())
        assert cancelled.event.title == "Dentist"
        listed = await scheduler.list_events(ListEventsParams(start=NOW, end=NOW + timedelta(days=3)), ctx())
        assert [e.title for e in listed.events] == ["Standup"]

    async def test_ambiguous_query_asks_which(self, scheduler: SchedulerAgent) -> None:
        """Two matching events make the agent ask instead of guessing."""
        for run in ("a", "b"):
            start = TOMORROW_3PM + timedelta(hours=1 if run == "b" else 0)
            await scheduler.create_event(CreateEventParams(start=start, title="Sync"), ctx("s1", run))
        with pytest.raises(NeedsClarification):
            await scheduler.cancel_event(EventQuery(query="sync"), ctx())

    async def test_no_match_is_a_clear_error(self, scheduler: SchedulerAgent) -> None:
        """Cancelling something that is not there says so."""
        with pytest.raises(ActionError, match="No event matching 'ghost'"):
            await scheduler.cancel_event(EventQuery(query="ghost"), ctx())

    async def test_reschedule_keeps_the_length(self, scheduler: SchedulerAgent) -> None:
        """A moved event keeps its duration and its UID."""
        event = await scheduler.create_event(
            CreateEventParams(start=TOMORROW_3PM, duration_minutes=60, title="Plan"), ctx()
        )
        moved = await scheduler.reschedule_event(
            RescheduleEventParams(query="plan", new_start=TOMORROW_3PM + timedelta(hours=1)), ctx("s2")
        )
        assert moved.uid == event.uid
        assert moved.end - moved.start == timedelta(minutes=60)
        assert moved.start == TOMORROW_3PM + timedelta(hours=1)

    @pytest.mark.parametrize(
        ("request_", "booked", "left"),
        [
            # A generic noun need not be in the title: "my dentist appointment" is "Dentist".
            (
                "cancel my dentist appointment",
                [("Dentist", TOMORROW_3PM), ("Team standup", TOMORROW_3PM + timedelta(hours=2))],
                [("Team standup", TOMORROW_3PM + timedelta(hours=2))],
            ),
            # A meeting named by its topic: "the budget meeting" is "Budget review"; a bare
            # new time keeps its own day.
            (
                "move the budget meeting to 3pm",
                [
                    ("Budget review", TOMORROW_3PM - timedelta(hours=2)),
                    ("Team sync", TOMORROW_3PM + timedelta(days=2)),
                ],
                [("Budget review", TOMORROW_3PM), ("Team sync", TOMORROW_3PM + timedelta(days=2))],
            ),
            # The window the request gives picks among namesakes.
            (
                "cancel tomorrow's dentist",
                [("Dentist", TOMORROW_3PM), ("Dentist", TOMORROW_3PM + timedelta(days=7))],
                [("Dentist", TOMORROW_3PM + timedelta(days=7))],
            ),
        ],
    )
    async def test_a_request_changes_the_one_event_its_words_name(
        self,
        runtime: Runtime,
        request_: str,
        booked: list[tuple[str, datetime]],
        left: list[tuple[str, datetime]],
    ) -> None:
        """The event the words name is cancelled or moved, and every other event stays as it was."""
        for title, start in booked:
            await book(runtime, title, start)
        result = await runtime.handle(request_)
        assert result.status is TaskStatus.DONE, result.message
        assert await stored(runtime) == left

    async def test_two_events_alike_ask_which_and_keep_both(self, runtime: Runtime) -> None:
        """'cancel my meeting with ana' with two events with Ana asks, naming both, and cancels none."""
        await add_contact(runtime, "Ana Silva", "ana@example.com")
        await book(runtime, "Design review", TOMORROW_3PM, attendees=["ana@example.com"])
        await book(runtime, "Planning", TOMORROW_3PM + timedelta(days=1), attendees=["ana@example.com"])
        result = await runtime.handle("cancel my meeting with ana")
        assert result.status is TaskStatus.NEEDS_CLARIFICATION
        assert "'Design review'" in result.message and "'Planning'" in result.message
        assert [title for title, _ in await stored(runtime)] == ["Design review", "Planning"]

    async def test_a_word_no_event_holds_finds_nothing(self, runtime: Runtime) -> None:
        """'cancel the dentist appointment' never cancels 'Doctor appointment' instead."""
        await book(runtime, "Doctor appointment", TOMORROW_3PM)
        result = await runtime.handle("cancel the dentist appointment")
        assert result.status is TaskStatus.FAILED
        assert "No event matching" in result.message
        assert await stored(runtime) == [("Doctor appointment", TOMORROW_3PM)]

    async def test_place_and_people_name_an_event(self, scheduler: SchedulerAgent, runtime: Runtime) -> None:
        """An event is found by its location, or by an attendee's name, as well as by its title."""
        await book(runtime, "Review", TOMORROW_3PM, location="Lisbon office")
        await book(runtime, "Review", TOMORROW_3PM + timedelta(days=1), attendees=["carla@example.com"])
        cancelled = await scheduler.cancel_event(EventQuery(query="review at the lisbon office"), ctx("c1"))
        assert cancelled.event.location == "Lisbon office"
        moved = await scheduler.reschedule_event(
            RescheduleEventParams(query="carla", new_start=TOMORROW_3PM + timedelta(days=3)), ctx("c2")
        )
        assert [a.email for a in moved.attendees] == ["carla@example.com"]
        assert await stored(runtime) == [("Review", TOMORROW_3PM + timedelta(days=3))]

    async def test_listing_by_words_shows_the_events_they_name(self, runtime: Runtime) -> None:
        """'when is my dentist appointment' answers with the Dentist event only."""
        await book(runtime, "Dentist", TOMORROW_3PM)
        await book(runtime, "Yoga", TOMORROW_3PM + timedelta(days=1))
        result = await runtime.handle("when is my dentist appointment")
        assert result.status is TaskStatus.DONE
        assert "Dentist" in result.message and "Yoga" not in result.message


class TestFreeSlots:
    async def test_slots_skip_busy_time_and_stay_in_working_hours(self, scheduler: SchedulerAgent) -> None:
        """Free slots avoid events, start no earlier than now, and end by closing time."""
        day = NOW + timedelta(days=1)
        await scheduler.create_event(
            CreateEventParams(start=day.replace(hour=9), end=day.replace(hour=12), title="Block"), ctx()
        )
        slots = await scheduler.find_free_slots(
            FreeSlotsParams(
                start=day.replace(hour=0), end=day.replace(hour=23), duration_minutes=60, count=20
            ),
            ctx(),
        )
        starts = [s.start.astimezone(day.tzinfo).hour for s in slots.slots]
        assert starts[0] == 12
        assert all(12 <= h <= 16 for h in starts)

    async def test_weekends_are_not_offered(self, scheduler: SchedulerAgent) -> None:
        """Saturday and Sunday are outside the default working days."""
        saturday = (NOW + timedelta(days=4)).replace(hour=0)
        slots = await scheduler.find_free_slots(
            FreeSlotsParams(start=saturday, end=saturday + timedelta(days=2)), ctx()
        )
        assert slots.slots == []
