"""The one interface every router implements, so one router can replace another."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from automate.runtime.plan import Routing

__all__ = ["RouteContext", "TaskRouter"]


@dataclass(frozen=True)
class RouteContext:
    """What a router may know besides the text: the current time and zone."""

    now: datetime
    timezone: ZoneInfo
    default_duration_minutes: int = 30


class TaskRouter(Protocol):
    """Turns a request into a `Plan`, a `Clarification` or a `Decline`; never raises for bad text."""

    def route(self, text: str, context: RouteContext) -> Routing:
        """Understand `text` at `context.now`."""
        ...
