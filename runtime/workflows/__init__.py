"""Workflow files: named steps over agents and services, checked when they load.

workflow = load_workflow(Path("standup.yaml"), targets_for(config))
record = await run_workflow(runtime, workflow, {"attendee": "ana@example.com"})
"""

from __future__ import annotations

from automate.runtime.workflows.catalog import Catalog, workflow_dirs
from automate.runtime.workflows.flow import build_flow, coerce_inputs, flow_from_spec, run_workflow
from automate.runtime.workflows.loader import Workflow, WorkflowError, load_workflow, parse_workflow
from automate.runtime.workflows.targets import Target, Targets, targets_for

__all__ = [
    "Catalog",
    "Target",
    "Targets",
    "Workflow",
    "WorkflowError",
    "build_flow",
    "coerce_inputs",
    "flow_from_spec",
    "load_workflow",
    "parse_workflow",
    "run_workflow",
    "targets_for",
    "workflow_dirs",
]
