"""Google Calendar through google-api-python-client (the optional ``google`` extra).

The client is blocking: each request runs in a worker thread with its own
HTTP connection, and ``num_retries=0`` so the manager's retry policy is the
only retry layer. The service is built offline from the discovery document
shipped with the library; ``api_endpoint`` points it elsewhere (tests).
An event's id is derived from the idempotency key, so when a retried insert
meets 409 the event it already wrote is returned instead of a duplicate.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import ssl
import threading
from base64 import b32hexencode
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar

from pydantic import Field

from automate.integrations.adapter import AdapterEnv, CallContext, CheckResult
from automate.integrations.calendar.base import CalendarAdapter
from automate.integrations.calendar.ical import zone
from automate.integrations.calendar.models import (
    Attendee,
    BusyInterval,
    CalendarEvent,
    DeletedEvent,
    EventDraft,
    EventList,
    EventPatch,
    EventRef,
    FreeBusy,
    TimeRange,
)
from automate.integrations.config import StrictModel
from automate.integrations.credentials import CredentialStore, CredentialStoreError
from automate.integrations.errors import (
    AuthError,
    IntegrationError,
    InvalidRequest,
    NotFound,
    PermanentError,
    RateLimited,
    TransientError,
)
from automate.integrations.google_auth import (
    FIX_COMMAND,
    GOOGLE_SERVICE,
    remember_refresh,
    to_credentials,
    token_state,
)
from automate.integrations.ids import event_uid
from automate.integrations.retry_after import parse_retry_after

__all__ = ["GoogleCalendarAdapter", "GoogleCalendarConfig", "google_event_id"]

T = TypeVar("T")
_GOOGLE_ID = re.compile(r"^[a-v0-9]{5,1024}$")
_RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
_NAMELESS = "automateAttendees"  # private property keeping attendees that have no address


class GoogleCalendarConfig(StrictModel):
    """Which calendar, where the API is, and whose token to use."""

    calendar_id: str = Field("primary", min_length=1)
    credentials: str = Field(
        GOOGLE_SERVICE, description="the credential store entry (`automate auth google`)"
    )
    client_secrets: str | None = Field(None, description="OAuth client file used by `automate auth google`")
    api_endpoint: str | None = Field(None, pattern=r"^https?://", description="override the API base URL")
    timeout: float = Field(30.0, gt=0)


def google_event_id(uid: str) -> str:
    """The Google event id for a UID: itself when Google accepts it, else a stable hash."""
    if _GOOGLE_ID.match(uid):
        return uid
    digest = hashlib.sha256(uid.encode()).digest()
    return b32hexencode(digest).decode().rstrip("=").lower()


class GoogleCalendarAdapter(CalendarAdapter[GoogleCalendarConfig]):
    """Events on a Google calendar, with event ids derived from idempotency keys."""

    name = "google_calendar"
    config_model = GoogleCalendarConfig

    def __init__(self, config: GoogleCalendarConfig, env: AdapterEnv) -> None:
        super().__init__(config, env)
        self._store = CredentialStore(env.data_dir)
        self._lock = threading.RLock()  # _api() builds the service with _http(), both lock
        self._local = threading.local()
        self._opened: list[Any] = []
        self._service: Any = None
        self._credentials: Any = None
        self._token_seen: str | None = None

    # -- operations ------------------------------------------------------

    async def insert_event(self, params: EventDraft, ctx: CallContext) -> CalendarEvent:
        """Create an event (or return the one already created under this key)."""
        event_id = google_event_id(params.uid or event_uid(ctx.idempotency_key))
        body = {"id": event_id, **_body(params)}

        def insert(api: Any) -> CalendarEvent:
            cal = self.config.calendar_id
            try:
                created = self._execute(api.events().insert(calendarId=cal, body=body))
            except _HttpFailure as failure:
                if failure.status != 409:
                    raise
                # The id is ours: a 409 means an earlier attempt already wrote it.
                created = self._execute(api.events().get(calendarId=cal, eventId=event_id))
                if created.get("status") == "cancelled":
                    raise InvalidRequest(f"event {event_id} was created and then deleted") from None
            return _event(created)

        return await self._run("insert_event", insert)

    async def list_events(self, params: TimeRange, ctx: CallContext) -> EventList:
        """Events overlapping a time range, in start order."""

        def search(api: Any) -> EventList:
            events: list[CalendarEvent] = []
            page: str | None = None
            while True:
                answer = self._execute(
                    api.events().list(
                        calendarId=self.config.calendar_id,
                        timeMin=_rfc3339(params.start),
                        timeMax=_rfc3339(params.end),
                        singleEvents=True,
                        orderBy="startTime",
                        maxResults=2500,
                        pageToken=page,
                    )
                )
                zone_name = answer.get("timeZone") or "UTC"
                events += [
                    _event(item, zone_name)
                    for item in answer.get("items", [])
                    if item.get("status") != "cancelled"
                ]
                page = answer.get("nextPageToken")
                if not page:
                    return EventList(events=sorted(events, key=lambda e: (e.start, e.end, e.uid)))

        return await self._run("list_events", search)

    async def get_event(self, params: EventRef, ctx: CallContext) -> CalendarEvent:
        """One event by UID; `NotFound` if there is none."""

        def get(api: Any) -> CalendarEvent:
            found = self._execute(
                api.events().get(calendarId=self.config.calendar_id, eventId=google_event_id(params.uid))
            )
            if found.get("status") == "cancelled":
                raise NotFound(f"event {params.uid} was deleted")
            return _event(found)

        return await self._run("get_event", get)

    async def update_event(self, params: EventPatch, ctx: CallContext) -> CalendarEvent:
        """Change the given fields of an event."""

        def patch(api: Any) -> CalendarEvent:
            cal, event_id = self.config.calendar_id, google_event_id(params.uid)
            zone_name = params.timezone
            if zone_name is None and (params.start or params.end):
                # A patched start/end replaces the whole object: keep the event's zone.
                current = self._execute(api.events().get(calendarId=cal, eventId=event_id))
                zone_name = current.get("start", {}).get("timeZone") or "UTC"
            body = _patch_body(params, zone_name or "UTC")
            return _event(self._execute(api.events().patch(calendarId=cal, eventId=event_id, body=body)))

        return await self._run("update_event", patch)

    async def delete_event(self, params: EventRef, ctx: CallContext) -> DeletedEvent:
        """Remove an event; deleting one already gone is not an error."""

        def delete(api: Any) -> DeletedEvent:
            try:
                self._execute(
                    api.events().delete(
                        calendarId=self.config.calendar_id, eventId=google_event_id(params.uid)
                    )
                )
            except _HttpFailure as failure:
                if failure.status in (404, 410):
                    return DeletedEvent(uid=params.uid, existed=False)
                raise
            return DeletedEvent(uid=params.uid, existed=True)

        return await self._run("delete_event", delete)

    async def free_busy(self, params: TimeRange, ctx: CallContext) -> FreeBusy:
        """Busy intervals in a range, as Google's free/busy query reports them."""

        def query(api: Any) -> FreeBusy:
            cal = self.config.calendar_id
            answer = self._execute(
                api.freebusy().query(
                    body={
                        "timeMin": _rfc3339(params.start),
                        "timeMax": _rfc3339(params.end),
                        "items": [{"id": cal}],
                    }
                )
            )
            entry = answer.get("calendars", {}).get(cal, {})
            if entry.get("errors"):
                reason = entry["errors"][0].get("reason", "error")
                raise NotFound(f"free/busy of calendar {cal!r} failed: {reason}")
            busy = [
                BusyInterval(start=_parse(span["start"]), end=_parse(span["end"]))
                for span in entry.get("busy", [])
            ]
            return FreeBusy(start=params.start, end=params.end, busy=busy)

        return await self._run("free_busy", query)

    async def check(self) -> CheckResult:
        """Report the stored token's state and whether the calendar answers with it."""
        try:
            state = token_state(self._store.token(self.config.credentials), service=self.config.credentials)
        except CredentialStoreError as exc:
            return self.report(False, str(exc))
        if not state.usable:
            return self.report(False, state.describe())
        try:
            calendar = await self._run(
                "check",
                lambda api: self._execute(api.calendars().get(calendarId=self.config.calendar_id)),
            )
        except IntegrationError as exc:
            return self.report(False, f"{state.describe()}; {exc}")
        return self.report(
            True, f"{state.describe()}; calendar {calendar.get('summary') or calendar.get('id')!r}"
        )

    async def aclose(self) -> None:
        """Close the HTTP connections every worker thread opened."""
        with self._lock:
            opened, self._opened, self._service = self._opened, [], None
        for http in opened:
            for connection in list(http.http.connections.values()):
                connection.close()
            http.http.connections.clear()

    # -- plumbing --------------------------------------------------------

    async def _run(self, operation: str, work: Callable[[Any], T]) -> T:
        """Run `work(api)` in a worker thread, with errors translated once."""
        try:
            return await asyncio.to_thread(lambda: work(self._api()))
        except IntegrationError as exc:
            exc.at(self.env.service, operation)
            raise
        except Exception as exc:
            translated = _translate(exc)
            if translated is None:
                raise
            raise translated.at(self.env.service, operation) from exc

    def _api(self) -> Any:
        """The Calendar v3 service, built once from the bundled discovery document."""
        with self._lock:
            if self._service is None:
                from googleapiclient.discovery import build

                try:
                    token = self._store.token(self.config.credentials)
                except CredentialStoreError as exc:
                    raise AuthError(f"cannot read the Google token: {exc}") from None
                state = token_state(token, service=self.config.credentials)
                if token is None or state.status in ("missing", "refresh_failed", "expired"):
                    raise AuthError(f"Google: {state.describe()}")
                self._credentials = to_credentials(token)
                self._token_seen = self._credentials.token
                options = {"api_endpoint": self.config.api_endpoint} if self.config.api_endpoint else None
                self._service = build(
                    "calendar",
                    "v3",
                    http=self._http(),
                    static_discovery=True,
                    cache_discovery=False,
                    client_options=options,
                )
            return self._service

    def _http(self) -> Any:
        """This thread's authorised HTTP connection (httplib2 is not thread-safe)."""
        http = getattr(self._local, "http", None)
        if http is None:
            import httplib2
            from google_auth_httplib2 import AuthorizedHttp

            # On a 401 the credentials are refreshed once and the request repeated once.
            http = AuthorizedHttp(
                self._credentials,
                http=httplib2.Http(timeout=self.config.timeout),
                max_refresh_attempts=1,
            )
            self._local.http = http
            with self._lock:
                self._opened.append(http)
        return http

    def _execute(self, request: Any) -> Any:
        """Send one request on this thread's connection, with the client's own retries off."""
        from google.auth.exceptions import RefreshError
        from googleapiclient.errors import HttpError

        try:
            return request.execute(http=self._http(), num_retries=0)
        except HttpError as exc:
            raise _HttpFailure(exc) from exc
        except RefreshError as exc:
            remember_refresh(self._store, self.config.credentials, self._credentials, error=_first_line(exc))
            with self._lock:
                self._service = None  # the next call reads the store again
            raise AuthError(
                f"Google refused to refresh the token ({_first_line(exc)}); run `{FIX_COMMAND}`"
            ) from exc
        finally:
            self._keep_refreshed_token()

    def _keep_refreshed_token(self) -> None:
        credentials = self._credentials
        if credentials is not None and credentials.token != self._token_seen:
            self._token_seen = credentials.token
            remember_refresh(self._store, self.config.credentials, credentials)


