"""What reminder adapters take and return, and how a recurrence is read.

A reminder fires at `start`, or, when it has an `rrule` (RFC 5545, e.g.
``FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0``), at every occurrence of the
rule anchored at `start` (its DTSTART) in the reminder's time zone, so a
"every day at 9" reminder stays at 9 across daylight-saving changes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rruleset, rrulestr
from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    field_validator,
    model_validator,
)

from automate.integrations.model import Model

__all__ = [
    "DeletedReminder",
    "RRule",
    "Reminder",
    "ReminderDraft",
    "ReminderList",
    "ReminderQuery",
    "ReminderRef",
    "ReminderText",
    "next_occurrence",
    "normalise_rrule",
    "one_line",
]

MAX_RRULE = 500
# Rules firing every second or minute are mistakes for a reminder, and their
# expansion from an old anchor would take millions of steps.
_TOO_FREQUENT = ("SECONDLY", "MINUTELY")
_VALIDATION_ANCHOR = datetime(2000, 1, 1, tzinfo=UTC)


def one_line(value: str, what: str) -> str:
    """Trim `value` and reject control characters (line breaks, NUL, tabs…)."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError(f"{what} must be one line without control characters")
    value = value.strip()
    if not value:
        raise ValueError(f"{what} must not be blank")
    return value


def normalise_rrule(value: str) -> str:
    """A validated RRULE in canonical case, without an ``RRULE:`` prefix."""
    rule = one_line(value, "rrule").upper()
    rule = rule.removeprefix("RRULE:").strip()
    if len(rule) > MAX_RRULE:
        raise ValueError(f"rrule is longer than {MAX_RRULE} characters")
    parts = dict(part.partition("=")[::2] for part in rule.split(";") if part)
    if "FREQ" not in parts:
        raise ValueError("rrule needs a FREQ (e.g. FREQ=DAILY;BYHOUR=9;BYMINUTE=0)")
    if parts["FREQ"] in _TOO_FREQUENT:
        raise ValueError(f"rrule FREQ={parts['FREQ']} is too frequent for a reminder")
    if "DTSTART" in parts:
        raise ValueError("rrule must not carry DTSTART; give the start time separately")
    _expand(rule, _VALIDATION_ANCHOR)
    return rule


def _expand(rule: str, anchor: datetime) -> rrule | rruleset:
    """The dateutil rule for `rule` anchored at `anchor`; ValueError when it does not parse."""
    try:
        return rrulestr(rule, dtstart=anchor)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValueError(f"not a valid rrule ({exc})") from None


def next_occurrence(start: datetime, rule: str | None, timezone: str, after: datetime) -> datetime | None:
    """The first time at or after `after` that a reminder fires; None when it never will again."""
    if rule is None:
        return start if start >= after else None
    zone = ZoneInfo(timezone)
    found = _expand(rule, start.astimezone(zone)).after(after.astimezone(zone), inc=True)
    return found if isinstance(found, datetime) else None


def _reminder_text(value: str) -> str:
    return one_line(value, "reminder text")


ReminderText = Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(_reminder_text)]
"""What to be reminded of: one line, trimmed."""
RRule = Annotated[str, AfterValidator(normalise_rrule)]
"""A validated RRULE in canonical form (see `normalise_rrule`)."""


class ReminderDraft(Model):
    """A reminder to store; `id` is chosen by the adapter from the idempotency key when absent."""

    text: ReminderText
    start: AwareDatetime = Field(description="When it fires, or the recurrence's anchor (DTSTART).")
    rrule: RRule | None = Field(None, description="An RFC 5545 RRULE, e.g. FREQ=DAILY;BYHOUR=9.")
    timezone: str = "UTC"
    id: str | None = Field(None, min_length=1, max_length=255)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    def occurrence_after(self, moment: datetime) -> datetime | None:
        """When this reminder next fires at or after `moment` (None: never again)."""
        return next_occurrence(self.start, self.rrule, self.timezone, moment)


class Reminder(ReminderDraft):
    """A stored reminder; `due` is its first occurrence at or after the time asked about."""

    id: str
    created: datetime | None = None
    due: AwareDatetime | None = Field(
        None, description="The next time it fires from the query's start (from `start` otherwise)."
    )


class ReminderQuery(Model):
    """Reminders firing in [start, end) (either bound optional), whose text holds every word."""

    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    text: str | None = Field(None, max_length=200)
    limit: int = Field(100, ge=1, le=1000)

    @model_validator(mode="after")
    def _ordered(self) -> ReminderQuery:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class ReminderRef(Model):
    """Names one reminder by its id."""

    id: str = Field(min_length=1, max_length=255)


class ReminderList(Model):
    """Reminders, soonest first."""

    reminders: list[Reminder] = Field(default_factory=list)


class DeletedReminder(Model):
    """The outcome of a delete: `existed` is false when it was already gone."""

    id: str
    existed: bool
