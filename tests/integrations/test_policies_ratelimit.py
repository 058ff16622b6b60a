"""Tests for the token bucket: its rate bound, bursts, and slowing down when the server asks."""

from __future__ import annotations

import asyncio
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from automate.integrations.clock import SystemClock
from automate.integrations.config import RateLimitConfig
from automate.integrations.errors import RateLimited
from automate.integrations.policies import TokenBucket
from automate.integrations.testing import FakeClock, bucket_excess, most_in_window


async def acquire_all(bucket: TokenBucket, clock: FakeClock, count: int) -> list[float]:
    times = []
    for _ in range(count):
        await bucket.acquire()
        times.append(clock.monotonic())
    return times


workers = st.lists(
    st.lists(st.tuples(st.floats(0, 2), st.integers(1, 4)), min_size=1, max_size=6),
    min_size=1,
    max_size=4,
)


class TestBucketExcess:
    @given(st.lists(st.floats(0, 10), max_size=40), st.floats(1, 5), st.floats(0.1, 20))
    def test_matches_checking_every_window(self, times: list[float], capacity: float, rate: float) -> None:
        """The one-pass bound check agrees with trying every window."""
        ordered = sorted(times)
        brute = max(
            (
                j - i + 1 - capacity - rate * (ordered[j] - ordered[i])
                for i in range(len(ordered))
                for j in range(i, len(ordered))
            ),
            default=float("-inf"),
        )
        assert bucket_excess(times, capacity, rate) == pytest.approx(brute)

    def test_a_burst_over_capacity_exceeds(self) -> None:
        """Four calls at once against a capacity of three exceed the bound by one."""
        assert bucket_excess([1.0, 1.0, 1.0, 1.0], 3, 10) == pytest.approx(1.0)


class TestMostInWindow:
    def test_counts_the_busiest_half_open_window(self) -> None:
        """Starts exactly one window apart are in different windows; closer ones share one."""
        assert most_in_window([0.0, 0.5, 1.0, 1.2, 1.9], 1.0) == 3
        assert most_in_window([0.0, 1.0, 2.0], 1.0) == 1
        assert most_in_window([], 1.0) == 0


