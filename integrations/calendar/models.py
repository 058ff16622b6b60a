"""What calendar adapters take and return, whatever the service behind them."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, Field, model_validator

from automate.integrations.email.models import HeaderText
from automate.integrations.model import Model

__all__ = [
    "Attendee",
    "Booking",
    "BusyInterval",
    "CalendarEvent",
    "DeletedEvent",
    "EventDraft",
    "EventList",
    "EventPatch",
    "EventRef",
    "FreeBusy",
    "TimeRange",
]


class Attendee(Model):
    """Someone invited: a name, an address, or both.

    Neither may hold a line break or another control character: both end up
    in one iCalendar line (``ATTENDEE;CN=name:mailto:address``) and in mail.
    """

    name: HeaderText | None = Field(None, max_length=200)
    email: HeaderText | None = Field(None, max_length=320)

    def label(self) -> str:
        """How to show this attendee to a person."""
        return self.name or self.email or "?"


class TimeRange(Model):
    """A half-open range of time [start, end)."""

    start: AwareDatetime = Field(description="The range's start (included), with a time zone offset.")
    end: AwareDatetime = Field(description="The range's end (excluded), with a time zone offset.")

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class EventDraft(TimeRange):
    """An event to create; `uid` is chosen by the adapter from the idempotency key when absent."""

    title: str = Field(min_length=1, max_length=500)
    timezone: str = "UTC"
    attendees: list[Attendee] = Field(default_factory=list)
    location: str | None = Field(None, max_length=1000)
    notes: str | None = Field(None, max_length=20_000)
    uid: str | None = Field(None, max_length=255)


class CalendarEvent(EventDraft):
    """An event as stored by the service."""

    uid: str
    created: datetime | None = None
    updated: datetime | None = None


class Booking(Model):
    """The outcome of booking a slot: the event, or the events that hold the slot instead."""

    event: CalendarEvent | None = None
    clashes: list[CalendarEvent] = Field(default_factory=list)


class EventRef(Model):
    """Names one event by its UID."""

    uid: str = Field(min_length=1, max_length=255)


class EventPatch(EventRef):
    """Changes to an event: only the fields given change."""

    title: str | None = Field(None, min_length=1, max_length=500)
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    timezone: str | None = None
    attendees: list[Attendee] | None = None
    location: str | None = None
    notes: str | None = None


class EventList(Model):
    """Events in start order."""

    events: list[CalendarEvent] = Field(default_factory=list)


class DeletedEvent(Model):
    """The outcome of a delete: `existed` is false when it was already gone."""

    uid: str
    existed: bool


class BusyInterval(TimeRange):
    """A busy stretch of time."""


class FreeBusy(Model):
    """Busy intervals inside the asked range, merged and in order."""

    start: AwareDatetime
    end: AwareDatetime
    busy: list[BusyInterval] = Field(default_factory=list)
