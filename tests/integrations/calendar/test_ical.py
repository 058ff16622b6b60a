"""iCalendar conversion: what other clients write is read sensibly, and our events round-trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from automate.integrations.calendar.ical import apply_patch, event_to_ical, ical_to_events
from automate.integrations.calendar.models import Attendee, CalendarEvent, EventPatch

LISBON = ZoneInfo("Europe/Lisbon")


def calendar(*lines: str) -> str:
    """A VCALENDAR with one VEVENT made of `lines`."""
    body = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//test//EN",
            "BEGIN:VEVENT",
            "UID:x1",
            "DTSTAMP:20310101T000000Z",
            *lines,
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )
    return body + "\r\n"


class TestIcal:
    """Reading and writing VEVENTs."""

    def test_round_trip_keeps_zone_attendees_and_text(self) -> None:
        """Title, zone, attendees (with and without address), place and notes survive."""
        event = CalendarEvent(
            uid="rt-1",
            title="Plan; review, again",
            start=datetime(2031, 3, 10, 15, tzinfo=LISBON),
            end=datetime(2031, 3, 10, 16, tzinfo=LISBON),
            timezone="Europe/Lisbon",
            attendees=[Attendee(name="Ana"), Attendee(name="Rui", email="rui@example.org")],
            location="Room 2",
            notes="line one\nline two",
        )
        text = event_to_ical(event)
        (back,) = ical_to_events(text)
        assert b"DTSTART;TZID=Europe/Lisbon:20310310T150000" in text
        assert b"BEGIN:VTIMEZONE" in text
        assert back.model_dump(exclude={"created", "updated"}) == event.model_dump(
            exclude={"created", "updated"}
        )

    def test_created_keeps_its_microseconds(self) -> None:
        """The creation time comes back to the microsecond (CREATED alone holds whole seconds)."""
        created = datetime(2031, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
        event = CalendarEvent(
            uid="c-1",
            title="Race",
            start=datetime(2031, 3, 10, 9, tzinfo=UTC),
            end=datetime(2031, 3, 10, 10, tzinfo=UTC),
            created=created,
        )
        text = event_to_ical(event)
        (back,) = ical_to_events(text)
        assert b"CREATED:20310301T093015Z" in text
        assert back.created == created

    def test_created_falls_back_to_whole_seconds(self) -> None:
        """An event another client wrote, with CREATED only, is read at that second."""
        (event,) = ical_to_events(
            calendar("SUMMARY:Theirs", "DTSTART:20310310T090000Z", "CREATED:20310301T093015Z")
        )
        assert event.created == datetime(2031, 3, 1, 9, 30, 15, tzinfo=UTC)

    def test_all_day_event_spans_the_day_in_the_default_zone(self) -> None:
        """A DATE start with no end lasts one day from midnight in the zone asked for."""
        (event,) = ical_to_events(
            calendar("SUMMARY:Holiday", "DTSTART;VALUE=DATE:20310310"), default_zone="Europe/Lisbon"
        )
        assert event.start == datetime(2031, 3, 10, tzinfo=LISBON)
        assert event.end - event.start == timedelta(days=1)

    def test_floating_time_is_read_in_the_default_zone(self) -> None:
        """A time without a zone is taken in the default zone, and the event says so."""
        (event,) = ical_to_events(
            calendar("SUMMARY:Local", "DTSTART:20310310T090000", "DURATION:PT45M"),
            default_zone="Europe/Lisbon",
        )
        assert (event.start, event.timezone) == (datetime(2031, 3, 10, 9, tzinfo=LISBON), "Europe/Lisbon")
        assert event.end - event.start == timedelta(minutes=45)

    def test_start_without_end_lasts_a_minute(self) -> None:
        """An instant (DTSTART only) becomes a one-minute event rather than an invalid one."""
        (event,) = ical_to_events(calendar("SUMMARY:Ping", "DTSTART:20310310T090000Z"))
        assert event.end - event.start == timedelta(minutes=1)
        assert event.timezone == "UTC"

    def test_missing_summary_gets_a_placeholder(self) -> None:
        """An event without SUMMARY still reads, titled "(no title)"."""
        (event,) = ical_to_events(calendar("DTSTART:20310310T090000Z", "DTEND:20310310T100000Z"))
        assert event.title == "(no title)"

    def test_patch_that_reverses_times_is_rejected(self) -> None:
        """A patch moving the end before the start fails validation instead of writing nonsense."""
        start = datetime(2031, 3, 10, 9, tzinfo=UTC)
        event = CalendarEvent(uid="p", title="t", start=start, end=start + timedelta(hours=1))
        with pytest.raises(ValueError, match="end must be after start"):
            apply_patch(event, EventPatch(uid="p", end=start - timedelta(hours=1)))
        moved = apply_patch(event, EventPatch(uid="p", title="u", attendees=[]))
        assert (moved.title, moved.start, moved.attendees) == ("u", start, [])
