"""Policies around every service call: retry, circuit breaker, rate limit, timeout.

Each is a small class built from its config model, and a wrapper with one
signature: ``await policy(call)`` where `call` takes no arguments. The manager
chains them in one fixed order (retry → breaker → rate limit → timeout → adapter).
"""

from automate.integrations.policies.breaker import BreakerState, CircuitBreaker
from automate.integrations.policies.ratelimit import TokenBucket
from automate.integrations.policies.retry import Attempt, Outcome, RetryPolicy
from automate.integrations.policies.timeout import TimeoutPolicy

__all__ = [
    "Attempt",
    "BreakerState",
    "CircuitBreaker",
    "Outcome",
    "RetryPolicy",
    "TimeoutPolicy",
    "TokenBucket",
]
