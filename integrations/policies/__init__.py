"""Policies around every service call: retry, circuit breaker, rate limit, timeout.

Each is a small class built from its config model, and a wrapper with one
signature: ``await policy(call)`` where `call` takes no arguments. The manager
chains them in one fixed order (retry → breaker → rate limit → timeout → adapter).
"""

from integrations.policies.breaker import BreakerState, CircuitBreaker
from integrations.policies.ratelimit import TokenBucket
from integrations.policies.retry import Attempt, Outcome, RetryPolicy
from integrations.policies.timeout import TimeoutPolicy

__all__ = [
    "Attempt",
    "BreakerState",
    "CircuitBreaker",
    "Outcome",
    "RetryPolicy",
    "TimeoutPolicy",
    "TokenBucket",
]
