"""The one table from an understood intent to its agent action and its SLURP label."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["INTENTS", "NONE", "IntentSpec", "spec_for_action"]

NONE = "none"


@dataclass(frozen=True, slots=True)
class IntentSpec:
    """What an intent does (agent and action) and how SLURP labels it."""

    name: str
    agent: str
    action: str
    label: str

    @property
    def changes(self) -> bool:
        """Whether the action changes something (books, sends, adds, removes) or only looks."""
        return not self.action.startswith(_LOOKING)


_LOOKING = ("list_", "search_", "read_", "find_", "show_")


def _table(*rows: tuple[str, str, str, str]) -> dict[str, IntentSpec]:
    return {name: IntentSpec(name, agent, action, label) for name, agent, action, label in rows}


# Reminders said as "remind me ..." are calendar entries in SLURP's eyes and alarms are
# alarms: the label follows the words, the action follows what the person wants done.
INTENTS: dict[str, IntentSpec] = _table(
    ("event_create", "scheduler", "create_event", "calendar_set"),
    ("event_list", "scheduler", "list_events", "calendar_query"),
    ("event_cancel", "scheduler", "cancel_event", "calendar_remove"),
    ("event_move", "scheduler", "reschedule_event", "calendar_set"),
    ("free_slots", "scheduler", "find_free_slots", "calendar_query"),
    ("reminder_create", "reminders", "set_reminder", "calendar_set"),
    ("reminder_list", "reminders", "list_reminders", "calendar_query"),
    ("reminder_cancel", "reminders", "cancel_reminder", "calendar_remove"),
    ("alarm_create", "reminders", "set_reminder", "alarm_set"),
    ("alarm_list", "reminders", "list_reminders", "alarm_query"),
    ("alarm_cancel", "reminders", "cancel_reminder", "alarm_remove"),
    ("email_send", "email", "send_email", "email_sendemail"),
    ("email_search", "email", "search_email", "email_query"),
    ("email_read", "email", "read_email", "email_query"),
    ("contact_find", "email", "find_contact", "email_querycontact"),
    ("contact_add", "email", "add_contact", "email_addcontact"),
    ("list_add", "lists", "add_item", "lists_createoradd"),
    ("list_show", "lists", "show_list", "lists_query"),
    ("list_remove", "lists", "remove_item", "lists_remove"),
)


def spec_for_action(agent: str, action: str) -> IntentSpec | None:
    """The first intent that runs `agent.action` (for routers that pick actions directly)."""
    for spec in INTENTS.values():
        if spec.agent == agent and spec.action == action:
            return spec
    return None
