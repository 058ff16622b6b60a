"""What every route of one server shares: the runtime, its workflows, hooks and live feeds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from automate.runtime.api.feed import RunFeed
from automate.runtime.api.hooks import Hook
from automate.runtime.api.launcher import Launcher

if TYPE_CHECKING:
    from automate.runtime.runtime import Runtime
    from automate.runtime.schedule import Scheduler
    from automate.runtime.workflows import Catalog

__all__ = ["ServerState"]


@dataclass
class ServerState:
    """One server's runtime, workflow catalog, webhooks, scheduler and run tracking."""

    runtime: Runtime
    catalog: Catalog
    hooks: dict[str, Hook]
    launcher: Launcher
    feed: RunFeed
    scheduler: Scheduler | None = None
