"""When a clause says something happens: one time value, the old and new times of a move,
or the readings to ask about when it is ambiguous."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from automate.runtime.nlu.time import TimeMatch, TimeValue

__all__ = ["When", "day_window", "read_when", "settle", "value_window"]

_COARSE = frozenset({"day", "week", "month", "quarter", "year"})
_FINE = frozenset({"second", "minute", "hour"})
_TARGET_MARKERS = ("to", "for", "until", "till", "into", "onto")
# Grains of a fixed length; months, quarters and years are counted on the calendar.
_FIXED_GRAINS = frozenset({"second", "minute", "hour", "day", "week"})


@dataclass(frozen=True)
class When:
    """The time a clause names (`value`), a move's source and target, and the matched spans."""

    value: TimeValue | None
    source: TimeValue | None
    target: TimeValue | None
    spans: tuple[tuple[int, int], ...]
    # Whether the move's target names a day, or is a time of day alone ("to 1pm"), which
    # stays on the moved event's own day.
    target_dated: bool = True

    @property
    def ambiguous(self) -> TimeValue | None:
        """The first value that has several readings, if any."""
        for value in (self.value, self.target, self.source):
            if value is not None and value.ambiguous and value.alternatives:
                return value
        return None


def _shifted(value: TimeValue, shift: timedelta) -> TimeValue:
    """`value` and its other readings, `shift` later."""
    return replace(
        value,
        start=None if value.start is None else value.start + shift,
        end=None if value.end is None else value.end + shift,
        stated_end=None if value.stated_end is None else value.stated_end + shift,
        alternatives=tuple(_shifted(alt, shift) for alt in value.alternatives),
    )


def _on_day(day: TimeValue, clock: TimeValue) -> TimeValue:
    """The clock time `clock` moved onto the date of `day` ("friday" + "at 3pm")."""
    if day.start is None or clock.start is None:
        return clock
    return _shifted(clock, timedelta(days=(day.start.date() - clock.start.date()).days))


def settle(value: TimeValue, plausible: Callable[[time], bool]) -> TimeValue:
    """The one reading of an am/pm-less hour that `plausible` accepts, as a plain value;
    `value` unchanged when both or neither are plausible (so the caller asks).

    The readings share a day and differ by twelve hours, so the chosen one is `value`
    moved by that difference: the end and stated end move along with it.
    """
    if not value.ambiguous or value.start is None:
        return value
    readings = [r.start for r in (value, *value.alternatives) if r.start is not None]
    fitting = {moment for moment in readings if plausible(moment.time())}
    if len(fitting) != 1:
        return value
    chosen = fitting.pop()
    return replace(_shifted(value, chosen - value.start), ambiguous=False, alternatives=())


def _read_on(day: datetime, clock: TimeMatch) -> TimeMatch:
    """The clock time read from the midnight of `day`: both readings of an am/pm-less hour
    stay even when one has already passed today ("thursday ... at 9" keeps 09:00)."""
    from automate.runtime.nlu.time import parse_time

    again = parse_time(clock.text, day.replace(hour=0, minute=0, second=0, microsecond=0))
    return clock if again is None or again.start is None else replace(clock, value=again)


def _combine(matches: list[TimeMatch]) -> TimeValue | None:
    """One value from the pieces a clause gives: a day and a clock time join into one."""
    usable = [m for m in matches if m.value.start is not None or m.value.end is not None]
    if not usable:
        return None
    day = next((m.value for m in usable if m.value.grain in _COARSE and m.value.start is not None), None)
    clock = next((m for m in usable if m.value.grain in _FINE and m.value.start is not None), None)
    if day is not None and clock is not None and day.kind != "recurrence":
        said = clock.value.start
        if day.start is not None and said is not None and day.start.date() != said.date():
            clock = _read_on(day.start, clock)
        return _on_day(day, clock.value)
    return usable[0].value


def _is_target(text: str, match: TimeMatch) -> bool:
    before = text[: match.start].rstrip().lower()
    return before.endswith(_TARGET_MARKERS) or match.text.lower().startswith(_TARGET_MARKERS)


