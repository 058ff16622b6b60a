"""The rule router: everyday requests become plans, questions or declines."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from automate.runtime.plan import Clarification, Decline, Plan, Routing
from automate.runtime.router.base import RouteContext
from automate.runtime.router.rules import RuleRouter

ZONE = ZoneInfo("Europe/Lisbon")
# A Tuesday morning.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZONE)


def route(text: str, now: datetime = NOW) -> Routing:
    return RuleRouter().route(text, RouteContext(now=now, timezone=ZONE))


def one_step(text: str) -> tuple[str, str, dict[str, Any]]:
    routing = route(text)
    assert isinstance(routing, Plan), routing
    assert len(routing.steps) == 1, routing.steps
    step = routing.steps[0]
    return step.agent, step.action, step.params


def at(day: int, hour: int, minute: int = 0) -> str:
    return datetime(2026, 11, day, hour, minute, tzinfo=ZONE).isoformat()


class TestCalendar:
    def test_books_a_meeting_with_a_person_at_a_time(self) -> None:
        """A meeting with a name and a day and hour becomes create_event at that time."""
        agent, action, params = one_step("schedule a meeting with Ana tomorrow at 3pm")
        assert (agent, action) == ("scheduler", "create_event")
        assert params["start"] == at(25, 15)
        assert params["attendees"] == ["Ana"]
        assert params["duration_minutes"] == 30

    def test_a_meeting_without_a_time_is_a_question(self) -> None:
        """Without any time the router asks when, naming the start slot and what it knows."""
        routing = route("schedule a meeting with Ana")
        assert isinstance(routing, Clarification)
        assert routing.slot == "start"
        assert (routing.agent, routing.action) == ("scheduler", "create_event")
        assert routing.params["attendees"] == ["Ana"]
        assert routing.question.startswith("When")

    def test_a_day_without_an_hour_asks_for_the_hour(self) -> None:
        """A meeting on a day but at no hour asks what time."""
        routing = route("set up a meeting with Bob on thursday")
        assert isinstance(routing, Clarification)
        assert routing.slot == "start"
        assert "Thursday" in routing.question

    def test_an_hour_without_am_or_pm_offers_both_readings(self) -> None:
        """ "tomorrow at 7" asks which 7, listing morning and evening in order."""
        routing = route("schedule a meeting with Ana tomorrow at 7")
        assert isinstance(routing, Clarification)
        assert routing.slot == "start"
        assert routing.options == ["Wed 25 Nov 2026, 07:00", "Wed 25 Nov 2026, 19:00"]
        assert routing.params["attendees"] == ["Ana"]

    def test_next_friday_said_on_a_thursday_offers_both_fridays(self) -> None:
        """On a Thursday, "next friday" may be tomorrow or the week after: the router asks."""
        thursday = datetime(2026, 11, 26, 10, 0, tzinfo=ZONE)
        routing = route("book a meeting with Bob next friday at 3pm", now=thursday)
        assert isinstance(routing, Clarification)
        assert routing.options == ["Fri 27 Nov 2026, 15:00", "Fri 04 Dec 2026, 15:00"]

    def test_lists_a_day(self) -> None:
        """ "What's on my calendar tomorrow" lists tomorrow from midnight to midnight."""
        agent, action, params = one_step("what's on my calendar tomorrow")
        assert (agent, action) == ("scheduler", "list_events")
        assert (params["start"], params["end"]) == (at(25, 0), at(26, 0))

    def test_cancels_a_meeting_by_person_and_day(self) -> None:
        """Cancelling names the person as the query and the day as the window."""
        agent, action, params = one_step("cancel my meeting with Ana tomorrow")
        assert (agent, action) == ("scheduler", "cancel_event")
        assert params["query"] == "Ana"
        assert (params["start"], params["end"]) == (at(25, 0), at(26, 0))

    def test_moves_a_meeting_from_one_hour_to_another(self) -> None:
        """ "Move my 3pm meeting to 4pm" finds the 3pm event and moves it to 4pm."""
        agent, action, params = one_step("move my 3pm meeting to 4pm")
        assert (agent, action) == ("scheduler", "reschedule_event")
        assert params["start"] == at(24, 15)
        assert params["new_start"] == at(24, 16)

    def test_a_stated_length_becomes_the_duration(self) -> None:
        """ "for 2 hours" after the time ends the meeting two hours later; said apart, it is the length."""
        _, _, params = one_step("book a meeting with Ana tomorrow at 10am for 2 hours")
        assert (params["start"], params["end"]) == (at(25, 10), at(25, 12))
        _, _, params = one_step("book a 2 hour meeting with Ana tomorrow at 10am")
        assert params["duration_minutes"] == 120

    def test_free_time_is_a_free_slot_search(self) -> None:
        """Asking when one is free searches for free slots."""
        agent, action, params = one_step("when am i free tomorrow")
        assert (agent, action) == ("scheduler", "find_free_slots")
        assert params["start"] == at(25, 0)


class TestEmail:
    def test_sends_a_message_to_an_address(self) -> None:
        """The words after "saying" are the body; the address is the recipient."""
        agent, action, params = one_step("send an email to ana@example.com saying the report is ready")
        assert (agent, action) == ("email", "send_email")
        assert params["to"] == ["ana@example.com"]
        assert params["body"] == "the report is ready"

    def test_a_relation_is_a_recipient(self) -> None:
        """ "my boss" is a recipient the address book resolves."""
        _, _, params = one_step("email my boss that I will be late")
        assert params["to"] == ["my boss"]
        assert params["body"] == "I will be late"

    def test_no_recipient_is_a_question(self) -> None:
        """A message with nobody to send it to asks whom."""
        routing = route("send an email saying hello")
        assert isinstance(routing, Clarification)
        assert routing.slot == "to"

    def test_no_content_is_a_question(self) -> None:
        """A message with a recipient but nothing to say asks what to say."""
        routing = route("email Tom")
        assert isinstance(routing, Clarification)
        assert routing.slot == "body"
        assert routing.params["to"] == ["Tom"]

    def test_telling_someone_is_a_message(self) -> None:
        """ "tell Bob I am running late" mails Bob the rest of the sentence."""
        assert one_step("tell Bob I am running late") == (
            "email",
            "send_email",
            {"to": ["Bob"], "body": "I am running late"},
        )

    def test_a_thing_sent_to_someone_is_the_subject(self) -> None:
        """ "send the meeting notes to Bob" sends a message titled with what was named."""
        _, _, params = one_step("send the meeting notes to Bob")
        assert params["to"] == ["Bob"]
        assert params["subject"] == "The meeting notes"

    def test_the_medium_is_not_the_message(self) -> None:
        """ "send an email to Bob" still asks what to say."""
        routing = route("send an email to Bob")
        assert isinstance(routing, Clarification)
        assert routing.slot == "body"

    def test_searches_mail_from_a_person(self) -> None:
        """ "Any new emails from Claire today" searches unread mail from Claire since midnight."""
        agent, action, params = one_step("any new emails from Claire today")
        assert (agent, action) == ("email", "search_email")
        assert params["sender"] == "Claire"
        assert params["since"] == at(24, 0)
        assert params["unread_only"] is True

    def test_looks_up_a_contact(self) -> None:
        """Asking for a contact's details looks the person up."""
        agent, action, params = one_step("what is the phone number of my brother")
        assert (agent, action) == ("email", "find_contact")
        assert params["query"] == "brother"


