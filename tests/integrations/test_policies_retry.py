"""Tests for the retry policy: backoff, jitter, retry-after, deadline, giving up."""

from __future__ import annotations

import random

import pytest

from automate.integrations.config import RetryConfig
from automate.integrations.errors import (
    CircuitOpen,
    IntegrationError,
    InvalidRequest,
    NotFound,
    RateLimited,
    TransientError,
)
from automate.integrations.policies import Attempt, RetryPolicy
from automate.integrations.testing import FakeClock


class Flaky:
    """A call that raises the queued errors in turn, then returns its call count."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> int:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return self.calls


def policy(clock: FakeClock, **config: object) -> RetryPolicy:
    return RetryPolicy(RetryConfig.model_validate({"jitter": "none", **config}), clock)


class TestRetryPolicy:
    async def test_backoff_grows_exponentially_up_to_the_cap(self) -> None:
        """Without jitter the waits are initial * multiplier**(n-1), capped at max_backoff."""
        clock = FakeClock()
        retry = policy(clock, attempts=6, initial_backoff=1, multiplier=2, max_backoff=5, deadline=None)
        call = Flaky(*(TransientError("down") for _ in range(5)))
        assert await retry(call) == 6
        assert clock.sleeps == [1, 2, 4, 5, 5]

    async def test_full_jitter_draws_between_zero_and_the_cap(self) -> None:
        """Full jitter asks the random source for uniform(0, cap) and stays in that range."""
        draws: list[tuple[float, float]] = []
        seeded = random.Random(7)

        def uniform(low: float, high: float) -> float:
            draws.append((low, high))
            return seeded.uniform(low, high)

        clock = FakeClock()
        config = RetryConfig(
            attempts=5,
            initial_backoff=0.5,
            multiplier=3,
            max_backoff=4,
            jitter="full",
            deadline=None,
        )
        retry = RetryPolicy(config, clock, uniform=uniform)
        await retry(Flaky(*(TransientError("down") for _ in range(4))))
        assert draws == [(0.0, 0.5), (0.0, 1.5), (0.0, 4.0), (0.0, 4.0)]
        assert all(0 <= wait <= cap for wait, (_, cap) in zip(clock.sleeps, draws, strict=True))

    def test_jitter_never_leaves_its_bounds_even_if_the_source_misbehaves(self) -> None:
        """A random source returning out-of-range values is clamped to [0, cap]."""
        config = RetryConfig(initial_backoff=1, multiplier=2, max_backoff=10)
        high = RetryPolicy(config, FakeClock(), uniform=lambda _a, b: b * 10)
        low = RetryPolicy(config, FakeClock(), uniform=lambda _a, _b: -3.0)
        assert high.backoff(3) == 4.0
        assert low.backoff(3) == 0.0

    async def test_retry_after_is_a_floor_for_the_wait(self) -> None:
        """A server's retry-after longer than the backoff is waited in full."""
        clock = FakeClock()
        retry = policy(clock, attempts=3, initial_backoff=0.1, deadline=None)
        call = Flaky(RateLimited("slow down", retry_after=7.5), TransientError("again"))
        assert await retry(call) == 3
        assert clock.sleeps == [7.5, 0.2]

    async def test_never_sleeps_past_the_deadline(self) -> None:
        """The policy gives up before a wait that would end after the total deadline."""
        clock = FakeClock()
        retry = policy(clock, attempts=10, initial_backoff=1, multiplier=2, deadline=3)
        call = Flaky(*(TransientError(f"down {n}") for n in range(10)))
        with pytest.raises(TransientError, match="down 2"):
            await retry(call)
        assert clock.sleeps == [1, 2]
        assert clock.now <= 3
        assert call.calls == 3

    async def test_retry_after_beyond_the_deadline_gives_up_at_once(self) -> None:
        """A retry-after that outlasts the deadline is not waited for at all."""
        clock = FakeClock()
        retry = policy(clock, attempts=5, deadline=10)
        error = RateLimited("come back tomorrow", retry_after=86_400)
        with pytest.raises(RateLimited) as raised:
            await retry(Flaky(error))
        assert raised.value is error
        assert clock.sleeps == []

    @pytest.mark.parametrize("error", [InvalidRequest("bad"), NotFound("gone"), ValueError("bug")])
    async def test_permanent_errors_are_not_retried(self, error: Exception) -> None:
        """Errors whose type is not retryable fail on the first attempt with no wait."""
        clock = FakeClock()
        call = Flaky(error)
        with pytest.raises(type(error)):
            await policy(clock, attempts=5)(call)
        assert call.calls == 1
        assert clock.sleeps == []

    async def test_gives_up_after_max_attempts_with_the_original_error(self) -> None:
        """When attempts run out the last error itself propagates, not a wrapper."""
        clock = FakeClock()
        errors = [TransientError(f"down {n}") for n in range(3)]
        with pytest.raises(TransientError) as raised:
            await policy(clock, attempts=3, initial_backoff=0.1)(Flaky(*errors))
        assert raised.value is errors[-1]
        assert len(clock.sleeps) == 2

    async def test_reports_every_attempt_with_outcome_and_delays(self) -> None:
        """The listener hears one report per attempt: waits before and after, and how it went."""
        clock = FakeClock()
        reports: list[Attempt] = []
        retry = policy(clock, attempts=3, initial_backoff=1, multiplier=2)
        await retry(Flaky(TransientError("a"), TransientError("b")), on_attempt=reports.append)
        assert [(a.number, a.outcome, a.delay, a.retry_in) for a in reports] == [
            (1, "retrying", 0.0, 1.0),
            (2, "retrying", 1.0, 2.0),
            (3, "ok", 2.0, None),
        ]

    async def test_circuit_open_is_reported_as_rejected(self) -> None:
        """A breaker refusal is not retried and is reported as a rejection."""
        reports: list[Attempt] = []
        with pytest.raises(CircuitOpen):
            await policy(FakeClock(), attempts=3)(Flaky(CircuitOpen("open")), on_attempt=reports.append)
        assert [(a.outcome, type(a.error)) for a in reports] == [("rejected", CircuitOpen)]

    async def test_reason_says_why_a_retryable_error_was_given_up(self) -> None:
        """Giving up on a retryable error records whether attempts or the deadline ran out."""
        reports: list[Attempt] = []
        with pytest.raises(IntegrationError):
            await policy(FakeClock(), attempts=1)(Flaky(TransientError("x")), on_attempt=reports.append)
        assert reports[-1].outcome == "failed"
        assert reports[-1].reason == "attempts exhausted"
