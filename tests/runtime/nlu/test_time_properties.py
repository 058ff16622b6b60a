"""Property tests: any text, random or mutated, gives well-formed answers in bounded time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automate.runtime.nlu.time import TimeValue, find_times, parse_time
from automate.runtime.nlu.time.values import GRAINS

REF = datetime(2013, 2, 12, 4, 30, tzinfo=UTC)
PHRASES = [
    "tomorrow at 3pm",
    "from 9:30 to 11 on thursday",
    "every monday at 9",
    "next friday",
    "July 13-15",
    "in 2 hours",
    "3 days ago",
    "christmas 2014",
    "after 5pm",
    "3pm PST",
    "the third tuesday of october 2014",
    "last weekend of October",
    "between 9h30 and 11h00",
]
WORDS = st.sampled_from(
    [w for p in PHRASES for w in p.split()] + ["the", "of", "-", "/", ":", "at", "on", "12", "99"]
)


def well_formed(value: TimeValue) -> None:
    """The invariants every value keeps."""
    assert value.grain in GRAINS
    for moment in (value.start, value.end):
        assert moment is None or moment.tzinfo is not None
    if value.kind == "interval":
        assert value.start is not None and value.end is not None
        assert value.start < value.end
    elif value.kind == "open_before":
        assert value.end is not None
    else:
        assert value.start is not None
    if value.kind == "recurrence":
        assert value.rrule is not None
        rrulestr(value.rrule, dtstart=value.start)
    for alternative in value.alternatives:
        well_formed(alternative)


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TestProperties:
    """Random and mutated inputs."""

    @FAST
    @given(st.text(max_size=80))
    def test_random_text(self, text: str) -> None:
        """Random text never raises and every answer is well formed."""
        value = parse_time(text, REF)
        if value is not None:
            well_formed(value)
        for match in find_times(text, REF):
            assert text[match.start : match.end] == match.text
            well_formed(match.value)

    @FAST
    @given(st.lists(WORDS, max_size=12))
    def test_mutated_phrases(self, words: list[str]) -> None:
        """Shuffled pieces of real phrases never raise and answers are well formed."""
        text = " ".join(words)
        value = parse_time(text, REF)
        if value is not None:
            well_formed(value)
        for match in find_times(text, REF):
            well_formed(match.value)

    @FAST
    @given(st.sampled_from(PHRASES), st.integers(-14, 14), st.integers(0, 400))
    def test_any_zone_and_day(self, phrase: str, hours: int, days: int) -> None:
        """Known phrases resolve at any reference zone and date, aware in some zone."""
        ref = (REF + timedelta(days=days)).astimezone(timezone(timedelta(hours=hours)))
        value = parse_time(phrase, ref)
        assert value is not None, phrase
        well_formed(value)

    @settings(max_examples=5, deadline=None)
    @given(st.sampled_from(PHRASES))
    def test_long_inputs_answer_in_bounded_time(self, phrase: str) -> None:
        """10,000 characters of time-like text are handled within a bounded time."""
        text = (phrase + " ") * (10_000 // (len(phrase) + 1))
        started = time.process_time()
        assert parse_time(text, REF) is None or True
        matches = find_times(text, REF)
        for match in matches[:50]:
            well_formed(match.value)
        assert time.process_time() - started < 20
