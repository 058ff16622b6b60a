"""Time as a dependency: policies read and wait on a `Clock`, never on `time` directly.

Injecting the clock lets tests run backoff schedules and rate limits in no
real time (see `integrations.testing.FakeClock`). The wall clock a run reads
its "now" from can be pinned with ``AUTOMATE_NOW`` (`pinned_now`), a testing
aid so that a suite, and every command it starts, sees the same date on any day.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol, runtime_checkable

from automate.integrations.errors import ConfigError

__all__ = ["NOW_ENV", "Clock", "SystemClock", "pinned_now"]

NOW_ENV = "AUTOMATE_NOW"


@runtime_checkable
class Clock(Protocol):
    """A monotonic time source and a way to wait on it."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` (zero or negative returns at once)."""
        ...


class SystemClock:
    """The real clock: `time.monotonic` and `asyncio.sleep`."""

    def monotonic(self) -> float:
        """Seconds from `time.monotonic`."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Sleep on the running event loop."""
        await asyncio.sleep(max(0.0, seconds))


def pinned_now(env: Mapping[str, str] | None = None) -> datetime | None:
    """The instant ``AUTOMATE_NOW`` stops the wall clock at, or None when it is unset.

    A testing aid: the value is ISO 8601 with an offset (``2026-11-24T10:00:00+00:00``);
    anything else is a `ConfigError`, so a typo never silently falls back to today.
    """
    text = (os.environ if env is None else env).get(NOW_ENV, "").strip()
    if not text:
        return None
    problem = f"{text!r} is not an ISO 8601 time with an offset (e.g. 2026-11-24T10:00:00+00:00)"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(NOW_ENV, "", problem) from exc
    if moment.utcoffset() is None:
        raise ConfigError(NOW_ENV, "", problem)
    return moment
