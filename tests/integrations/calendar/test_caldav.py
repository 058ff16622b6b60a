"""The CalDAV adapter against a real Radicale: credentials, idempotent creates, errors."""

from __future__ import annotations

import asyncio
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from caldav.calendarobjectresource import Event

from automate.integrations.adapter import AdapterEnv, CallContext
from automate.integrations.calendar.caldav import CalDAVAdapter, CalDAVConfig
from automate.integrations.calendar.ical import event_to_ical
from automate.integrations.calendar.models import (
    Attendee,
    CalendarEvent,
    EventDraft,
    EventPatch,
    EventRef,
    TimeRange,
)
from automate.integrations.credentials import CredentialStore
from automate.integrations.errors import (
    AuthError,
    InvalidRequest,
    NotFound,
    PermanentError,
    RateLimited,
    TransientError,
)
from automate.integrations.ids import event_uid
from tests.integrations.contracts import LISBON, at
from tests.peers.radicale import RadicaleServer, running_radicale
from tests.peers.tls import TlsFiles, make_certificate

MakeCalDAV = Callable[..., CalDAVAdapter]


def ics_files(server: RadicaleServer) -> list[Path]:
    """Every event resource Radicale has on disk (its caches left out)."""
    found = server.storage.rglob("*.ics")
    return sorted(p for p in found if not any(part.startswith(".Radicale") for part in p.parts))


def draft(title: str = "Review") -> EventDraft:
    """A one-hour event on the contract's day."""
    return EventDraft(title=title, start=at(9), end=at(10))


@pytest.fixture(scope="module")
def tls_radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RadicaleServer, TlsFiles]]:
    """A Radicale serving HTTPS with a certificate made for this test module."""
    folder = tmp_path_factory.mktemp("radicale-tls")
    tls = make_certificate(folder)
    with running_radicale(folder / "server", tls=tls) as server:
        yield server, tls


