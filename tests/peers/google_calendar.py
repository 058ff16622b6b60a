"""A local HTTP server that speaks Google Calendar v3 and Google's OAuth token endpoint.

It answers on the real paths (``/calendar/v3/calendars/{id}/events``,
``/calendar/v3/freeBusy``) with the JSON shapes of the public API reference,
including Google's error bodies, so the real `googleapiclient` can be pointed
at it with ``client_options={"api_endpoint": server.api_endpoint}``. Tests
queue faults (`fail`) and inspect what was asked (`requests`, `events`).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from automate.integrations.calendar.base import merge_busy
from automate.integrations.calendar.models import TimeRange

__all__ = [
    "ACCESS_TOKEN",
    "REFRESH_TOKEN",
    "FakeGoogleCalendar",
    "Fault",
    "SeenRequest",
    "error_body",
    "later",
    "running_google_calendar",
]

ACCESS_TOKEN = "ya29.test-access-7f3c"
REFRESH_TOKEN = "1//test-refresh-91ab"
_ID = re.compile(r"^[a-v0-9]{5,1024}$")
_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"^/token$"), "token"),
    ("POST", re.compile(r"^/calendar/v3/freeBusy$"), "freebusy.query"),
    ("GET", re.compile(r"^/calendar/v3/calendars/(?P<cal>[^/]+)$"), "calendars.get"),
    ("POST", re.compile(r"^/calendar/v3/calendars/(?P<cal>[^/]+)/events$"), "events.insert"),
    ("GET", re.compile(r"^/calendar/v3/calendars/(?P<cal>[^/]+)/events$"), "events.list"),
    (
        "GET",
        re.compile(r"^/calendar/v3/calendars/(?P<cal>[^/]+)/events/(?P<id>[^/]+)$"),
        "events.get",
    ),
    (
        "PATCH",
        re.compile(r"^/calendar/v3/calendars/(?P<cal>[^/]+)/events/(?P<id>[^/]+)$"),
        "events.patch",
    ),
    (
        "DELETE",
        re.compile(r"^/calendar/v3/calendars/(?P<cal>[^/]+)/events/(?P<id>[^/]+)$"),
        "events.delete",
    ),
]


@dataclass
class Fault:
    """One queued misbehaviour for the next request to `operation` ("*" for any).

    `status` answers with a Google error body (`reason`, optional `retry_after`
    header); `status=0` drops the connection *after* doing the work, as when a
    response is lost on the way back.
    """

    operation: str
    status: int
    reason: str = "backendError"
    retry_after: str | None = None
    times: int = 1


@dataclass(frozen=True)
class SeenRequest:
    """What the server was asked: method, path, operation, bearer token, body."""

    method: str
    path: str
    operation: str
    token: str | None
    body: dict[str, Any] | None


@dataclass
class _Calendar:
    id: str
    time_zone: str = "UTC"
    events: dict[str, dict[str, Any]] = field(default_factory=dict)


class FakeGoogleCalendar:
    """The state of the fake service: calendars, valid tokens, faults and a request log."""

    def __init__(self, *, access_token: str = ACCESS_TOKEN, refresh_token: str = REFRESH_TOKEN) -> None:
        self.lock = threading.Lock()
        self.calendars: dict[str, _Calendar] = {"primary": _Calendar("primary")}
        self.valid_tokens: set[str] = {access_token}
        self.refresh_tokens: set[str] = {refresh_token}
        self.refresh_count = 0
        self.auth_codes: set[str] = set()
        self.access_lifetime = 3599
        self.faults: list[Fault] = []
        self.requests: list[SeenRequest] = []
        self.page_size = 250
        self.base_url = ""

    @property
    def api_endpoint(self) -> str:
        """The value for ``client_options["api_endpoint"]``."""
        return f"{self.base_url}/calendar/v3/"

    @property
    def token_uri(self) -> str:
        """Where OAuth refresh requests go."""
        return f"{self.base_url}/token"

    def fail(
        self,
        operation: str,
        status: int,
        reason: str = "backendError",
        *,
        retry_after: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` requests to `operation` fail this way."""
        with self.lock:
            self.faults.append(Fault(operation, status, reason, retry_after, times))

    def events(self, calendar: str = "primary") -> dict[str, dict[str, Any]]:
        """The stored events of a calendar, deleted ones included (status "cancelled")."""
        return self.calendars[calendar].events

    def seen(self, operation: str) -> list[SeenRequest]:
        """The requests made to one operation, in order."""
        return [r for r in self.requests if r.operation == operation]

    def take_fault(self, operation: str) -> Fault | None:
        """The fault to apply to this request, if one is queued."""
        with self.lock:
            for fault in self.faults:
                if fault.operation in (operation, "*"):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None


