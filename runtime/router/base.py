"""The one interface every router implements, so one router can replace another."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo

from automate.runtime.plan import Routing

__all__ = ["RouteContext", "TaskRouter"]


@dataclass(frozen=True)
class RouteContext:
    """What a router may know besides the text: the current time and zone, and the person's
    working hours (which settle an am/pm-less hour: "at 10" is 10:00, "at 2" is 14:00)."""

    now: datetime
    timezone: ZoneInfo
    default_duration_minutes: int = 30
    working_hours: tuple[time, time] = (time(9, 0), time(17, 0))


class TaskRouter(Protocol):
    """Turns a request into a `Plan`, a `Clarification` or a `Decline`; never raises for bad text."""

    def route(self, text: str, context: RouteContext) -> Routing:
        """Understand `text` at `context.now`."""
        ...
