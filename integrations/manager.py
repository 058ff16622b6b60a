"""The `IntegrationManager`: every service call goes through it, under its policies.

The chain is fixed and lives in one place (`ServiceRuntime.run`)::

    retry → circuit breaker → rate limiter → timeout → adapter

A `ServicePool` holds one adapter and one set of policy objects per service,
built on first use; several managers (one per agent) share a pool, so a
service's rate limit and breaker hold for every agent that uses it. A manager
only reaches the services it was given::

    pool = ServicePool(config)
    calendar = IntegrationManager.from_config(config, ["calendar"], pool=pool)
    event = await calendar.call("calendar", "insert_event", draft,
                                idempotency_key=key, expect=CalendarEvent)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypeVar, overload

from pydantic import BaseModel, ValidationError

from automate.integrations.adapter import Adapter, AdapterEnv, CallContext, CheckResult, Operation
from automate.integrations.clock import Clock, SystemClock
from automate.integrations.config import AppConfig, ServiceConfig
from automate.integrations.errors import (
    IntegrationError,
    InvalidRequest,
    PermanentError,
    TransientError,
)
from automate.integrations.logs import get_logger
from automate.integrations.policies import (
    Attempt,
    CircuitBreaker,
    RetryPolicy,
    TimeoutPolicy,
    TokenBucket,
)

__all__ = ["IntegrationManager", "ServicePool", "ServiceRuntime"]

ResultT = TypeVar("ResultT", bound=BaseModel)
T = TypeVar("T")
_log = get_logger("integrations")


@dataclass
class ServiceRuntime:
    """One service's adapter and the policy objects every caller of it shares."""

    name: str
    config: ServiceConfig
    adapter: Adapter[Any]
    retry: RetryPolicy
    breaker: CircuitBreaker
    limiter: TokenBucket
    timeout: TimeoutPolicy
    clock: Clock = field(default_factory=SystemClock)

    async def run(
        self,
        attempt: Callable[[int], Awaitable[T]],
        *,
        on_attempt: Callable[[Attempt], None] | None = None,
    ) -> T:
        """Run `attempt(number)` through the chain: retry → breaker → limiter → timeout.

        Waiting for a rate-limit token is part of the call's time: never past
        the retry deadline (with no deadline, no longer than one `timeout`). A
        call that cannot start in time fails at once with `RateLimited`,
        saying when it could, instead of hanging.
        """
        clock, number = self.clock, 0
        deadline = self.config.retry.deadline
        ends = None if deadline is None else clock.monotonic() + deadline

        async def once() -> T:
            nonlocal number
            number += 1
            current = number
            within = self.config.timeout if ends is None else ends - clock.monotonic()
            return await self.breaker(
                lambda: self.limiter(lambda: self.timeout(lambda: attempt(current)), within=within)
            )

        return await self.retry(once, on_attempt=on_attempt)


