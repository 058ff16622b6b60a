"""The Temporal executor: a run is submitted as a workflow and awaited; workers carry it out.

It keeps the local executor's interface (`await executor.run(flow, run_id=...)`
returns the finished `RunRecord`), so the runtime, the API and the scheduler
use it unchanged. The workflow id is the run id, so submitting the same run
again attaches to it instead of running it twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from automate.integrations.config import ExecutorSettings
from automate.runtime.executor import Caller, Executor, Flow, new_run_id
from automate.runtime.store.base import RunStore
from automate.runtime.store.models import EventType, RunEvent, RunRecord
from automate.runtime.temporal.client import WORKFLOW_NAME, connect, runs_queue
from automate.runtime.temporal.records import record_from_json

if TYPE_CHECKING:
    from temporalio.client import Client

__all__ = ["TemporalExecutor"]


class TemporalExecutor(Executor):
    """Runs flows as Temporal workflows; the finished run is mirrored into the local run store."""

    def __init__(self, store: RunStore, caller: Caller, settings: ExecutorSettings) -> None:
        super().__init__(store, caller)
        self.settings = settings
        self._client: Client | None = None

    async def client(self) -> Client:
        """The connection to Temporal, opened on first use."""
        if self._client is None:
            self._client = await connect(self.settings)
        return self._client

    async def run(self, flow: Flow, *, run_id: str | None = None) -> RunRecord:
        """Submit `flow` as workflow `run_id` (attaching to it if it already runs) and await its end."""
        from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

        run_id = run_id or new_run_id()
        known = self.store.get_run(run_id)
        if known is not None and known.status.finished:
            return known
        run: dict[str, Any] = {"run_id": run_id, "kind": flow.kind, "name": flow.name, "spec": flow.spec}
        client = await self.client()
        result: dict[str, Any] = await client.execute_workflow(
            WORKFLOW_NAME,
            run,
            id=run_id,
            task_queue=runs_queue(self.settings),
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            result_type=dict,
        )
        record = record_from_json(result)
        self._mirror(record)
        return self.store.get_run(run_id) or record

    def _mirror(self, record: RunRecord) -> None:
        """Keep a copy in this store when the workers write to another (another machine)."""
        if self.store.get_run(record.run_id) is not None:
            return
        kind = EventType.RUN_FAILED if record.status.value == "failed" else EventType.RUN_COMPLETED
        events = [
            RunEvent(
                record.run_id,
                EventType.RUN_STARTED,
                record.created_at,
                data={"kind": record.kind, "name": record.name, "executor": "temporal"},
            ),
            RunEvent(
                record.run_id,
                kind,
                record.finished_at or record.updated_at,
                data={"status": record.status.value},
            ),
        ]
        self.store.create_run(record, events)
