"""A calendar on any CalDAV server: Radicale, Nextcloud, Fastmail, iCloud…

The `caldav` client is blocking, so every call runs in a worker thread, one at
a time per adapter (the client and its HTTP session are not meant to be shared
between threads). The client is imported only when the adapter first talks to
the server. An event is stored at ``<calendar>/<uid>.ics`` with a UID derived
from the call's idempotency key, so a repeated create rewrites the same
resource instead of adding a second one. A password goes to an ``http://``
URL (in clear) only with ``allow_plaintext_auth: true``.
"""

from __future__ import annotations

import asyncio
import inspect
import ssl
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import Field, SecretStr

from automate.integrations.adapter import AdapterEnv, CallContext, CheckResult
from automate.integrations.calendar.base import CalendarAdapter
from automate.integrations.calendar.ical import apply_patch, event_to_ical, ical_to_events
from automate.integrations.calendar.models import (
    CalendarEvent,
    DeletedEvent,
    EventDraft,
    EventList,
    EventPatch,
    EventRef,
    TimeRange,
)
from automate.integrations.config import StrictModel
from automate.integrations.credentials import service_password
from automate.integrations.errors import (
    AuthError,
    IntegrationError,
    InvalidRequest,
    NotFound,
    PermanentError,
    RateLimited,
    TransientError,
)
from automate.integrations.ids import event_uid

__all__ = ["CalDAVAdapter", "CalDAVConfig"]

T = TypeVar("T")


class CalDAVConfig(StrictModel):
    """Where the CalDAV server is, who logs in, and which calendar to use."""

    url: str = Field(pattern=r"^https?://", description="the server's (or the principal's) URL")
    username: str | None = None
    password: SecretStr | None = Field(
        None, description="a ${ENV} reference; when omitted, `automate auth set SERVICE` stores it"
    )
    calendar: str | None = Field(None, description="calendar display name; the first one when omitted")
    create_calendar: bool = Field(True, description="create the named calendar when it is missing")
    verify: bool | str = Field(True, description="verify TLS certificates, or a CA bundle path")
    allow_plaintext_auth: bool = Field(False, description="send the password to an http:// URL (no TLS)")
    timeout: int = Field(30, gt=0, description="seconds for one HTTP request")


class CalDAVAdapter(CalendarAdapter[CalDAVConfig]):
    """Events on a CalDAV calendar, with UIDs derived from idempotency keys."""

    name = "caldav"
    config_model = CalDAVConfig

    def __init__(self, config: CalDAVConfig, env: AdapterEnv) -> None:
        super().__init__(config, env)
        self._lock = threading.Lock()
        self._client: Any = None
        self._calendar: Any = None
        self._password_source = "settings" if config.password is not None else "credential store"

    # -- operations ------------------------------------------------------

    async def insert_event(self, params: EventDraft, ctx: CallContext) -> CalendarEvent:
        """Create an event (or return the one already created under this key)."""
        uid = params.uid or event_uid(ctx.idempotency_key)

        def put(calendar: Any) -> CalendarEvent:
            # Stamped just before the PUT: racing bookings order themselves by it (book_event).
            now = datetime.now(UTC)
            event = CalendarEvent.model_validate(
                {**params.model_dump(), "uid": uid, "created": now, "updated": now}
            )
            # The resource name comes from the UID: a repeat PUTs the same URL.
            saver = getattr(calendar, "add_event", None) or calendar.save_event
            saver(event_to_ical(event, stamp=now).decode())
            return event

        return await self._run("insert_event", put)

    async def list_events(self, params: TimeRange, ctx: CallContext) -> EventList:
        """Events overlapping a time range, in start order."""

        def search(calendar: Any) -> EventList:
            found = calendar.search(start=params.start, end=params.end, event=True, expand=True)
            events = [event for item in found for event in ical_to_events(item.data)]
            overlapping = [e for e in events if e.start < params.end and e.end > params.start]
            return EventList(events=sorted(overlapping, key=lambda e: (e.start, e.end, e.uid)))

        return await self._run("list_events", search)

    async def get_event(self, params: EventRef, ctx: CallContext) -> CalendarEvent:
        """One event by UID; `NotFound` if there is none."""
        return await self._run("get_event", lambda calendar: _parse_one(_by_uid(calendar, params.uid)))

    async def update_event(self, params: EventPatch, ctx: CallContext) -> CalendarEvent:
        """Change the given fields of an event."""

        def change(calendar: Any) -> CalendarEvent:
            resource = _by_uid(calendar, params.uid)
            now = datetime.now(UTC)
            try:
                event = apply_patch(_parse_one(resource), params, now=now)
            except ValueError as exc:
                raise InvalidRequest(f"the change makes an invalid event: {exc}") from None
            resource.data = event_to_ical(event, stamp=now).decode()
            resource.save()
            return event

        return await self._run("update_event", change)

    async def delete_event(self, params: EventRef, ctx: CallContext) -> DeletedEvent:
        """Remove an event; deleting one already gone is not an error."""

        def remove(calendar: Any) -> DeletedEvent:
            try:
                resource = _by_uid(calendar, params.uid)
            except NotFound:
                return DeletedEvent(uid=params.uid, existed=False)
            resource.delete()
            return DeletedEvent(uid=params.uid, existed=True)

        return await self._run("delete_event", remove)

    async def check(self) -> CheckResult:
        """Log in, find (or create) the calendar, and say which one answered."""
        try:
            name = await self._run("check", _display_name)
        except IntegrationError as exc:
            return self.report(False, str(exc))
        return self.report(
            True, f"calendar {name!r} at {self.config.url} (password from {self._password_source})"
        )

    async def aclose(self) -> None:
        """Close the HTTP session."""
        client, self._client, self._calendar = self._client, None, None
        if client is not None:
            await asyncio.to_thread(client.close)

    # -- plumbing --------------------------------------------------------

    async def _run(self, operation: str, work: Callable[[Any], T]) -> T:
        """Run `work(calendar)` in a worker thread, with errors translated once."""

        def locked() -> T:
            with self._lock:
                return work(self._connect())

        try:
            return await asyncio.to_thread(locked)
        except IntegrationError as exc:
            exc.at(self.env.service, operation)
            raise
        except Exception as exc:
            translated = _translate(exc, self.config.username or "")
            if translated is None:
                raise
            raise translated.at(self.env.service, operation) from exc

    def _connect(self) -> Any:
        """The calendar object, logging in and finding the calendar on first use."""
        if self._calendar is not None:
            return self._calendar
        config = self.config
        if (
            config.username is not None
            and config.url.lower().startswith("http:")
            and not config.allow_plaintext_auth
        ):
            raise AuthError(
                f"refusing to send the password for {config.username!r} to {config.url} without TLS; "
                "use an https:// URL (or set allow_plaintext_auth: true)"
            )
        from caldav.davclient import DAVClient

        options: dict[str, Any] = {}
        if "rate_limit_handle" in inspect.signature(DAVClient).parameters:
            # Newer clients can sleep and resend on 429/503 themselves: our retry policy does that.
            options["rate_limit_handle"] = False
        client = DAVClient(
            url=self.config.url,
            username=self.config.username,
            password=self._password(),
            ssl_verify_cert=self._verify(),
            timeout=self.config.timeout,
            **options,
        )
        principal = client.principal()  # type: ignore[no-untyped-call]
        self._calendar = _find_calendar(principal, self.config.calendar, self.config.create_calendar)
        self._client = client
        return self._calendar

    def _verify(self) -> bool | str:
        """Verification on/off, or a CA bundle path (relative paths are under the data directory)."""
        verify = self.config.verify
        if isinstance(verify, str):
            return str(self.env.data_dir / Path(verify).expanduser())
        return verify

    def _password(self) -> str | None:
        config, env = self.config, self.env
        return service_password(env.data_dir, env.service, config.password, username=config.username)


