"""The project's error tree.

Whether a failure is worth retrying is a property of its type, never of the
call site::

    AutomationError
    ├── ConfigError                  a config file is malformed (file, key path, problem)
    ├── RoutingError
    │   ├── NoAgentForTask           no agent serves the request (declined)
    │   └── NeedsClarification       a slot is missing or ambiguous (a question)
    ├── ActionError                  an agent action cannot proceed as asked
    │   └── SchedulingConflict       the slot is taken (carries proposals)
    └── IntegrationError(service, operation, retryable, retry_after)
        ├── TransientError           retryable: timeouts, dropped connections, 5xx
        │   └── RateLimited          retryable, usually with a retry-after
        ├── PermanentError           never retried
        │   ├── AuthError            credentials missing, wrong or expired
        │   ├── InvalidRequest       the service rejected what we sent
        │   └── NotFound             the thing asked for does not exist
        └── CircuitOpen              the breaker refuses calls for now
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = [
    "ActionError",
    "AuthError",
    "AutomationError",
    "CircuitOpen",
    "ConfigError",
    "IntegrationError",
    "InvalidRequest",
    "NeedsClarification",
    "NoAgentForTask",
    "NotFound",
    "PermanentError",
    "RateLimited",
    "RoutingError",
    "SchedulingConflict",
    "TransientError",
    "invalid_params",
]


class AutomationError(Exception):
    """Root of every error this project raises on purpose."""


class ConfigError(AutomationError):
    """A configuration file cannot be used; the message names file, key and problem."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = file, key, problem
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {problem}")


class RoutingError(AutomationError):
    """The request could not be turned into a plan."""


class NoAgentForTask(RoutingError):
    """No agent serves this request; the runtime declines it politely."""


class NeedsClarification(RoutingError):
    """A slot is missing or ambiguous: ask the person instead of guessing."""

    def __init__(self, question: str, *, slot: str | None = None) -> None:
        self.question, self.slot = question, slot
        super().__init__(question)


class ActionError(AutomationError):
    """An agent action cannot do what was asked (not a service failure)."""


class SchedulingConflict(ActionError):
    """The requested time overlaps existing events; nearby free slots are proposed."""

    def __init__(self, message: str, *, conflicts: list[Any], proposals: list[Any]) -> None:
        self.conflicts, self.proposals = conflicts, proposals
        super().__init__(message)


class IntegrationError(AutomationError):
    """A call to a service failed; `retryable` says whether trying again may help."""

    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        service: str = "",
        operation: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.service, self.operation, self.retry_after = service, operation, retry_after
        super().__init__(message)

    def at(self, service: str, operation: str) -> IntegrationError:
        """Fill in where the error happened, when the adapter did not."""
        self.service = self.service or service
        self.operation = self.operation or operation
        return self


class TransientError(IntegrationError):
    """A failure that may pass: timeouts, dropped connections, overloaded servers."""

    retryable = True


class RateLimited(TransientError):
    """The service asked us to slow down, often saying for how long."""


class PermanentError(IntegrationError):
    """Trying again with the same request cannot succeed."""


class AuthError(PermanentError):
    """Credentials are missing, wrong, or expired beyond refresh."""


class InvalidRequest(PermanentError):
    """The service (or our own validation) rejected the request as malformed."""


class NotFound(PermanentError):
    """The object named in the request does not exist (or no longer does)."""


def invalid_params(exc: ValidationError, what: str) -> InvalidRequest:
    """A ValidationError as one line naming `what`, the first wrong field and why (never its value)."""
    errors = exc.errors(include_input=False, include_url=False)
    first = errors[0] if errors else {"loc": (), "msg": str(exc)}
    where = ".".join(str(part) for part in first["loc"]) or "params"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    line = " ".join(f"{what}: {where}: {first['msg']}{more}".split())
    return InvalidRequest(line)


class CircuitOpen(IntegrationError):
    """The circuit breaker is open: the service failed repeatedly, calls wait."""
