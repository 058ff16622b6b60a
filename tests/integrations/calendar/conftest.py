"""Peers for the calendar adapters: a real Radicale, and a local Google Calendar v3 server.

Factories (`make_caldav`, `make_google`, `store_google_token`) let a test vary
settings; the plain fixtures (`caldav`, `google`) give an adapter on an empty
calendar, as the shared calendar contract expects.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from automate.integrations.adapter import AdapterEnv
from automate.integrations.calendar.caldav import CalDAVAdapter, CalDAVConfig
from automate.integrations.calendar.google import GoogleCalendarAdapter, GoogleCalendarConfig
from automate.integrations.credentials import CredentialStore, OAuthToken
from tests.peers.google_calendar import (
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    FakeGoogleCalendar,
    running_google_calendar,
)
from tests.peers.radicale import RadicaleServer, running_radicale

CLIENT_SECRET = "GOCSPX-test-client-secret"


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    """One Radicale for the session; each test uses its own calendar in it."""
    with running_radicale(tmp_path_factory.mktemp("radicale")) as server:
        yield server


@pytest.fixture
async def make_caldav(
    radicale: RadicaleServer, tmp_path: Path
) -> AsyncIterator[Callable[..., CalDAVAdapter]]:
    """Build CalDAV adapters on a fresh, uniquely named calendar; closed after the test."""
    made: list[CalDAVAdapter] = []

    def make(**settings: Any) -> CalDAVAdapter:
        values: dict[str, Any] = {
            "url": radicale.url,
            "username": radicale.username,
            "password": radicale.password,
            "allow_plaintext_auth": True,  # Radicale here speaks http on loopback, said on purpose
            "calendar": f"test-{uuid.uuid4().hex[:10]}",
            **settings,
        }
        values = {k: v for k, v in values.items() if v is not None}
        adapter = CalDAVAdapter(CalDAVConfig.model_validate(values), AdapterEnv("calendar", tmp_path))
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        await adapter.aclose()


@pytest.fixture
def caldav(make_caldav: Callable[..., CalDAVAdapter]) -> CalDAVAdapter:
    """A CalDAV adapter on an empty calendar of the session's Radicale."""
    return make_caldav()


@pytest.fixture
def google_server() -> Iterator[FakeGoogleCalendar]:
    """A fresh local Google Calendar that accepts ACCESS_TOKEN and refreshes with REFRESH_TOKEN."""
    with running_google_calendar(FakeGoogleCalendar()) as running:
        yield running


@pytest.fixture
def store_google_token(google_server: FakeGoogleCalendar, tmp_path: Path) -> Callable[..., CredentialStore]:
    """Store a Google token for the fake server (fields overridable) under the test's data dir."""

    def store(**changes: Any) -> CredentialStore:
        credentials = CredentialStore(tmp_path)
        token = OAuthToken(
            token=SecretStr(ACCESS_TOKEN),
            refresh_token=SecretStr(REFRESH_TOKEN),
            token_uri=google_server.token_uri,
            client_id="test-client.apps.googleusercontent.com",
            client_secret=SecretStr(CLIENT_SECRET),
            scopes=["https://www.googleapis.com/auth/calendar"],
        )
        credentials.set_token("google", token.model_copy(update=changes))
        return credentials

    return store


@pytest.fixture
async def make_google(
    google_server: FakeGoogleCalendar, tmp_path: Path
) -> AsyncIterator[Callable[..., GoogleCalendarAdapter]]:
    """Build Google Calendar adapters pointed at the fake server; closed after the test."""
    made: list[GoogleCalendarAdapter] = []

    def make(**settings: Any) -> GoogleCalendarAdapter:
        values = {"api_endpoint": google_server.api_endpoint, **settings}
        config = GoogleCalendarConfig.model_validate(values)
        adapter = GoogleCalendarAdapter(config, AdapterEnv("calendar", tmp_path))
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        await adapter.aclose()


@pytest.fixture
def google(
    store_google_token: Callable[..., CredentialStore],
    make_google: Callable[..., GoogleCalendarAdapter],
) -> GoogleCalendarAdapter:
    """A Google Calendar adapter with a stored token, on the fake's empty primary calendar."""
    store_google_token()
    return make_google()
