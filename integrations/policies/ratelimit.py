"""A token bucket that never exceeds its rate, and slows down when the server asks.

The bucket is kept as a "theoretical arrival time" (the GCRA form of a token
bucket): in any window of length *w* at most ``capacity + rate * w`` calls
start. With ``burst`` unset it also keeps the start times of the last
`capacity` calls, so that at most `capacity` (the configured ``requests``)
start in any window of ``per_seconds``: ``50 per 1 s`` never lets 51 start
within one second. Waiters queue first-come first-served; only the head of
the queue holds a planned slot, so a slow-down re-plans one slot, not a queue.

Waiting for a slot is part of the call's time: given ``within``, a call whose
slot lies further away fails at once with `RateLimited` (its ``retry_after``
says when a slot would be free) instead of hanging past its timeout.

When a call fails with `RateLimited` the bucket slows down for every caller
sharing it: no call starts until the server's ``Retry-After`` has passed
(capped at ``max_retry_after``), and the rate drops to a fraction of the
configured one, climbing back a step with each success (additive increase,
multiplicative decrease) but never above it. A burst of 429s from calls that
all started before the first slow-down counts as one signal, not many, so
the rate does not collapse.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TypeVar

from automate.integrations.clock import Clock
from automate.integrations.config import RateLimitConfig
from automate.integrations.errors import IntegrationError, RateLimited
from automate.integrations.logs import get_logger

__all__ = ["TokenBucket"]

T = TypeVar("T")
_log = get_logger("integrations.ratelimit")


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
        self._window = config.window
        self._starts: deque[float] = deque(maxlen=int(config.capacity))
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

    async def acquire(self, within: float | None = None) -> float:
        """Wait for a token (after everyone already waiting); return the seconds waited.

        With `within`, a slot more than that many seconds away is not waited
        for: `RateLimited` at once, its ``retry_after`` the wait it would take.
        """
        began = self._clock.monotonic()
        # When even the next free slot is too late, there is no point queueing behind it.
        self._refuse(self._next_start(began) - began, within)
        async with self._lock():
            while True:
                now = self._clock.monotonic()
                start = self._next_start(now)
                self._refuse(start - now, None if within is None else within - (now - began))
                if start <= now:
                    self._take()
                    return self._clock.monotonic() - began
                # Plan again on waking: the server may have asked us to slow down meanwhile,
                # and a clock can wake us a hair (a rounding, a timer's resolution) too early.
                await self._clock.sleep(start - now)

    async def __call__(self, call: Callable[[], Awaitable[T]], *, within: float | None = None) -> T:
        """Take a token (waiting at most `within`), run `call`, adapt to how the service answered."""
        await self.acquire(within)
        decreases = self._decreases
        try:
            result = await call()
        except IntegrationError as exc:
            if exc.retry_after is not None:
                exc.retry_after = min(exc.retry_after, self.config.max_retry_after)
            if isinstance(exc, RateLimited):
                # A call that started before the last decrease was already answered by it.
                self.slow_down(exc.retry_after, decrease=decreases == self._decreases)
            raise
        self.recover()
        return result

    def slow_down(self, retry_after: float | None = None, *, decrease: bool = True) -> None:
        """Start no call for `retry_after` seconds (at most `max_retry_after`) and lower the rate."""
        now = self._clock.monotonic()
        asked = min(retry_after or 0.0, self.config.max_retry_after)
        pause = max(1.0 / self.rate, asked)
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
            pause=round(pause, 6),
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

    def _refuse(self, delay: float, left: float | None) -> None:
        """Raise `RateLimited` if a slot `delay` seconds away is more than the `left` a call may wait."""
        if left is not None and delay > left:
            raise RateLimited(
                f"{self.service or 'service'} rate limit: no call may start for {delay:.3g}s, "
                f"longer than this call may wait ({max(0.0, left):.3g}s)",
                service=self.service,
                retry_after=delay,
            )

    def _next_start(self, now: float) -> float:
        """The earliest free slot: the bucket's, and the window's when it has one."""
        start = max(now, self._tat - self._tolerance)
        if self._window is not None and len(self._starts) == self._starts.maxlen:
            start = max(start, self._starts[0] + self._window)
        return start

    def _take(self) -> None:
        """Start a call now: spend its token and remember when it started."""
        now = self._clock.monotonic()
        self._tat = max(self._tat, now) + 1.0 / self.rate
        self._starts.append(now)