class TestCalDAVAdapter:
    """Idempotent creates, credentials from settings or the store, and mapped errors."""

    async def test_repeated_create_writes_one_resource(
        self, make_caldav: MakeCalDAV, radicale: RadicaleServer
    ) -> None:
        """Two inserts with one idempotency key leave exactly one .ics resource named by the UID."""
        adapter = make_caldav()
        key = f"run-{uuid.uuid4().hex}/step-1"
        before = set(ics_files(radicale))
        first = await adapter.insert_event(draft(), CallContext(key))
        second = await adapter.insert_event(draft(), CallContext(key, attempt=2))
        added = sorted(set(ics_files(radicale)) - before)
        assert first.uid == second.uid == event_uid(key)
        assert [p.name for p in added] == [f"{event_uid(key)}.ics"]
        assert f"UID:{first.uid}" in added[0].read_text()

    async def test_concurrent_inserts_all_land(self, make_caldav: MakeCalDAV) -> None:
        """Eight inserts at once (serialised onto the one client) all land as separate events."""
        adapter = make_caldav()
        drafts = [EventDraft(title=f"c{i}", start=at(9, i), end=at(10, i)) for i in range(8)]
        await asyncio.gather(*(adapter.insert_event(d, CallContext(f"cc/{i}")) for i, d in enumerate(drafts)))
        listed = await adapter.list_events(TimeRange(start=at(8), end=at(11)), CallContext())
        assert [e.title for e in listed.events] == [f"c{i}" for i in range(8)]

    async def test_bad_password_is_an_auth_error_without_the_password(self, make_caldav: MakeCalDAV) -> None:
        """A wrong password raises AuthError (not retryable) whose text never holds the password."""
        adapter = make_caldav(password="not-the-password-42")
        with pytest.raises(AuthError) as caught:
            await adapter.insert_event(draft(), CallContext("k"))
        assert caught.value.retryable is False
        assert (caught.value.service, caught.value.operation) == ("calendar", "insert_event")
        assert "not-the-password-42" not in str(caught.value)
        report = await adapter.check()
        assert report.ok is False and "refused the credentials" in report.detail

    async def test_password_comes_from_the_store_when_settings_omit_it(
        self, make_caldav: MakeCalDAV, radicale: RadicaleServer, tmp_path: Path
    ) -> None:
        """Without a password setting, the one stored with `automate auth set calendar` is used."""
        CredentialStore(tmp_path).set_password("calendar", radicale.password)
        adapter = make_caldav(password=None)
        created = await adapter.insert_event(draft("From store"), CallContext("store-key"))
        fetched = await adapter.get_event(EventRef(uid=created.uid), CallContext())
        report = await adapter.check()
        assert fetched.title == "From store"
        assert report.ok and "credential store" in report.detail

    async def test_missing_password_names_the_fixing_command(self, make_caldav: MakeCalDAV) -> None:
        """With no password anywhere, the AuthError says to run `automate auth set calendar`."""
        adapter = make_caldav(password=None)
        with pytest.raises(AuthError, match="automate auth set calendar"):
            await adapter.list_events(TimeRange(start=at(9), end=at(10)), CallContext())

    async def test_missing_calendar_is_not_created_when_told_not_to(self, make_caldav: MakeCalDAV) -> None:
        """With create_calendar false, a calendar name that does not exist is NotFound."""
        adapter = make_caldav(create_calendar=False)
        with pytest.raises(NotFound, match="no calendar named"):
            await adapter.get_event(EventRef(uid="whatever"), CallContext())

    async def test_update_that_reverses_times_is_invalid(self, make_caldav: MakeCalDAV) -> None:
        """Moving the end before the start is an InvalidRequest and the stored event is unchanged."""
        adapter = make_caldav()
        created = await adapter.insert_event(draft("Fixed"), CallContext("rev-1"))
        with pytest.raises(InvalidRequest, match="invalid event"):
            await adapter.update_event(EventPatch(uid=created.uid, end=at(8)), CallContext())
        fetched = await adapter.get_event(EventRef(uid=created.uid), CallContext())
        assert (fetched.start, fetched.end) == (at(9), at(10))

    async def test_unreachable_server_is_transient(self, tmp_path: Path) -> None:
        """A refused connection is a TransientError, which the retry policy may retry."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        config = CalDAVConfig(
            url=f"http://127.0.0.1:{port}/", username="a", timeout=2, allow_plaintext_auth=True
        )
        adapter = CalDAVAdapter(config, AdapterEnv("calendar", tmp_path))
        CredentialStore(tmp_path).set_password("calendar", "whatever-pass")
        with pytest.raises(TransientError) as caught:
            await adapter.get_event(EventRef(uid="x"), CallContext())
        assert caught.value.retryable is True

    async def test_event_written_by_another_client_is_found_by_uid(
        self, make_caldav: MakeCalDAV, radicale: RadicaleServer
    ) -> None:
        """An event stored under a different resource name is still found, changed and deleted by UID."""
        adapter = make_caldav()
        await adapter.check()  # creates the calendar
        uid = f"{uuid.uuid4()}@phone.example"
        foreign = CalendarEvent(
            uid=uid,
            title="Dentist",
            start=at(15, zone=LISBON),
            end=at(16, zone=LISBON),
            timezone="Europe/Lisbon",
            attendees=[Attendee(name="Dr. Rui")],
        )
        calendar = adapter._calendar
        href = calendar.url.join("written-by-phone.ics")
        Event(calendar.client, url=href, data=event_to_ical(foreign).decode(), parent=calendar).save()
        fetched = await adapter.get_event(EventRef(uid=uid), CallContext())
        moved = await adapter.update_event(EventPatch(uid=uid, location="Clinic"), CallContext())
        assert fetched.title == "Dentist" and fetched.attendees == [Attendee(name="Dr. Rui")]
        assert moved.location == "Clinic" and moved.start == at(15, zone=LISBON)
        assert (await adapter.delete_event(EventRef(uid=uid), CallContext())).existed
        assert not [p for p in ics_files(radicale) if p.name == "written-by-phone.ics"]

    async def test_unknown_certificate_is_refused_by_default(
        self, tls_radicale: tuple[RadicaleServer, TlsFiles], tmp_path: Path
    ) -> None:
        """Certificates are verified by default: a self-signed server fails permanently, not retried."""
        server, _ = tls_radicale
        config = CalDAVConfig(url=server.url, username=server.username, password=server.password)
        adapter = CalDAVAdapter(config, AdapterEnv("calendar", tmp_path))
        with pytest.raises(PermanentError, match="TLS verification") as caught:
            await adapter.insert_event(draft(), CallContext("tls-1"))
        assert caught.value.retryable is False

    async def test_ca_bundle_in_verify_trusts_the_server(
        self, tls_radicale: tuple[RadicaleServer, TlsFiles], tmp_path: Path
    ) -> None:
        """With `verify` naming the server's CA file (relative to the data directory), calls succeed."""
        server, tls = tls_radicale
        (tmp_path / "ca.pem").write_bytes(tls.cert.read_bytes())
        config = CalDAVConfig(
            url=server.url, username=server.username, password=server.password, verify="ca.pem"
        )
        adapter = CalDAVAdapter(config, AdapterEnv("calendar", tmp_path))
        created = await adapter.insert_event(draft("Over TLS"), CallContext("tls-2"))
        fetched = await adapter.get_event(EventRef(uid=created.uid), CallContext())
        await adapter.aclose()
        assert fetched.title == "Over TLS"


