"""The scheduler's contract: the same scenario on the embedded calendar, on Radicale and on Google.

Which calendar answers is a config block only; the agent's behaviour must not change.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from automate.agents.base import ActionContext
from automate.agents.scheduler import SchedulerAgent
from automate.agents.scheduler_models import (
    CreateEventParams,
    EventQuery,
    ListEventsParams,
    RescheduleEventParams,
)
from automate.integrations.config import AppConfig, load_config
from automate.integrations.credentials import CredentialStore
from automate.integrations.errors import SchedulingConflict
from automate.runtime.runtime import Runtime
from tests.conftest import NOW
from tests.peers.google_calendar import FakeGoogleCalendar
from tests.peers.radicale import RadicaleServer

DAY = (NOW + timedelta(days=1)).replace(hour=0)
POLICIES = """\
    rate_limit: {requests: 50, per_seconds: 1, burst: 50}
    retry: {attempts: 2, initial_backoff: 0.01, max_backoff: 0.05, multiplier: 2, jitter: full, deadline: 20}
    timeout: 20
"""


def at(hour: int) -> datetime:
    return DAY.replace(hour=hour)


def ctx(step: str) -> ActionContext:
    return ActionContext(run_id="contract", step_id=step, now=NOW)


async def book_list_move_cancel(config: AppConfig) -> None:
    """Book, list, refuse a clash, move, cancel — and check the calendar after each."""
    async with Runtime(config, now=lambda: NOW) as runtime:
        scheduler = runtime.agent(SchedulerAgent)
        whole_day = ListEventsParams(start=DAY, end=DAY + timedelta(days=1))

        booked = await scheduler.create_event(
            CreateEventParams(title="Contract review", start=at(15), attendees=["ana@example.com"]), ctx("s1")
        )
        listed = await scheduler.list_events(whole_day, ctx("s2"))
        assert [(e.title, e.start, e.end) for e in listed.events] == [
            ("Contract review", at(15), at(15) + timedelta(minutes=30))
        ]
        assert [a.email for a in listed.events[0].attendees] == ["ana@example.com"]

        with pytest.raises(SchedulingConflict):
            await scheduler.create_event(CreateEventParams(title="Clash", start=at(15)), ctx("s3"))

        moved = await scheduler.reschedule_event(
            RescheduleEventParams(query="contract", start=DAY, end=DAY + timedelta(days=1), new_start=at(16)),
            ctx("s4"),
        )
        assert (moved.uid, moved.start, moved.end) == (booked.uid, at(16), at(16) + timedelta(minutes=30))

        cancelled = await scheduler.cancel_event(
            EventQuery(query="review", start=DAY, end=DAY + timedelta(days=1)), ctx("s5")
        )
        assert cancelled.event.uid == booked.uid
        assert (await scheduler.list_events(whole_day, ctx("s6"))).events == []


def with_calendar(user_config: Path, block: str) -> Path:
    (user_config / "integrations_config.yaml").write_text(f"services:\n  calendar:\n{block}{POLICIES}")
    return user_config


class TestSchedulerContract:
    """SchedulerAgent books, lists, moves and cancels the same way whatever calendar is configured."""

    async def test_embedded_calendar(self, local_config: AppConfig) -> None:
        """On the shipped local SQLite calendar."""
        await book_list_move_cancel(local_config)

    async def test_radicale_over_caldav(
        self, radicale: RadicaleServer, user_config: Path, home: Path
    ) -> None:
        """On a real CalDAV server (Radicale), configured by a block in the user's config."""
        block = (
            "    adapter: caldav\n    settings:\n"
            f"      url: {radicale.url}\n      username: {radicale.username}\n"
            "      password: ${CALDAV_PASSWORD}\n"
            "      allow_plaintext_auth: true\n"
            f"      calendar: contract-{uuid.uuid4().hex[:8]}\n"
        )
        config = load_config(
            with_calendar(user_config, block), env={"CALDAV_PASSWORD": radicale.password}, home=home
        )
        await book_list_move_cancel(config)

    async def test_google_calendar(
        self,
        google_server: FakeGoogleCalendar,
        store_google_token: Callable[..., CredentialStore],
        user_config: Path,
        tmp_path: Path,
    ) -> None:
        """On Google Calendar's API (the real client against a local server speaking Calendar v3)."""
        store_google_token()
        block = (
            "    adapter: google_calendar\n    settings:\n"
            f"      calendar_id: primary\n      api_endpoint: {google_server.api_endpoint}\n"
        )
        await book_list_move_cancel(load_config(with_calendar(user_config, block), env={}, home=tmp_path))
