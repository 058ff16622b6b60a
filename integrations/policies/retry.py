"""Retry with exponential backoff and full jitter, bounded by attempts and a deadline.

Whether a failure is retried is a property of its type (`IntegrationError.retryable`),
never of the call site. When the policy gives up it re-raises the original
error, not a wrapper, so callers see what the service said.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from automate.integrations.clock import Clock
from automate.integrations.config import RetryConfig
from automate.integrations.errors import CircuitOpen, IntegrationError

__all__ = ["Attempt", "Outcome", "RetryPolicy"]

T = TypeVar("T")
Outcome = Literal["ok", "retrying", "failed", "rejected"]


@dataclass(frozen=True)
class Attempt:
    """What happened in one attempt: its number, outcome and the waits around it."""

    number: int
    outcome: Outcome
    delay: float
    """Seconds of backoff waited before this attempt (0 for the first)."""
    retry_in: float | None = None
    """Seconds the policy will wait before the next attempt (only when retrying)."""
    error: BaseException | None = None
    reason: str | None = None
    """Why the policy stopped, when it gave up on a retryable error."""


class RetryPolicy:
    """Try a call up to `attempts` times, sleeping a jittered backoff in between.

    The wait after attempt *n* is ``uniform(0, min(max_backoff, initial *
    multiplier ** (n - 1)))`` with full jitter (or the cap itself with
    ``jitter: none``), and at least the error's ``retry_after``. No sleep may
    end past the total deadline: the policy gives up first::

        retry = RetryPolicy(RetryConfig(attempts=3), SystemClock())
        result = await retry(lambda: fetch(url))
    """

    def __init__(
        self,
        config: RetryConfig,
        clock: Clock,
        *,
        uniform: Callable[[float, float], float] | None = None,
    ) -> None:
        self.config = config
        self._clock = clock
        self._uniform = uniform or random.uniform

    def backoff(self, attempt: int) -> float:
        """The backoff after failed attempt number `attempt` (1-based), jitter applied."""
        cfg = self.config
        cap = min(cfg.max_backoff, cfg.initial_backoff * cfg.multiplier ** (attempt - 1))
        if cfg.jitter == "none":
            return cap
        return min(cap, max(0.0, self._uniform(0.0, cap)))

    async def __call__(
        self,
        call: Callable[[], Awaitable[T]],
        *,
        on_attempt: Callable[[Attempt], None] | None = None,
    ) -> T:
        """Run `call` until it succeeds, fails for good, or the budget is spent."""
        report = on_attempt or _ignore
        start = self._clock.monotonic()
        delay = 0.0
        number = 0
        while True:
            number += 1
            try:
                result = await call()
            except IntegrationError as exc:
                wait, reason = self._next_wait(exc, number, start)
                if wait is None:
                    outcome: Outcome = "rejected" if isinstance(exc, CircuitOpen) else "failed"
                    report(Attempt(number, outcome, delay, error=exc, reason=reason))
                    raise
                report(Attempt(number, "retrying", delay, retry_in=wait, error=exc))
            except Exception as exc:
                # Not one of ours: the type says nothing about retrying, so don't.
                report(Attempt(number, "failed", delay, error=exc, reason="unexpected error"))
                raise
            else:
                report(Attempt(number, "ok", delay))
                return result
            await self._clock.sleep(wait)
            delay = wait

    def _next_wait(
        self, error: IntegrationError, number: int, start: float
    ) -> tuple[float | None, str | None]:
        """How long to wait before another attempt, or `None` and why not."""
        if not error.retryable:
            return None, None
        if number >= self.config.attempts:
            return None, "attempts exhausted"
        wait = self.backoff(number)
        if error.retry_after is not None:
            wait = max(wait, error.retry_after)
        deadline = self.config.deadline
        if deadline is not None and self._clock.monotonic() + wait > start + deadline:
            return None, "deadline reached"
        return wait, None


def _ignore(_attempt: Attempt) -> None:
    """The default attempt listener: nothing to report to."""
