"""`POST /hooks/{name}`: a signed delivery starts the hook's workflow, once per delivery id."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request, Response, status

from automate.runtime.api.hooks import (
    DELIVERY_HEADERS,
    SIGNATURE_HEADERS,
    delivery_id_problem,
    delivery_run_id,
    signature_valid,
)
from automate.runtime.api.models import UNPROCESSABLE, HookAccepted, RunAccepted
from automate.runtime.api.state import ServerState
from automate.runtime.executor import new_run_id
from automate.runtime.workflows import coerce_inputs, run_workflow

__all__ = ["hooks_router"]

_SIGNED = {
    "description": "the body, signed: `X-Automate-Signature: sha256=HMAC-SHA256(secret, body)` (hex)",
    "content": {"application/json": {"schema": {"type": "object"}}},
}


def hooks_router(state: ServerState) -> APIRouter:
    """The webhook route (authenticated by each hook's signature, not the bearer token)."""
    router = APIRouter()

    @router.post(
        "/hooks/{name}",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=HookAccepted,
        responses={
            200: {"model": HookAccepted, "description": "a repeated delivery: its run, started before"},
            401: {"description": "unsigned or wrongly signed"},
            404: {"description": "no such hook"},
        },
        openapi_extra={"requestBody": _SIGNED},
        summary="A webhook delivery: start the hook's workflow with the body as trigger.data",
    )
    async def deliver(
        name: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")], request: Request, response: Response
    ) -> HookAccepted:
        """Checks the signature, then starts the workflow (or finds the run of a repeated delivery)."""
        hook = state.hooks.get(name)
        if hook is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no webhook {name!r}")
        body = await request.body()
        signature = next((request.headers[h] for h in SIGNATURE_HEADERS if h in request.headers), None)
        if not signature_valid(hook.secret, body, signature):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing or wrong signature")
        delivery = next((request.headers[h] for h in DELIVERY_HEADERS if h in request.headers), None)
        if delivery is not None and (problem := delivery_id_problem(delivery)):
            raise _invalid(("header", "X-Automate-Delivery"), problem)
        data = _json_object(body)
        run_id = delivery_run_id(name, delivery) if delivery is not None else new_run_id()
        workflow = hook.workflow
        earlier = state.runtime.store.get_run(run_id)
        if earlier is not None or state.launcher.pending(run_id):
            response.status_code = status.HTTP_200_OK
            seen = _accepted(run_id) | {"status": earlier.status.value if earlier else "running"}
            return HookAccepted(**seen, workflow=workflow.name, duplicate=True)
        coerce_inputs(workflow, {})  # required inputs cannot come from a hook: say so now
        trigger = {
            "kind": "webhook",
            "time": state.runtime.now().astimezone(UTC).isoformat(),
            "data": data,
            "hook": name,
            "delivery": delivery,
        }
        work = run_workflow(state.runtime, workflow, trigger=trigger, run_id=run_id)
        state.launcher.start(run_id, work, kind="workflow", name=workflow.name)
        return HookAccepted(**_accepted(run_id), workflow=workflow.name)

    return router


def _accepted(run_id: str) -> dict[str, Any]:
    return RunAccepted.of(run_id).model_dump()


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body) if body.strip() else {}
    except (ValueError, UnicodeDecodeError) as exc:
        raise _invalid(("body",), f"the body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise _invalid(("body",), "the body must be a JSON object (it becomes trigger.data)")
    return data


def _invalid(loc: tuple[str, ...], message: str) -> HTTPException:
    detail = [{"loc": list(loc), "msg": message, "type": "value_error"}]
    return HTTPException(UNPROCESSABLE, detail)
