"""Intents and SLURP-style slots from `runtime.nlu.intents.analyze`."""

from __future__ import annotations

import pytest

from automate.runtime.nlu.intents import INTENTS, NONE, analyze, spec_for_action
from automate.runtime.nlu.intents.clauses import split_clauses
from automate.runtime.nlu.intents.phrases import (
    duration_minutes,
    list_item,
    list_items,
    meeting_topic,
    message_body,
    reminder_text,
)


def slots(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in analyze(text).slots]


class TestIntentTable:
    def test_every_intent_names_an_agent_action_and_a_label(self) -> None:
        """Each row maps an intent to one agent action and a SLURP label of a served scenario."""
        for name, spec in INTENTS.items():
            assert spec.name == name
            assert spec.agent in {"scheduler", "email", "reminders", "lists"}
            assert spec.label.split("_")[0] in {"calendar", "email", "alarm", "lists"}

    def test_actions_map_back_to_an_intent(self) -> None:
        """A router that picks actions directly finds the intent of an action."""
        spec = spec_for_action("email", "send_email")
        assert spec is not None and spec.label == "email_sendemail"
        assert spec_for_action("email", "no_such_action") is None

    def test_looking_actions_change_nothing(self) -> None:
        """Listing, searching and showing are marked as changing nothing; booking changes."""
        assert not INTENTS["event_list"].changes
        assert not INTENTS["list_show"].changes
        assert INTENTS["event_create"].changes
        assert INTENTS["email_send"].changes


class TestIntents:
    @pytest.mark.parametrize(
        ("text", "intent"),
        [
            ("schedule a meeting with ana tomorrow at three pm", "event_create"),
            ("a 2 hour review with dan tomorrow at 2pm", "event_create"),
            ("a forty minute call with mo on monday at 4pm", "event_create"),
            ("review my 2 hour meeting tomorrow", "event_list"),
            ("show groceries", "list_show"),
            ("check my errands", "list_show"),
            ("show shopping centres near me", "none"),
            ("i have a dentist appointment on friday at ten", "event_create"),
            ("what's on my calendar tomorrow", "event_list"),
            ("do i have anything on saturday", "event_list"),
            ("when is my next appointment", "event_list"),
            ("cancel my meeting with ana", "event_cancel"),
            ("move my three pm meeting to four", "event_move"),
            ("when am i free tomorrow", "free_slots"),
            ("remind me to call mom at five", "reminder_create"),
            ("what reminders do i have", "reminder_list"),
            ("get rid of the reminder about the rent", "reminder_cancel"),
            ("wake me up at seven", "alarm_create"),
            ("is my alarm set for tomorrow", "alarm_list"),
            ("turn off my alarm", "alarm_cancel"),
            ("send an email to bob saying hi", "email_send"),
            ("reply to the last email from mike", "email_send"),
            ("any new emails from claire", "email_search"),
            ("read my latest email", "email_read"),
            ("what is john's phone number", "contact_find"),
            ("add jane to my contacts", "contact_add"),
            ("add milk to my grocery list", "list_add"),
            ("what's on my to do list", "list_show"),
            ("cross eggs off the shopping list", "list_remove"),
        ],
    )
    def test_everyday_requests(self, text: str, intent: str) -> None:
        """Common phrasings of each action get its intent."""
        assert analyze(text).intent == intent

    @pytest.mark.parametrize(
        "text",
        [
            "play some jazz",
            "what's the weather like tomorrow",
            "turn off the lights in the kitchen",
            "what time is it",
            "book a train ticket to boston",
            "email me the lyrics to this song",
            "what events are happening in the city this weekend",
            "should i wear a jacket today",
            "add this song to my playlist",
            "",
        ],
    )
    def test_other_assistants_business_is_declined(self, text: str) -> None:
        """Requests for music, weather, devices, travel or public events have no intent."""
        analysis = analyze(text)
        assert analysis.intent == NONE
        assert analysis.label == NONE
        assert analysis.reason

    def test_a_negated_verb_asks_nothing(self) -> None:
        """ "I won't be able to make the meeting, cancel it" is a cancellation, not a booking."""
        assert analyze("i won't be able to make the meeting tomorrow please cancel it").intent == (
            "event_cancel"
        )

    def test_a_polite_question_with_an_action_is_that_action(self) -> None:
        """ "Is it possible to book a meeting ..." books."""
        assert analyze("is it possible to book a meeting with tom on monday").intent == "event_create"


