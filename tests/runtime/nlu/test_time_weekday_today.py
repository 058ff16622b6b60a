"""The time grammar's resolution of today's weekday said with a time already gone by."""

from __future__ import annotations

from datetime import datetime

import pytest

from automate.runtime.nlu.time import parse_time
from tests.conftest import NOW


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in 2026 in the person's zone (NOW is Tuesday 24 November, 10:00)."""
    return datetime(2026, month, day, hour, minute, tzinfo=NOW.tzinfo)


class TestTodaysWeekday:
    @pytest.mark.parametrize(
        ("text", "start"),
        [
            ("tuesday at 10", at(12, 1, 10)),
            ("tuesday at 9:15", at(12, 1, 9, 15)),
            ("tuesday at 6pm", at(11, 24, 18)),
            ("wednesday at 10", at(11, 25, 10)),
            ("last tuesday at 10", at(11, 17, 10)),
        ],
    )
    def test_a_time_gone_by_today_is_next_week(self, text: str, start: datetime) -> None:
        """Today's weekday at a time already past or now is next week's; a time to come is today."""
        value = parse_time(text, NOW)
        assert value is not None and value.start == start
