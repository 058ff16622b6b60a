"""Loading a workflow file: parse, validate, compile templates, check every reference.

Everything that can be known before a run is checked here, and each problem
is a `WorkflowError` naming the file, the line and the step: an unknown
agent or action, a param the action does not take, a malformed template, a
reference to an unknown step or to a step not among its `needs` (so it may
not have run yet), or a path the producing action's output model cannot
have. YAML is read with the safe loader; anchors and aliases are refused so
a small file cannot expand into a huge one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from automate.integrations.errors import ConfigError
from automate.runtime.executor import FlowStep
from automate.runtime.templates import (
    STEP_PARTS,
    Condition,
    Ref,
    TemplateSyntaxError,
    compile_condition,
    compile_value,
    refs_in,
)
from automate.runtime.workflows.model import StepSpec, WorkflowSpec
from automate.runtime.workflows.targets import Target, Targets, path_problem

__all__ = ["MAX_FILE_BYTES", "TIME_KEYS", "Workflow", "WorkflowError", "load_workflow", "parse_workflow"]

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 40
TIME_KEYS = frozenset({"now", "today", "day_start", "day_end", "tomorrow_start", "tomorrow_end", "week_end"})
TRIGGER_KEYS = frozenset({"kind", "time", "data"})
USER_KEYS = frozenset({"name", "email"})
Lines = dict[tuple[Any, ...], int]


class WorkflowError(ConfigError):
    """A workflow file cannot be used: which file, line and step, and why."""

    def __init__(self, file: str, problem: str, *, line: int | None = None, step: str | None = None) -> None:
        where = [f"line {line}"] if line else []
        if step:
            where.append(f"step {step!r}")
        super().__init__(file, ", ".join(where), problem)
        self.line, self.step = line, step


@dataclass(frozen=True)
class Workflow:
    """A checked workflow: its spec, where it came from, the raw data, and its compiled steps."""

    spec: WorkflowSpec
    file: str
    data: dict[str, Any]
    steps: tuple[FlowStep, ...]

    @property
    def name(self) -> str:
        """The workflow's name."""
        return self.spec.name


def load_workflow(path: Path, targets: Targets) -> Workflow:
    """Read and check one workflow file (YAML, or JSON by its `.json` suffix)."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WorkflowError(file, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise WorkflowError(file, f"larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WorkflowError(file, "not UTF-8 text") from None
    return parse_workflow(text, file=file, targets=targets, as_json=path.suffix.lower() == ".json")


def parse_workflow(text: str, *, file: str, targets: Targets, as_json: bool = False) -> Workflow:
    """Check a workflow given as text."""
    if len(text) > MAX_FILE_BYTES:
        raise WorkflowError(file, f"larger than {MAX_FILE_BYTES // 1024} KiB")
    data, lines = _read_json(text, file) if as_json else _read_yaml(text, file)
    return from_data(data, file=file, targets=targets, lines=lines)


def from_data(data: Any, *, file: str, targets: Targets, lines: Lines | None = None) -> Workflow:
    """Check a workflow given as parsed data (also how a stored run's workflow is rebuilt)."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise WorkflowError(
            file, "a workflow is a mapping with name, steps, and optionally inputs and trigger"
        )
    try:
        spec = WorkflowSpec.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(exc, data, file, lines) from None
    return _Checker(spec, data, file, targets, lines).workflow()


