"""Tests for parsing the Retry-After header."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from automate.integrations.retry_after import parse_retry_after

NOW = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)


class TestParseRetryAfter:
    @pytest.mark.parametrize(("value", "seconds"), [("120", 120.0), (" 5 ", 5.0), ("0", 0.0), ("1.5", 1.5)])
    def test_delta_seconds(self, value: str, seconds: float) -> None:
        """A number of seconds is taken as it is."""
        assert parse_retry_after(value, NOW) == seconds

    def test_http_date_in_the_future(self) -> None:
        """An HTTP-date gives the seconds from now until then."""
        assert parse_retry_after("Sat, 21 Nov 2026 12:01:30 GMT", NOW) == 90.0

    def test_http_date_in_the_past_is_zero(self) -> None:
        """A date already gone means no wait, never a negative one."""
        assert parse_retry_after("Sat, 21 Nov 2026 11:00:00 GMT", NOW) == 0.0

    def test_negative_seconds_are_zero(self) -> None:
        """A negative delta is treated as 'now'."""
        assert parse_retry_after("-30", NOW) == 0.0

    def test_now_in_another_zone_or_naive(self) -> None:
        """The reference time may be in any zone; a naive one is taken as UTC."""
        lisbon_noon = NOW.astimezone(timezone(timedelta(hours=1)))
        assert parse_retry_after("Sat, 21 Nov 2026 12:00:10 GMT", lisbon_noon) == 10.0
        assert parse_retry_after("Sat, 21 Nov 2026 12:00:10 GMT", NOW.replace(tzinfo=None)) == 10.0

    @pytest.mark.parametrize("value", [None, "", "soon", "12 seconds", "inf", "nan", "Mon, 99 Foo 2026"])
    def test_garbage_is_none(self, value: str | None) -> None:
        """Anything that is neither seconds nor an HTTP-date gives None."""
        assert parse_retry_after(value, NOW) is None