class TestTokenBucket:
    @settings(max_examples=80, deadline=None)
    @given(
        requests=st.floats(0.5, 50),
        per_seconds=st.floats(0.1, 5),
        burst=st.none() | st.integers(1, 10),
        plan=workers,
        slowdowns=st.lists(st.tuples(st.floats(0, 5), st.none() | st.floats(0, 3)), max_size=3),
        successes=st.integers(0, 30),
    )
    def test_never_exceeds_its_rate(
        self,
        requests: float,
        per_seconds: float,
        burst: int | None,
        plan: list[list[tuple[float, int]]],
        slowdowns: list[tuple[float, float | None]],
        successes: int,
    ) -> None:
        """Whatever the callers and slow-downs, no window of length w holds over capacity + rate*w calls."""
        config = RateLimitConfig(requests=requests, per_seconds=per_seconds, burst=burst)
        arrivals: list[float] = []

        async def scenario() -> None:
            clock = FakeClock()
            bucket = TokenBucket(config, clock)

            async def worker(steps: list[tuple[float, int]]) -> None:
                for idle, count in steps:
                    await clock.sleep(idle)
                    arrivals.extend(await acquire_all(bucket, clock, count))
                    for _ in range(successes):
                        bucket.recover()

            async def server() -> None:
                for at, retry_after in sorted(slowdowns, key=lambda s: s[0]):
                    await clock.sleep(at - clock.monotonic())
                    bucket.slow_down(retry_after)

            await asyncio.gather(server(), *(worker(steps) for steps in plan))

        asyncio.run(scenario())
        assert bucket_excess(arrivals, config.capacity, config.rate) <= 1e-6
        if config.window is not None:
            assert most_in_window(arrivals, config.window) <= config.capacity

    async def test_bursts_up_to_capacity_then_paces(self) -> None:
        """A full bucket admits `capacity` calls at once, then one per 1/rate seconds."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=2, per_seconds=1, burst=3), clock)
        times = await acquire_all(bucket, clock, 5)
        assert times == pytest.approx([0, 0, 0, 0.5, 1.0])

    async def test_refills_while_idle_but_not_beyond_capacity(self) -> None:
        """After a long idle spell the bucket holds `capacity` tokens, not more."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=1, per_seconds=1, burst=2), clock)
        await acquire_all(bucket, clock, 2)
        clock.advance(100)
        times = await acquire_all(bucket, clock, 3)
        assert times == pytest.approx([100, 100, 101])

    async def test_slow_down_holds_every_caller_until_retry_after(self) -> None:
        """After slow_down(retry_after) no caller starts before that much time has passed."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=10, per_seconds=1, burst=10), clock)
        bucket.slow_down(4.0)
        first = await asyncio.gather(*(acquire_all(bucket, clock, 1) for _ in range(3)))
        assert min(t for times in first for t in times) == pytest.approx(4.0)
        assert bucket.rate == pytest.approx(5.0)

    async def test_waiters_already_queued_are_held_back_too(self) -> None:
        """A caller that reserved a slot before the server said slow down waits the new delay."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=1, per_seconds=1, burst=1), clock)
        await bucket.acquire()
        waiter = asyncio.create_task(acquire_all(bucket, clock, 1))
        await asyncio.sleep(0)
        bucket.slow_down(3.0)
        assert (await waiter)[0] >= 3.0

    async def test_rate_recovers_gradually_and_never_above_configured(self) -> None:
        """Each success climbs back one step; the configured rate is the ceiling."""
        bucket = TokenBucket(RateLimitConfig(requests=8, per_seconds=1), FakeClock(), recovery_step=0.25)
        bucket.slow_down(None)
        bucket.slow_down(None)
        assert bucket.rate == pytest.approx(2.0)
        seen = []
        for _ in range(5):
            bucket.recover()
            seen.append(bucket.rate)
        assert seen == pytest.approx([4.0, 6.0, 8.0, 8.0, 8.0])

    async def test_slow_down_has_a_floor(self) -> None:
        """Repeated slow-downs never stop the bucket entirely."""
        bucket = TokenBucket(RateLimitConfig(requests=64, per_seconds=1), FakeClock())
        for _ in range(50):
            bucket.slow_down(None)
        assert bucket.rate == pytest.approx(1.0)

    async def test_rate_limited_call_slows_the_shared_bucket(self) -> None:
        """A call failing with RateLimited makes every other caller of the bucket wait."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=100, per_seconds=1), clock)

        async def limited() -> None:
            raise RateLimited("429", retry_after=2.5)

        async def fine() -> float:
            return clock.monotonic()

        with pytest.raises(RateLimited):
            await bucket(limited)
        assert await bucket(fine) >= 2.5
        assert bucket.rate < 100

    async def test_success_through_the_wrapper_recovers(self) -> None:
        """Successful calls through the bucket restore the rate step by step."""
        bucket = TokenBucket(RateLimitConfig(requests=10, per_seconds=1), FakeClock())
        bucket.slow_down(None)

        async def fine() -> str:
            return "ok"

        for _ in range(5):
            await bucket(fine)
        assert bucket.rate == pytest.approx(10.0)

    def test_rejects_nonsense_tuning(self) -> None:
        """Decrease and recovery fractions outside (0, 1] are refused."""
        with pytest.raises(ValueError):
            TokenBucket(RateLimitConfig(), FakeClock(), decrease=1.5)

    async def test_waiters_are_served_first_come_first_served(self) -> None:
        """Callers queued on an empty bucket start in the order they arrived."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=1, per_seconds=1, burst=1), clock)
        order: list[int] = []

        async def take(n: int) -> None:
            await bucket.acquire()
            order.append(n)

        await asyncio.gather(*(take(n) for n in range(6)))
        assert order == list(range(6))
        assert clock.now == pytest.approx(5.0)

    async def test_a_burst_of_429s_from_calls_already_in_flight_counts_once(self) -> None:
        """Calls that started before the rate was lowered do not lower it again."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=8, per_seconds=1, burst=8), clock)
        release = asyncio.Event()

        async def limited() -> None:
            await release.wait()
            raise RateLimited("429", retry_after=1)

        calls = [asyncio.create_task(bucket(limited)) for _ in range(5)]
        await asyncio.sleep(0)
        release.set()
        results = await asyncio.gather(*calls, return_exceptions=True)
        assert all(isinstance(r, RateLimited) for r in results)
        assert bucket.rate == pytest.approx(4.0)
        with pytest.raises(RateLimited):
            await bucket(limited)  # started after the decrease: a new signal
        assert bucket.rate == pytest.approx(2.0)

    def test_a_bucket_outlives_its_event_loop(self) -> None:
        """The same bucket keeps working when used from a second event loop."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=1, per_seconds=1, burst=1), clock)

        async def contend() -> None:
            await asyncio.gather(bucket.acquire(), bucket.acquire())

        asyncio.run(contend())
        asyncio.run(contend())
        assert clock.now == pytest.approx(3.0)


