"""The run workflow: it only orchestrates, so it replays deterministically.

It asks the `begin_run` (local) activity for the run's steps (their order, needs and
the activity options of each step's service), starts every step whose needs
are met as a `run_step` activity on that service's task queue, and hands the
outcomes to `finish_run`. Everything that touches the world — rendering
params, calling agents, writing the run store — happens in activities.
The module imports only the standard library and `temporalio`, as the
workflow sandbox requires.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, TimeoutError

__all__ = ["RunWorkflow", "step_options"]

_BOOKKEEPING = timedelta(seconds=30)
_OPEN = ("pending", "running")


def step_options(options: dict[str, Any]) -> dict[str, Any]:
    """`begin_run`'s description of a step's limits as `start_activity` keyword arguments."""
    deadline = options.get("schedule_to_close")
    return {
        "task_queue": options["queue"],
        "start_to_close_timeout": timedelta(seconds=options["start_to_close"]),
        "schedule_to_close_timeout": timedelta(seconds=deadline) if deadline else None,
        "heartbeat_timeout": timedelta(seconds=options["heartbeat"]),
        "retry_policy": RetryPolicy(
            initial_interval=timedelta(seconds=options["initial_interval"]),
            backoff_coefficient=options["backoff_coefficient"],
            maximum_interval=timedelta(seconds=options["maximum_interval"]),
            maximum_attempts=options["maximum_attempts"],
        ),
    }


@workflow.defn(name="AutomateRun")
class RunWorkflow:
    """One task or workflow run: steps as activities, in the order their `needs` allow."""

    @workflow.run
    async def run(self, run: dict[str, Any]) -> dict[str, Any]:
        """Run every step that may run; return the finished run record as JSON."""
        # Bookkeeping runs as local activities: in this worker, without a trip through a queue.
        plan = await workflow.execute_local_activity("begin_run", run, start_to_close_timeout=_BOOKKEEPING)
        steps: list[dict[str, Any]] = plan["steps"]
        outcomes: dict[str, dict[str, Any]] = {s["id"]: dict(plan["done"].get(s["id"], {})) for s in steps}
        for step in steps:
            outcomes[step["id"]].setdefault("status", "pending")
        scope = {sid: o for sid, o in outcomes.items() if o["status"] == "done"}
        halted = False
        running: dict[asyncio.Task[Any], str] = {}
        while True:
            for step in [] if halted else self._ready(steps, outcomes, running.values()):
                outcomes[step["id"]]["status"] = "running"
                handle = workflow.start_activity(
                    "run_step",
                    {"run": run, "step_id": step["id"], "scope": scope},
                    **step_options(step["options"]),
                )
                running[handle] = step["id"]
            if not running:
                break
            done, _ = await workflow.wait(list(running), return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                step_id = running.pop(task)
                step = next(s for s in steps if s["id"] == step_id)
                outcome = self._outcome(task)
                outcomes[step["id"]] = outcome
                if outcome["status"] == "done":
                    scope[step["id"]] = outcome
                elif self._stops(step, outcome):
                    halted = True
        result: dict[str, Any] = await workflow.execute_local_activity(
            "finish_run", {"run": run, "outcomes": outcomes}, start_to_close_timeout=_BOOKKEEPING
        )
        return result

    @staticmethod
    def _ready(
        steps: list[dict[str, Any]], outcomes: dict[str, dict[str, Any]], busy: Any
    ) -> list[dict[str, Any]]:
        taken = set(busy)
        ready = []
        for step in steps:
            outcome = outcomes[step["id"]]
            if outcome["status"] not in _OPEN or step["id"] in taken:
                continue
            needs = [outcomes[n]["status"] for n in step["needs"]]
            if all(s == "done" for s in needs):
                ready.append(step)
            elif any(s not in _OPEN and s != "done" for s in needs):
                outcome.update(status="skipped", message="not run")
        return ready

    @staticmethod
    def _stops(step: dict[str, Any], outcome: dict[str, Any]) -> bool:
        if outcome["status"] == "needs_clarification":
            return True
        return bool(outcome["status"] == "failed" and step["on_failure"] != "continue")

    @staticmethod
    def _outcome(task: asyncio.Task[Any]) -> dict[str, Any]:
        """A finished step activity as an outcome; one that failed for good is a failed step."""
        try:
            result: dict[str, Any] = task.result()
        except ActivityError as exc:
            cause = exc.cause
            if isinstance(cause, ApplicationError) and cause.details:
                failed: dict[str, Any] = cause.details[0]
                return failed
            if isinstance(cause, TimeoutError):
                text = f"timed out ({cause.type.name.lower() if cause.type else 'timeout'})"
            else:
                text = str(cause.message if cause is not None and hasattr(cause, "message") else exc)
            return {"status": "failed", "error": text, "message": text, "lost": True}
        return result
