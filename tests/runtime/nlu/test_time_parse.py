"""parse_time on each family of forms, at a fixed reference time (Tuesday 2013-02-12 04:30)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from dateutil.rrule import rrulestr

from automate.runtime.nlu.time import TimeValue, parse_time

REF = datetime(2013, 2, 12, 4, 30, tzinfo=UTC)


def dt(*parts: int) -> datetime:
    """A UTC datetime, as the reference's zone."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def parsed(text: str, ref: datetime = REF) -> TimeValue:
    """The value of a phrase that must parse."""
    value = parse_time(text, ref)
    assert value is not None, text
    return value


def check(text: str, kind: str, start: datetime | None, end: datetime | None, grain: str) -> None:
    """Assert the kind, bounds and grain of a phrase's value."""
    value = parsed(text)
    assert (value.kind, value.start, value.end, value.grain) == (kind, start, end, grain), text


class TestClock:
    """Times of day."""

    @pytest.mark.parametrize(
        ("text", "start", "grain"),
        [
            ("3pm", dt(2013, 2, 12, 15), "hour"),
            ("15h00", dt(2013, 2, 12, 15), "minute"),
            ("15h", dt(2013, 2, 12, 15), "minute"),
            ("noon", dt(2013, 2, 12, 12), "hour"),
            ("a quarter past 3pm", dt(2013, 2, 12, 15, 15), "minute"),
            ("half past three pm", dt(2013, 2, 12, 15, 30), "minute"),
            ("20 minutes to 2pm", dt(2013, 2, 12, 13, 40), "minute"),
            ("3:15:20", dt(2013, 2, 12, 15, 15, 20), "second"),
            ("seven thirty p.m.", dt(2013, 2, 12, 19, 30), "minute"),
            ("at 730 in the evening", dt(2013, 2, 12, 19, 30), "minute"),
            ("12:15 am", dt(2013, 2, 13, 0, 15), "minute"),
        ],
    )
    def test_clock_times(self, text: str, start: datetime, grain: str) -> None:
        """A time of day resolves to its next occurrence at the precision said."""
        check(text, "instant", start, None, grain)

    def test_hour_without_meridiem_is_ambiguous(self) -> None:
        """ "at 7" reads as 7am with 7pm offered as the other reading."""
        value = parsed("at 7")
        assert value.start == dt(2013, 2, 12, 7)
        assert value.ambiguous
        assert [alt.start for alt in value.alternatives] == [dt(2013, 2, 12, 19)]

    def test_past_morning_hour_rolls_to_afternoon(self) -> None:
        """ "3:30" at 04:30 means 15:30 today, since 03:30 has passed."""
        check("3:30", "instant", dt(2013, 2, 12, 15, 30), None, "minute")

    @pytest.mark.parametrize("text", ["4a", "3 30", "at 650.650.6500", "dozens o'clock"])
    def test_number_shapes_that_are_not_times(self, text: str) -> None:
        """Things that merely contain numbers are rejected."""
        assert parse_time(text, REF) is None


class TestDates:
    """Calendar dates, numeric and written."""

    @pytest.mark.parametrize(
        ("text", "start", "grain"),
        [
            ("2/15", dt(2013, 2, 15), "day"),
            ("10/31/1974", dt(1974, 10, 31), "day"),
            ("31-Oct-74", dt(1974, 10, 31), "day"),
            ("2015-03-03", dt(2015, 3, 3), "day"),
            ("march 3rd 2015", dt(2015, 3, 3), "day"),
            ("the third of march", dt(2013, 3, 3), "day"),
            ("Fri, Jul 18", dt(2014, 7, 18), "day"),
            ("October 2014", dt(2014, 10, 1), "month"),
            ("the 1st", dt(2013, 3, 1), "day"),
            ("in 2014 AD", dt(2014, 1, 1), "year"),
            ("4th quarter 2018", dt(2018, 10, 1), "quarter"),
            ("first tuesday of october", dt(2013, 10, 1), "day"),
            ("last day of october 2015", dt(2015, 10, 31), "day"),
        ],
    )
    def test_dates(self, text: str, start: datetime, grain: str) -> None:
        """Dates resolve to the next fitting day, or the year said outright."""
        check(text, "instant", start, None, grain)

    @pytest.mark.parametrize("text", ["1 adult", "25 people", "this one", "we are separated"])
    def test_non_times(self, text: str) -> None:
        """Quantities and ordinary words are not times."""
        assert parse_time(text, REF) is None