def error_body(status: int, reason: str, message: str) -> dict[str, Any]:
    """Google's JSON error shape."""
    return {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"domain": "global", "reason": reason, "message": message}],
        }
    }


class _Answer(Exception):
    def __init__(
        self, status: int, body: dict[str, Any] | None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def _fail(status: int, reason: str, message: str) -> _Answer:
    return _Answer(status, error_body(status, reason, message))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _when(value: dict[str, Any]) -> datetime:
    if "dateTime" in value:
        return datetime.fromisoformat(value["dateTime"])
    return datetime.fromisoformat(value["date"]).replace(tzinfo=UTC)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""

    def do_GET(self) -> None:
        """Answer a GET."""
        self._serve("GET")

    def do_POST(self) -> None:
        """Answer a POST."""
        self._serve("POST")

    def do_PATCH(self) -> None:
        """Answer a PATCH."""
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        """Answer a DELETE."""
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        operation, groups = "unknown", {}
        for verb, pattern, name in _ROUTES:
            match = pattern.match(parts.path)
            if verb == method and match:
                operation, groups = name, {k: unquote(v) for k, v in match.groupdict().items()}
                break
        auth = self.headers.get("Authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else None
        body = _decode(raw, self.headers.get("Content-Type", ""))
        fake.requests.append(SeenRequest(method, parts.path, operation, token, body))
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        fault = fake.take_fault(operation)
        try:
            if fault is not None and fault.status != 0:
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                raise _Answer(fault.status, error_body(fault.status, fault.reason, fault.reason), headers)
            if operation == "token":
                result = _token(fake, body or {})
            elif operation == "unknown":
                raise _fail(404, "notFound", "Not Found")
            else:
                if token not in fake.valid_tokens:
                    raise _fail(401, "authError", "Invalid Credentials")
                result = _api(fake, operation, groups, query, body or {})
            status, payload, headers = 200, result, {}
        except _Answer as answer:
            status, payload, headers = answer.status, answer.body, answer.headers
        if fault is not None and fault.status == 0:
            self.close_connection = True
            self.connection.shutdown(2)  # the work is done, the answer is lost
            return
        self._reply(status, payload, headers)

    def _reply(self, status: int, payload: dict[str, Any] | None, headers: dict[str, str]) -> None:
        data = json.dumps(payload).encode() if payload is not None else b""
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _decode(raw: bytes, content_type: str) -> dict[str, Any] | None:
    if not raw:
        return None
    if "x-www-form-urlencoded" in content_type:
        return {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
    try:
        decoded = json.loads(raw)
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict) else None


def _token(fake: FakeGoogleCalendar, form: dict[str, Any]) -> dict[str, Any]:
    grant = form.get("grant_type")
    if grant == "authorization_code" and form.get("code") in fake.auth_codes:
        fake.auth_codes.discard(form["code"])
        refresh = f"1//issued-{uuid.uuid4().hex[:8]}"
        fake.refresh_tokens.add(refresh)
        return {**_new_access(fake), "refresh_token": refresh}
    if grant == "refresh_token" and form.get("refresh_token") in fake.refresh_tokens:
        with fake.lock:
            fake.refresh_count += 1
        return _new_access(fake)
    raise _Answer(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})


def _new_access(fake: FakeGoogleCalendar) -> dict[str, Any]:
    access = f"ya29.fresh-{uuid.uuid4().hex[:12]}"
    with fake.lock:
        fake.valid_tokens.add(access)
    return {
        "access_token": access,
        "expires_in": fake.access_lifetime,
        "token_type": "Bearer",
        "scope": "https://www.googleapis.com/auth/calendar",
    }


def _calendar(fake: FakeGoogleCalendar, calendar_id: str) -> _Calendar:
    found = fake.calendars.get(calendar_id)
    if found is None:
        raise _fail(404, "notFound", "Not Found")
    return found


def _api(
    fake: FakeGoogleCalendar,
    operation: str,
    groups: dict[str, str],
    query: dict[str, str],
    body: dict[str, Any],
) -> dict[str, Any] | None:
    if operation == "freebusy.query":
        return _freebusy(fake, body)
    calendar = _calendar(fake, groups["cal"])
    with fake.lock:
        if operation == "calendars.get":
            return {
                "kind": "calendar#calendar",
                "etag": '"1"',
                "id": calendar.id,
                "summary": "Test calendar",
                "timeZone": calendar.time_zone,
            }
        if operation == "events.insert":
            return _insert(calendar, body)
        if operation == "events.list":
            return _list(fake, calendar, query)
        event = calendar.events.get(groups["id"])
        if event is None:
            raise _fail(404, "notFound", "Not Found")
        if operation == "events.get":
            return event
        if event["status"] == "cancelled":
            raise _fail(410, "deleted", "Resource has been deleted")
        if operation == "events.patch":
            event.update({k: v for k, v in body.items() if k not in ("id", "kind", "etag")})
            event["sequence"] += 1
            event["updated"] = _now()
            event["etag"] = f'"{uuid.uuid4().int % 10**16}"'
            return event
        event["status"] = "cancelled"
        return None


def _insert(calendar: _Calendar, body: dict[str, Any]) -> dict[str, Any]:
    event_id = body.get("id") or uuid.uuid4().hex
    if not _ID.match(event_id):
        raise _fail(400, "invalid", "Invalid resource id value.")
    if event_id in calendar.events:
        raise _fail(409, "duplicate", "The requested identifier already exists.")
    if "start" not in body or "end" not in body:
        raise _fail(400, "required", "Missing end time.")
    if _when(body["end"]) < _when(body["start"]):
        raise _fail(400, "timeRangeEmpty", "The specified time range is empty.")
    stamp = _now()
    event = {
        "kind": "calendar#event",
        "etag": f'"{uuid.uuid4().int % 10**16}"',
        "id": event_id,
        "status": "confirmed",
        "htmlLink": f"https://calendar.example/event?eid={event_id}",
        "created": stamp,
        "updated": stamp,
        "iCalUID": f"{event_id}@google.com",
        "sequence": 0,
        "creator": {"email": "me@example.com", "self": True},
        "organizer": {"email": "me@example.com", "self": True},
        "reminders": {"useDefault": True},
        "eventType": "default",
        **body,
    }
    event["id"] = event_id
    calendar.events[event_id] = event
    return event


def _list(fake: FakeGoogleCalendar, calendar: _Calendar, query: dict[str, str]) -> dict[str, Any]:
    if query.get("orderBy") == "startTime" and query.get("singleEvents") != "true":
        raise _fail(400, "invalid", "The requested ordering is not available for the particular query.")
    low = datetime.fromisoformat(query["timeMin"]) if "timeMin" in query else None
    high = datetime.fromisoformat(query["timeMax"]) if "timeMax" in query else None
    chosen = [
        e
        for e in calendar.events.values()
        if (e["status"] != "cancelled" or query.get("showDeleted") == "true")
        and (low is None or _when(e["end"]) > low)
        and (high is None or _when(e["start"]) < high)
    ]
    chosen.sort(key=lambda e: (_when(e["start"]), e["id"]))
    size = min(int(query.get("maxResults", 250)), fake.page_size)
    offset = int(query.get("pageToken", "0"))
    page = chosen[offset : offset + size]
    answer: dict[str, Any] = {
        "kind": "calendar#events",
        "etag": '"p1"',
        "summary": "Test calendar",
        "updated": _now(),
        "timeZone": calendar.time_zone,
        "accessRole": "owner",
        "defaultReminders": [],
        "items": page,
    }
    if offset + size < len(chosen):
        answer["nextPageToken"] = str(offset + size)
    return answer


def _freebusy(fake: FakeGoogleCalendar, body: dict[str, Any]) -> dict[str, Any]:
    low, high = datetime.fromisoformat(body["timeMin"]), datetime.fromisoformat(body["timeMax"])
    calendars: dict[str, Any] = {}
    for item in body.get("items", []):
        calendar = fake.calendars.get(item["id"])
        if calendar is None:
            calendars[item["id"]] = {
                "errors": [{"domain": "global", "reason": "notFound"}],
                "busy": [],
            }
            continue
        busy = [
            TimeRange(start=_when(e["start"]), end=_when(e["end"]))
            for e in calendar.events.values()
            if e["status"] != "cancelled" and e.get("transparency") != "transparent"
        ]
        merged = merge_busy(busy, TimeRange(start=low, end=high))
        calendars[item["id"]] = {"busy": [{"start": _z(b.start), "end": _z(b.end)} for b in merged]}
    return {
        "kind": "calendar#freeBusy",
        "timeMin": body["timeMin"],
        "timeMax": body["timeMax"],
        "calendars": calendars,
    }


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeGoogleCalendar


@contextmanager
def running_google_calendar(fake: FakeGoogleCalendar | None = None) -> Iterator[FakeGoogleCalendar]:
    """Serve a `FakeGoogleCalendar` on a free loopback port until the block ends."""
    fake = fake or FakeGoogleCalendar()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def later(seconds: float) -> datetime:
    """A moment `seconds` from now, for token expiries."""
    return datetime.now(UTC) + timedelta(seconds=seconds)
