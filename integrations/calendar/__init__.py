"""Calendar services: the operations every calendar adapter offers, and the adapters."""

from automate.integrations.calendar.base import CalendarAdapter
from automate.integrations.calendar.models import (
    Attendee,
    Booking,
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

__all__ = [
    "Attendee",
    "Booking",
    "BusyInterval",
    "CalendarAdapter",
    "CalendarEvent",
    "DeletedEvent",
    "EventDraft",
    "EventList",
    "EventPatch",
    "EventRef",
    "FreeBusy",
    "TimeRange",
]