class TestRelative:
    """Times relative to the reference."""

    @pytest.mark.parametrize(
        ("text", "start", "grain"),
        [
            ("now", dt(2013, 2, 12, 4, 30), "second"),
            ("tomorrow", dt(2013, 2, 13), "day"),
            ("the day after tomorrow", dt(2013, 2, 14), "day"),
            ("in 2 hours", dt(2013, 2, 12, 6, 30), "second"),
            ("3 days ago", dt(2013, 2, 9, 4), "hour"),
            ("in a week", dt(2013, 2, 19), "day"),
            ("last week", dt(2013, 2, 4), "week"),
            ("next month", dt(2013, 3, 1), "month"),
            ("last sunday", dt(2013, 2, 10), "day"),
            ("wednesday of next week", dt(2013, 2, 20), "day"),
            ("tomorrow at 3pm", dt(2013, 2, 13, 15), "hour"),
            ("8 tonight", dt(2013, 2, 12, 20), "hour"),
            ("3 fridays from now", dt(2013, 3, 1), "day"),
        ],
    )
    def test_relative(self, text: str, start: datetime, grain: str) -> None:
        """Relative phrases count from the reference time."""
        check(text, "instant", start, None, grain)

    def test_next_weekday_in_this_week_is_ambiguous(self) -> None:
        """ "next wednesday" said on a Tuesday: next week's, or tomorrow."""
        value = parsed("next wednesday")
        assert value.start == dt(2013, 2, 20)
        assert value.ambiguous
        assert [alt.start for alt in value.alternatives] == [dt(2013, 2, 13)]

    def test_next_weekday_after_this_week_is_not_ambiguous(self) -> None:
        """ "next monday" said on a Tuesday has one reading."""
        value = parsed("next monday")
        assert value.start == dt(2013, 2, 18)
        assert not value.ambiguous


class TestMoreForms:
    """Forms beyond the basic families."""

    @pytest.mark.parametrize(
        ("text", "start", "grain"),
        [
            ("Sunday, Feb 10", dt(2013, 2, 10), "day"),
            ("thanksgiving in a year", dt(2014, 11, 27), "day"),
            ("3ish pm", dt(2013, 2, 12, 15), "hour"),
            ("7.30pm", dt(2013, 2, 12, 19, 30), "minute"),
            ("sept. 1st", dt(2013, 9, 1), "day"),
            ("2015-03-03T15:30:00", dt(2015, 3, 3, 15, 30), "second"),
            ("in two thousand and seventeen", dt(2017, 1, 1), "year"),
            ("the last friday of the month", dt(2013, 2, 22), "day"),
        ],
    )
    def test_more_instants(self, text: str, start: datetime, grain: str) -> None:
        """Weekday-checked dates, yearly names after a duration, approximations, ISO."""
        check(text, "instant", start, None, grain)

    @pytest.mark.parametrize(
        ("text", "kind", "start", "end", "grain"),
        [
            ("last night", "interval", dt(2013, 2, 11, 18), dt(2013, 2, 12), "hour"),
            ("mid-march", "interval", dt(2013, 3, 11), dt(2013, 3, 21), "day"),
            ("the next 3 days", "interval", dt(2013, 2, 13), dt(2013, 2, 16), "day"),
            ("after lunch", "open_after", dt(2013, 2, 12, 14), None, "hour"),
            ("until 6", "open_before", None, dt(2013, 2, 12, 6), "hour"),
        ],
    )
    def test_more_intervals(
        self, text: str, kind: str, start: datetime | None, end: datetime | None, grain: str
    ) -> None:
        """Parts of days, named stretches and open bounds."""
        check(text, kind, start, end, grain)


class TestIntervals:
    """Ranges, parts of day and open intervals."""

    @pytest.mark.parametrize(
        ("text", "start", "end", "grain"),
        [
            ("from 3 to 5pm", dt(2013, 2, 12, 15), dt(2013, 2, 12, 18), "hour"),
            (
                "between 9:30 and 11:00 on thursday",
                dt(2013, 2, 14, 9, 30),
                dt(2013, 2, 14, 11, 1),
                "minute",
            ),
            ("this weekend", dt(2013, 2, 15, 18), dt(2013, 2, 18), "hour"),
            ("July 13-15", dt(2013, 7, 13), dt(2013, 7, 16), "day"),
            ("from the 13th to the 15th of July", dt(2013, 7, 13), dt(2013, 7, 16), "day"),
            ("this evening", dt(2013, 2, 12, 18), dt(2013, 2, 13), "hour"),
            ("tomorrow afternoon", dt(2013, 2, 13, 12), dt(2013, 2, 13, 19), "hour"),
            ("next 3 days", dt(2013, 2, 13), dt(2013, 2, 16), "day"),
            ("last 2 months", dt(2012, 12, 1), dt(2013, 2, 1), "month"),
            ("end of the month", dt(2013, 2, 21), dt(2013, 3, 1), "day"),
            ("4pm for 30 mins", dt(2013, 2, 12, 16), dt(2013, 2, 12, 16, 31), "minute"),
            ("by 2:00pm", dt(2013, 2, 12, 4, 30), dt(2013, 2, 12, 14), "second"),
        ],
    )
    def test_intervals(self, text: str, start: datetime, end: datetime, grain: str) -> None:
        """Intervals have a start and an exclusive end."""
        check(text, "interval", start, end, grain)

    def test_after(self) -> None:
        """ "after 5pm" is open after 17:00."""
        check("after 5pm", "open_after", dt(2013, 2, 12, 17), None, "hour")

    def test_before(self) -> None:
        """ "before noon" is open before 12:00 (the bound is the end)."""
        check("before noon", "open_before", None, dt(2013, 2, 12, 12), "hour")