class TestUnsetBurst:
    async def test_two_hundred_calls_never_exceed_fifty_in_any_second(self) -> None:
        """200 concurrent callers under 50/s with burst unset: never 51 starts within one second."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=50, per_seconds=1), clock)
        starts = await asyncio.gather(*(acquire_all(bucket, clock, 1) for _ in range(200)))
        times = [t for one in starts for t in one]
        assert most_in_window(times, 1.0) == 50
        assert max(times) == pytest.approx(3.0)  # a whole window's worth each second: not slower

    async def test_a_whole_burst_may_start_at_once(self) -> None:
        """With burst unset, all `requests` of a window may start together, then the window holds."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=3, per_seconds=10), clock)
        assert await acquire_all(bucket, clock, 5) == pytest.approx([0, 0, 0, 10, 10])

    async def test_real_time_run_keeps_to_the_window(self) -> None:
        """On the real clock too, 200 callers under 50/s see at most 50 starts in any second."""
        bucket = TokenBucket(RateLimitConfig(requests=50, per_seconds=1), SystemClock())
        times: list[float] = []

        async def one() -> None:
            await bucket.acquire()
            times.append(time.monotonic())

        await asyncio.wait_for(asyncio.gather(*(one() for _ in range(200))), timeout=20)
        # Recording the time trails the bucket's own start by microseconds: a 1 ms margin.
        assert most_in_window(times, 1.0 - 0.001) <= 50
        assert len(times) == 200


class TestWaitingWithin:
    async def test_a_slot_further_than_within_fails_at_once(self) -> None:
        """A caller that may wait 1 s for a slot 10 s away gets RateLimited at once, saying 10 s."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=5, per_seconds=1, burst=5), clock)
        bucket.slow_down(10.0)
        with pytest.raises(RateLimited) as caught:
            await bucket.acquire(within=1.0)
        assert caught.value.retry_after == pytest.approx(10.0)
        assert clock.now == 0.0 and clock.sleeps == []

    async def test_a_refused_caller_takes_no_slot(self) -> None:
        """After a refusal the next caller gets the slot the refused one would have had."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=1, per_seconds=1, burst=1), clock)
        await bucket.acquire()
        with pytest.raises(RateLimited):
            await bucket.acquire(within=0.5)
        assert await bucket.acquire(within=1.0) == pytest.approx(1.0)

    async def test_a_caller_queued_behind_a_late_head_fails_at_once(self) -> None:
        """While the head of the queue sleeps 20 s, a caller that may wait 5 s does not queue."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=1, per_seconds=20, burst=1), clock)
        await bucket.acquire()
        head = asyncio.create_task(bucket.acquire())
        await asyncio.sleep(0)
        with pytest.raises(RateLimited) as caught:
            await bucket.acquire(within=5.0)
        assert clock.now == 0.0 and caught.value.retry_after == pytest.approx(20.0)
        assert await head == pytest.approx(20.0)

    async def test_a_slot_within_reach_is_waited_for(self) -> None:
        """A slot closer than `within` is waited for as usual."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=1, per_seconds=2, burst=1), clock)
        await bucket.acquire()
        assert await bucket.acquire(within=2.0) == pytest.approx(2.0)


class TestMaxRetryAfter:
    async def test_a_huge_server_pause_is_capped(self) -> None:
        """slow_down(86400) with max_retry_after 300 holds callers 300 s, not a day."""
        clock = FakeClock()
        bucket = TokenBucket(RateLimitConfig(requests=10, per_seconds=1, max_retry_after=300), clock)
        bucket.slow_down(86400.0)
        assert await bucket.acquire() == pytest.approx(300.0)

    async def test_the_error_carries_the_capped_pause(self) -> None:
        """A RateLimited answer asking for 1e20 s leaves the bucket saying max_retry_after."""
        bucket = TokenBucket(RateLimitConfig(max_retry_after=60), FakeClock())

        async def limited() -> None:
            raise RateLimited("429", retry_after=1e20)

        with pytest.raises(RateLimited) as caught:
            await bucket(limited)
        assert caught.value.retry_after == 60.0
