"""Clock times in their sentence: before "with"/"and", and after "in N days"."""

from __future__ import annotations

from datetime import datetime

import pytest

from automate.runtime.nlu.time import find_times
from tests.conftest import NOW


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in November 2026 in the person's zone (NOW is the 24th, 10:00)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=NOW.tzinfo)


class TestBeforeALinkingWord:
    @pytest.mark.parametrize(
        ("text", "said", "start"),
        [
            ("see Rui at half past three with Carla", "at half past three", at(24, 15, 30)),
            ("call at 4 and then email Rui", "at 4", at(24, 16)),
        ],
    )
    def test_a_time_before_with_or_and_is_found(self, text: str, said: str, start: datetime) -> None:
        """A number before "with" or "and" counts nothing, so it stays a time."""
        found = find_times(text, NOW)
        assert [(m.text, m.value.start) for m in found] == [(said, start)]

    def test_a_number_before_a_noun_still_counts_things(self) -> None:
        """ "for 4 guests" is a count, not 4 o'clock."""
        assert find_times("a table for 4 guests", NOW) == []


class TestInDaysAt:
    @pytest.mark.parametrize(
        ("text", "start"),
        [
            ("in 2 days at 8am", at(26, 8)),
            ("in four days at 17:45", at(28, 17, 45)),
        ],
    )
    def test_the_time_of_day_is_on_that_day(self, text: str, start: datetime) -> None:
        """ "in N days at T" is T on the day N days on, not N days from this very hour."""
        found = find_times(text, NOW)
        assert [(m.text, m.value.start) for m in found] == [(text, start)]
