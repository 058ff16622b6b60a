"""The Google Calendar adapter: the real client library against a local Calendar v3 server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from automate.integrations.adapter import CallContext
from automate.integrations.calendar.google import GoogleCalendarAdapter, google_event_id
from automate.integrations.calendar.models import Attendee, EventDraft, EventPatch, EventRef, TimeRange
from automate.integrations.credentials import CredentialStore
from automate.integrations.errors import AuthError, InvalidRequest, NotFound, RateLimited, TransientError
from automate.integrations.ids import event_uid
from tests.integrations.contracts import LISBON, at
from tests.peers.google_calendar import ACCESS_TOKEN as ACCESS
from tests.peers.google_calendar import REFRESH_TOKEN as REFRESH
from tests.peers.google_calendar import FakeGoogleCalendar

MakeGoogle = Callable[..., GoogleCalendarAdapter]
StoreToken = Callable[..., CredentialStore]
WINDOW = TimeRange(start=at(0), end=at(23))


def draft(title: str = "Review", **extra: object) -> EventDraft:
    """A one-hour event on the contract's day."""
    return EventDraft.model_validate({"title": title, "start": at(9), "end": at(10), **extra})


def live(fake: FakeGoogleCalendar) -> list[dict[str, object]]:
    """The fake's events that are not deleted."""
    return [e for e in fake.events().values() if e["status"] != "cancelled"]


class TestGoogleInsert:
    """Inserts carry a client-chosen id, so a retry never doubles an event."""

    async def test_event_id_is_derived_from_the_idempotency_key(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar
    ) -> None:
        """The insert request names the event with the key's UID, a valid Google id."""
        created = await google.insert_event(draft(), CallContext("run-1/step-1"))
        (sent,) = google_server.seen("events.insert")
        assert sent.body is not None and sent.body["id"] == event_uid("run-1/step-1") == created.uid
        assert sent.body["start"] == {"dateTime": "2031-03-10T09:00:00+00:00", "timeZone": "UTC"}

    async def test_retry_after_a_lost_response_returns_the_first_event(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar
    ) -> None:
        """When the answer to an insert is lost, the retry meets 409 and returns the stored event."""
        google_server.fail("events.insert", 0, times=2)  # httplib2 resends once on a dropped line
        with pytest.raises(TransientError):
            await google.insert_event(draft("Lost"), CallContext("run-2/step-1"))
        assert len(live(google_server)) == 1  # the server did the work
        retried = await google.insert_event(draft("Lost"), CallContext("run-2/step-1", attempt=2))
        assert retried.uid == event_uid("run-2/step-1") and retried.title == "Lost"
        assert len(live(google_server)) == 1
        assert google_server.seen("events.get")[-1].path.endswith(retried.uid)

    async def test_uid_that_google_cannot_hold_is_hashed_consistently(
        self, google: GoogleCalendarAdapter
    ) -> None:
        """A UID with characters Google forbids maps to a stable base32hex id usable for get."""
        created = await google.insert_event(draft(uid="Meeting@phone.example"), CallContext())
        assert created.uid == google_event_id("Meeting@phone.example")
        assert set(created.uid) <= set("0123456789abcdefghijklmnopqrstuv")
        fetched = await google.get_event(EventRef(uid="Meeting@phone.example"), CallContext())
        assert fetched.uid == created.uid

    async def test_attendees_without_address_survive_a_round_trip(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar
    ) -> None:
        """Google holds only addressed attendees; names without one are kept in a private property."""
        people = [Attendee(name="Ana"), Attendee(name="Rui", email="rui@example.org")]
        created = await google.insert_event(draft(attendees=people), CallContext("k-att"))
        stored = google_server.events()[created.uid]
        fetched = await google.get_event(EventRef(uid=created.uid), CallContext())
        assert stored["attendees"] == [{"email": "rui@example.org", "displayName": "Rui"}]
        assert {(a.name, a.email) for a in fetched.attendees} == {("Ana", None), ("Rui", "rui@example.org")}

    async def test_an_id_created_then_deleted_is_refused(self, google: GoogleCalendarAdapter) -> None:
        """Re-inserting under the key of an event that was since deleted is an InvalidRequest."""
        created = await google.insert_event(draft(), CallContext("k-del"))
        await google.delete_event(EventRef(uid=created.uid), CallContext())
        with pytest.raises(InvalidRequest, match="deleted"):
            await google.insert_event(draft(), CallContext("k-del"))


