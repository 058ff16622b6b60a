"""The params and outputs of the scheduler's actions."""

from __future__ import annotations

from pydantic import AwareDatetime, Field, model_validator

from automate.integrations.calendar.models import CalendarEvent, TimeRange
from automate.integrations.model import Model

__all__ = [
    "CancelledEvent",
    "CreateEventParams",
    "EventQuery",
    "FreeSlotsParams",
    "ListEventsParams",
    "RescheduleEventParams",
    "SlotList",
]


class CreateEventParams(Model):
    """A meeting to book. Attendees are names, relations ("my sister") or addresses."""

    title: str | None = Field(
        None, max_length=500, description="What the event is; defaults to 'Meeting with …'."
    )
    start: AwareDatetime = Field(description="When it starts, with a time zone offset.")
    end: AwareDatetime | None = Field(None, description="When it ends; else start + duration.")
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60 * 14)
    attendees: list[str] = Field(default_factory=list, max_length=100)
    location: str | None = Field(None, max_length=1000)
    notes: str | None = Field(None, max_length=20_000)
    allow_conflict: bool = Field(False, description="Book even when the time overlaps another event.")

    @model_validator(mode="after")
    def _ordered(self) -> CreateEventParams:
        if self.end is not None and self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class ListEventsParams(TimeRange):
    """Events overlapping [start, end), optionally only those matching `query`."""

    query: str | None = Field(None, max_length=200)


class EventQuery(Model):
    """Which event: by UID, or by words of its title/attendees within a time window."""

    uid: str | None = None
    query: str | None = Field(None, max_length=200)
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None


class RescheduleEventParams(EventQuery):
    """Move an event to `new_start` (keeping its length unless `new_end` is given)."""

    new_start: AwareDatetime
    new_end: AwareDatetime | None = None
    allow_conflict: bool = False


class CancelledEvent(Model):
    """The event that was cancelled."""

    event: CalendarEvent


class FreeSlotsParams(TimeRange):
    """Where to look for free slots of a given length, inside working hours."""

    duration_minutes: int = Field(30, ge=5, le=24 * 60)
    count: int = Field(3, ge=1, le=50)


class SlotList(Model):
    """Free slots, earliest first."""

    slots: list[TimeRange] = Field(default_factory=list)
