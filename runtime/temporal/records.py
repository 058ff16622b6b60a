"""Run records as plain JSON, the form they travel in between workflow, activities and callers."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from automate.runtime.store.models import RunRecord, RunStatus, StepRecord, StepStatus

__all__ = ["record_from_json", "record_to_json"]


def record_to_json(record: RunRecord) -> dict[str, Any]:
    """A run with its steps as a JSON-ready mapping."""
    data = asdict(record)
    data["status"] = record.status.value
    data["steps"] = [{**asdict(step), "status": step.status.value} for step in record.steps]
    return data


def record_from_json(data: dict[str, Any]) -> RunRecord:
    """The run `record_to_json` described."""
    fields = dict(data)
    steps = [StepRecord(**{**step, "status": StepStatus(step["status"])}) for step in fields.pop("steps")]
    return RunRecord(**{**fields, "status": RunStatus(fields["status"]), "steps": steps})
