"""A service's server-requested pause, shared by every worker through Temporal itself.

A worker's rate limiter only paces its own process. When a service answers
"retry after N seconds", the worker that heard it starts (or extends) one
small `AutomatePause` workflow per service, ``PREFIX-pause-SERVICE``, that
runs until the pause ends and keeps the end time in its memo. Before a step
calls its service, every worker reads that memo (one describe call): while
the pause lasts the step fails at once with `RateLimited`, and Temporal retries
it after the time left (``next_retry_delay``), so no worker reaches the
service early. Temporal is the one store all workers already share, on any
number of hosts. The module imports only the standard library and
`temporalio`, as the workflow sandbox requires.
"""

from __future__ import annotations

import contextlib
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from temporalio import workflow

if TYPE_CHECKING:
    from temporalio.client import Client

__all__ = ["PAUSE_WORKFLOW", "PauseWorkflow", "pause_id", "pause_service", "paused_for"]

PAUSE_WORKFLOW = "AutomatePause"


def pause_id(prefix: str, service: str) -> str:
    """The workflow id of `service`'s pause (one per service and installation)."""
    return f"{prefix}-pause-{service}"


@workflow.defn(name=PAUSE_WORKFLOW)
class PauseWorkflow:
    """Runs until the latest end asked for (epoch seconds); its memo ``until`` says when."""

    def __init__(self) -> None:
        self._until = 0.0
        self._extended = False

    @workflow.run
    async def run(self, until: float) -> None:
        """Wait out the pause, however often it is extended meanwhile."""
        self.extend(until)
        while (left := self._until - workflow.now().timestamp()) > 0:
            self._extended = False
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self._extended, timeout=timedelta(seconds=left))

    @workflow.signal
    def extend(self, until: float) -> None:
        """Push the end later (never earlier)."""
        if until > self._until:
            self._until, self._extended = until, True
            workflow.upsert_memo({"until": until})


async def pause_service(client: Client, prefix: str, queue: str, service: str, seconds: float) -> None:
    """Pause `service` for every worker for `seconds` from now (extending a pause already on)."""
    until = time.time() + seconds
    await client.start_workflow(
        PAUSE_WORKFLOW,
        until,
        id=pause_id(prefix, service),
        task_queue=queue,
        memo={"until": until},
        start_signal="extend",
        start_signal_args=[until],
    )


async def paused_for(client: Client, prefix: str, service: str) -> float | None:
    """Seconds left of `service`'s pause, or `None` when it is not paused."""
    from temporalio.client import WorkflowExecutionStatus
    from temporalio.service import RPCError, RPCStatusCode

    try:
        described = await client.get_workflow_handle(pause_id(prefix, service)).describe()
    except RPCError as exc:
        if exc.status is RPCStatusCode.NOT_FOUND:
            return None
        raise
    if described.status is not WorkflowExecutionStatus.RUNNING:
        return None
    until = await described.memo_value("until", default=0.0, type_hint=float)
    left = until - time.time()
    return left if left > 0 else None
