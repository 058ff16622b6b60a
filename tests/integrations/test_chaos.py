"""Chaos: the manager and the HTTP adapter against a loopback server that misbehaves on purpose.

The server answers a seeded mix of 429 with Retry-After, 503, dropped
connections and responses slower than the timeout. Assertions are on counts
and on the arrival times the server recorded, never on how fast the run was.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from automate.integrations.config import AppConfig
from automate.integrations.errors import CircuitOpen, InvalidRequest, TransientError
from automate.integrations.http import HttpResponse
from automate.integrations.manager import IntegrationManager
from automate.integrations.testing import FakeClock, app_config, bucket_excess
from tests.integrations.http_peer import DROP, Arrival, HttpPeer, Reply

RATE, BURST = 300.0, 10
TIMEOUT = 0.2
# Client stalls between taking a token and the bytes reaching the server can
# bunch arrivals a little (about 0.01 s was seen here); allow this much slack in the bound.
# Unlimited, this client sends 600+ calls more than the bound allows, so the check still bites.
SLACK = 0.05


class FaultyServer:
    """Answers each attempt of each call by a seeded draw: ok, or one of four faults."""

    def __init__(self, seed: int, fault_rate: float) -> None:
        self.seed, self.fault_rate = seed, fault_rate
        self.attempts: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()

    def __call__(self, arrival: Arrival) -> Reply | object:
        if arrival.path == "/bad":
            return Reply(400, b"malformed")
        key = arrival.headers.get("idempotency-key", "")
        self.attempts[key] += 1
        # Keyed by call and attempt, so the plan does not depend on arrival order.
        draw = random.Random(f"{self.seed}:{key}:{self.attempts[key]}")
        if draw.random() >= self.fault_rate:
            return Reply(200, b'{"ok": true}', {"Content-Type": "application/json"})
        kind = draw.choice(["429", "503", "drop", "slow"])
        self.faults[kind] += 1
        if kind == "429":
            return Reply(429, b"slow down", {"Retry-After": "0.01"})
        if kind == "503":
            return Reply(503, b"overloaded")
        if kind == "drop":
            return DROP
        return Reply(200, b"{}", {"Content-Type": "application/json"}, delay=TIMEOUT * 3)


class OutageServer:
    """Down (503 or hang-up, alternately) until told to recover."""

    def __init__(self) -> None:
        self.down = True

    def __call__(self, arrival: Arrival) -> Reply | object:
        if not self.down:
            return Reply(200, b'{"ok": true}', {"Content-Type": "application/json"})
        return DROP if len(arrival.path) % 2 else Reply(503, b"down")


def chaos_config(url: str, home: Path, **overrides: Any) -> AppConfig:
    block: dict[str, Any] = {
        "adapter": "http",
        "rate_limit": {"requests": RATE, "per_seconds": 1, "burst": BURST},
        "retry": {
            "attempts": 10,
            "initial_backoff": 0.005,
            "max_backoff": 0.05,
            "multiplier": 2,
            "jitter": "full",
            "deadline": 60,
        },
        "timeout": TIMEOUT,
        "circuit_breaker": {"failure_threshold": 10_000, "reset_timeout": 1},
        "settings": {"base_url": url},
    }
    block.update(overrides)
    return app_config({"api": block}, home=home)


class TestChaos:
    async def test_a_thousand_calls_through_thirty_percent_faults(self, tmp_path: Path) -> None:
        """Every call succeeds within the retry budget; the server never sees more than the limit allows."""
        server = FaultyServer(seed=20261121, fault_rate=0.30)
        async with HttpPeer(server) as peer:
            config = chaos_config(peer.url, tmp_path)
            async with IntegrationManager.from_config(config) as manager:
                gate = asyncio.Semaphore(50)

                async def one(n: int) -> HttpResponse:
                    async with gate:
                        return await manager.call(
                            "api",
                            "request",
                            {"path": "/items"},
                            idempotency_key=f"call-{n}",
                            expect=HttpResponse,
                        )

                results = await asyncio.gather(*(one(n) for n in range(1000)))

        assert all(r.status == 200 and r.json_body == {"ok": True} for r in results)
        assert len(server.attempts) == 1000
        assert max(server.attempts.values()) <= 10
        assert sum(server.attempts.values()) == len(peer.arrivals)
        # The mix really happened: every kind of fault was served many times.
        assert sum(server.faults.values()) > 250
        assert min(server.faults[k] for k in ("429", "503", "drop", "slow")) > 40
        arrivals = [a.at for a in peer.arrivals]
        assert bucket_excess(arrivals, BURST, RATE, SLACK) <= 0
        # Over the whole run the slack is negligible: the average rate is within the limit.
        assert len(arrivals) <= BURST + RATE * (max(arrivals) - min(arrivals) + SLACK)

    async def test_permanent_errors_are_not_retried(self, tmp_path: Path) -> None:
        """A 400 fails at once as InvalidRequest; the server saw exactly one request."""
        async with HttpPeer(FaultyServer(seed=1, fault_rate=0.0)) as peer:
            manager = IntegrationManager.from_config(chaos_config(peer.url, tmp_path, timeout=10))
            async with manager:
                with pytest.raises(InvalidRequest, match="HTTP 400: malformed"):
                    await manager.call("api", "request", {"method": "POST", "path": "/bad"})
        assert peer.paths() == ["/bad"]

    async def test_an_outage_opens_the_breaker_until_the_probe(self, tmp_path: Path) -> None:
        """An outage opens the breaker; calls then fail without reaching the server until the probe."""
        server = OutageServer()
        clock = FakeClock()
        async with HttpPeer(server) as peer:
            config = chaos_config(
                peer.url,
                tmp_path,
                retry={"attempts": 3, "initial_backoff": 0.01, "jitter": "none", "deadline": None},
                circuit_breaker={"failure_threshold": 4, "reset_timeout": 30},
                # Nothing here is slow: a generous timeout keeps a loaded machine from timing out
                # a request before the server has counted it.
                timeout=10,
            )
            async with IntegrationManager.from_config(config, clock=clock) as manager:

                async def call() -> Any:
                    return await manager.call("api", "request", {"path": "/status"})

                with pytest.raises(TransientError):
                    await call()  # three attempts, three failures
                with pytest.raises(CircuitOpen):
                    await call()  # the fourth failure opens; its retry is refused
                assert len(peer.arrivals) == 4
                for _ in range(20):
                    with pytest.raises(CircuitOpen):
                        await call()
                assert len(peer.arrivals) == 4

                clock.advance(30)
                with pytest.raises(CircuitOpen):
                    await call()  # the probe reaches the server, fails, and the circuit reopens
                assert len(peer.arrivals) == 5

                server.down = False
                with pytest.raises(CircuitOpen):
                    await call()  # still open: the recovery is not seen until the next probe
                assert len(peer.arrivals) == 5
                clock.advance(30)
                await call()  # the probe succeeds and closes the circuit
                await call()
                assert len(peer.arrivals) == 7
                assert manager.pool.get("api").breaker.state == "closed"
