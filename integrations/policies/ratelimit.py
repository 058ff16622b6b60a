"""A token bucket that never exceeds its rate, and slows down when the server asks.

The bucket is kept as a "theoretical arrival time" (the GCRA form of a token
bucket): in any window of length *w* at most ``capacity + rate * w`` calls
start. Waiters queue first-come first-served; only the head of the queue
holds a reservation, so a slow-down re-plans one slot, not a queue of them.

When a call fails with `RateLimited` the bucket slows down for every caller
sharing it: no call starts until the server's ``Retry-After`` has passed, and
the rate drops to a fraction of the configured one, climbing back a step with
each success (additive increase, multiplicative decrease) but never above it.
A burst of 429s from calls that all started before the first slow-down counts
as one signal, not many, so the rate does not collapse.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog

from automate.integrations.clock import Clock
from automate.integrations.config import RateLimitConfig
from automate.integrations.errors import RateLimited

__all__ = ["TokenBucket"]

T = TypeVar("T")
_log = structlog.get_logger("integrations.ratelimit")


class TokenBucket:
    """Admit calls at `rate` per second with bursts up to `capacity`.

    ``slow_down`` halves the allowed rate (down to `min_factor` of the
    configured rate); each success adds back `recovery_step` of it::

        bucket = TokenBucket(RateLimitConfig(requests=5, per_seconds=1), SystemClock())
        await bucket.acquire()          # or: await bucket(lambda: call())
    """

    def __init__(
        self,
        config: RateLimitConfig,
        clock: Clock,
        *,
        service: str = "",
        decrease: float = 0.5,
        recovery_step: float = 0.1,
        min_factor: float = 1 / 64,
    ) -> None:
        if not 0 < decrease < 1 or not 0 < recovery_step <= 1 or not 0 < min_factor <= 1:
            raise ValueError("decrease, recovery_step and min_factor must be fractions in (0, 1]")
        self.config = config
        self.service = service
        self._clock = clock
        self._decrease = decrease
        self._step = recovery_step
        self._min_factor = min_factor
        self._factor = 1.0
        self._tolerance = (config.capacity - 1) / config.rate
        self._tat = clock.monotonic()
        self._epoch = 0
        self._decreases = 0
        self._queue: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    @property
    def rate(self) -> float:
        """Calls per second allowed right now (the configured rate unless slowed)."""
        return self.config.rate * self._factor

    @property
    def capacity(self) -> float:
        """The largest burst the bucket admits at once."""
        return self.config.capacity

    async def acquire(self) -> float:
        """Wait for a token (after everyone already waiting); return the seconds waited."""
        waited = 0.0
        async with self._lock():
            while True:
                epoch = self._epoch
                delay = self._reserve()
                if delay <= 0:
                    return waited
                await self._clock.sleep(delay)
                waited += delay
                if epoch == self._epoch:
                    return waited
                # The server asked us to slow down while we slept: plan the slot again.

    async def __call__(self, call: Callable[[], Awaitable[T]]) -> T:
        """Take a token, run `call`, and adapt the rate to how the service answered."""
        await self.acquire()
        decreases = self._decreases
        try:
            result = await call()
        except RateLimited as exc:
            # A call that started before the last decrease was already answered by it.
            self.slow_down(exc.retry_after, decrease=decreases == self._decreases)
            raise
        self.recover()
        return result

    def slow_down(self, retry_after: float | None = None, *, decrease: bool = True) -> None:
        """Start no call for `retry_after` seconds and (unless told not to) lower the rate."""
        now = self._clock.monotonic()
        pause = max(1.0 / self.rate, retry_after or 0.0)
        self._epoch += 1
        if decrease:
            self._decreases += 1
            self._factor = max(self._min_factor, self._factor * self._decrease)
            # Restart the schedule as if a call had just started now: that keeps every
            # window within the bound, and drops the burst the bucket had saved up.
            self._tat = now + pause + self._tolerance
        else:
            self._tat = max(self._tat, now + pause + self._tolerance)
        _log.info(
            "rate_slowed",
            service=self.service,
            retry_after=retry_after,
            rate=self.rate,
        )

    def recover(self) -> None:
        """Note a success: climb one step back toward the configured rate."""
        if self._factor < 1.0:
            self._factor = min(1.0, self._factor + self._step)
            if self._factor == 1.0:
                _log.info("rate_restored", service=self.service, rate=self.rate)

    def _lock(self) -> asyncio.Lock:
        """The waiting queue, one per event loop (a pool may outlive a loop)."""
        loop = asyncio.get_running_loop()
        if self._queue is None or self._queue[0] is not loop:
            self._queue = (loop, asyncio.Lock())
        return self._queue[1]

    def _reserve(self) -> float:
        """Claim the next slot; return how long until it starts."""
        now = self._clock.monotonic()
        start = max(now, self._tat - self._tolerance)
        self._tat = max(self._tat, start) + 1.0 / self.rate
        return start - now