class _Refusing(BaseHTTPRequestHandler):
    """Answers every request with the server's configured status and headers."""

    def handle_one_request(self) -> None:
        """Read one request line and headers, then refuse it."""
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline or not self.parse_request():
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        status, headers = self.server.answer  # type: ignore[attr-defined]
        self.server.seen += 1  # type: ignore[attr-defined]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def refusing_server() -> Iterator[ThreadingHTTPServer]:
    """A loopback HTTP server that answers every request with `server.answer`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    server.answer = (503, {})  # type: ignore[attr-defined]
    server.seen = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class TestCalDAVPlaintextAuth:
    """A password goes to an http:// URL only when the settings say so."""

    async def test_refused_by_default_before_any_request(
        self, refusing_server: ThreadingHTTPServer, tmp_path: Path
    ) -> None:
        """Over http:// with a username, the adapter sends no request at all and says how to fix it."""
        port = refusing_server.server_address[1]
        config = CalDAVConfig(url=f"http://127.0.0.1:{port}/", username="a", password="clear-text-pw")
        adapter = CalDAVAdapter(config, AdapterEnv("calendar", tmp_path))
        with pytest.raises(AuthError, match=r"without TLS.*https://.*allow_plaintext_auth") as caught:
            await adapter.list_events(TimeRange(start=at(9), end=at(10)), CallContext())
        assert "clear-text-pw" not in str(caught.value)
        assert refusing_server.seen == 0  # type: ignore[attr-defined]
        report = await adapter.check()
        assert not report.ok and "allow_plaintext_auth" in report.detail

    async def test_allowed_when_the_settings_say_so(self, make_caldav: Callable[..., CalDAVAdapter]) -> None:
        """With allow_plaintext_auth: true, the adapter logs in to Radicale over http:// and lists events."""
        listed = await make_caldav(allow_plaintext_auth=True).list_events(
            TimeRange(start=at(9), end=at(10)), CallContext()
        )
        assert listed.events == []


class TestCalDAVServerRefusals:
    """Overload answers from a CalDAV server become retryable errors, sent once."""

    @pytest.mark.parametrize(
        ("status", "headers", "error", "retry_after"),
        [
            (429, {"Retry-After": "9"}, RateLimited, 9.0),
            (503, {"Retry-After": "4"}, RateLimited, 4.0),
            (503, {}, TransientError, None),
            (500, {}, TransientError, None),
        ],
    )
    async def test_overload_is_retryable_and_not_retried_by_the_client(
        self,
        refusing_server: ThreadingHTTPServer,
        tmp_path: Path,
        status: int,
        headers: dict[str, str],
        error: type[TransientError],
        retry_after: float | None,
    ) -> None:
        """429/503 (with Retry-After when sent) and 500 are retryable, and caldav sends one request."""
        refusing_server.answer = (status, headers)  # type: ignore[attr-defined]
        port = refusing_server.server_address[1]
        config = CalDAVConfig(
            url=f"http://127.0.0.1:{port}/", username="a", password="over-load-pw", allow_plaintext_auth=True
        )
        adapter = CalDAVAdapter(config, AdapterEnv("calendar", tmp_path))
        with pytest.raises(error) as caught:
            await adapter.list_events(TimeRange(start=at(9), end=at(10)), CallContext())
        assert type(caught.value) is error and caught.value.retryable
        assert caught.value.retry_after == retry_after
        assert refusing_server.seen == 1  # type: ignore[attr-defined]
