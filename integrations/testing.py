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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from integrations.adapter import Adapter, AdapterEnv, CallContext, NoSettings, operation
from integrations.config import AppConfig, IntegrationsConfig, ServiceConfig, Settings

__all__ = [
    "HANG",
    "EchoParams",
    "EchoResult",
    "FakeClock",
    "ScriptedAdapter",
    "app_config",
]


class FakeClock:
    """A clock whose `sleep` advances time at once and records how long it was asked."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        """The fake current time."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance time by `seconds` and let other tasks run once."""
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        """Move time forward without sleeping (as if the program were idle)."""
        self.now += seconds

    @property
    def slept(self) -> float:
        """Total seconds slept so far."""
        return sum(max(0.0, s) for s in self.sleeps)


class EchoParams(BaseModel):
    """What `ScriptedAdapter.echo` is asked to repeat."""

    text: str


class EchoResult(BaseModel):
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
        return EchoResult(
            text=params.text, attempt=ctx.attempt, idempotency_key=ctx.idempotency_key
        )

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