class TestRemindersAndLists:
    def test_sets_a_reminder(self) -> None:
        """ "Remind me to call mom tomorrow at 5pm" sets a reminder with the task as text."""
        agent, action, params = one_step("remind me to call mom tomorrow at 5pm")
        assert (agent, action) == ("reminders", "set_reminder")
        assert params["text"] == "call mom"
        assert params["at"] == at(25, 17)

    def test_a_reminder_without_a_time_is_a_question(self) -> None:
        """A reminder with no time asks when."""
        routing = route("remind me to water the plants")
        assert isinstance(routing, Clarification)
        assert routing.slot == "at"
        assert routing.params["text"] == "water the plants"

    def test_sets_an_alarm(self) -> None:
        """An alarm is a reminder at the time given."""
        agent, action, params = one_step("set an alarm for 7am tomorrow")
        assert (agent, action) == ("reminders", "set_reminder")
        assert params["at"] == at(25, 7)

    def test_cancels_alarms_by_time_or_all_of_them(self) -> None:
        """An alarm at a time is cancelled at that minute; "my alarm" names every alarm."""
        assert one_step("cancel my 7am alarm tomorrow") == (
            "reminders",
            "cancel_reminder",
            {"query": "Alarm", "at": at(25, 7)},
        )
        assert one_step("turn off my alarm") == ("reminders", "cancel_reminder", {"query": "Alarm"})

    def test_cancels_a_reminder_by_its_words(self) -> None:
        """ "delete the reminder to call mom" looks the reminder up by its words."""
        assert one_step("delete the reminder to call mom") == (
            "reminders",
            "cancel_reminder",
            {"query": "call mom"},
        )

    def test_adds_to_a_list(self) -> None:
        """ "Add milk to my grocery list" adds the item to the named list."""
        assert one_step("add milk to my grocery list") == (
            "lists",
            "add_item",
            {"list": "grocery", "item": "milk"},
        )

    def test_shows_a_list(self) -> None:
        """Asking what is on a list shows that list."""
        assert one_step("what's on my shopping list") == ("lists", "show_list", {"list": "shopping"})

    def test_removes_from_a_list(self) -> None:
        """ "Take eggs off the grocery list" removes that item."""
        assert one_step("take eggs off the grocery list") == (
            "lists",
            "remove_item",
            {"list": "grocery", "item": "eggs"},
        )

    def test_deletes_a_whole_list(self) -> None:
        """Deleting a list without naming an item deletes the list."""
        assert one_step("delete my to do list") == ("lists", "remove_item", {"list": "to do"})