def _find_calendar(principal: Any, wanted: str | None, create: bool) -> Any:
    from caldav.lib.error import NotFoundError

    if wanted is None:
        calendars = principal.calendars()
        if calendars:
            return calendars[0]
        if not create:
            raise NotFound("the account has no calendar (set create_calendar: true to make one)")
        return principal.make_calendar(name="Calendar")
    try:
        return principal.calendar(name=wanted)
    except NotFoundError:
        if not create:
            raise NotFound(f"no calendar named {wanted!r} (set create_calendar: true to make it)") from None
        return principal.make_calendar(name=wanted)


def _display_name(calendar: Any) -> str:
    getter = getattr(calendar, "get_display_name", None)
    name = getter() if getter is not None else getattr(calendar, "name", None)
    return str(name or calendar.url)


def _by_uid(calendar: Any, uid: str) -> Any:
    from caldav.lib.error import NotFoundError

    try:
        return calendar.event_by_uid(uid)
    except NotFoundError:
        raise NotFound(f"no event with UID {uid!r}") from None


def _parse_one(resource: Any) -> CalendarEvent:
    events = ical_to_events(resource.data)
    if not events:
        raise InvalidRequest("the calendar object holds no event")
    # A recurring event's master comes first; its exceptions follow it.
    return events[0]


def _translate(exc: Exception, username: str) -> IntegrationError | None:
    """The project's error for a caldav, HTTP or socket failure, or None for a bug."""
    from caldav.lib import error as dav

    if isinstance(exc, dav.AuthorizationError):
        who = f" for user {username!r}" if username else ""
        return AuthError(f"the CalDAV server refused the credentials{who} ({exc.reason})")
    if isinstance(exc, dav.NotFoundError):
        return NotFound(f"not found on the CalDAV server ({exc.reason})")
    if isinstance(exc, dav.RateLimitError):
        return RateLimited(
            f"the CalDAV server asked to slow down ({exc.reason})",
            retry_after=exc.retry_after_seconds,
        )
    if isinstance(exc, dav.DAVError):
        status = getattr(exc, "status", None)
        if status is not None and status >= 500:
            return TransientError(f"the CalDAV server failed ({status}: {exc.reason})")
        return InvalidRequest(f"the CalDAV server rejected the request ({exc.reason})")
    if _tls_failure(exc):
        return PermanentError(f"TLS verification of the CalDAV server failed ({exc})")
    if isinstance(exc, OSError):  # requests' and niquests' errors are OSErrors too
        return TransientError(f"cannot reach the CalDAV server ({type(exc).__name__}: {exc})")
    return None


def _tls_failure(exc: BaseException) -> bool:
    """Whether a failure is a certificate/TLS problem (retrying cannot fix it)."""
    seen: BaseException | None = exc
    while seen is not None:
        # caldav uses niquests or requests, each with its own SSLError class.
        if isinstance(seen, ssl.SSLError) or any(c.__name__ == "SSLError" for c in type(seen).__mro__):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
