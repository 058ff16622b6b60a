"""The /api routes: tasks, workflows, runs (with their live event stream) and agents."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Path, Query, Response, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from automate.integrations.errors import InvalidRequest
from automate.integrations.redaction import redact
from automate.runtime.api.models import (
    UNPROCESSABLE,
    AgentsView,
    RunAccepted,
    RunPage,
    RunView,
    TaskRequest,
    WorkflowInfo,
    WorkflowList,
    WorkflowRunRequest,
    run_view,
)
from automate.runtime.api.state import ServerState
from automate.runtime.executor import new_run_id
from automate.runtime.followup import answer
from automate.runtime.plan import Plan, Routing
from automate.runtime.result import TaskResult, TaskStatus
from automate.runtime.store.models import RunStatus
from automate.runtime.workflows import coerce_inputs, run_workflow

__all__ = ["RUN_ID", "api_router"]

RUN_ID = r"^[0-9a-f]{8,64}$"
Route = Callable[..., Any]
MAX_OFFSET = 10_000
RunId = Annotated[str, Path(pattern=RUN_ID, description="a run id (hex)")]
_SSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "the run's events as they happen"}
}


def api_router(state: ServerState) -> APIRouter:
    """The routes under /api (the caller adds the bearer-token dependency)."""
    router = APIRouter()
    runtime = state.runtime

    @_starts(
        router, "/tasks", TaskResult, "planned, declined, a question, or waited for", "Plan or run a request"
    )
    async def submit_task(body: TaskRequest, response: Response) -> RunAccepted | TaskResult:
        """Starts the run and answers 202 with where to watch it; 200 with the result for a dry run,
        a question, a decline, or `wait`."""
        routing = _understood(body)
        preview = await runtime.execute(routing, dry_run=True)
        if body.dry_run or preview.status is not TaskStatus.PLANNED:
            response.status_code = status.HTTP_200_OK
            return preview
        run_id = new_run_id()
        task = state.launcher.start(
            run_id, runtime.execute(routing, run_id=run_id), kind="task", name=routing.text
        )
        answer: RunAccepted | TaskResult = await _answer(run_id, task, body.wait, response)
        return answer

    def _understood(body: TaskRequest) -> Routing:
        """The request, or (when it answers a question) the answer merged into the request asked."""
        if body.answering is None:
            return runtime.plan(body.text)
        if body.answering.status is not TaskStatus.NEEDS_CLARIFICATION:
            raise _unanswerable("it is not a question")
        try:
            return answer(body.answering, body.text, runtime.router, runtime.route_context())
        except (ValueError, TypeError, KeyError, IndexError) as exc:  # a question this API never gave
            raise _unanswerable(f"{type(exc).__name__}: {exc}") from None

    @router.get(
        "/runs/{run_id}/result",
        response_model=TaskResult,
        responses={404: {"description": "no such task run, or it has not ended"}},
        summary="What a task run came to",
    )
    async def run_result(run_id: RunId) -> TaskResult:
        """The ended task run's result, as `wait` gives it: answer its question with `answering`."""
        record = runtime.store.get_run(run_id)
        if record is None or record.kind != "task" or record.status is RunStatus.RUNNING:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no ended task run {run_id!r}")
        return runtime.task_result(Plan.model_validate(record.spec["plan"]), record)

    @router.get("/workflows", response_model=WorkflowList, summary="The workflows that can be started")
    async def list_workflows() -> WorkflowList:
        """Every loaded workflow with its inputs, and the files that failed to load."""
        infos = [
            WorkflowInfo(
                name=w.name,
                description=w.spec.description,
                inputs={k: v.model_dump(mode="json") for k, v in w.spec.inputs.items()},
                trigger=w.spec.trigger.kind,
                steps=[s.id for s in w.steps],
            )
            for w in sorted(state.catalog.workflows.values(), key=lambda w: w.name)
        ]
        return WorkflowList(workflows=infos, errors=[str(e) for e in state.catalog.errors])

    @_starts(router, "/workflows/{name}/runs", RunView, "the ended run (with `wait`)", "Start a workflow")
    async def start_workflow(
        name: Annotated[str, Path(max_length=64)], body: WorkflowRunRequest, response: Response
    ) -> RunAccepted | RunView:
        """Starts a run of workflow `name` with `inputs` (checked against their declared types)."""
        workflow = state.catalog.workflows.get(name)
        if workflow is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no workflow {name!r}")
        try:  # a bad input is a 422 now, not a failed run later
            coerce_inputs(workflow, body.inputs)
        except InvalidRequest as exc:
            detail = [{"loc": ["body", "inputs"], "msg": str(exc), "type": "invalid_input"}]
            raise HTTPException(UNPROCESSABLE, detail) from None
        run_id = new_run_id()
        work = run_workflow(runtime, workflow, body.inputs, run_id=run_id)
        task = state.launcher.start(run_id, work, kind="workflow", name=workflow.name)
        answer = await _answer(run_id, task, body.wait, response)
        return answer if isinstance(answer, RunAccepted) else run_view(answer, detail=True)

    @router.get("/runs", response_model=RunPage, summary="Runs, newest first")
    async def list_runs(
        status_: Annotated[RunStatus | None, Query(alias="status")] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> RunPage:
        """A page of runs (optionally of one status); `next_offset` asks for the next page."""
        found = runtime.store.list_runs(offset + limit + 1, status=status_)
        page = found[offset : offset + limit]
        more = len(found) > offset + limit and offset + limit <= MAX_OFFSET
        return RunPage(runs=[run_view(r) for r in page], next_offset=offset + limit if more else None)

    @router.get(
        "/runs/{run_id}",
        response_model=RunView,
        responses={404: {"description": "no such run"}},
        summary="One run and its steps",
    )
    async def get_run(run_id: RunId) -> RunView:
        """The run with every step (a run just started may have no steps stored yet)."""
        record = runtime.store.get_run(run_id)
        if record is not None:
            return run_view(record, detail=True)
        launched = state.launcher.launched(run_id)
        if launched is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no run {run_id!r}")
        return _placeholder(run_id, launched.kind, launched.name, launched.at)

    @router.get(
        "/runs/{run_id}/events",
        response_class=StreamingResponse,
        responses={**_SSE, 404: {"description": "no such run"}},
        summary="The run's events, live (Server-Sent Events)",
    )
    async def run_events(
        run_id: RunId,
        last_event_id: Annotated[int | None, Header(alias="Last-Event-ID", ge=0)] = None,
        after: Annotated[int, Query(ge=0, description="send events after this sequence number")] = 0,
    ) -> StreamingResponse:
        """Every event of the run after `Last-Event-ID` (or `after`), then new ones until the run ends."""
        if runtime.store.get_run(run_id) is None and not state.launcher.pending(run_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no run {run_id!r}")
        start = last_event_id if last_event_id is not None else after
        return StreamingResponse(
            state.feed.stream(run_id, start),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    @router.get("/agents", response_model=AgentsView, summary="Agents, their actions and JSON schemas")
    async def agents() -> AgentsView:
        """Every available agent with its actions' params and output schemas."""
        return AgentsView(agents=runtime.describe(), unavailable=dict(runtime.unavailable))

    return router


def _starts(
    router: APIRouter, path: str, waited: type[BaseModel], description: str, summary: str
) -> Callable[[Route], Route]:
    """The decorator of a route that starts a run: 202 with its links, or 200 with `waited`."""
    return router.post(
        path,
        status_code=status.HTTP_202_ACCEPTED,
        response_model=RunAccepted | waited,
        responses={
            200: {"model": waited, "description": description},
            413: {"description": "the body is larger than `server.max_body_bytes`"},
        },
        summary=summary,
    )


async def _answer(run_id: str, task: asyncio.Task[Any], wait: bool, response: Response) -> Any:
    """Where to follow the run just started, or (with `wait`) what it came to."""
    if not wait:
        return RunAccepted.of(run_id)
    response.status_code = status.HTTP_200_OK
    return await asyncio.shield(task)  # a client that hangs up does not cancel the run


def _unanswerable(why: str) -> HTTPException:
    detail = [{"loc": ["body", "answering"], "msg": f"cannot answer it: {why}", "type": "value_error"}]
    return HTTPException(UNPROCESSABLE, detail)


def _placeholder(run_id: str, kind: str, name: str, at: float) -> RunView:
    moment = datetime.fromtimestamp(at, UTC)
    return RunView(
        run_id=run_id,
        kind=kind,
        name=redact(name),
        status=RunStatus.RUNNING.value,
        created_at=moment,
        updated_at=moment,
        finished_at=None,
        duration_ms=None,
        error=None,
        steps=[],
    )