class _HttpFailure(Exception):
    """An HTTP error from Google with its status, reasons and Retry-After read out."""

    def __init__(self, error: Any) -> None:
        self.status = int(error.resp.status)
        self.retry_after = parse_retry_after(error.resp.get("retry-after"))
        self.reasons: set[str] = set()
        self.message = str(getattr(error, "reason", "") or "")
        try:
            detail = json.loads(error.content)["error"]
            self.message = str(detail.get("message") or self.message)
            self.reasons = {str(item.get("reason")) for item in detail.get("errors", [])}
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
        super().__init__(f"{self.status} {self.message}")


def _translate(exc: Exception) -> IntegrationError | None:
    """The project's error for a Google/httplib2/socket failure, or None for a bug."""
    import httplib2
    from google.auth.exceptions import TransportError

    if isinstance(exc, _HttpFailure):
        return _from_status(exc)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return PermanentError(f"TLS verification of Google Calendar failed ({exc})")
    if isinstance(exc, TransportError | httplib2.HttpLib2Error | OSError):
        return TransientError(f"cannot reach Google Calendar ({type(exc).__name__}: {_first_line(exc)})")
    return None


def _from_status(failure: _HttpFailure) -> IntegrationError:
    status, text = failure.status, f"Google Calendar answered {failure.status}: {failure.message}"
    if status == 429 or (status == 403 and failure.reasons & _RATE_REASONS):
        return RateLimited(text, retry_after=failure.retry_after)
    if status == 401:
        return AuthError(f"{text} (even after refreshing the token); run `{FIX_COMMAND}`")
    if status == 403:
        return AuthError(f"{text}; check the calendar is shared with you or run `{FIX_COMMAND}`")
    if status in (404, 410):
        return NotFound(text)
    if status >= 500:
        return TransientError(text, retry_after=failure.retry_after)
    if 400 <= status < 500:
        return InvalidRequest(text)
    return PermanentError(text)