class TestTimeSlots:
    def test_date_time_and_part_of_day_are_separate_slots(self) -> None:
        """ "tomorrow evening by seven" gives a date, a part of day and a time."""
        assert slots("set an alarm for seven thirty tomorrow morning") == [
            ("time", "seven thirty"),
            ("date", "tomorrow"),
            ("timeofday", "morning"),
        ]

    def test_written_dates_and_clock_phrases(self) -> None:
        """Month-day dates, ordinals, "half past two" and numeric dates are read."""
        assert ("date", "march seventh") in slots("do i have anything scheduled for march seventh")
        assert ("time", "half past two") in slots("meeting next tuesday at half past two")
        assert ("date", "12/05") in slots("meeting at 10:30 am on 12/05")
        assert ("date", "day after tomorrow") in slots("book lunch for the day after tomorrow")

    def test_relative_spans(self) -> None:
        """ "in three hours" and "five minutes from now" are times; "next week" a date."""
        assert ("time", "three hours") in slots("alert me in three hours")
        assert ("time", "five minutes from now") in slots("set an alarm for five minutes from now")
        assert ("date", "next week") in slots("how many meetings do i have next week")

    def test_frequencies(self) -> None:
        """ "every day" is a frequency; "every friday" a date."""
        assert ("general_frequency", "every day") in slots("remind me every day at nine am")
        assert ("date", "every friday") in slots("remind me to go to the store every friday")

    def test_an_ordinal_before_a_noun_is_no_date(self) -> None:
        """ "the first list" names a list, not the first of the month."""
        assert slots("please remove the first list") == []

    def test_bare_numbers_need_a_cue(self) -> None:
        """A number is a time after "at"/"for" or with am/pm, not on its own."""
        assert ("time", "ten") in slots("wake me up at ten")
        assert not [s for s in slots("add two apples to my list") if s[0] == "time"]


class TestEntitySlots:
    def test_people_relations_and_addresses(self) -> None:
        """Names after "with", relations after "my", and addresses are found with their spans."""
        analysis = analyze("schedule a meeting with Ana and Tom and my boss at 3pm")
        people = [(s.type, s.text) for s in analysis.slots if s.type in {"person", "relation"}]
        assert people == [("person", "Ana"), ("person", "Tom"), ("relation", "boss")]
        ana = analysis.of("person")[0]
        assert analysis.text[ana.start : ana.end] == "Ana"

    def test_spoken_addresses(self) -> None:
        """An address read aloud is one email_address slot."""
        assert ("email_address", "bob at mail dot co dot uk") in slots(
            "send an email to bob at mail dot co dot uk"
        )

    def test_a_name_after_the_word_contact(self) -> None:
        """ "add a contact Tom", "new contact Lee Park": the words after "contact" are the name."""
        assert ("person", "Tom") in slots("add a contact Tom with email tom@example.com")
        assert ("person", "Lee Park") in slots("new contact Lee Park lee@example.net")
        assert not [s for s in slots("show my contacts list") if s[0] == "person"]

    def test_names_are_not_verbs(self) -> None:
        """ "remind me to pick up the dog" names no person."""
        assert not [s for s in slots("remind me to pick up my dog at one pm") if s[0] == "person"]

    def test_titles_and_tasks(self) -> None:
        """An event noun with its modifiers is the title; a reminder's task is its event_name."""
        assert ("event_name", "baseball practice") in slots("add event baseball practice five pm tonight")
        assert ("event_name", "pick up my dog") in slots("remind me to pick up my dog from the groomer")

    def test_list_names(self) -> None:
        """The words before "list" or after "list of" name it."""
        assert ("list_name", "grocery") in slots("remove pepper from my grocery list")
        assert ("list_name", "things to do") in slots("remove the list of things to do")
        assert ("list_name", "to do") in slots("delete my to do list")


