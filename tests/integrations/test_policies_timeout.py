"""Tests for the per-attempt timeout."""

from __future__ import annotations

import asyncio

import pytest

from automate.integrations.errors import TransientError
from automate.integrations.policies import TimeoutPolicy


class TestTimeoutPolicy:
    async def test_a_hung_call_becomes_a_transient_error(self) -> None:
        """A call that never finishes is cancelled and reported as retryable, naming the limit."""
        cancelled = asyncio.Event()

        async def hang() -> None:
            try:
                await asyncio.Event().wait()
            finally:
                cancelled.set()

        with pytest.raises(TransientError, match=r"calendar timed out after 0\.01s") as raised:
            await TimeoutPolicy(0.01, service="calendar")(hang)
        assert raised.value.retryable
        assert cancelled.is_set()

    async def test_a_prompt_call_returns_its_result(self) -> None:
        """A call that finishes in time is passed through untouched."""

        async def quick() -> int:
            return 42

        assert await TimeoutPolicy(5)(quick) == 42

    async def test_a_timeout_raised_by_the_call_itself_is_not_relabelled(self) -> None:
        """Only the policy's own expiry is reported as 'timed out after'."""

        async def own() -> None:
            raise TimeoutError("socket said so")

        with pytest.raises(TimeoutError, match="socket said so"):
            await TimeoutPolicy(5)(own)

    def test_rejects_a_non_positive_limit(self) -> None:
        """A zero or negative time limit is a programming error."""
        with pytest.raises(ValueError):
            TimeoutPolicy(0)
