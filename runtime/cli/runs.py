"""The run and workflow commands of `automate`: history, show, resume, run, workflows, scheduler.

Each function takes the parsed arguments and returns the exit status; the
command line imports this module only when one of these commands is given.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automate.runtime.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_QUESTION,
    EXIT_USAGE,
    print_json,
    runtime_for,
)

if TYPE_CHECKING:
    from automate.runtime.runtime import Runtime
    from automate.runtime.store.models import RunEvent, RunRecord
    from automate.runtime.workflows import Catalog

__all__ = [
    "cmd_history",
    "cmd_resume",
    "cmd_run",
    "cmd_scheduler",
    "cmd_show",
    "cmd_workflows",
    "parse_inputs",
]

_EXIT = {"done": EXIT_OK, "failed": EXIT_FAILED, "needs_clarification": EXIT_QUESTION, "running": EXIT_FAILED}
_MARK = {
    "done": "ok",
    "failed": "FAIL",
    "needs_clarification": "ASK",
    "skipped": "skip",
    "running": "...",
    "pending": "-",
}


def _catalog(runtime: Runtime, config_dir: Path | None) -> Catalog:
    from automate.runtime.workflows import Catalog, targets_for, workflow_dirs

    agents = [type(agent) for agent in runtime.agents.values()]
    return Catalog.scan(workflow_dirs(config_dir), targets_for(runtime.config, agents))


def _when(stamp: float | None, runtime: Runtime) -> str:
    if stamp is None:
        return "-"
    return (
        datetime.fromtimestamp(stamp, UTC)
        .astimezone(runtime.config.settings.tzinfo)
        .strftime("%Y-%m-%d %H:%M")
    )


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s"


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_history(args: argparse.Namespace) -> int:
    """`automate history`: the latest runs as a table (or JSON)."""
    from automate.runtime.store.models import RunStatus

    runtime = runtime_for(args)
    status = RunStatus(args.status) if args.status else None
    runs = runtime.store.list_runs(args.limit, status=status)
    if args.json:
        print_json([_run_json(r) for r in runs])
        return EXIT_OK
    if not runs:
        print(f"No runs with status {status.value}." if status else "No runs yet.")
        return EXIT_OK
    print(f"{'when':<16}  {'run':<8}  {'task':<40}  {'agent/action':<28}  {'status':<19}  duration")
    for run in runs:
        what = run.steps[0].target if len(run.steps) == 1 else f"{len(run.steps)} steps"
        label = _redacted(run.name if run.kind == "task" else f"[workflow] {run.name}")
        print(
            f"{_when(run.created_at, runtime):<16}  {_short_id(run.run_id):<8}  {_short(label, 40):<40}  "
            f"{_short(what, 28):<28}  {run.status.value:<19}  {_seconds(run.duration)}"
        )
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    """`automate show RUN_ID`: every step and event of one run (a unique start or end of the id will do)."""
    runtime = runtime_for(args)
    record = _find_run(runtime, args.run_id)
    if record is None:
        print(f"automate: no run {args.run_id!r}", file=sys.stderr)
        return EXIT_FAILED
    events = runtime.store.events(record.run_id, limit=10_000)
    if args.json:
        print_json({**_run_json(record), "events": [_event_json(e) for e in events]})
        return EXIT_OK
    print(f"run {record.run_id}  {record.kind} {_redacted(record.name)!r}  {record.status.value}")
    print(f"  started {_when(record.created_at, runtime)}  duration {_seconds(record.duration)}")
    if record.error:
        print(f"  error: {_redacted(record.error)}")
    print("steps:")
    for step in record.steps:
        print(
            f"  {_MARK.get(step.status.value, '?'):<4} {step.step_id:<14} {step.target:<28} "
            f"attempts={step.attempts} {_seconds(step.duration)}"
        )
        if step.idempotency_key:
            print(f"       key     {step.idempotency_key}")
        if step.params:
            print(f"       params  {_short(json.dumps(_redacted(step.params), ensure_ascii=False), 200)}")
        if step.message:
            print(f"       said    {_short(_redacted(step.message), 200)}")
        if step.error and step.error != step.message:
            print(f"       error   {_redacted(step.error)}")
    print("events:")
    for event in events:
        detail = json.dumps(_redacted(event.data), ensure_ascii=False) if event.data else ""
        print(
            f"  {event.seq:>6} {_when(event.at, runtime)} {event.type.value:<15} {event.step_id or '':<14} "
            f"{_short(detail, 120)}"
        )
    return EXIT_OK


def cmd_resume(args: argparse.Namespace) -> int:
    """`automate resume [RUN_ID]`: carry on one unfinished run, or all of them."""
    from automate.integrations.errors import AutomationError

    runtime = runtime_for(args)

    async def go() -> int:
        async with runtime:
            if args.run_id:
                record = _find_run(runtime, args.run_id)
                if record is None:
                    print(f"automate: no run {args.run_id!r}", file=sys.stderr)
                    return EXIT_FAILED
                ids = [record.run_id]
            else:
                ids = runtime.store.unfinished()
            if not ids:
                print("Nothing to resume.")
            worst = EXIT_OK
            for run_id in ids:
                try:
                    with _progress(runtime, args.json):
                        record = await runtime.resume(run_id)
                except AutomationError as exc:
                    print(f"{_short_id(run_id)}  not resumed: {exc}", file=sys.stderr)
                    worst = EXIT_FAILED
                    continue
                print(f"{_short_id(record.run_id)}  {record.name}: {record.status.value}")
                worst = max(worst, _EXIT[record.status.value])
            return worst

    return asyncio.run(go())


def parse_inputs(pairs: list[str]) -> dict[str, str]:
    """`--input key=value` pairs as a dict; `ValueError` naming a pair without '='."""
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--input {pair!r}: expected key=value")
        found[key.strip()] = value
    return found


def cmd_run(args: argparse.Namespace) -> int:
    """`automate run FILE|NAME --input k=v`: run a workflow with live step-by-step progress."""
    from automate.runtime.schedule import chained
    from automate.runtime.workflows import run_workflow, targets_for

    try:
        inputs = parse_inputs(args.input or [])
    except ValueError as exc:
        print(f"automate: {exc}", file=sys.stderr)
        return EXIT_USAGE
    runtime = runtime_for(args)

    async def go() -> RunRecord:
        async with runtime:
            catalog = _catalog(runtime, args.config)
            agents = [type(agent) for agent in runtime.agents.values()]
            workflow = catalog.find(args.workflow, targets_for(runtime.config, agents))
            with _progress(runtime, args.json):
                record = await run_workflow(runtime, workflow, inputs, run_id=args.run_id)
                for follower, run_id, trigger in chained(catalog.workflows, record):
                    await run_workflow(runtime, follower, trigger=trigger, run_id=run_id)
            return record

    record = asyncio.run(go())
    if args.json:
        print_json(_run_json(record))
    else:
        print(f"run {record.run_id}: {record.status.value}" + (f" — {record.error}" if record.error else ""))
    return _EXIT[record.status.value]


def cmd_workflows(args: argparse.Namespace) -> int:
    """`automate workflows [next NAME]`: list and check every workflow, or preview a schedule."""
    runtime = runtime_for(args)
    catalog = _catalog(runtime, args.config)
    if args.subcommand == "next":
        return _next(catalog, args.name, args.count, args.json, runtime.now())
    if args.json:
        print_json(
            {
                "workflows": [
                    {
                        "name": w.name,
                        "file": w.file,
                        "trigger": w.spec.trigger.model_dump(),
                        "steps": [s.id for s in w.steps],
                    }
                    for w in catalog.workflows.values()
                ],
                "errors": [str(e) for e in catalog.errors],
            }
        )
    else:
        for workflow in sorted(catalog.workflows.values(), key=lambda w: w.name):
            trigger = workflow.spec.trigger
            when = {
                "cron": f"cron '{trigger.cron}' {trigger.timezone}",
                "event": f"after {trigger.event.workflow if trigger.event else '?'}",
            }.get(trigger.kind, trigger.kind)
            print(f"ok    {workflow.name:<20} {len(workflow.steps)} step(s)  {when:<36} {workflow.file}")
        for error in catalog.errors:
            print(f"FAIL  {error}")
        if not catalog.workflows and not catalog.errors:
            print("No workflows found.")
    return EXIT_USAGE if catalog.errors else EXIT_OK


def _next(catalog: Catalog, name: str, count: int, as_json: bool, now: datetime) -> int:
    import itertools

    from automate.runtime.schedule import fire_times, zone

    workflow = catalog.workflows.get(name)
    if workflow is None:
        print(
            f"automate: no workflow {name!r} (known: {', '.join(sorted(catalog.workflows)) or 'none'})",
            file=sys.stderr,
        )
        return EXIT_FAILED
    trigger = workflow.spec.trigger
    if trigger.kind != "cron" or not trigger.cron or not trigger.timezone:
        print(f"automate: workflow {name!r} has no schedule (trigger: {trigger.kind})", file=sys.stderr)
        return EXIT_FAILED
    times = list(itertools.islice(fire_times(trigger.cron, zone(trigger.timezone), now), count))
    if as_json:
        print_json([t.isoformat() for t in times])
    else:
        print(f"{name}: cron '{trigger.cron}' in {trigger.timezone}")
        for t in times:
            print(f"  {t.strftime('%a %Y-%m-%d %H:%M %Z')}  ({t.isoformat()})")
    return EXIT_OK


def cmd_scheduler(args: argparse.Namespace) -> int:
    """`automate scheduler [--once]`: fire scheduled and chained workflows (until Ctrl-C)."""
    from automate.runtime.schedule import Scheduler

    runtime = runtime_for(args)

    async def go() -> int:
        async with runtime:
            catalog = _catalog(runtime, args.config)
            for error in catalog.errors:
                print(f"automate: skipping {error}", file=sys.stderr)
            scheduler = Scheduler(runtime, catalog.workflows)
            with _progress(runtime, args.json):
                if args.once:
                    resumed = await scheduler.resume_unfinished()
                    fired = await scheduler.tick()
                    await scheduler.drain()
                    print(f"resumed {len(resumed)} run(s), fired {len(fired)}")
                    return EXIT_OK
                print(f"scheduler: {len(catalog.workflows)} workflow(s); Ctrl-C to stop", file=sys.stderr)
                await scheduler.run_forever()
        return EXIT_OK

    return asyncio.run(go())


class _progress:
    """Prints each step as it starts and ends, from the run store's event stream."""

    def __init__(self, runtime: Runtime, quiet: bool) -> None:
        self.runtime, self.quiet = runtime, quiet
        self._unsubscribe: Any = None

    def __enter__(self) -> _progress:
        if not self.quiet:
            self._unsubscribe = self.runtime.store.subscribe(self._show)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    def _show(self, event: RunEvent) -> None:
        from automate.runtime.store.models import EventType

        data = event.data or {}
        kind = event.type
        if kind is EventType.RUN_STARTED:
            line = f"run {_short_id(event.run_id)} started: {data.get('name', '')}"
        elif kind is EventType.STEP_STARTED:
            again = " (again: it was in flight when the last run stopped)" if data.get("in_doubt") else ""
            line = f"  ... {event.step_id:<14} {data.get('target', '')}{again}"
        elif kind is EventType.STEP_RETRYING:
            line = f"  ~   {event.step_id:<14} retrying after: {data.get('error', '')}"
        elif kind in (EventType.STEP_COMPLETED, EventType.STEP_FAILED):
            record = self.runtime.store.get_run(event.run_id)
            step = record.step(event.step_id) if record and event.step_id else None
            mark = _MARK.get(step.status.value, "?") if step else "?"
            said = _short(step.message, 100) if step else data.get("error", "")
            took = _seconds(step.duration) if step else ""
            line = f"  {mark:<4}{event.step_id:<14} {said}  [{took}]"
        else:
            line = f"run {_short_id(event.run_id)} {data.get('status', kind.value)}"
        print(line, flush=True)


def _short_id(run_id: str) -> str:
    """The last 8 characters: run ids begin with the time, so their ends tell runs apart."""
    return run_id[-8:]


def _find_run(runtime: Runtime, part: str) -> RunRecord | None:
    """A run by its id, or by a unique start or end of it (at least 4 characters)."""
    record = runtime.store.get_run(part)
    if record is not None or len(part) < 4:
        return record
    matches = [
        r for r in runtime.store.list_runs(500) if r.run_id.startswith(part) or r.run_id.endswith(part)
    ]
    return matches[0] if len(matches) == 1 else None


def _redacted(data: Any) -> Any:
    from automate.integrations.redaction import redact

    return redact(data)


def _run_json(record: RunRecord) -> dict[str, Any]:
    data = asdict(record)
    data["status"] = record.status.value
    for step in data["steps"]:
        step["status"] = str(step["status"])
    return data


def _event_json(event: RunEvent) -> dict[str, Any]:
    return {**asdict(event), "type": event.type.value}