class TestPhrases:
    def test_message_body(self) -> None:
        """The words after "saying" or "that" are the body."""
        assert message_body("email my boss saying I will be late") == "I will be late"
        assert message_body("send mom an email") is None

    def test_reminder_text(self) -> None:
        """The words after "remind me to" are what to be reminded of."""
        assert reminder_text("remind me to water the plants") == "water the plants"

    def test_list_item(self) -> None:
        """ "add X to my Y list" gives the item and the list."""
        assert list_item("add oat milk to my grocery list", removing=False) == ("oat milk", "grocery")
        assert list_item("take eggs off the shopping list", removing=True) == ("eggs", "shopping")

    def test_duration(self) -> None:
        """ "for 2 hours", "for an hour and a half", "for 45 minutes"."""
        assert duration_minutes("book it for 2 hours") == 120
        assert duration_minutes("for an hour and a half") == 90
        assert duration_minutes("for 45 minutes") == 45
        assert duration_minutes("for lunch") is None

    def test_duration_outside_the_times(self) -> None:
        """A length inside a time expression ("in 2 hours") is when, not how long."""
        assert duration_minutes("call in 2 hours", [(5, 15)]) is None
        assert duration_minutes("a 2 hour review in 2 hours", [(16, 26)]) == 120

    def test_list_items(self) -> None:
        """A series is several items; a lone "and" inside a thing known by the pair joins one item."""
        assert list_items("apples, pears and plums") == ["apples", "pears", "plums"]
        assert list_items("the eggs, some milk, and bread") == ["eggs", "milk", "bread"]
        assert list_items("salt; pepper") == ["salt", "pepper"]
        assert list_items("mac and cheese") == ["mac and cheese"]

    def test_list_named_without_the_word_list(self) -> None:
        """ "add tea to groceries" names the list by its name alone."""
        assert list_item("add tea to groceries", removing=False) == ("tea", "groceries")
        assert list_item("cross eggs off my shopping.", removing=True) == ("eggs", "shopping")
        assert list_item("add milk to my list", removing=False) == ("milk", None)

    def test_meeting_topic(self) -> None:
        """What a meeting is for, from "about …" or a purpose "to <verb> …", without who it is with."""
        assert meeting_topic("meet ana to go over the roadmap") == "Go over the roadmap"
        assert meeting_topic("a call with bob about the budget") == "Budget"
        assert meeting_topic("time with carla to plan the offsite with the team") == "Plan the offsite"
        assert meeting_topic("add a meeting with dan to my calendar") is None
        assert meeting_topic("schedule a meeting with dan") is None


class TestClauses:
    def test_splits_at_a_second_action(self) -> None:
        """ "... and email her ..." starts a second clause; "Ana and Tom" does not."""
        text = "book lunch with Ana and Tom on friday and email her the address"
        assert [text[a:b] for a, b in split_clauses(text)] == [
            "book lunch with Ana and Tom on friday",
            "email her the address",
        ]


class TestWhen:
    def test_windows_follow_the_grain(self) -> None:
        """A day covers midnight to midnight; a month runs to the first of the next."""
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from automate.runtime.nlu.intents.when import value_window
        from automate.runtime.nlu.time import TimeValue

        start = datetime(2026, 11, 1, tzinfo=ZoneInfo("Europe/Lisbon"))
        day = TimeValue("instant", start, None, "day")
        month = TimeValue("instant", start, None, "month")
        assert value_window(day) == (start, start.replace(day=2))
        assert value_window(month) == (start, start.replace(month=12))

    def test_a_move_splits_where_from_and_where_to(self) -> None:
        """In "move my 3pm meeting to 4pm" the time after "to" is the target."""
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from automate.runtime.nlu.intents.when import read_when

        now = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Lisbon"))
        when = read_when("move my 3pm meeting to 4pm", now, moving=True)
        assert when.source is not None and when.source.start is not None
        assert when.target is not None and when.target.start is not None
        assert (when.source.start.hour, when.target.start.hour) == (15, 16)
