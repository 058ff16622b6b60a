"""Tests for the integration manager: validation, the policy chain, sharing, checks, logs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from structlog.testing import capture_logs

from automate.integrations.adapter import CheckResult
from automate.integrations.errors import (
    AuthError,
    CircuitOpen,
    InvalidRequest,
    NotFound,
    PermanentError,
    RateLimited,
    TransientError,
)
from automate.integrations.manager import IntegrationManager, ServicePool
from automate.integrations.redaction import register_secret
from automate.integrations.registry import register_adapter
from automate.integrations.testing import HANG, EchoParams, EchoResult, FakeClock, ScriptedAdapter, app_config

FAST_RETRY = {"attempts": 3, "initial_backoff": 1, "multiplier": 2, "jitter": "none"}
SECRET = "s3cr3t-manager-token"


class BrokenCheckAdapter(ScriptedAdapter):
    """A scripted adapter whose check fails with a message that leaks a secret."""

    name = "broken_check"

    async def check(self) -> CheckResult:
        raise AuthError(f"login refused for token {SECRET}")


@pytest.fixture(autouse=True)
def adapters() -> Iterator[None]:
    register_adapter("scripted", ScriptedAdapter)
    register_adapter("broken_check", BrokenCheckAdapter)
    yield


def config(tmp_path: Path, **blocks: dict[str, Any]) -> Any:
    services = blocks or {"echo": {"adapter": "scripted", "retry": FAST_RETRY}}
    return app_config(services, home=tmp_path)


def one_attempt(tmp_path: Path, *, threshold: int, reset: float, **extra: Any) -> Any:
    """A service that never retries, with a breaker of the given threshold and reset timeout."""
    block = {
        "adapter": "scripted",
        "retry": {"attempts": 1},
        "circuit_breaker": {"failure_threshold": threshold, "reset_timeout": reset},
        **extra,
    }
    return config(tmp_path, echo=block)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def manager(tmp_path: Path, clock: FakeClock) -> IntegrationManager:
    return IntegrationManager.from_config(config(tmp_path), clock=clock)


def scripted(manager: IntegrationManager, service: str = "echo") -> ScriptedAdapter:
    adapter = manager.adapter(service)
    assert isinstance(adapter, ScriptedAdapter)
    return adapter


class TestIntegrationManager:
    async def test_calls_the_operation_with_validated_params(self, manager: IntegrationManager) -> None:
        """A dict of params is validated into the operation's model and the result comes back."""
        result = await manager.call("echo", "echo", {"text": "hi"}, expect=EchoResult)
        assert result.text == "hi"
        assert result.attempt == 1

    async def test_accepts_the_params_model_or_another_model_of_the_same_shape(
        self, manager: IntegrationManager
    ) -> None:
        """Params given as a model (ours or a look-alike) are accepted."""

        class Other(BaseModel):
            text: str

        first = await manager.call("echo", "echo", EchoParams(text="a"), expect=EchoResult)
        second = await manager.call("echo", "echo", Other(text="b"), expect=EchoResult)
        assert (first.text, second.text) == ("a", "b")

    async def test_each_attempt_gets_the_idempotency_key_and_its_number(
        self, manager: IntegrationManager
    ) -> None:
        """Retries repeat the same idempotency key with a rising attempt number."""
        scripted(manager).fail_next(TransientError("flaky"), TransientError("flaky"))
        await manager.call("echo", "echo", {"text": "x"}, idempotency_key="run-1/step-1")
        assert [(c.idempotency_key, c.attempt) for c in scripted(manager).calls] == [
            ("run-1/step-1", 1),
            ("run-1/step-1", 2),
            ("run-1/step-1", 3),
        ]

    async def test_unknown_service_is_an_invalid_request(self, manager: IntegrationManager) -> None:
        """Calling a service nobody configured names the configured ones."""
        with pytest.raises(InvalidRequest, match=r"unknown service 'nope' \(configured: echo\)"):
            await manager.call("nope", "echo", {"text": "x"})

    async def test_service_outside_the_allowed_set_is_refused(self, tmp_path: Path, clock: FakeClock) -> None:
        """A manager given some services cannot reach the others, even if configured."""
        cfg = config(tmp_path, echo={"adapter": "scripted"}, other={"adapter": "scripted"})
        manager = IntegrationManager.from_config(cfg, ["echo"], clock=clock)
        with pytest.raises(InvalidRequest, match=r"'other' is not available here \(allowed: echo\)"):
            await manager.call("other", "echo", {"text": "x"})
        assert manager.services == ["echo"]

    async def test_unknown_operation_lists_the_offered_ones(self, manager: IntegrationManager) -> None:
        """A misspelt operation says what the adapter offers."""
        with pytest.raises(InvalidRequest, match=r"no operation 'ecko' \(offers: echo\)"):
            await manager.call("echo", "ecko", {"text": "x"})

    async def test_bad_params_name_the_field(self, manager: IntegrationManager) -> None:
        """Params that do not fit the model are rejected before any attempt, naming the field."""
        with pytest.raises(InvalidRequest, match=r"invalid params for echo\.echo: text: "):
            await manager.call("echo", "echo", {"txt": "x"})
        assert scripted(manager).calls == []

    async def test_disabled_service_is_a_permanent_error(self, tmp_path: Path, clock: FakeClock) -> None:
        """A service switched off in the config refuses calls for good."""
        cfg = config(tmp_path, echo={"adapter": "scripted", "enabled": False})
        manager = IntegrationManager.from_config(cfg, clock=clock)
        with pytest.raises(PermanentError, match="disabled"):
            await manager.call("echo", "echo", {"text": "x"})

    async def test_expect_checks_the_result_type(self, manager: IntegrationManager) -> None:
        """Asking for the wrong result model is a programming error."""

        class Wrong(BaseModel):
            pass

        with pytest.raises(TypeError, match="returned EchoResult, not Wrong"):
            await manager.call("echo", "echo", {"text": "x"}, expect=Wrong)

    async def test_transient_errors_are_retried_with_backoff(
        self, manager: IntegrationManager, clock: FakeClock
    ) -> None:
        """Two transient failures are retried with the configured waits, then succeed."""
        scripted(manager).fail_next(TransientError("a"), RateLimited("b", retry_after=3))
        result = await manager.call("echo", "echo", {"text": "x"}, expect=EchoResult)
        assert result.attempt == 3
        assert clock.sleeps[:2] == [1, 3]

    async def test_stray_os_errors_become_transient(self, manager: IntegrationManager) -> None:
        """A ConnectionError escaping an adapter is treated as transient and retried."""
        scripted(manager).fail_next(ConnectionResetError("peer reset"))
        result = await manager.call("echo", "echo", {"text": "x"}, expect=EchoResult)
        assert result.attempt == 2

    async def test_stray_bugs_become_permanent_with_their_cause(self, manager: IntegrationManager) -> None:
        """Any other exception leaves as a PermanentError chained to the original, not retried."""
        bug = KeyError("missing")
        scripted(manager).fail_next(bug)
        with pytest.raises(PermanentError, match="unexpected KeyError") as raised:
            await manager.call("echo", "echo", {"text": "x"})
        assert raised.value.__cause__ is bug
        assert len(scripted(manager).calls) == 1

    async def test_adapter_errors_are_tagged_with_service_and_operation(
        self, manager: IntegrationManager
    ) -> None:
        """An adapter's error propagates as itself, with where it happened filled in."""
        error = NotFound("no such thing")
        scripted(manager).fail_next(error)
        with pytest.raises(NotFound) as raised:
            await manager.call("echo", "echo", {"text": "x"})
        assert raised.value is error
        assert (error.service, error.operation) == ("echo", "echo")

    async def test_a_hung_attempt_times_out_and_is_retried(self, tmp_path: Path, clock: FakeClock) -> None:
        """The timeout applies per attempt: a hung first attempt is cut off and retried."""
        cfg = config(tmp_path, echo={"adapter": "scripted", "timeout": 0.01, "retry": FAST_RETRY})
        manager = IntegrationManager.from_config(cfg, clock=clock)
        scripted(manager).fail_next(HANG)
        result = await manager.call("echo", "echo", {"text": "x"}, expect=EchoResult)
        assert result.attempt == 2

    async def test_adapters_are_built_lazily(self, manager: IntegrationManager) -> None:
        """Nothing is constructed until a service is first used."""
        assert manager.pool.started() == []
        await manager.call("echo", "echo", {"text": "x"})
        assert [r.name for r in manager.pool.started()] == ["echo"]

    async def test_managers_sharing_a_pool_share_the_breaker(self, tmp_path: Path, clock: FakeClock) -> None:
        """Failures seen by one agent's manager open the breaker for every other agent too."""
        cfg = one_attempt(tmp_path, threshold=2, reset=60)
        pool = ServicePool(cfg, clock=clock)
        first = IntegrationManager.from_config(cfg, ["echo"], pool=pool)
        second = IntegrationManager.from_config(cfg, ["echo"], pool=pool)
        assert first.adapter("echo") is second.adapter("echo")
        scripted(first).fail_next(TransientError("down"), TransientError("down"))
        for _ in range(2):
            with pytest.raises(TransientError):
                await first.call("echo", "echo", {"text": "x"})
        with pytest.raises(CircuitOpen):
            await second.call("echo", "echo", {"text": "x"})
        assert len(scripted(second).calls) == 2

    def test_a_shared_pool_keeps_its_own_clock(self, tmp_path: Path, clock: FakeClock) -> None:
        """Passing a different clock alongside a shared pool is refused."""
        cfg = config(tmp_path)
        pool = ServicePool(cfg, clock=clock)
        with pytest.raises(ValueError, match="clock"):
            IntegrationManager.from_config(cfg, pool=pool, clock=FakeClock())

    async def test_check_reports_each_enabled_service_and_redacts_failures(
        self, tmp_path: Path, clock: FakeClock
    ) -> None:
        """A failing check becomes ok=False with the secret masked; disabled services are skipped."""
        register_secret(SECRET)
        cfg = config(
            tmp_path,
            echo={"adapter": "scripted"},
            broken={"adapter": "broken_check"},
            off={"adapter": "scripted", "enabled": False},
        )
        async with IntegrationManager.from_config(cfg, clock=clock) as manager:
            results = {r.service: r for r in await manager.check()}
        assert sorted(results) == ["broken", "echo"]
        assert results["echo"].ok
        assert not results["broken"].ok
        assert results["broken"].detail == "AuthError: login refused for token ***"

    async def test_aclose_closes_adapters_of_an_owned_pool_only(
        self, tmp_path: Path, clock: FakeClock
    ) -> None:
        """A manager closes the pool it made, but leaves a shared pool to its owner."""
        cfg = config(tmp_path)
        own = IntegrationManager.from_config(cfg, clock=clock)
        pool = ServicePool(cfg, clock=clock)
        sharing = IntegrationManager.from_config(cfg, pool=pool)
        own_adapter, shared_adapter = scripted(own), scripted(sharing)
        await own.aclose()
        await sharing.aclose()
        assert own_adapter.closed
        assert not shared_adapter.closed
        await pool.aclose()
        assert shared_adapter.closed


