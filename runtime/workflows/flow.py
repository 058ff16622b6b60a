"""Turning a checked workflow and its inputs into a flow the executor runs durably.

The run's starting scope — inputs, trigger, the time, the user — is stored
with the run, so a resumed run sees exactly what the first attempt saw
(``{time.today}`` stays the day the run began).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import AwareDatetime, TypeAdapter, ValidationError

from automate.integrations.errors import InvalidRequest
from automate.runtime.executor import Flow
from automate.runtime.store.models import RunRecord
from automate.runtime.workflows.loader import Workflow, from_data
from automate.runtime.workflows.model import InputSpec
from automate.runtime.workflows.targets import targets_for

if TYPE_CHECKING:
    from automate.runtime.runtime import Runtime

__all__ = ["build_flow", "coerce_inputs", "flow_from_spec", "run_workflow", "time_scope"]

_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "string": TypeAdapter(str),
    "integer": TypeAdapter(int),
    "number": TypeAdapter(float),
    "boolean": TypeAdapter(bool),
    "datetime": TypeAdapter(AwareDatetime),
    "date": TypeAdapter(date),
    "list": TypeAdapter(list[str]),
}


def time_scope(now: datetime) -> dict[str, str]:
    """``{time.*}``: now, today, and the bounds of today, tomorrow and the coming week."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    tz = now.tzinfo

    def midnight(days: int) -> str:
        moved = (day + timedelta(days=days)).replace(tzinfo=None)
        return moved.replace(tzinfo=tz).isoformat()  # wall-clock midnight, right across DST

    return {
        "now": now.isoformat(),
        "today": day.date().isoformat(),
        "day_start": day.isoformat(),
        "day_end": midnight(1),
        "tomorrow_start": midnight(1),
        "tomorrow_end": midnight(2),
        "week_end": midnight(7),
    }


def coerce_inputs(workflow: Workflow, given: Mapping[str, Any]) -> dict[str, Any]:
    """The run's inputs: given values converted to their declared types, defaults filled in."""
    declared = workflow.spec.inputs
    unknown = sorted(set(given) - set(declared))
    if unknown:
        names = ", ".join(declared) or "none"
        raise InvalidRequest(f"{workflow.name}: unknown input(s) {', '.join(unknown)} (declared: {names})")
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        if name in given:
            values[name] = _coerce(workflow.name, name, spec, given[name])
        elif spec.default is not None:
            values[name] = _coerce(workflow.name, name, spec, spec.default)
        elif spec.is_required:
            raise InvalidRequest(f"{workflow.name}: input {name!r} is required ({spec.type})")
        else:
            values[name] = None
    return values


def _coerce(workflow: str, name: str, spec: InputSpec, value: Any) -> Any:
    if spec.type == "list" and isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if spec.type == "email":
        text = str(value).strip()
        if "@" not in text or any(c in text for c in "\r\n <>,"):
            raise InvalidRequest(f"{workflow}: input {name!r} is not an email address: {text!r}")
        return text
    try:
        parsed = _ADAPTERS[spec.type].validate_python(value, strict=False)
    except ValidationError as exc:
        problem = exc.errors(include_url=False, include_input=False)[0]["msg"]
        raise InvalidRequest(f"{workflow}: input {name!r} ({spec.type}): {problem}") from None
    return _ADAPTERS[spec.type].dump_python(parsed, mode="json")


def build_flow(
    workflow: Workflow,
    *,
    inputs: Mapping[str, Any],
    now: datetime,
    user: Mapping[str, Any],
    trigger: Mapping[str, Any] | None = None,
) -> Flow:
    """A flow for one run of `workflow` with already-coerced `inputs`."""
    scope = {
        "inputs": dict(inputs),
        "trigger": dict(trigger or {"kind": "manual", "time": now.isoformat(), "data": {}}),
        "time": time_scope(now),
        "user": dict(user),
    }
    spec = {"workflow": workflow.data, "file": workflow.file, "scope": scope}
    return Flow(
        kind="workflow",
        name=workflow.name,
        steps=workflow.steps,
        spec=spec,
        scope=scope,
        now=now,
    )


def flow_from_spec(spec: Mapping[str, Any], runtime: Runtime) -> Flow:
    """Rebuild a stored workflow run's flow (re-checked against today's agents)."""
    targets = targets_for(runtime.config, [type(agent) for agent in runtime.agents.values()])
    workflow = from_data(spec["workflow"], file=spec["file"], targets=targets)
    scope = spec["scope"]
    now = datetime.fromisoformat(scope["time"]["now"])
    return Flow(
        kind="workflow",
        name=workflow.name,
        steps=workflow.steps,
        spec=dict(spec),
        scope=scope,
        now=now,
    )


async def run_workflow(
    runtime: Runtime,
    workflow: Workflow,
    inputs: Mapping[str, Any] | None = None,
    *,
    trigger: Mapping[str, Any] | None = None,
    run_id: str | None = None,
    now: datetime | None = None,
) -> RunRecord:
    """Run `workflow` on `runtime` as one durable run (resuming `run_id` if it exists)."""
    if run_id is not None:
        existing = runtime.store.get_run(run_id)
        if existing is not None:
            return await runtime.executor.run(runtime.flow_of(existing), run_id=run_id)
    moment = now or runtime.now()
    user = runtime.config.settings.user
    flow = build_flow(
        workflow,
        inputs=coerce_inputs(workflow, inputs or {}),
        now=moment,
        user={"name": user.name, "email": user.email},
        trigger=trigger,
    )
    return await runtime.executor.run(flow, run_id=run_id)