class TestCompound:
    def test_books_lunch_then_emails_the_address(self) -> None:
        """Two clauses become two steps; "her" is Ana and the body quotes the booked place."""
        routing = route("book lunch with Ana on friday and email her the address")
        assert isinstance(routing, Plan)
        first, second = routing.steps
        assert (first.agent, first.action) == ("scheduler", "create_event")
        assert first.params["attendees"] == ["Ana"]
        assert first.params["title"] == "Lunch with Ana"
        assert first.params["start"] == at(27, 12)
        assert (second.agent, second.action) == ("email", "send_email")
        assert second.params["to"] == ["Ana"]
        assert second.params["subject"] == "The address"
        assert second.params["body"] == "The address: {s1.output.location}"
        assert second.needs == ["s1"]

    def test_an_object_without_words_is_the_subject_and_quotes_the_event(self) -> None:
        """ "email her the agenda" after a booking sends "The agenda" with the event's title and time."""
        routing = route("schedule a meeting with Ana tomorrow at 3pm and email her the agenda")
        assert isinstance(routing, Plan)
        email = routing.steps[1]
        assert email.params["to"] == ["Ana"]
        assert email.params["subject"] == "The agenda"
        assert email.params["body"] == "The agenda: {s1.output.title}, {s1.output.start}"
        assert email.needs == ["s1"]

    def test_a_later_reminder_is_its_own_step(self) -> None:
        """ "..., then remind me to ..." adds a reminder step that needs nothing."""
        routing = route(
            "schedule a call with Bob on monday at 10am, "
            "then remind me to prepare the slides on sunday at 6pm"
        )
        assert isinstance(routing, Plan)
        call, reminder = routing.steps
        assert call.params["title"] == "Call with Bob"
        assert (reminder.agent, reminder.action) == ("reminders", "set_reminder")
        assert reminder.params == {"text": "prepare the slides", "at": at(29, 18)}
        assert reminder.needs == []

    def test_cancel_and_reschedule_it_is_one_move(self) -> None:
        """ "cancel ... and reschedule it for ..." moves the event instead of deleting it."""
        agent, action, params = one_step(
            "cancel my meeting with lisa on friday and reschedule it for thursday at 2pm"
        )
        assert (agent, action) == ("scheduler", "reschedule_event")
        assert params["query"] == "lisa"
        assert (params["start"], params["end"]) == (at(27, 0), at(28, 0))
        assert params["new_start"] == at(26, 14)

    def test_names_joined_by_and_stay_one_clause(self) -> None:
        """ "with Ana and Tom" is one meeting with two people, not two steps."""
        _, _, params = one_step("schedule a meeting with Ana and Tom tomorrow at 11am")
        assert params["attendees"] == ["Ana", "Tom"]


class TestDecline:
    @pytest.mark.parametrize(
        "text",
        [
            "play some jazz",
            "what's the weather",
            "turn off the lights",
            "what time is it",
            "tell me a joke",
            "book a taxi to the airport",
            "",
        ],
    )
    def test_out_of_scope_requests_are_declined(self, text: str) -> None:
        """Requests no agent serves are declined with a reason."""
        routing = route(text)
        assert isinstance(routing, Decline)
        assert routing.reason

    def test_the_reason_names_the_topic(self) -> None:
        """A decline says what the request was about when a word tells."""
        routing = route("what's the weather like tomorrow")
        assert isinstance(routing, Decline)
        assert routing.reason == "it is about the weather, which no agent here handles"
