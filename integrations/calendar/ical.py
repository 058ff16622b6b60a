"""Events to and from iCalendar (RFC 5545), for the adapters that speak it.

`icalendar` is imported by the functions that need it, so that merely
configuring a calendar adapter costs nothing at start-up.

Times are written in the event's own zone (``DTSTART;TZID=…``) with the
matching ``VTIMEZONE`` so that other clients show them as the person meant
them; attendees without an address are written the way common clients do
(``invalid:nomail``) so that their names survive a round trip.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from automate.integrations.calendar.models import Attendee, CalendarEvent, EventPatch

__all__ = ["apply_patch", "event_to_ical", "ical_to_events", "zone"]

PRODID = "-//automate//calendar//EN"
# CREATED holds whole seconds; bookings racing for one slot need a finer order (see book_event).
PRECISE_CREATED = "X-AUTOMATE-CREATED"
NO_MAIL = "invalid:nomail"
# An event with a start and no end or duration lasts no time (RFC 5545 3.6.1),
# which a time range cannot hold; give it the smallest length a person sees.
_INSTANT = timedelta(minutes=1)


def zone(name: str | None) -> tzinfo:
    """The zone called `name`, or UTC when it is missing or unknown."""
    if not name or name.upper() in ("UTC", "Z", "ETC/UTC"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def event_to_ical(event: CalendarEvent, *, stamp: datetime | None = None) -> bytes:
    """One VCALENDAR holding `event` as a VEVENT, with the time zone it needs."""
    from icalendar import Calendar, Event, vCalAddress

    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    where = zone(event.timezone)
    component = Event()
    component.add("UID", event.uid)
    component.add("DTSTAMP", stamp)
    component.add("DTSTART", event.start.astimezone(where))
    component.add("DTEND", event.end.astimezone(where))
    component.add("SUMMARY", event.title)
    if event.location:
        component.add("LOCATION", event.location)
    if event.notes:
        component.add("DESCRIPTION", event.notes)
    for person in event.attendees:
        address = vCalAddress(f"mailto:{person.email}" if person.email else NO_MAIL)
        if person.name:
            address.params["CN"] = person.name
        component.add("ATTENDEE", address, encode=False)
    created = (event.created or stamp).astimezone(UTC)
    component.add("CREATED", created)
    component.add(PRECISE_CREATED, created.isoformat(timespec="microseconds"))
    component.add("LAST-MODIFIED", (event.updated or stamp).astimezone(UTC))
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add_component(component)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def ical_to_events(data: str | bytes, *, default_zone: str = "UTC") -> list[CalendarEvent]:
    """Every VEVENT in an iCalendar text, as events (floating times read in `default_zone`)."""
    from icalendar import Calendar

    calendar = Calendar.from_ical(data)
    return [_event(component, default_zone) for component in calendar.walk("VEVENT")]


def apply_patch(event: CalendarEvent, patch: EventPatch, *, now: datetime | None = None) -> CalendarEvent:
    """`event` with the fields `patch` gives replaced (validated as a whole)."""
    changes = patch.model_dump(exclude={"uid"}, exclude_none=True)
    if patch.attendees is not None:
        changes["attendees"] = patch.attendees
    merged = {**event.model_dump(), **changes, "updated": now or datetime.now(UTC)}
    return CalendarEvent.model_validate(merged)


def _event(component: Any, default_zone: str) -> CalendarEvent:
    start_prop = component.get("DTSTART")
    start, zone_name = _instant(component.decoded("DTSTART"), start_prop, default_zone)
    if "DTEND" in component:
        end, _ = _instant(component.decoded("DTEND"), component.get("DTEND"), zone_name)
    elif "DURATION" in component:
        end = start + component.decoded("DURATION")
    elif not isinstance(component.decoded("DTSTART"), datetime):
        end = start + timedelta(days=1)
    else:
        end = start + _INSTANT
    if end <= start:
        end = start + _INSTANT
    return CalendarEvent(
        uid=str(component.get("UID")),
        title=str(component.get("SUMMARY") or "(no title)"),
        start=start,
        end=end,
        timezone=zone_name,
        location=_text(component.get("LOCATION")),
        notes=_text(component.get("DESCRIPTION")),
        attendees=[_attendee(value) for value in _as_list(component.get("ATTENDEE"))],
        created=_precise_created(component) or _utc(component, "CREATED"),
        updated=_utc(component, "LAST-MODIFIED"),
    )


def _instant(value: date | datetime, prop: Any, fallback_zone: str) -> tuple[datetime, str]:
    """An aware datetime and the name of its zone, from a decoded DTSTART/DTEND."""
    tzid = prop.params.get("TZID") if prop is not None and hasattr(prop, "params") else None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=zone(fallback_zone)), fallback_zone
        name = (
            tzid
            or getattr(value.tzinfo, "key", None)
            or ("UTC" if value.utcoffset() == timedelta(0) else None)
        )
        return value, str(name or fallback_zone)
    return datetime.combine(value, time(0), tzinfo=zone(fallback_zone)), fallback_zone


def _attendee(value: Any) -> Attendee:
    address = str(value)
    name = value.params.get("CN") if hasattr(value, "params") else None
    email = address[len("mailto:") :] if address.lower().startswith("mailto:") else None
    return Attendee(name=str(name) if name else None, email=email or None)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    return str(value) if value is not None and str(value) else None


def _precise_created(component: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(component[PRECISE_CREATED])).astimezone(UTC)
    except (KeyError, ValueError):
        return None


def _utc(component: Any, name: str) -> datetime | None:
    if name not in component:
        return None
    value = component.decoded(name)
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
