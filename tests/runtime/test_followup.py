"""Answers to a booking's questions: a yes to a past start, 'book anyway' to a clash."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import pytest

from automate.agents.scheduler import SchedulerAgent
from automate.agents.scheduler_models import ListEventsParams
from automate.integrations.config import AppConfig
from automate.runtime.followup import answer
from automate.runtime.result import TaskStatus
from automate.runtime.runtime import Runtime
from tests.agents.test_scheduler import ctx
from tests.conftest import NOW


@pytest.fixture
async def runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    async with Runtime(local_config, now=fixed_now) as rt:
        yield rt


async def starts(runtime: Runtime) -> list[datetime]:
    """The start of every event in the fortnight around NOW."""
    window = ListEventsParams(start=NOW - timedelta(days=7), end=NOW + timedelta(days=7))
    listed = await runtime.agent(SchedulerAgent).list_events(window, ctx())
    return [e.start for e in listed.events]


class TestAnswer:
    async def test_yes_to_a_past_start_books_it(self, runtime: Runtime) -> None:
        """'yes' to "… is in the past. Book it anyway?" books the past time, once."""
        asked = await runtime.handle("book a call yesterday at 3pm")
        assert asked.status is TaskStatus.NEEDS_CLARIFICATION
        assert asked.message == "Mon 23 Nov 15:00–15:30 is in the past. Book it anyway?"
        assert await starts(runtime) == []
        booked = await runtime.execute(answer(asked, "yes", runtime.router, runtime.route_context()))
        assert booked.status is TaskStatus.DONE
        assert await starts(runtime) == [NOW.replace(hour=15) - timedelta(days=1)]

    async def test_book_anyway_to_a_clash_double_books(self, runtime: Runtime) -> None:
        """'book anyway' to a clash's question books over the other event."""
        assert (await runtime.handle("book a call tomorrow at 3pm")).status is TaskStatus.DONE
        asked = await runtime.handle("book a call tomorrow at 3pm")
        assert asked.status is TaskStatus.NEEDS_CLARIFICATION
        plan = answer(asked, "book anyway", runtime.router, runtime.route_context())
        assert (await runtime.execute(plan)).status is TaskStatus.DONE
        assert await starts(runtime) == [NOW.replace(hour=15) + timedelta(days=1)] * 2

    async def test_yes_to_a_clash_books_nothing(self, runtime: Runtime) -> None:
        """A bare 'yes' to a clash's question (which offers slots) does not double-book."""
        await runtime.handle("book a call tomorrow at 3pm")
        asked = await runtime.handle("book a call tomorrow at 3pm")
        routed = answer(asked, "yes", runtime.router, runtime.route_context())
        await runtime.execute(routed)
        assert await starts(runtime) == [NOW.replace(hour=15) + timedelta(days=1)]