def _first_line(exc: BaseException) -> str:
    text = str(exc.args[0] if exc.args else exc)
    return text.splitlines()[0] if text else type(exc).__name__


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat()


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _when(moment: datetime, zone_name: str) -> dict[str, str]:
    return {"dateTime": moment.astimezone(zone(zone_name)).isoformat(), "timeZone": zone_name}


def _attendees(people: list[Attendee]) -> dict[str, Any]:
    """Attendees Google knows (with an address), and the names of those it cannot hold."""
    body: dict[str, Any] = {
        "attendees": [
            {"email": p.email, **({"displayName": p.name} if p.name else {})} for p in people if p.email
        ]
    }
    nameless = [p.name for p in people if not p.email and p.name]
    body["extendedProperties"] = {"private": {_NAMELESS: json.dumps(nameless) if nameless else ""}}
    return body


def _body(draft: EventDraft) -> dict[str, Any]:
    zone_name = draft.timezone or "UTC"
    body: dict[str, Any] = {
        "summary": draft.title,
        "start": _when(draft.start, zone_name),
        "end": _when(draft.end, zone_name),
        **_attendees(draft.attendees),
    }
    if draft.location:
        body["location"] = draft.location
    if draft.notes:
        body["description"] = draft.notes
    return body


def _patch_body(patch: EventPatch, zone_name: str) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if patch.title is not None:
        body["summary"] = patch.title
    if patch.location is not None:
        body["location"] = patch.location
    if patch.notes is not None:
        body["description"] = patch.notes
    if patch.attendees is not None:
        body.update(_attendees(patch.attendees))
    if patch.start is not None:
        body["start"] = _when(patch.start, zone_name)
    if patch.end is not None:
        body["end"] = _when(patch.end, zone_name)
    if patch.timezone is not None and patch.start is None and patch.end is None:
        raise InvalidRequest("changing the time zone needs the start and end in that zone")
    return body


def _moment(value: dict[str, Any], zone_name: str) -> datetime:
    if "dateTime" in value:
        return _parse(value["dateTime"]).astimezone(zone(zone_name))
    # An all-day event starts at midnight in the calendar's zone.
    return datetime.combine(date.fromisoformat(value["date"]), time(0), tzinfo=zone(zone_name))


def _event(item: dict[str, Any], calendar_zone: str = "UTC") -> CalendarEvent:
    zone_name = item.get("start", {}).get("timeZone") or calendar_zone
    people = [Attendee(email=a.get("email"), name=a.get("displayName")) for a in item.get("attendees", [])]
    nameless = item.get("extendedProperties", {}).get("private", {}).get(_NAMELESS)
    if nameless:
        people += [Attendee(name=name) for name in json.loads(nameless)]
    return CalendarEvent(
        uid=item["id"],
        title=item.get("summary") or "(no title)",
        start=_moment(item["start"], zone_name),
        end=_moment(item["end"], zone_name),
        timezone=zone_name,
        attendees=people,
        location=item.get("location") or None,
        notes=item.get("description") or None,
        created=_parse(item["created"]) if item.get("created") else None,
        updated=_parse(item["updated"]) if item.get("updated") else None,
    )
