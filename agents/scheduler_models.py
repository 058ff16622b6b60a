"""The params and outputs of the scheduler's actions."""

from __future__ import annotations

from typing import Literal

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
    duration_minutes: int | None = Field(
        None, ge=1, le=24 * 60 * 14, description="Length in minutes when no end is given; else the default."
    )
    attendees: list[str] = Field(
        default_factory=list, max_length=100, description="Who to invite: names, relations or addresses."
    )
    location: str | None = Field(None, max_length=1000, description="Where it takes place.")
    notes: str | None = Field(None, max_length=20_000, description="Free text kept with the event.")
    allow_conflict: bool = Field(False, description="Book even when the time overlaps another event.")
    allow_past: bool = Field(False, description="Book even when the start has already passed.")

    @model_validator(mode="after")
    def _ordered(self) -> CreateEventParams:
        if self.end is not None and self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class ListEventsParams(TimeRange):
    """Events overlapping [start, end), optionally only those matching `query`."""

    query: str | None = Field(
        None, max_length=200, description="Only events these words name (title, attendees, place or notes)."
    )


class EventQuery(Model):
    """Which event: by UID, or by words of its title, attendees, place or notes within a time window."""

    uid: str | None = Field(None, description="The event's UID, when known.")
    query: str | None = Field(
        None, max_length=200, description="Words naming the event: its title, attendees, place or notes."
    )
    start: AwareDatetime | None = Field(None, description="Search from this time; now when not given.")
    end: AwareDatetime | None = Field(
        None, description="Search up to this time; 30 days after the start when not given."
    )


class RescheduleEventParams(EventQuery):
    """Move an event to `new_start` (keeping its length unless `new_end` is given), or by
    `shift_minutes` ("push it back by half an hour").

    `keep` says what of the event's own start stays when a request named only part of the
    new one: "move lunch to 1pm" keeps its day, "move the dentist to friday" its time.
    """

    new_start: AwareDatetime | None = Field(
        None, description="The event's new start, with a time zone offset; else shift_minutes."
    )
    shift_minutes: int | None = Field(
        None,
        ge=-14 * 24 * 60,
        le=14 * 24 * 60,
        description="Move it by this long instead; negative is earlier.",
    )
    new_end: AwareDatetime | None = Field(None, description="The new end; else the event keeps its length.")
    keep: Literal["day", "time"] | None = Field(
        None,
        description="'day': only new_start's time of day counts, on the event's own day; "
        "'time': only new_start's day counts, at the event's own time of day.",
    )
    allow_conflict: bool = Field(False, description="Move it even when the new time overlaps another event.")

    @model_validator(mode="after")
    def _one_target(self) -> RescheduleEventParams:
        if (self.new_start is None) == (self.shift_minutes is None):
            raise ValueError("give either new_start or shift_minutes")
        return self


class CancelledEvent(Model):
    """The event that was cancelled."""

    event: CalendarEvent


class FreeSlotsParams(TimeRange):
    """Where to look for free slots of a given length, inside working hours."""

    duration_minutes: int = Field(30, ge=5, le=24 * 60, description="How long each slot must be, in minutes.")
    count: int = Field(3, ge=1, le=50, description="How many slots to propose at most.")


class SlotList(Model):
    """Free slots, earliest first."""

    slots: list[TimeRange] = Field(default_factory=list)