class ServicePool:
    """Adapters and policies per service, created lazily and shared by managers."""

    def __init__(self, config: AppConfig, *, clock: Clock | None = None) -> None:
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self._services: dict[str, ServiceRuntime] = {}

    def names(self) -> list[str]:
        """Every configured service name."""
        return sorted(self.config.integrations.services)

    def service_config(self, name: str) -> ServiceConfig:
        """The configuration of service `name`; `InvalidRequest` if none is configured."""
        services = self.config.integrations.services
        if name not in services:
            known = ", ".join(sorted(services)) or "none"
            raise InvalidRequest(f"unknown service {name!r} (configured: {known})", service=name)
        return services[name]

    def get(self, name: str) -> ServiceRuntime:
        """The runtime of service `name`, building adapter and policies on first use."""
        if name in self._services:
            return self._services[name]
        service = self.service_config(name)
        if not service.enabled:
            raise PermanentError(f"service {name!r} is disabled in the configuration", service=name)
        runtime = ServiceRuntime(
            name=name,
            config=service,
            adapter=self._build_adapter(name, service),
            retry=RetryPolicy(service.retry, self.clock),
            breaker=CircuitBreaker(service.circuit_breaker, self.clock, service=name),
            limiter=TokenBucket(service.rate_limit, self.clock, service=name),
            timeout=TimeoutPolicy(service.timeout, service=name),
            clock=self.clock,
        )
        self._services[name] = runtime
        return runtime

    def started(self) -> list[ServiceRuntime]:
        """The services whose adapters have been built so far."""
        return list(self._services.values())

    async def aclose(self) -> None:
        """Close every adapter built so far (errors are logged, not raised)."""
        runtimes, self._services = list(self._services.values()), {}
        for runtime in runtimes:
            try:
                await runtime.adapter.aclose()
            except Exception as exc:
                _log.warning(
                    "adapter_close_failed",
                    service=runtime.name,
                    error=type(exc).__name__,
                    message=str(exc),
                )

    def _build_adapter(self, name: str, service: ServiceConfig) -> Adapter[Any]:
        from automate.integrations.registry import adapter_class

        try:
            cls = adapter_class(service.adapter)
            settings = cls.config_model.model_validate(service.settings)
            return cls(settings, AdapterEnv(service=name, data_dir=self.config.home))
        except IntegrationError as exc:
            raise exc.at(name, "") from None
        except (KeyError, ValidationError, ValueError, OSError, ImportError) as exc:
            raise PermanentError(
                f"cannot start adapter {service.adapter!r} for service {name!r}: {exc}",
                service=name,
            ) from exc


class IntegrationManager:
    """Calls services for one agent, through the shared pool's policies."""

    def __init__(
        self,
        pool: ServicePool,
        services: Iterable[str] | None = None,
        *,
        owns_pool: bool = False,
    ) -> None:
        self.pool = pool
        self.allowed: frozenset[str] | None = None if services is None else frozenset(services)
        self._owns_pool = owns_pool

    @classmethod
    def from_config(
        cls,
        config: AppConfig,
        services: Iterable[str] | None = None,
        *,
        pool: ServicePool | None = None,
        clock: Clock | None = None,
    ) -> IntegrationManager:
        """A manager over `services` (all configured ones if `None`).

        Given a `pool`, the manager shares it (and its clock) and leaves closing
        it to its owner; otherwise it makes its own pool and closes it in `aclose`.
        """
        if pool is None:
            return cls(ServicePool(config, clock=clock), services, owns_pool=True)
        if clock is not None and clock is not pool.clock:
            raise ValueError("pass the clock to the ServicePool, not to a manager sharing it")
        return cls(pool, services)

    @property
    def services(self) -> list[str]:
        """The configured services this manager may call."""
        names = self.pool.names()
        return names if self.allowed is None else [n for n in names if n in self.allowed]

    def adapter(self, service: str) -> Adapter[Any]:
        """The adapter instance behind `service` (built if needed)."""
        return self._runtime(service).adapter

    def operation(self, service: str, operation: str) -> Operation:
        """The declared operation `operation` of `service`; `InvalidRequest` if unknown."""
        runtime = self._runtime(service)
        found = runtime.adapter.operations.get(operation)
        if found is None:
            offered = ", ".join(sorted(runtime.adapter.operations)) or "none"
            raise InvalidRequest(
                f"service {service!r} (adapter {runtime.config.adapter!r}) has no operation "
                f"{operation!r} (offers: {offered})",
                service=service,
                operation=operation,
            )
        return found

    @overload
    async def call(
        self,
        service: str,
        operation: str,
        params: BaseModel | Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
    ) -> BaseModel: ...

    @overload
    async def call(
        self,
        service: str,
        operation: str,
        params: BaseModel | Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
        expect: type[ResultT],
    ) -> ResultT: ...

    async def call(
        self,
        service: str,
        operation: str,
        params: BaseModel | Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
        expect: type[BaseModel] | None = None,
    ) -> BaseModel:
        """Call `operation` of `service` with validated `params`, under the service's policies."""
        op = self.operation(service, operation)
        runtime = self._runtime(service)
        validated = _validate_params(op, params, service)
        method: Callable[[BaseModel, CallContext], Awaitable[BaseModel]] = getattr(runtime.adapter, operation)
        log = _log.bind(service=service, operation=operation)

        async def attempt(number: int) -> BaseModel:
            ctx = CallContext(idempotency_key=idempotency_key, attempt=number)
            return await _invoke(method, validated, ctx, service, operation)

        result = await runtime.run(attempt, on_attempt=lambda a: _log_attempt(log, a))
        if expect is not None and not isinstance(result, expect):
            raise TypeError(f"{service}.{operation} returned {type(result).__name__}, not {expect.__name__}")
        return result

    async def check(self) -> list[CheckResult]:
        """Check every enabled service this manager may call; failures become ok=False."""
        names = [n for n in self.services if self.pool.service_config(n).enabled]
        return list(await asyncio.gather(*(self._check_one(name) for name in names)))

    async def aclose(self) -> None:
        """Close the pool's adapters if this manager owns the pool."""
        if self._owns_pool:
            await self.pool.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _runtime(self, service: str) -> ServiceRuntime:
        if self.allowed is not None and service not in self.allowed:
            allowed = ", ".join(sorted(self.allowed)) or "none"
            raise InvalidRequest(
                f"service {service!r} is not available here (allowed: {allowed})", service=service
            )
        return self.pool.get(service)

    async def _check_one(self, name: str) -> CheckResult:
        service = self.pool.service_config(name)
        try:
            runtime = self.pool.get(name)
            async with asyncio.timeout(service.timeout):
                return await runtime.adapter.check()
        except Exception as exc:
            if isinstance(exc, TimeoutError):
                detail = f"timed out after {service.timeout:g}s"
            else:
                detail = f"{type(exc).__name__}: {exc}"
            return CheckResult(service=name, adapter=service.adapter, ok=False, detail=detail)


