"""Tests for the circuit breaker's states and what counts as a failure."""

from __future__ import annotations

import asyncio

import pytest
from structlog.testing import capture_logs

from automate.integrations.config import BreakerConfig
from automate.integrations.errors import CircuitOpen, InvalidRequest, NotFound, RateLimited, TransientError
from automate.integrations.policies import CircuitBreaker
from automate.integrations.testing import FakeClock


class Service:
    """A call whose next outcomes are queued; it counts how often it was reached."""

    def __init__(self) -> None:
        self.outcomes: list[BaseException | None] = []
        self.reached = 0

    async def __call__(self) -> str:
        self.reached += 1
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        return "ok"


async def fail(breaker: CircuitBreaker, service: Service, error: BaseException) -> None:
    service.outcomes.append(error)
    with pytest.raises(type(error)):
        await breaker(service)


def make(threshold: int = 3, reset: float = 10.0) -> tuple[CircuitBreaker, Service, FakeClock]:
    clock = FakeClock()
    config = BreakerConfig(failure_threshold=threshold, reset_timeout=reset)
    return CircuitBreaker(config, clock, service="calendar"), Service(), clock


class TestCircuitBreaker:
    async def test_opens_after_threshold_consecutive_transient_failures(self) -> None:
        """Three transient failures in a row open a breaker whose threshold is three."""
        breaker, service, _ = make(threshold=3)
        for _ in range(2):
            await fail(breaker, service, TransientError("down"))
        assert breaker.state == "closed"
        await fail(breaker, service, TransientError("down"))
        assert breaker.state == "open"

    async def test_open_breaker_refuses_without_calling(self) -> None:
        """While open, calls raise CircuitOpen with the time left and never reach the service."""
        breaker, service, clock = make(threshold=1, reset=10)
        await fail(breaker, service, TransientError("down"))
        clock.advance(4)
        with pytest.raises(CircuitOpen) as raised:
            await breaker(service)
        assert service.reached == 1
        assert raised.value.retry_after == pytest.approx(6)
        assert not raised.value.retryable

    async def test_success_resets_the_consecutive_count(self) -> None:
        """A success between failures keeps the breaker closed."""
        breaker, service, _ = make(threshold=2)
        await fail(breaker, service, TransientError("down"))
        assert await breaker(service) == "ok"
        await fail(breaker, service, TransientError("down"))
        assert breaker.state == "closed"
        assert breaker.failures == 1

    @pytest.mark.parametrize("error", [InvalidRequest("bad"), NotFound("gone")])
    async def test_permanent_errors_do_not_count(self, error: Exception) -> None:
        """A permanent error means the service answered: it does not open the breaker."""
        breaker, service, _ = make(threshold=1)
        for _ in range(3):
            await fail(breaker, service, error)
        assert breaker.state == "closed"

    async def test_rate_limiting_neither_opens_nor_resets(self) -> None:
        """A 429 is the rate limiter's business: the failure count is left as it was."""
        breaker, service, _ = make(threshold=2)
        await fail(breaker, service, TransientError("down"))
        for _ in range(3):
            await fail(breaker, service, RateLimited("slow down"))
        assert breaker.failures == 1
        await fail(breaker, service, TransientError("down"))
        assert breaker.state == "open"

    async def test_half_open_probe_success_closes(self) -> None:
        """After the reset timeout one probe passes; its success closes the circuit."""
        breaker, service, clock = make(threshold=1, reset=10)
        await fail(breaker, service, TransientError("down"))
        clock.advance(10)
        assert await breaker(service) == "ok"
        assert breaker.state == "closed"
        assert breaker.failures == 0

    async def test_half_open_probe_failure_reopens(self) -> None:
        """A failed probe opens the circuit again for another full reset timeout."""
        breaker, service, clock = make(threshold=1, reset=10)
        await fail(breaker, service, TransientError("down"))
        clock.advance(10)
        await fail(breaker, service, TransientError("still down"))
        assert breaker.state == "open"
        clock.advance(9)
        with pytest.raises(CircuitOpen):
            await breaker(service)
        assert service.reached == 2

    async def test_only_one_probe_at_a_time(self) -> None:
        """While the probe is in flight, other calls are refused without reaching the service."""
        breaker, _, clock = make(threshold=1, reset=5)
        release = asyncio.Event()
        reached = 0

        async def slow() -> str:
            nonlocal reached
            reached += 1
            await release.wait()
            return "ok"

        async def down() -> str:
            raise TransientError("down")

        with pytest.raises(TransientError):
            await breaker(down)
        clock.advance(5)
        probe = asyncio.create_task(breaker(slow))
        await asyncio.sleep(0)
        assert breaker.state == "half_open"
        with pytest.raises(CircuitOpen):
            await breaker(slow)
        release.set()
        assert await probe == "ok"
        assert reached == 1
        assert breaker.state == "closed"

    async def test_a_straggler_success_does_not_close_an_open_circuit(self) -> None:
        """A call admitted before the circuit opened cannot close it by finishing late."""
        breaker, _, _ = make(threshold=1)
        release = asyncio.Event()

        async def slow() -> str:
            await release.wait()
            return "late"

        async def down() -> str:
            raise TransientError("down")

        straggler = asyncio.create_task(breaker(slow))
        await asyncio.sleep(0)
        with pytest.raises(TransientError):
            await breaker(down)
        release.set()
        assert await straggler == "late"
        assert breaker.state == "open"

    async def test_transitions_are_logged(self) -> None:
        """Opening, half-opening and closing each log one event naming the service."""
        breaker, service, clock = make(threshold=1, reset=1)
        with capture_logs() as logs:
            await fail(breaker, service, TransientError("down"))
            clock.advance(1)
            await breaker(service)
        assert [(e["event"], e["service"]) for e in logs] == [
            ("breaker_opened", "calendar"),
            ("breaker_half_opened", "calendar"),
            ("breaker_closed", "calendar"),
        ]
