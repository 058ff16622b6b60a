"""automate: a runtime in which agents own integrations.

Embed it from Python::

    import asyncio
    from automate import Runtime

    async def main() -> None:
        async with Runtime.from_config() as rt:
            print((await rt.handle("what's on my calendar tomorrow")).message)

    asyncio.run(main())

The names below load on first use, so ``import automate`` (and the
``automate`` command's start-up) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from automate.agents.base import ActionContext, Agent, action
    from automate.agents.email import EmailAgent
    from automate.agents.email_models import (
        FindContactParams,
        ReadEmailParams,
        SearchEmailParams,
        SendEmailParams,
    )
    from automate.agents.lists import AddItemParams, ListsAgent, RemoveItemParams, ShowListParams
    from automate.agents.reminders import (
        CancelReminderParams,
        ListRemindersParams,
        RemindersAgent,
        SetReminderParams,
    )
    from automate.agents.scheduler import SchedulerAgent
    from automate.agents.scheduler_models import (
        CreateEventParams,
        EventQuery,
        FreeSlotsParams,
        ListEventsParams,
        RescheduleEventParams,
    )
    from automate.integrations.contacts.models import Contact
    from automate.integrations.errors import AutomationError, ConfigError, IntegrationError, InvalidRequest
    from automate.runtime.plan import Clarification, Decline, Plan, Step
    from automate.runtime.result import StepResult, TaskResult, TaskStatus
    from automate.runtime.runtime import Runtime, builtin_agents

__all__ = [
    "ActionContext",
    "AddItemParams",
    "Agent",
    "AutomationError",
    "CancelReminderParams",
    "Clarification",
    "ConfigError",
    "Contact",
    "CreateEventParams",
    "Decline",
    "EmailAgent",
    "EventQuery",
    "FindContactParams",
    "FreeSlotsParams",
    "IntegrationError",
    "InvalidRequest",
    "ListEventsParams",
    "ListRemindersParams",
    "ListsAgent",
    "Plan",
    "ReadEmailParams",
    "RemindersAgent",
    "RemoveItemParams",
    "RescheduleEventParams",
    "Runtime",
    "SchedulerAgent",
    "SearchEmailParams",
    "SendEmailParams",
    "SetReminderParams",
    "ShowListParams",
    "Step",
    "StepResult",
    "TaskResult",
    "TaskStatus",
    "action",
    "builtin_agents",
]

# Where each public name lives; `__getattr__` imports it from there on first use.
_HOMES = {
    name: home
    for home, names in {
        "automate.agents.base": ("ActionContext", "Agent", "action"),
        "automate.agents.email": ("EmailAgent",),
        "automate.agents.email_models": (
            "FindContactParams",
            "ReadEmailParams",
            "SearchEmailParams",
            "SendEmailParams",
        ),
        "automate.agents.lists": ("AddItemParams", "ListsAgent", "RemoveItemParams", "ShowListParams"),
        "automate.agents.reminders": (
            "CancelReminderParams",
            "ListRemindersParams",
            "RemindersAgent",
            "SetReminderParams",
        ),
        "automate.agents.scheduler": ("SchedulerAgent",),
        "automate.agents.scheduler_models": (
            "CreateEventParams",
            "EventQuery",
            "FreeSlotsParams",
            "ListEventsParams",
            "RescheduleEventParams",
        ),
        "automate.integrations.contacts.models": ("Contact",),
        "automate.integrations.errors": (
            "AutomationError",
            "ConfigError",
            "IntegrationError",
            "InvalidRequest",
        ),
        "automate.runtime.plan": ("Clarification", "Decline", "Plan", "Step"),
        "automate.runtime.result": ("StepResult", "TaskResult", "TaskStatus"),
        "automate.runtime.runtime": ("Runtime", "builtin_agents"),
    }.items()
    for name in names
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'automate' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, loaded or not (for completion in a REPL or an editor)."""
    return sorted({*globals(), *__all__})
