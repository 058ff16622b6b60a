"""A per-attempt time limit that turns a hung call into a retryable error."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from automate.integrations.errors import TransientError

__all__ = ["TimeoutPolicy"]

T = TypeVar("T")


class TimeoutPolicy:
    """Cancel an attempt that runs longer than `seconds`; raise `TransientError`.

    It runs on the event loop's own timer (cancellation needs the loop), so it
    is the one policy that does not take the injected clock.
    """

    def __init__(self, seconds: float, *, service: str = "") -> None:
        if seconds <= 0:
            raise ValueError("a timeout must be positive")
        self.seconds = seconds
        self._service = service

    async def __call__(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run `call` under the time limit."""
        scope = asyncio.timeout(self.seconds)
        try:
            async with scope:
                return await call()
        except TimeoutError as exc:
            if not scope.expired():
                raise
            what = self._service or "call"
            raise TransientError(f"{what} timed out after {self.seconds:g}s", service=self._service) from exc
