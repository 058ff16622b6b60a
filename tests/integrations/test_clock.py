"""The wall clock a test can pin: AUTOMATE_NOW read by `pinned_now`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from automate.integrations.clock import pinned_now
from automate.integrations.errors import ConfigError


class TestPinnedNow:
    def test_unset_or_blank_leaves_the_real_clock(self) -> None:
        """Without AUTOMATE_NOW, or with it empty, nothing is pinned."""
        assert pinned_now({}) is None
        assert pinned_now({"AUTOMATE_NOW": "  "}) is None

    def test_an_iso_time_with_offset_is_the_instant(self) -> None:
        """An ISO 8601 time with an offset is read as that exact instant, offset kept."""
        moment = pinned_now({"AUTOMATE_NOW": "2031-02-03T04:05:06-03:00"})
        assert moment == datetime(2031, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-3)))
        assert moment is not None and moment.utcoffset() == timedelta(hours=-3)

    @pytest.mark.parametrize("text", ["tomorrow", "2031-02-03T04:05:06", "2031-02-30T10:00+00:00"])
    def test_anything_else_is_a_config_error_naming_the_variable(self, text: str) -> None:
        """A word, a time without an offset or an impossible date is a ConfigError about AUTOMATE_NOW."""
        with pytest.raises(ConfigError) as caught:
            pinned_now({"AUTOMATE_NOW": text})
        assert str(caught.value).startswith("AUTOMATE_NOW: ")
        assert repr(text) in str(caught.value) and "\n" not in str(caught.value)
