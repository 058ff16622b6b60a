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
    from automate.agents.lists import ListsAgent
    from automate.agents.reminders import RemindersAgent
    from automate.agents.scheduler import SchedulerAgent
    from automate.runtime.plan import Clarification, Decline, Plan, Step
    from automate.runtime.result import StepResult, TaskResult, TaskStatus
    from automate.runtime.runtime import Runtime

__all__ = [
    "ActionContext",
    "Agent",
    "Clarification",
    "Decline",
    "EmailAgent",
    "ListsAgent",
    "Plan",
    "RemindersAgent",
    "Runtime",
    "SchedulerAgent",
    "Step",
    "StepResult",
    "TaskResult",
    "TaskStatus",
    "action",
]

_HOMES = {
    "ActionContext": "automate.agents.base",
    "Agent": "automate.agents.base",
    "action": "automate.agents.base",
    "EmailAgent": "automate.agents.email",
    "ListsAgent": "automate.agents.lists",
    "RemindersAgent": "automate.agents.reminders",
    "SchedulerAgent": "automate.agents.scheduler",
    "Clarification": "automate.runtime.plan",
    "Decline": "automate.runtime.plan",
    "Plan": "automate.runtime.plan",
    "Step": "automate.runtime.plan",
    "StepResult": "automate.runtime.result",
    "TaskResult": "automate.runtime.result",
    "TaskStatus": "automate.runtime.result",
    "Runtime": "automate.runtime.runtime",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'automate' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
