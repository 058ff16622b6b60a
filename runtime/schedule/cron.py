"""Cron expressions in an explicit time zone, stepped in wall-clock time, DST-correct.

`croniter` walks naive local times; each is then placed in the zone. A wall
time skipped by a spring-forward change fires at the same instant the
clock jumps to (01:30 that never happened fires at 02:30 summer time); a
wall time repeated by a fall-back change fires once, at its first
occurrence. Fire times only ever move forward.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["cron_problem", "fire_times", "zone"]

MACROS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})


def cron_problem(expr: str, timezone: str | None) -> str | None:
    """Why a cron trigger cannot be used, or None."""
    from croniter import croniter

    text = expr.strip()
    if text not in MACROS and len(text.split()) != 5:
        return f"cron {expr!r} must have 5 fields (minute hour day month weekday) or be an @-macro"
    if not croniter.is_valid(text):
        return f"cron {expr!r} is not a valid cron expression"
    if not timezone:
        return "a cron trigger needs `timezone:` (an IANA name such as Europe/Lisbon)"
    try:
        zone(timezone)
    except ValueError as exc:
        return str(exc)
    return None


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; `ValueError` if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def fire_times(expr: str, tz: ZoneInfo, after: datetime, until: datetime | None = None) -> Iterator[datetime]:
    """The schedule's fire times strictly after `after` (and up to `until`), in zone `tz`."""
    from croniter import croniter

    start = after.astimezone(tz)
    steps = croniter(expr.strip(), start.replace(tzinfo=None, fold=0))
    last = after.astimezone(UTC)
    while True:
        naive: datetime = steps.get_next(datetime)
        instant = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
        if instant <= last:
            continue
        if until is not None and instant > until.astimezone(UTC):
            return
        last = instant
        yield instant.astimezone(tz)
