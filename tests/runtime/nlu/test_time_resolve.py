"""resolve_form's direct answers agree with a plain walk over the calendar; to_value's
values are ordinary TimeValues."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from automate.runtime.nlu.time import TimeValue
from automate.runtime.nlu.time.convert import to_value
from automate.runtime.nlu.time.forms import Form, Span
from automate.runtime.nlu.time.resolve import resolve_form

ZONES = [UTC, timezone(timedelta(hours=-2)), ZoneInfo("America/New_York")]


def walked(weekday: int, today: date, not_immediate: bool, past: bool) -> date:
    """The day a weekday names, found by stepping one day at a time."""
    day = today + timedelta(days=1 if not_immediate else 0)
    if past:
        day -= timedelta(days=1)
        while day.weekday() != weekday:
            day -= timedelta(days=1)
        return day
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


class TestWeekdays:
    """A weekday alone resolves to a whole day."""

    @pytest.mark.parametrize("zone", ZONES)
    @pytest.mark.parametrize(("not_immediate", "past"), [(False, False), (True, False), (False, True)])
    def test_every_weekday_from_every_day_of_a_fortnight(
        self, zone: timezone | ZoneInfo, not_immediate: bool, past: bool
    ) -> None:
        """Each weekday, said on each day of two weeks (across a DST change), is the day
        a day-by-day walk finds, midnight to midnight in the reference's zone."""
        for offset in range(14):
            ref = datetime(2013, 3, 4, 13, 45, tzinfo=zone) + timedelta(days=offset)
            for weekday in range(7):
                form = Form(weekday=weekday, not_immediate=not_immediate, past=past)
                got = resolve_form(form, ref)
                assert got is not None
                day = walked(weekday, ref.date(), not_immediate, past)
                start = datetime(day.year, day.month, day.day, tzinfo=zone)
                assert got.span == Span(start, start + timedelta(days=1), "day")
                assert not got.interval and got.alternative is None

    def test_a_weekday_with_a_time_still_searches(self) -> None:
        """A weekday with an hour takes the general search: "friday at 3" is on friday."""
        ref = datetime(2013, 2, 12, 4, 30, tzinfo=UTC)
        got = resolve_form(Form(weekday=4, hour=15), ref)
        assert got is not None
        assert got.span.start == datetime(2013, 2, 15, 15, tzinfo=UTC)
        assert got.span.grain == "hour"


class TestToValue:
    """Values built on the fast path are ordinary TimeValues."""

    def test_equal_hashable_and_replaceable_like_constructed_ones(self) -> None:
        """A resolved instant equals, hashes like and is replaced like the same value
        built with the constructor, and stays frozen."""
        ref = datetime(2013, 2, 12, 4, 30, tzinfo=UTC)
        got = to_value(Form(weekday=4), ref)
        start = datetime(2013, 2, 15, tzinfo=UTC)
        built = TimeValue("instant", start, None, "day")
        assert got == built and hash(got) == hash(built) and repr(got) == repr(built)
        assert dataclasses.replace(got, grain="week") == dataclasses.replace(built, grain="week")
        with pytest.raises(dataclasses.FrozenInstanceError):
            got.grain = "week"  # type: ignore[misc]
