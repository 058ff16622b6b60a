"""Reminders: one-off and recurring, and the adapters that keep them."""

from automate.integrations.reminders.base import RemindersAdapter
from automate.integrations.reminders.models import (
    DeletedReminder,
    Reminder,
    ReminderDraft,
    ReminderList,
    ReminderQuery,
    ReminderRef,
)

__all__ = [
    "DeletedReminder",
    "Reminder",
    "ReminderDraft",
    "ReminderList",
    "ReminderQuery",
    "ReminderRef",
    "RemindersAdapter",
]