def read_when(
    text: str,
    ref: datetime,
    *,
    moving: bool = False,
    plausible: Callable[[time], bool] | None = None,
    day: datetime | None = None,
) -> When:
    """Resolve the times of `text` at `ref`; with `moving`, split what moves from where to.

    With `plausible`, an am/pm-less hour whose readings it tells apart is settled (see `settle`).
    With `day` (an earlier clause's event: "book lunch on friday at 1 and remind me at 12:30"),
    a time of day said without a day falls on it.
    """
    # Imported on first use: the time grammar is the costly part of importing the router.
    from automate.runtime.nlu.time import find_times

    try:
        matches = find_times(text, ref)
    except Exception as exc:  # a time-parser fault must not lose the request: read it without times
        from automate.integrations.logs import get_logger  # only on this rare path, to keep the import cheap

        get_logger("automate.router").warning("time_parse_failed", error=type(exc).__name__)
        matches = []
    spans = tuple((m.start, m.end) for m in matches)

    def one(found: list[TimeMatch]) -> TimeValue | None:
        value = _combine(found)
        return value if value is None or plausible is None else settle(value, plausible)

    if not moving:
        near = None if day is None else _near_event(text, day, ref)
        if near is not None:
            value, found, spans = near
            return When(value or one(found), None, None, spans)
        if day is not None and matches and not any(_names_day(m, ref) for m in matches):
            matches = [_read_on(day, m) for m in matches]
        return When(one(matches), None, None, spans)
    targets = [m for m in matches if _is_target(text, m)]
    sources = [m for m in matches if not _is_target(text, m)]
    if not targets and sources:
        pair = _from_to(sources[-1], ref)
        if pair is None:
            targets, sources = sources[-1:], sources[:-1]
        else:  # "move my 4pm to 5pm": what moves, and where to, not an interval
            sources, targets = [*sources[:-1], pair[0]], [pair[1]]
    dated = any(_names_day(m, ref) for m in targets)
    if not dated:  # a time of day alone lands on the moved event's day: keep both readings
        targets = [_read_on(ref, m) for m in targets]
    return When(None, one(sources), one(targets), spans, target_dated=dated)


def _near_event(
    text: str, event: datetime, ref: datetime
) -> tuple[TimeValue | None, list[TimeMatch], tuple[tuple[int, int], ...]] | None:
    """A time said from an earlier clause's event: "an hour before" is a moment (the value),
    "the day before" the day on which the clause's own time of day is read (the matches to
    combine). With the spans of what was said; None when neither is."""
    from automate.runtime.nlu.time import TimeMatch, TimeValue, find_lengths, find_times

    lowered = text.lower()
    for length in find_lengths(text):
        side = lowered[length.end :].split()[:1]
        if side in (["before"], ["after"]):
            moment = event + (-1 if side == ["before"] else 1) * length.length
            said = (length.start, lowered.index(side[0], length.end) + len(side[0]))
            return TimeValue("instant", moment, None, "minute"), [], (said,)
    for phrase, sign in (("the day before", -1), ("the day after", 1)):
        at = lowered.find(phrase)
        if at < 0:
            continue
        # The phrase blanked out, so "before at 8pm" is read as "at 8pm" at the same place.
        blanked = text[:at] + " " * len(phrase) + text[at + len(phrase) :]
        clocks = [m for m in find_times(blanked, ref) if m.value.grain in _FINE]
        midnight = (event + timedelta(days=sign)).replace(hour=0, minute=0, second=0, microsecond=0)
        day = TimeMatch(
            at, at + len(phrase), text[at : at + len(phrase)], TimeValue("instant", midnight, None, "day")
        )
        return None, [day, *clocks], tuple(sorted((m.start, m.end) for m in (day, *clocks)))
    return None


def _names_day(match: TimeMatch, ref: datetime) -> bool:
    """Whether a time expression says a day ("friday", "2 december at 9", "tomorrow's"),
    not only a time of day ("1pm", "at 11:30"): some word of it reads as a day or longer."""
    from automate.runtime.nlu.time import find_times

    if match.value.grain in _COARSE:
        return True
    words = match.text.split()
    pieces = (" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1))
    return any(found.value.grain in _COARSE for piece in pieces for found in find_times(piece, ref))


def _from_to(match: TimeMatch, ref: datetime) -> tuple[TimeMatch, TimeMatch] | None:
    """The two ends of a range said without a target marker before it ("my 4pm to 5pm",
    "from 3 to 4"): in a move they are the old time and the new one."""
    from automate.runtime.nlu.time import TimeMatch, parse_time

    lowered = match.text.lower()
    cut = lowered.rfind(" to ")
    if match.value.kind != "interval" or cut < 0:
        return None
    first = match.text[:cut].removeprefix("from ").removeprefix("From ")
    second = match.text[cut + len(" to ") :]
    # A bare hour ("from 11 to 11:30") is a time only in context: read it as "at 11".
    ends = [parse_time(part, ref) or parse_time(f"at {part}", ref) for part in (first, second)]
    if ends[0] is None or ends[1] is None:
        return None
    start = match.start + len(match.text[:cut]) - len(first)
    at = match.start + cut + len(" to ")
    return TimeMatch(start, match.start + cut, first, ends[0]), TimeMatch(at, match.end, second, ends[1])


def value_window(value: TimeValue) -> tuple[datetime, datetime] | None:
    """The [start, end) a value covers: its interval, or its grain's length from its start."""
    if value.start is None:
        return None
    if value.end is not None:
        return value.start, value.end
    if value.grain in _FIXED_GRAINS:
        return value.start, value.start + timedelta(**{f"{value.grain}s": 1})
    months = {"month": 1, "quarter": 3}.get(value.grain, 12)
    first = value.start.replace(day=1)
    year, month = divmod(first.month - 1 + months, 12)
    return value.start, first.replace(year=first.year + year, month=month + 1)


def day_window(moment: datetime, days: int = 1) -> tuple[datetime, datetime]:
    """From the midnight of `moment`'s day, `days` days long."""
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=days)