def _validate_params(op: Operation, params: BaseModel | Mapping[str, Any], service: str) -> BaseModel:
    """Coerce `params` into the operation's params model; `InvalidRequest` if they do not fit."""
    if isinstance(params, op.params_model):
        return params
    data = params.model_dump() if isinstance(params, BaseModel) else params
    if not isinstance(data, Mapping):
        raise InvalidRequest(
            f"params for {service}.{op.name} must be a mapping or a {op.params_model.__name__}",
            service=service,
            operation=op.name,
        )
    try:
        return op.params_model.model_validate(dict(data))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(params)'}: {err['msg']}"
            for err in exc.errors(include_input=False, include_url=False)
        )
        raise InvalidRequest(
            f"invalid params for {service}.{op.name}: {problems}",
            service=service,
            operation=op.name,
        ) from None


async def _invoke(
    method: Callable[[BaseModel, CallContext], Awaitable[BaseModel]],
    params: BaseModel,
    ctx: CallContext,
    service: str,
    operation: str,
) -> BaseModel:
    """Call the adapter; whatever escapes it leaves as one of the project's errors."""
    try:
        return await method(params, ctx)
    except IntegrationError as exc:
        exc.at(service, operation)
        raise
    except OSError as exc:
        # Covers asyncio.TimeoutError and ConnectionError, both OSError subclasses.
        raise TransientError(
            f"{service}.{operation}: {type(exc).__name__}: {exc}",
            service=service,
            operation=operation,
        ) from exc
    except Exception as exc:
        raise PermanentError(
            f"{service}.{operation}: unexpected {type(exc).__name__}: {exc}",
            service=service,
            operation=operation,
        ) from exc


def _log_attempt(log: Any, attempt: Attempt) -> None:
    """Log one event per attempt: where, which, how long we waited, how it went."""
    fields: dict[str, Any] = {
        "attempt": attempt.number,
        "delay": round(attempt.delay, 6),
        "outcome": attempt.outcome,
    }
    if attempt.retry_in is not None:
        fields["retry_in"] = round(attempt.retry_in, 6)
    if attempt.error is not None:
        fields["error"] = type(attempt.error).__name__
        fields["message"] = str(attempt.error)
    if attempt.reason is not None:
        fields["reason"] = attempt.reason
    if attempt.outcome == "ok":
        log.info("service_called", **fields)
    else:
        log.warning("service_called", **fields)
