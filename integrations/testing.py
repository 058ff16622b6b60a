"""Test doubles for code that calls services: a fake clock and a scripted adapter.

Shipped with the package so host applications can test their own agents the
way this project does: no real time passes and no network is touched::

    clock = FakeClock()
    register_adapter("scripted", ScriptedAdapter)
    config = app_config({"echo": {"adapter": "scripted"}}, home=tmp_path)
    manager = IntegrationManager.from_config(config, clock=clock)
    manager.adapter("echo").fail_next(TransientError("flaky"))
    result = await manager.call("echo", "echo", {"text": "hi"})
    assert clock.sleeps  # the retry waited, in fake time
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from automate.integrations.adapter import Adapter, AdapterEnv, CallContext, NoSettings, operation
from automate.integrations.config import AppConfig, IntegrationsConfig, ServiceConfig, Settings
from automate.integrations.model import Model

__all__ = [
    "HANG",
    "EchoParams",
    "EchoResult",
    "FakeClock",
    "ScriptedAdapter",
    "app_config",
    "bucket_excess",
    "most_in_window",
]


class FakeClock:
    """A virtual clock: `sleep` takes no real time, and records how long it was asked.

    Time jumps straight to the earliest pending wake-up once every runnable
    task has had its turn, so concurrent sleepers wake in the order and at
    the instants real time would give them.
    """

    def __init__(self, start: float = 0.0, *, settle: int = 8) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._settle = settle
        self._waiting: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._activity = 0
        self._driver: asyncio.Task[None] | None = None

    def monotonic(self) -> float:
        """The fake current time."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of fake time."""
        self.sleeps.append(seconds)
        loop = asyncio.get_running_loop()
        wake: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._waiting, (self.now + max(0.0, seconds), next(self._seq), wake))
        self._activity += 1
        if self._driver is None or self._driver.done():
            self._driver = loop.create_task(self._drive())
        try:
            await wake
        finally:
            if not wake.done():
                wake.cancel()

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds`, waking sleepers whose time has come."""
        self.now += seconds
        while self._waiting and self._waiting[0][0] <= self.now:
            _, _, wake = heapq.heappop(self._waiting)
            if not wake.done():
                wake.set_result(None)

    @property
    def slept(self) -> float:
        """Total seconds asked of `sleep` so far."""
        return sum(max(0.0, s) for s in self.sleeps)

    async def _drive(self) -> None:
        """Wake sleepers one by one, each time the other tasks have gone quiet."""
        while self._waiting:
            seen = -1
            while seen != self._activity:
                seen = self._activity
                for _ in range(self._settle):
                    await asyncio.sleep(0)
            if not self._waiting:
                break
            target, _, wake = heapq.heappop(self._waiting)
            if wake.done():
                continue
            self.now = max(self.now, target)
            wake.set_result(None)
            self._activity += 1


class EchoParams(Model):
    """What `ScriptedAdapter.echo` is asked to repeat."""

    text: str


class EchoResult(Model):
    """The echo, with the attempt and idempotency key the adapter saw."""

    text: str
    attempt: int
    idempotency_key: str | None


HANG = object()
"""A scripted outcome: the call never returns (until cancelled), to exercise timeouts."""


class ScriptedAdapter(Adapter[NoSettings]):
    """An adapter whose next outcomes are scripted: an error to raise, `HANG`, or success.

    Every call is recorded in `calls` (the `CallContext` it got), so tests can
    assert on attempts and idempotency keys.
    """

    name = "scripted"
    config_model = NoSettings

    def __init__(self, config: NoSettings, env: AdapterEnv) -> None:
        super().__init__(config, env)
        self.script: list[BaseException | object] = []
        self.calls: list[CallContext] = []
        self.closed = False

    def fail_next(self, *outcomes: BaseException | object) -> None:
        """Queue outcomes for the next calls; when the queue is empty, calls succeed."""
        self.script.extend(outcomes)

    @operation(idempotent=True)
    async def echo(self, params: EchoParams, ctx: CallContext) -> EchoResult:
        """Repeat the text, unless the script says to fail or hang."""
        self.calls.append(ctx)
        if self.script:
            outcome = self.script.pop(0)
            if outcome is HANG:
                await asyncio.Event().wait()
            if isinstance(outcome, BaseException):
                raise outcome
        return EchoResult(text=params.text, attempt=ctx.attempt, idempotency_key=ctx.idempotency_key)

    async def aclose(self) -> None:
        """Remember that the pool closed us."""
        self.closed = True


def app_config(
    services: Mapping[str, Mapping[str, Any]],
    *,
    home: Path,
    settings: Mapping[str, Any] | None = None,
) -> AppConfig:
    """Build an `AppConfig` from plain service blocks, without files or ``${ENV}`` resolution."""
    blocks = {name: ServiceConfig.model_validate(dict(block)) for name, block in services.items()}
    return AppConfig(
        integrations=IntegrationsConfig(services=blocks),
        settings=Settings.model_validate(dict(settings or {})),
        home=home,
    )


def bucket_excess(times: Iterable[float], capacity: float, rate: float, slack: float = 0.0) -> float:
    """How far `times` exceed a token bucket's bound, over the worst window (<= 0: within it).

    A bucket of `capacity` refilled at `rate` lets at most ``capacity + rate *
    (w + slack)`` calls start in any window of length *w*; the result is the
    largest count minus that bound, found in one pass.
    """
    ordered = sorted(times)
    worst = float("-inf")
    best_start = float("-inf")  # max over window starts k of rate * t_k - k
    for index, moment in enumerate(ordered):
        best_start = max(best_start, rate * moment - index)
        # Window [t_k, t_i] holds i - k + 1 calls against capacity + rate * (t_i - t_k + slack).
        worst = max(worst, index + 1 - capacity - rate * (moment + slack) + best_start)
    return worst


def most_in_window(times: Iterable[float], seconds: float) -> int:
    """The most of `times` inside any one window ``[t, t + seconds)``: what "N per second" counts."""
    ordered = sorted(times)
    most = first = 0
    for last, moment in enumerate(ordered):
        while ordered[first] + seconds <= moment:
            first += 1
        most = max(most, last - first + 1)
    return most
