"""The operations every reminders adapter offers."""

from __future__ import annotations

from abc import abstractmethod

from automate.integrations.adapter import Adapter, CallContext, ConfigT, operation
from automate.integrations.reminders.models import (
    DeletedReminder,
    Reminder,
    ReminderDraft,
    ReminderList,
    ReminderQuery,
    ReminderRef,
)

__all__ = ["RemindersAdapter"]


class RemindersAdapter(Adapter[ConfigT]):
    """A store of reminders: one-off or recurring (RRULE), with stable ids.

    `insert_reminder` must be safe to repeat with the same idempotency key: the
    adapter derives the reminder's id from it, so a retry finds the reminder
    it already stored instead of storing a second one.
    """

    @operation(idempotent=False)
    @abstractmethod
    async def insert_reminder(self, params: ReminderDraft, ctx: CallContext) -> Reminder:
        """Store a reminder (or return the one already stored under this key)."""

    @operation(idempotent=True)
    @abstractmethod
    async def list_reminders(self, params: ReminderQuery, ctx: CallContext) -> ReminderList:
        """Reminders firing in a range, each with its next occurrence there, soonest first."""

    @operation(idempotent=True)
    @abstractmethod
    async def get_reminder(self, params: ReminderRef, ctx: CallContext) -> Reminder:
        """One reminder by id; `NotFound` if there is none."""

    @operation(idempotent=True)
    @abstractmethod
    async def delete_reminder(self, params: ReminderRef, ctx: CallContext) -> DeletedReminder:
        """Remove a reminder; deleting one already gone is not an error."""
