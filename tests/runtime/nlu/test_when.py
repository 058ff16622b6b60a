"""`when`: settling an am/pm-less hour, and what a move's target says (a day, or a time alone)."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from automate.runtime.nlu.intents.when import read_when, settle
from automate.runtime.nlu.time import parse_time
from tests.conftest import NOW

ZONE = NOW.tzinfo


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in November 2026 in the person's zone."""
    return datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


def office(moment: time) -> bool:
    """Plausible inside 09:00-17:00."""
    return time(9) <= moment <= time(17)


class TestSettle:
    def test_the_one_plausible_reading_is_kept_alone(self) -> None:
        """Of 11:00 and 23:00 only 11:00 is plausible: it is the value, no longer ambiguous."""
        value = parse_time("thursday at 11", NOW)
        assert value is not None and value.ambiguous
        settled = settle(value, office)
        assert (settled.start, settled.ambiguous, settled.alternatives) == (at(26, 11), False, ())

    def test_the_pm_reading_can_be_the_one(self) -> None:
        """Of 03:00 and 15:00 only 15:00 is plausible, though it is the later reading."""
        value = parse_time("friday at 3", NOW)
        assert value is not None and value.ambiguous
        settled = settle(value, office)
        assert (settled.start, settled.grain, settled.ambiguous) == (at(27, 15), "hour", False)

    @pytest.mark.parametrize("plausible", [lambda _t: True, lambda _t: False])
    def test_both_or_neither_leave_it_ambiguous(self, plausible: object) -> None:
        """When both readings fit, or neither, the value is returned as it was, to be asked about."""
        value = parse_time("thursday at 8", NOW)
        assert value is not None
        assert settle(value, plausible) == value  # type: ignore[arg-type]


class TestMoveTarget:
    @pytest.mark.parametrize(
        ("text", "dated"),
        [
            ("move the retro to 4pm", False),
            ("move the retro to 11:45", False),
            ("move the retro to friday at 4pm", True),
            ("move the retro to the 30th at 4pm", True),
            ("move the retro to next week at 4pm", True),
            ("move the retro to tomorrow", True),
        ],
    )
    def test_whether_the_target_names_a_day(self, text: str, dated: bool) -> None:
        """A target that is a time of day alone is told from one that names a day."""
        assert read_when(text, NOW, moving=True).target_dated is dated

    def test_a_range_with_no_marker_is_from_and_to(self) -> None:
        """ "my 3pm to 4pm" is the old time and the new one."""
        when = read_when("move my 3pm to 4pm", NOW, moving=True)
        assert when.source is not None and when.target is not None
        assert (when.source.start, when.target.start, when.target.kind) == (at(24, 15), at(24, 16), "instant")

    def test_a_bare_target_keeps_its_morning_reading(self) -> None:
        """ "to 9:45" said at 10:00 still offers 09:45, for the event's own day."""
        when = read_when("move the retro to 9:45", NOW, moving=True, plausible=office)
        assert when.target is not None and when.target.start is not None
        assert when.target.start.time() == time(9, 45)