class Recorder:
    """A stand-in policy that notes when the chain passes through it."""

    def __init__(self, name: str, trace: list[str]) -> None:
        self.name, self.trace = name, trace

    async def __call__(self, call: Callable[[], Awaitable[Any]], **_: Any) -> Any:
        self.trace.append(self.name)
        return await call()


class TestPolicyChain:
    async def test_order_is_retry_breaker_limiter_timeout_adapter(self, manager: IntegrationManager) -> None:
        """Each attempt passes retry, then breaker, then rate limiter, then timeout, then the adapter."""
        runtime = manager.pool.get("echo")
        trace: list[str] = []
        for name in ("retry", "breaker", "limiter", "timeout"):
            setattr(runtime, name, Recorder(name, trace))
        adapter = scripted(manager)
        original = adapter.echo

        async def echo(params: EchoParams, ctx: Any) -> EchoResult:
            trace.append("adapter")
            return await original(params, ctx)

        adapter.echo = echo  # type: ignore[method-assign]
        await manager.call("echo", "echo", {"text": "x"})
        assert trace == ["retry", "breaker", "limiter", "timeout", "adapter"]

    async def test_refused_calls_take_no_rate_limit_token(self, tmp_path: Path, clock: FakeClock) -> None:
        """The breaker sits outside the limiter: calls it refuses cost no token and no wait."""
        cfg = one_attempt(
            tmp_path, threshold=1, reset=1000, rate_limit={"requests": 1, "per_seconds": 10, "burst": 1}
        )
        manager = IntegrationManager.from_config(cfg, clock=clock)
        scripted(manager).fail_next(TransientError("down"))
        with pytest.raises(TransientError):
            await manager.call("echo", "echo", {"text": "x"})
        for _ in range(5):
            with pytest.raises(CircuitOpen):
                await manager.call("echo", "echo", {"text": "x"})
        assert clock.sleeps == []


