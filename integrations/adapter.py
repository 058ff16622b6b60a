"""The `Adapter` base: one class per service, one async method per operation.

An adapter knows one service and nothing about agents, language or plans.
Each operation takes one pydantic params model and returns one result model;
the `operation` decorator records its name, models and whether repeating it
is harmless. A service family (calendar, mail) declares its operations once
on an abstract base; concrete adapters override the methods by name::

    class EchoConfig(StrictModel):
        prefix: str = ""

    class EchoAdapter(Adapter):
        name = "echo"
        config_model = EchoConfig

        @operation(idempotent=True)
        async def echo(self, params: EchoParams, ctx: CallContext) -> EchoResult:
            return EchoResult(text=self.config.prefix + params.text)

Vendor exceptions are translated to the project's errors inside the adapter,
in one place, with ``raise … from``.
"""

from __future__ import annotations

from abc import ABC
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Generic, TypeVar, get_type_hints

from pydantic import AfterValidator, BaseModel

from automate.integrations.config import StrictModel
from automate.integrations.model import Model
from automate.integrations.redaction import redact

__all__ = [
    "Adapter",
    "AdapterEnv",
    "CallContext",
    "CheckResult",
    "NoSettings",
    "Operation",
    "operation",
]

ConfigT = TypeVar("ConfigT", bound=BaseModel)
ParamsT = TypeVar("ParamsT", bound=BaseModel)
ResultT = TypeVar("ResultT", bound=BaseModel)


@dataclass(frozen=True)
class CallContext:
    """What the manager tells an adapter about one attempt of one call."""

    idempotency_key: str | None = None
    attempt: int = 1


@dataclass(frozen=True)
class AdapterEnv:
    """What every adapter may rely on besides its own settings."""

    service: str
    data_dir: Path


class CheckResult(Model):
    """The answer of `Adapter.check()`: reachable and authorised, or why not.

    `detail` is masked as the result is built: a server's refusal may echo
    the credentials it was sent, and every printer of a check shows it.
    """

    service: str
    adapter: str
    ok: bool
    detail: Annotated[str, AfterValidator(redact)]


class NoSettings(StrictModel):
    """For adapters that need no settings."""


@dataclass(frozen=True)
class Operation:
    """One declared operation of an adapter."""

    name: str
    params_model: type[BaseModel]
    result_model: type[BaseModel]
    idempotent: bool
    description: str


OperationMethod = Callable[[Any, ParamsT, CallContext], Awaitable[ResultT]]


def operation(
    *, idempotent: bool
) -> Callable[[OperationMethod[ParamsT, ResultT]], OperationMethod[ParamsT, ResultT]]:
    """Declare an adapter method as an operation; `idempotent` says repeats are harmless."""

    def mark(method: OperationMethod[ParamsT, ResultT]) -> OperationMethod[ParamsT, ResultT]:
        method.__automate_operation__ = idempotent  # type: ignore[attr-defined]
        return method

    return mark


class Adapter(ABC, Generic[ConfigT]):
    """Base of every adapter. Subclasses set `name` and `config_model`."""

    name: ClassVar[str]
    config_model: ClassVar[type[BaseModel]] = NoSettings
    operations: ClassVar[dict[str, Operation]] = {}

    def __init__(self, config: ConfigT, env: AdapterEnv) -> None:
        self.config = config
        self.env = env

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: dict[str, Operation] = {}
        for base in reversed(cls.__mro__[1:]):
            found.update(getattr(base, "operations", {}))
        for attr, value in vars(cls).items():
            idempotent = getattr(value, "__automate_operation__", None)
            if idempotent is None:
                continue
            hints = get_type_hints(value)
            params, result = hints.get("params"), hints.get("return")
            if not (isinstance(params, type) and issubclass(params, BaseModel)):
                raise TypeError(f"{cls.__name__}.{attr}: params must be a pydantic model")
            if not (isinstance(result, type) and issubclass(result, BaseModel)):
                raise TypeError(f"{cls.__name__}.{attr}: must return a pydantic model")
            doc = (value.__doc__ or "").strip().splitlines()
            found[attr] = Operation(attr, params, result, idempotent, doc[0] if doc else attr)
        cls.operations = found

    async def check(self) -> CheckResult:
        """Say whether the service is reachable and the credentials work."""
        return self.report(True, "ready")

    async def aclose(self) -> None:
        """Release connections and files; called once when the runtime stops."""

    def report(self, ok: bool, detail: str) -> CheckResult:
        """Build a `CheckResult` for this adapter."""
        return CheckResult(service=self.env.service, adapter=self.name, ok=ok, detail=detail)
