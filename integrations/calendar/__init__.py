"""Calendar services: the operations every calendar adapter offers, and the adapters."""

from automate.integrations.calendar.base import CalendarAdapter
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

__all__ = [
    "Attendee",
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