class TestAttemptLogging:
    async def test_one_event_per_attempt_with_delay_and_outcome(self, manager: IntegrationManager) -> None:
        """Every attempt logs exactly one service_called event with its fields."""
        scripted(manager).fail_next(TransientError("a"), TransientError("b"))
        with capture_logs() as logs:
            await manager.call("echo", "echo", {"text": "x"})
        events = [e for e in logs if e["event"] == "service_called"]
        assert [(e["service"], e["operation"], e["attempt"], e["delay"], e["outcome"]) for e in events] == [
            ("echo", "echo", 1, 0.0, "retrying"),
            ("echo", "echo", 2, 1.0, "retrying"),
            ("echo", "echo", 3, 2.0, "ok"),
        ]
        assert [e.get("retry_in") for e in events] == [1.0, 2.0, None]

    async def test_giving_up_is_logged_as_failed_with_the_reason(self, manager: IntegrationManager) -> None:
        """The last attempt of an exhausted retry logs outcome failed and why."""
        scripted(manager).fail_next(*(TransientError("down") for _ in range(3)))
        with capture_logs() as logs, pytest.raises(TransientError):
            await manager.call("echo", "echo", {"text": "x"})
        last = [e for e in logs if e["event"] == "service_called"][-1]
        assert (last["attempt"], last["outcome"], last["reason"], last["error"]) == (
            3,
            "failed",
            "attempts exhausted",
            "TransientError",
        )

    async def test_breaker_refusals_are_logged_as_rejected(self, tmp_path: Path, clock: FakeClock) -> None:
        """A call refused by an open breaker logs outcome rejected, after a breaker_opened event."""
        cfg = one_attempt(tmp_path, threshold=1, reset=5)
        manager = IntegrationManager.from_config(cfg, clock=clock)
        scripted(manager).fail_next(TransientError("down"))
        with capture_logs() as logs:
            for _ in range(2):
                with pytest.raises((TransientError, CircuitOpen)):
                    await manager.call("echo", "echo", {"text": "x"})
        assert [(e["event"], e.get("outcome")) for e in logs] == [
            ("breaker_opened", None),
            ("service_called", "failed"),
            ("service_called", "rejected"),
        ]