class TestGoogleReadsAndChanges:
    """List, patch, delete and free/busy speak the documented requests."""

    async def test_list_follows_every_page_in_start_order(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar
    ) -> None:
        """With two events per page, five events come back from three pages, ordered by start."""
        google_server.page_size = 2
        for hour in (14, 9, 11, 10, 13):
            await google.insert_event(draft(f"h{hour}", start=at(hour), end=at(hour, 30)), CallContext())
        listed = await google.list_events(WINDOW, CallContext())
        requests = google_server.seen("events.list")
        assert [e.title for e in listed.events] == ["h9", "h10", "h11", "h13", "h14"]
        assert len(requests) == 3

    async def test_all_day_event_from_another_client_is_listed(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar
    ) -> None:
        """An all-day event (start.date) lists as the whole day in the calendar's zone."""
        google_server.calendars["primary"].time_zone = "Europe/Lisbon"
        google_server.events()["allday0001"] = {
            "kind": "calendar#event",
            "id": "allday0001",
            "status": "confirmed",
            "summary": "Holiday",
            "start": {"date": "2031-03-10"},
            "end": {"date": "2031-03-11"},
        }
        listed = await google.list_events(WINDOW, CallContext())
        (holiday,) = listed.events
        assert (holiday.title, holiday.timezone) == ("Holiday", "Europe/Lisbon")
        assert holiday.start == at(0, zone=LISBON) and holiday.end - holiday.start == timedelta(days=1)

    async def test_concurrent_calls_each_use_their_own_connection(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar
    ) -> None:
        """Sixteen inserts at once (worker threads, one connection each) store sixteen events."""
        drafts = [draft(f"c{i}", start=at(9, i), end=at(10, i)) for i in range(16)]
        created = await asyncio.gather(
            *(google.insert_event(d, CallContext(f"c/{i}")) for i, d in enumerate(drafts))
        )
        assert len({e.uid for e in created}) == 16
        assert len(live(google_server)) == 16

    async def test_patch_keeps_the_event_zone_and_other_fields(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar
    ) -> None:
        """Moving an event sends only start and end, in the event's own zone."""
        created = await google.insert_event(
            draft(
                "Call",
                start=at(15, zone=LISBON),
                end=at(16, zone=LISBON),
                timezone="Europe/Lisbon",
                location="Room 1",
            ),
            CallContext(),
        )
        moved = await google.update_event(
            EventPatch(uid=created.uid, start=at(17), end=at(18)), CallContext()
        )
        (patch,) = google_server.seen("events.patch")
        assert patch.body is not None and set(patch.body) == {"start", "end"}
        assert patch.body["start"]["timeZone"] == "Europe/Lisbon"
        assert (moved.start, moved.timezone, moved.location) == (at(17), "Europe/Lisbon", "Room 1")

    async def test_delete_of_gone_event_reports_it_did_not_exist(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar
    ) -> None:
        """410 (deleted) and 404 (never existed) both mean existed=False; patching it is NotFound."""
        created = await google.insert_event(draft(), CallContext())
        assert (await google.delete_event(EventRef(uid=created.uid), CallContext())).existed
        again = await google.delete_event(EventRef(uid=created.uid), CallContext())
        never = await google.delete_event(EventRef(uid="neverexisted0"), CallContext())
        assert (again.existed, never.existed) == (False, False)
        assert [r.operation for r in google_server.requests][-2:] == ["events.delete"] * 2
        with pytest.raises(NotFound):
            await google.update_event(EventPatch(uid=created.uid, title="x"), CallContext())

    async def test_free_busy_uses_the_free_busy_query(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar
    ) -> None:
        """free_busy asks freeBusy.query for the calendar and returns its merged intervals."""
        await google.insert_event(draft(start=at(9), end=at(10)), CallContext())
        await google.insert_event(draft(start=at(9, 30), end=at(11)), CallContext())
        busy = await google.free_busy(WINDOW, CallContext())
        (query,) = google_server.seen("freebusy.query")
        assert query.body is not None and query.body["items"] == [{"id": "primary"}]
        assert [(b.start, b.end) for b in busy.busy] == [(at(9), at(11))]
        assert google_server.seen("events.list") == []


