"""Cron schedules in an explicit zone: next fire times across DST changes, and checks."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from automate.runtime.schedule.cron import cron_problem, fire_times

LISBON = ZoneInfo("Europe/Lisbon")
NEW_YORK = ZoneInfo("America/New_York")


def first(expr: str, after: datetime, count: int = 5, tz: ZoneInfo = LISBON) -> list[str]:
    return [t.isoformat() for t in itertools.islice(fire_times(expr, tz, after), count)]


class TestFireTimes:
    def test_weekday_mornings(self) -> None:
        """'30 7 * * mon-fri' from a Friday noon gives Monday to Friday at 07:30 local."""
        assert first("30 7 * * mon-fri", datetime(2026, 11, 20, 12, 0, tzinfo=LISBON)) == [
            "2026-11-23T07:30:00+00:00",
            "2026-11-24T07:30:00+00:00",
            "2026-11-25T07:30:00+00:00",
            "2026-11-26T07:30:00+00:00",
            "2026-11-27T07:30:00+00:00",
        ]

    def test_daily_time_keeps_the_wall_clock_across_spring_forward(self) -> None:
        """09:00 stays 09:00 local when summer time starts; the UTC offset changes."""
        assert first("0 9 * * *", datetime(2026, 3, 28, 12, 0, tzinfo=NEW_YORK), 3, NEW_YORK) == [
            "2026-03-29T09:00:00-04:00",
            "2026-03-30T09:00:00-04:00",
            "2026-03-31T09:00:00-04:00",
        ]
        assert first("0 9 * * *", datetime(2026, 3, 7, 12, 0, tzinfo=NEW_YORK), 2, NEW_YORK) == [
            "2026-03-08T09:00:00-04:00",
            "2026-03-09T09:00:00-04:00",
        ]

    def test_a_skipped_wall_time_fires_when_the_clock_jumps(self) -> None:
        """01:30 does not exist on the spring-forward night; it fires at 02:30 summer time, once."""
        assert first("30 1 * * *", datetime(2026, 3, 28, 12, 0, tzinfo=LISBON), 2) == [
            "2026-03-29T02:30:00+01:00",
            "2026-03-30T01:30:00+01:00",
        ]

    def test_a_repeated_wall_time_fires_once(self) -> None:
        """01:30 happens twice on the fall-back night; it fires only the first time."""
        assert first("30 1 * * *", datetime(2026, 10, 24, 12, 0, tzinfo=LISBON), 2) == [
            "2026-10-25T01:30:00+01:00",
            "2026-10-26T01:30:00+00:00",
        ]

    def test_half_hourly_through_fall_back_never_goes_backwards(self) -> None:
        """Fire times strictly increase through the repeated hour."""
        times = [
            datetime.fromisoformat(t)
            for t in first("*/30 * * * *", datetime(2026, 10, 25, 0, 50, tzinfo=LISBON), 6)
        ]
        assert times == sorted(times) and len(set(times)) == 6

    def test_until_bounds_the_times(self) -> None:
        """Only times up to `until` are given."""
        after = datetime(2026, 11, 24, 0, 0, tzinfo=LISBON)
        got = list(fire_times("0 */6 * * *", LISBON, after, datetime(2026, 11, 24, 18, 0, tzinfo=LISBON)))
        assert [t.hour for t in got] == [6, 12, 18]


class TestCronProblem:
    @pytest.mark.parametrize(
        ("expr", "tz", "problem"),
        [
            ("61 * * * *", "UTC", "not a valid cron"),
            ("* * * * * *", "UTC", "5 fields"),
            ("0 7 * * *", None, "needs `timezone:`"),
            ("0 7 * * *", "Mars/Olympus", "unknown time zone"),
        ],
    )
    def test_bad_schedules_are_explained(self, expr: str, tz: str | None, problem: str) -> None:
        """Invalid expressions, extra fields, a missing or unknown zone are named."""
        found = cron_problem(expr, tz)
        assert found is not None and problem in found

    def test_good_schedules_pass(self) -> None:
        """A 5-field expression or a macro with a known zone is fine."""
        assert cron_problem("30 7 * * mon-fri", "Europe/Lisbon") is None
        assert cron_problem("@daily", "UTC") is None