class TestHolidays:
    """Holidays from the holidays package and rules for observances."""

    @pytest.mark.parametrize(
        ("text", "start"),
        [
            ("christmas", dt(2013, 12, 25)),
            ("thanksgiving 2014", dt(2014, 11, 27)),
            ("last easter", dt(2012, 4, 8)),
            ("MLK day of last year", dt(2012, 1, 16)),
            ("valentine's day", dt(2013, 2, 14)),
            ("black friday 2017", dt(2017, 11, 24)),
            ("Eid al-Adha 1966", dt(1966, 4, 1)),
        ],
    )
    def test_holidays(self, text: str, start: datetime) -> None:
        """A holiday resolves to its day."""
        check(text, "instant", start, None, "day")

    def test_ramadan_is_an_interval(self) -> None:
        """A holiday lasting weeks is an interval."""
        check("Ramadan 1977", "interval", dt(1977, 8, 15), dt(1977, 9, 14), "day")

    def test_apostrophe_cut_name_is_not_a_holiday(self) -> None:
        """A mangled name is not guessed at."""
        assert parse_time("Martin Luther King' day", REF) is None


class TestZones:
    """Times with a zone abbreviation."""

    def test_zone_named_in_text(self) -> None:
        """ "3pm PST" is 15:00 at UTC-8, an aware datetime in that zone."""
        value = parsed("3pm PST")
        assert value.start is not None
        assert value.start.utcoffset() == timedelta(hours=-8)
        assert value.start.astimezone(UTC) == dt(2013, 2, 12, 23)

    def test_reference_zone_is_kept(self) -> None:
        """Without a zone in the text the reference's zone is used."""
        zone = timezone(timedelta(hours=-2))
        value = parsed("tomorrow at 9", REF.astimezone(zone))
        assert value.start == datetime(2013, 2, 13, 9, tzinfo=zone)

    def test_naive_reference_is_utc(self) -> None:
        """A naive reference time is read as UTC."""
        value = parsed("tomorrow", REF.replace(tzinfo=None))
        assert value.start == dt(2013, 2, 13)


class TestRecurrence:
    """Recurrences with an RRULE."""

    @pytest.mark.parametrize(
        ("text", "start", "rrule"),
        [
            ("every monday at 9", dt(2013, 2, 18, 9), "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"),
            ("every day at 7am", dt(2013, 2, 12, 7), "FREQ=DAILY;BYHOUR=7;BYMINUTE=0"),
            ("every 2 weeks", dt(2013, 2, 12, 4, 30), "FREQ=WEEKLY;INTERVAL=2"),
        ],
    )
    def test_recurrences(self, text: str, start: datetime, rrule: str) -> None:
        """A recurrence carries its first occurrence and an RRULE."""
        value = parsed(text)
        assert (value.kind, value.start, value.rrule) == ("recurrence", start, rrule)

    def test_first_occurrence_is_the_earliest_weekday(self) -> None:
        """ "every weekday at 8:30" said on a Thursday morning starts on Friday."""
        thursday = datetime(2013, 2, 14, 10, tzinfo=UTC)
        value = parsed("every weekday at 8:30", thursday)
        assert value.start == datetime(2013, 2, 15, 8, 30, tzinfo=UTC)

    def test_rrule_agrees_with_first_occurrence(self) -> None:
        """The RRULE's first occurrence is the value's start, hour included."""
        for text in ("every monday at 5", "every morning", "weekdays at 9"):
            value = parsed(text)
            assert value.rrule is not None and value.start is not None
            first = rrulestr(value.rrule, dtstart=value.start)[0]
            assert first == value.start, text