class _Checker:
    """Compiles a validated spec's steps and checks every reference in them."""

    def __init__(
        self, spec: WorkflowSpec, data: dict[str, Any], file: str, targets: Targets, lines: Lines
    ) -> None:
        self.spec, self.data, self.file, self.targets, self.lines = spec, data, file, targets, lines
        self.index = {s.id: i for i, s in enumerate(spec.steps)}
        self.resolved: dict[str, Target] = {}
        self.ancestors: dict[str, set[str]] = {}

    def fail(self, problem: str, step: StepSpec | None = None, *keys: Any) -> WorkflowError:
        path: tuple[Any, ...] = ("steps", self.index[step.id], *keys) if step is not None else keys
        return WorkflowError(self.file, problem, line=_line(self.lines, path), step=step.id if step else None)

    def workflow(self) -> Workflow:
        seen: set[str] = set()
        for i, step in enumerate(self.spec.steps):
            if step.id in seen:
                raise WorkflowError(
                    self.file,
                    f"a second step with id {step.id!r}",
                    line=_line(self.lines, ("steps", i, "id")),
                    step=step.id,
                )
            seen.add(step.id)
        self._trigger()
        self._order()
        steps = tuple(self._step(step) for step in self.spec.steps)
        return Workflow(spec=self.spec, file=self.file, data=self.data, steps=steps)

    def _trigger(self) -> None:
        trigger = self.spec.trigger
        if trigger.kind == "cron" and trigger.cron is not None:
            from automate.runtime.schedule.cron import cron_problem

            problem = cron_problem(trigger.cron, trigger.timezone)
            if problem:
                raise self.fail(problem, None, "trigger", "cron")

    def _order(self) -> None:
        """Each step's transitive needs; unknown needs and cycles are errors."""
        state: dict[str, int] = {}

        def visit(step: StepSpec, trail: list[str]) -> set[str]:
            if state.get(step.id) == 2:
                return self.ancestors[step.id]
            if state.get(step.id) == 1:
                cycle = " -> ".join([*trail[trail.index(step.id) :], step.id])
                raise self.fail(f"`needs` go round in a circle: {cycle}", step, "needs")
            state[step.id] = 1
            found: set[str] = set()
            for need in step.needs:
                if need not in self.index:
                    raise self.fail(f"needs unknown step {need!r}{_known(self.index)}", step, "needs")
                if need == step.id:
                    raise self.fail("a step cannot need itself", step, "needs")
                found |= {need} | visit(self.spec.steps[self.index[need]], [*trail, step.id])
            state[step.id] = 2
            self.ancestors[step.id] = found
            return found

        for step in self.spec.steps:
            visit(step, [])

    def _step(self, step: StepSpec) -> FlowStep:
        target = self.targets(step.uses)
        if isinstance(target, str):
            raise self.fail(target, step, "uses")
        self.resolved[step.id] = target
        fields = target.params_model.model_fields
        if target.params_model.model_config.get("extra") != "allow":
            for key in step.params:
                if key not in fields:
                    raise self.fail(
                        f"{step.uses} takes no param {key!r} (it takes: {', '.join(fields)})",
                        step,
                        "params",
                        key,
                    )
        params: dict[str, Any] = {}
        for key, value in step.params.items():
            try:
                params[key] = compile_value(value)
            except TemplateSyntaxError as exc:
                raise self.fail(f"param {key!r}: {exc}", step, "params", key) from None
            for ref in refs_in(params[key]):
                self._check(ref, step, ("params", key))
        condition: Condition | None = None
        if step.when is not None:
            try:
                condition = compile_condition(step.when)
            except TemplateSyntaxError as exc:
                raise self.fail(f"when: {exc}", step, "when") from None
            for ref in refs_in(condition):
                self._check(ref, step, ("when",))
        return FlowStep(
            id=step.id,
            target=step.uses,
            params=params,
            needs=tuple(step.needs),
            when=condition,
            on_failure=step.on_failure,
            attempts=step.attempts,
        )

    def _check(self, ref: Ref, step: StepSpec, keys: tuple[Any, ...]) -> None:
        root, rest = ref.path[0], ref.path[1:]
        problem = self._problem(root, rest, ref, step)
        if problem:
            raise self.fail(f"{{{ref.text}}}: {problem}", step, *keys)

    def _problem(self, root: str, rest: tuple[str, ...], ref: Ref, step: StepSpec) -> str | None:
        if root == "inputs":
            if not rest or rest[0] not in self.spec.inputs:
                return f"no input {rest[0] if rest else ''!r}{_known(self.spec.inputs, 'declared inputs')}"
            kind = self.spec.inputs[rest[0]].type
            if len(rest) > 1 and not (kind == "list" and len(rest) == 2 and rest[1].isdigit()):
                return f"input {rest[0]!r} is a {kind}; it has no {'.'.join(rest[1:])!r}"
            return None
        if root == "trigger":
            if not rest or rest[0] not in TRIGGER_KEYS:
                return f"the trigger offers {', '.join(sorted(TRIGGER_KEYS))}"
            return None if rest[0] == "data" or len(rest) == 1 else f"trigger.{rest[0]} is a single value"
        if root == "time":
            return (
                None
                if len(rest) == 1 and rest[0] in TIME_KEYS
                else f"time offers {', '.join(sorted(TIME_KEYS))}"
            )
        if root == "user":
            return None if len(rest) == 1 and rest[0] in USER_KEYS else "user offers name and email"
        if root not in self.index:
            return f"no step or name {root!r}{_known(self.index, 'steps')} (or inputs, trigger, time, user)"
        if root not in self.ancestors[step.id]:
            return (
                f"step {root!r} is not among this step's needs (directly or through them), "
                f"so it may not have run yet; add it to `needs`"
            )
        if not rest or rest[0] not in STEP_PARTS:
            return f"a step offers {', '.join(sorted(STEP_PARTS))}, e.g. {{{root}.output...}}"
        producer = self.resolved.get(root) or self._resolve(root)
        if rest[0] == "output":
            return path_problem(producer.output_model, rest[1:], f"{root}.output")
        if rest[0] == "params":
            return path_problem(producer.params_model, rest[1:], f"{root}.params")
        return None if len(rest) == 1 else f"{root}.message is text"

    def _resolve(self, step_id: str) -> Target:
        other = self.spec.steps[self.index[step_id]]
        target = self.targets(other.uses)
        if isinstance(target, str):
            raise self.fail(target, other, "uses")
        self.resolved[step_id] = target
        return target


