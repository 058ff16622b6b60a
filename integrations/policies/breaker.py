"""A circuit breaker: stop calling a service that keeps failing, probe it later.

States: ``closed`` (calls pass) → ``open`` after `failure_threshold`
consecutive failures (calls are refused with `CircuitOpen` without reaching
the service) → ``half_open`` once `reset_timeout` has passed (exactly one
probe call passes) → ``closed`` if the probe succeeds, ``open`` again if not.

Only failures that say the service is unwell count: `TransientError`
(timeouts, dropped connections, 5xx). A `PermanentError` means the service
answered, so it counts as a sign of life. `RateLimited` counts as neither:
the service is up and pacing us, which is the rate limiter's business.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

from automate.integrations.clock import Clock
from automate.integrations.config import BreakerConfig
from automate.integrations.errors import CircuitOpen, PermanentError, RateLimited, TransientError
from automate.integrations.logs import get_logger

__all__ = ["BreakerState", "CircuitBreaker"]

T = TypeVar("T")
BreakerState = Literal["closed", "open", "half_open"]
_log = get_logger("integrations.breaker")


class CircuitBreaker:
    """Refuse calls to a failing service for a while, then let one probe through."""

    def __init__(self, config: BreakerConfig, clock: Clock, *, service: str = "") -> None:
        self.config = config
        self.service = service
        self._clock = clock
        self._state: BreakerState = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> BreakerState:
        """The current state (``open`` turns ``half_open`` when the next call arrives)."""
        return self._state

    @property
    def failures(self) -> int:
        """Consecutive counted failures so far."""
        return self._failures

    async def __call__(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run `call` if the circuit lets it through; record how it went."""
        probe = self._admit()
        try:
            result = await call()
        except TransientError as exc:
            if isinstance(exc, RateLimited):
                self._release(probe)
            else:
                self._failed(probe)
            raise
        except PermanentError:
            self._succeeded(probe)
            raise
        except BaseException:
            # Cancelled, or a bug above the adapter: says nothing about the service.
            self._release(probe)
            raise
        self._succeeded(probe)
        return result

    def _admit(self) -> bool:
        """Let a call through (returning whether it is the probe) or raise `CircuitOpen`."""
        if self._state == "open":
            remaining = self._opened_at + self.config.reset_timeout - self._clock.monotonic()
            if remaining > 0:
                raise CircuitOpen(
                    f"{self.service or 'service'} is failing; calls paused for {remaining:.3g}s",
                    service=self.service,
                    retry_after=remaining,
                )
            self._move("half_open")
        if self._state == "half_open":
            if self._probing:
                raise CircuitOpen(
                    f"{self.service or 'service'} is being probed; calls wait for the result",
                    service=self.service,
                )
            self._probing = True
            return True
        return False

    def _failed(self, probe: bool) -> None:
        self._failures += 1
        if probe:
            self._probing = False
            self._open()
        elif self._state == "closed" and self._failures >= self.config.failure_threshold:
            self._open()

    def _succeeded(self, probe: bool) -> None:
        if probe:
            self._probing = False
            self._failures = 0
            self._move("closed")
        elif self._state == "closed":
            self._failures = 0
        # A straggler admitted before the circuit opened proves little: only the probe closes it.

    def _release(self, probe: bool) -> None:
        if probe:
            self._probing = False

    def _open(self) -> None:
        self._opened_at = self._clock.monotonic()
        self._move("open")

    def _move(self, state: BreakerState) -> None:
        previous, self._state = self._state, state
        event = {"open": "breaker_opened", "half_open": "breaker_half_opened"}.get(state, "breaker_closed")
        log = _log.warning if state == "open" else _log.info
        log(
            event,
            service=self.service,
            previous=previous,
            failures=self._failures,
            reset_timeout=self.config.reset_timeout,
        )