class TestGoogleErrors:
    """Google's error bodies become the project's errors, each request sent once."""

    @pytest.mark.parametrize(
        ("status", "reason", "retry_after", "expected"),
        [
            (429, "rateLimitExceeded", "7", 7.0),
            (429, "rateLimitExceeded", None, None),
            (403, "rateLimitExceeded", "2", 2.0),
            (403, "userRateLimitExceeded", None, None),
        ],
    )
    async def test_rate_limits_are_retryable_with_the_server_delay(
        self,
        google: GoogleCalendarAdapter,
        google_server: FakeGoogleCalendar,
        status: int,
        reason: str,
        retry_after: str | None,
        expected: float | None,
    ) -> None:
        """429, and 403 with a rate-limit reason, raise RateLimited carrying Retry-After if sent."""
        google_server.fail("events.list", status, reason, retry_after=retry_after)
        with pytest.raises(RateLimited) as caught:
            await google.list_events(WINDOW, CallContext())
        assert caught.value.retryable and caught.value.retry_after == expected
        assert (caught.value.service, caught.value.operation) == ("calendar", "list_events")
        assert len(google_server.seen("events.list")) == 1  # the client's own retries are off

    async def test_retry_after_as_an_http_date(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar
    ) -> None:
        """A Retry-After given as an HTTP date becomes the seconds until then."""
        when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
        google_server.fail("events.list", 429, "rateLimitExceeded", retry_after=when)
        with pytest.raises(RateLimited) as caught:
            await google.list_events(WINDOW, CallContext())
        assert caught.value.retry_after is not None and 100 < caught.value.retry_after <= 120

    async def test_forbidden_without_rate_reason_is_permanent(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar
    ) -> None:
        """A 403 for another reason is an AuthError that names the fixing command."""
        google_server.fail("events.list", 403, "forbidden")
        with pytest.raises(AuthError, match="automate auth google") as caught:
            await google.list_events(WINDOW, CallContext())
        assert caught.value.retryable is False

    @pytest.mark.parametrize("status", [500, 502, 503])
    async def test_server_errors_are_transient_and_sent_once(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar, status: int
    ) -> None:
        """5xx is a TransientError, and the client library does not retry it behind our back."""
        google_server.fail("events.get", status, "backendError", retry_after="3")
        with pytest.raises(TransientError) as caught:
            await google.get_event(EventRef(uid="abcdef0123"), CallContext())
        assert caught.value.retry_after == 3.0
        assert len(google_server.seen("events.get")) == 1

    async def test_bad_request_is_invalid(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar
    ) -> None:
        """A 400 is an InvalidRequest carrying Google's message."""
        google_server.fail("events.insert", 400, "invalid")
        with pytest.raises(InvalidRequest, match="400"):
            await google.insert_event(draft(), CallContext())


class TestGoogleCredentials:
    """Tokens come from the store, refresh at the fake token endpoint, and report their state."""

    async def test_401_refreshes_once_and_stores_the_new_token(
        self,
        google: GoogleCalendarAdapter,
        google_server: FakeGoogleCalendar,
        store_google_token: StoreToken,
    ) -> None:
        """After a 401 the token is refreshed, the request repeated, and the new token stored."""
        google_server.valid_tokens.discard(ACCESS)  # the stored access token was revoked
        listed = await google.list_events(WINDOW, CallContext())
        stored = CredentialStore(google.env.data_dir).token("google")
        api_tokens = [r.token for r in google_server.requests if r.operation == "events.list"]
        assert listed.events == []
        assert google_server.refresh_count == 1
        assert stored is not None and stored.token is not None
        assert api_tokens == [ACCESS, stored.token.get_secret_value()]
        assert stored.refresh_error is None

    async def test_token_near_expiry_is_refreshed_before_the_call(
        self, store_google_token: StoreToken, make_google: MakeGoogle, google_server: FakeGoogleCalendar
    ) -> None:
        """A token expiring within minutes is refreshed first, so the API never sees it stale."""
        store_google_token(expiry=datetime.now(UTC) + timedelta(seconds=60))
        adapter = make_google()
        await adapter.list_events(WINDOW, CallContext())
        operations = [r.operation for r in google_server.requests]
        assert operations == ["token", "events.list"]
        assert google_server.requests[-1].token != ACCESS

    async def test_failed_refresh_is_an_auth_error_and_is_reported(
        self, google: GoogleCalendarAdapter, google_server: FakeGoogleCalendar
    ) -> None:
        """When the refresh token is revoked: AuthError naming `automate auth google`, and check() says so."""
        google_server.valid_tokens.discard(ACCESS)
        google_server.refresh_tokens.discard(REFRESH)
        with pytest.raises(AuthError, match="automate auth google") as caught:
            await google.list_events(WINDOW, CallContext())
        stored = CredentialStore(google.env.data_dir).token("google")
        report = await google.check()
        assert REFRESH not in str(caught.value) and ACCESS not in str(caught.value)
        assert stored is not None and stored.refresh_error
        assert report.ok is False and "refresh" in report.detail and "automate auth google" in report.detail

    async def test_check_without_a_token_names_the_command(self, make_google: MakeGoogle) -> None:
        """With nothing stored, check() fails and tells the person to run `automate auth google`."""
        report = await make_google().check()
        assert report.ok is False and "automate auth google" in report.detail

    async def test_check_with_a_token_reaches_the_calendar(self, google: GoogleCalendarAdapter) -> None:
        """With a stored token, check() asks calendars.get and reports the calendar."""
        report = await google.check()
        assert report.ok and "Test calendar" in report.detail

    async def test_calls_without_a_token_are_auth_errors(self, make_google: MakeGoogle) -> None:
        """Calling with nothing stored raises AuthError before any request is sent."""
        with pytest.raises(AuthError, match="not signed in"):
            await make_google().list_events(WINDOW, CallContext())