def _known(names: Mapping[str, Any], label: str = "steps") -> str:
    return f" ({label}: {', '.join(names)})" if names else ""


def _line(lines: Lines, path: tuple[Any, ...]) -> int | None:
    """The line of the deepest part of `path` the file has."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _validation_error(exc: ValidationError, data: dict[str, Any], file: str, lines: Lines) -> WorkflowError:
    first = exc.errors(include_url=False, include_input=False)[0]
    loc = tuple(first["loc"])
    step = None
    steps = data.get("steps")
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int) and isinstance(steps, list):
        item = steps[loc[1]] if loc[1] < len(steps) else None
        step = (
            str(item.get("id")) if isinstance(item, dict) and item.get("id") is not None else f"#{loc[1] + 1}"
        )
    where = ".".join(str(p) for p in loc) or "(file)"
    return WorkflowError(file, f"{where}: {first['msg']}", line=_line(lines, loc), step=step)


def _read_yaml(text: str, file: str) -> tuple[Any, Lines]:
    try:
        loader = yaml.SafeLoader(text)  # checks for unprintable characters already
    except yaml.YAMLError as exc:
        raise WorkflowError(file, f"not valid YAML: {exc}") from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise WorkflowError(file, "the file is empty")
        lines: Lines = {}
        _walk(node, (), lines, set(), file)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        raise WorkflowError(
            file, f"not valid YAML: {problem}", line=mark.line + 1 if mark else None
        ) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise WorkflowError(file, f"not valid YAML: {type(exc).__name__}: {exc}") from None
    finally:
        loader.dispose()
    return _plain(data, file, 0), lines


def _walk(node: yaml.Node, path: tuple[Any, ...], lines: Lines, seen: set[int], file: str) -> None:
    """Record the line of every key and item; refuse aliases and over-deep nesting."""
    if id(node) in seen:
        raise WorkflowError(
            file, "anchors and aliases (&, *) are not supported", line=node.start_mark.line + 1
        )
    if len(path) > MAX_DEPTH:
        raise WorkflowError(file, f"nested deeper than {MAX_DEPTH} levels", line=node.start_mark.line + 1)
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value if isinstance(key, yaml.ScalarNode) else id(key))
            lines[child] = key.start_mark.line + 1
            _walk(value, child, lines, seen, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, seen, file)


def _read_json(text: str, file: str) -> tuple[Any, Lines]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WorkflowError(file, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except (ValueError, RecursionError) as exc:
        raise WorkflowError(file, f"not valid JSON: {exc}") from None
    try:  # JSON is YAML, so the YAML reader finds the lines; a file it cannot read gets none
        _, lines = _read_yaml(text, file)
    except WorkflowError:
        lines = {}
    return _plain(data, file, 0), lines


def _plain(value: Any, file: str, depth: int) -> Any:
    """YAML's extra types as JSON: dates become ISO text; binary and odd keys are refused."""
    if depth > MAX_DEPTH:
        raise WorkflowError(file, f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise WorkflowError(file, f"keys must be text, not {type(key).__name__}")
            out[key if isinstance(key, str) else json.dumps(key)] = _plain(item, file, depth + 1)
        return out
    if isinstance(value, list | tuple | set):
        return [_plain(v, file, depth + 1) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        raise WorkflowError(file, "binary values are not supported")
    return value
