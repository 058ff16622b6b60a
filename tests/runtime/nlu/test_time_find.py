"""find_times: every time expression in a sentence, longest first, without overlaps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from automate.runtime.nlu.time import find_lengths, find_times

REF = datetime(2013, 2, 12, 4, 30, tzinfo=UTC)


def texts(sentence: str) -> list[str]:
    """The matched spans of a sentence."""
    return [m.text for m in find_times(sentence, REF)]


class TestFindTimes:
    """Finding times inside requests."""

    def test_adjacent_parts_merge(self) -> None:
        """ "tomorrow" and "at 3pm" form one expression."""
        matches = find_times("schedule a meeting with Ana tomorrow at 3pm", REF)
        assert [m.text for m in matches] == ["tomorrow at 3pm"]
        assert matches[0].value.start == datetime(2013, 2, 13, 15, tzinfo=UTC)

    def test_character_offsets(self) -> None:
        """A match's span indexes the original text."""
        sentence = "call mum next friday please"
        (match,) = find_times(sentence, REF)
        assert sentence[match.start : match.end] == match.text == "next friday"

    def test_bare_hour_after_for_is_ambiguous(self) -> None:
        """ "set an alarm for 7" finds 7 o'clock with both readings."""
        (match,) = find_times("set an alarm for 7", REF)
        assert match.value.ambiguous
        assert match.value.start == datetime(2013, 2, 12, 7, tzinfo=UTC)

    def test_recurrence(self) -> None:
        """ "every monday at 9" is one recurrence."""
        (match,) = find_times("wake me up every monday at 9", REF)
        assert match.value.kind == "recurrence"
        assert match.value.rrule == "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"

    def test_two_separate_times(self) -> None:
        """Times apart in the sentence are found separately, in order."""
        assert texts("call on friday and write next week") == ["on friday", "next week"]

    def test_range_with_its_day_is_one(self) -> None:
        """A range and the day it is on form one interval."""
        (match,) = find_times("block between 9:30 and 11 on thursday for review", REF)
        assert match.text == "between 9:30 and 11 on thursday"
        assert match.value.kind == "interval"

    def test_quantities_are_not_times(self) -> None:
        """Counts of things are not times."""
        assert texts("book a table for 2 people") == []
        assert texts("1 adult and 25 people") == []
        assert texts("stay for 2 weeks") == []

    def test_counted_things_are_not_times(self) -> None:
        """A number or ordinal before a noun counts things."""
        assert texts("talk about three things") == []
        assert texts("the first satellite") == []
        assert texts("see you on the 1st") == ["on the 1st"]

    def test_rest_of_the_week(self) -> None:
        """ "the rest of the week" runs from now to the week's end."""
        (match,) = find_times("clear the rest of the week", REF)
        assert (match.value.start, match.value.end) == (REF, datetime(2013, 2, 18, tzinfo=UTC))

    def test_words_that_are_rarely_times_alone(self) -> None:
        """ "may", "second" and adjectival "monthly" alone are not times."""
        assert texts("may I ask a second question") == []
        assert texts("create a list of monthly groceries") == []

    def test_one_after_a_determiner_is_a_pronoun(self) -> None:
        """ "that one on monday" names monday, not 1:00; "the one o'clock bus" keeps its hour."""
        assert texts("that one on monday") == ["on monday"]
        assert texts("which one at 5pm") == ["at 5pm"]
        assert texts("catch the one o'clock bus") == ["one o'clock"]

    def test_no_times(self) -> None:
        """A sentence without a time has no matches."""
        assert texts("play some jazz") == []
        assert texts("") == []


class TestStatedEnd:
    """The end a person said, beside the grammar's exclusive end."""

    def test_a_clock_time_ends_at_its_own_moment(self) -> None:
        """ "12 to 1pm" and "from 10:30 to 11:15" stop at 13:00 and 11:15; `end` keeps the unit's end."""
        (noon,) = find_times("lunch friday 12 to 1pm", REF)
        assert (noon.value.stated_end, noon.value.end) == (
            datetime(2013, 2, 15, 13, tzinfo=UTC),
            datetime(2013, 2, 15, 14, tzinfo=UTC),
        )
        (sync,) = find_times("sync tomorrow from 10:30 to 11:15", REF)
        assert sync.value.stated_end == datetime(2013, 2, 13, 11, 15, tzinfo=UTC)

    def test_a_time_and_a_length_end_after_the_length(self) -> None:
        """ "at 10am for 45 minutes" ends at 10:45."""
        (match,) = find_times("meet tomorrow at 10am for 45 minutes", REF)
        assert match.value.stated_end == datetime(2013, 2, 13, 10, 45, tzinfo=UTC)

    def test_a_date_range_includes_its_last_day(self) -> None:
        """ "monday to friday" is said through friday: the stated end is friday's end."""
        (match,) = find_times("away monday to friday", REF)
        assert match.value.stated_end == match.value.end == datetime(2013, 2, 23, tzinfo=UTC)  # next week

    def test_no_range_no_stated_end(self) -> None:
        """A single time says no end."""
        (match,) = find_times("tomorrow at 3pm", REF)
        assert match.value.stated_end is None


class TestFindLengths:
    """Lengths of time inside requests."""

    def test_lengths_said_every_way(self) -> None:
        """Digits, words, hyphenated adjectives, halves: each is one length with its span."""
        cases = {
            "a 2-hour review": ("2-hour", 120),
            "book an hour with frank": ("an hour", 60),
            "block 90 minutes": ("90 minutes", 90),
            "lunch for an hour and a half": ("an hour and a half", 90),
            "one and a half hours of prep": ("one and a half hours", 90),
            "a 30 minute call": ("30 minute", 30),
        }
        for sentence, (text, minutes) in cases.items():
            (match,) = find_lengths(sentence)
            assert (match.text, match.length) == (text, timedelta(minutes=minutes)), sentence
            assert sentence[match.start : match.end] == text

    def test_no_length_and_calendar_units(self) -> None:
        """Words without a length give none; months and years have no fixed length."""
        assert find_lengths("lunch with ana tomorrow") == []
        assert find_lengths("for 3 months") == []
