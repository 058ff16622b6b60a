"""Agent actions as tools: a name, a description and a JSON schema from the params model.

One toolbox serves every tool-calling client (Claude, LangChain, MCP): the
name is ``agent__action`` (letters, digits and underscores, as every client
accepts), the description is the action's own, and the input schema is the
params model's JSON schema with its ``$ref``s inlined. `ToolSpec.parse` turns
arguments a model sent back into a validated params model, first reading any
time written as words ("tomorrow at 3pm") with the project's time resolver;
`run_tool` runs one call through a runtime, as LangChain and MCP callers do.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

if TYPE_CHECKING:
    from automate.agents.base import ActionSpec, Agent
    from automate.runtime.result import TaskResult
    from automate.runtime.runtime import Runtime

__all__ = ["ToolArgumentsError", "ToolSpec", "Toolbox", "inline_schema", "run_tool", "tool_name"]

_SEPARATOR = "__"


def tool_name(agent: str, action: str) -> str:
    """The tool name of an agent's action: ``scheduler__create_event``."""
    return f"{agent}{_SEPARATOR}{action}"


class ToolArgumentsError(ValueError):
    """Arguments a model sent do not fit the action's params model; the message says how."""


def inline_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema with every local ``$ref`` replaced by its definition (no ``$defs`` left).

    A recursive model keeps its ``$defs`` and the refs that would recurse.
    """
    definitions: dict[str, Any] = schema.get("$defs", {})
    recursive = False

    def expand(node: Any, seen: tuple[str, ...]) -> Any:
        nonlocal recursive
        if isinstance(node, list):
            return [expand(item, seen) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name in seen or name not in definitions:
                recursive = True
                return node
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return {**expand(definitions[name], (*seen, name)), **expand(rest, seen)}
        return {k: expand(v, seen) for k, v in node.items() if k != "$defs"}

    flat: dict[str, Any] = expand(schema, ())
    if recursive and definitions:
        flat["$defs"] = copy.deepcopy(definitions)
    return flat


@dataclass(frozen=True)
class ToolSpec:
    """One agent action offered as a tool."""

    agent: str
    action: str
    description: str
    params_model: type[BaseModel]
    side_effect: bool

    @property
    def name(self) -> str:
        """The tool's name."""
        return tool_name(self.agent, self.action)

    @cached_property
    def input_schema(self) -> dict[str, Any]:
        """The params model's JSON schema, refs inlined, as every tool API expects."""
        schema = inline_schema(self.params_model.model_json_schema())
        schema.setdefault("type", "object")
        schema.setdefault("properties", {})
        return schema

    def parse(self, arguments: Any, now: datetime) -> BaseModel:
        """Validate arguments (times in words read at `now`); `ToolArgumentsError` if they do not fit."""
        if not isinstance(arguments, dict):
            raise ToolArgumentsError(f"{self.name}: arguments must be a JSON object")
        resolved = _read_times(arguments, self.input_schema, now)
        try:
            return self.params_model.model_validate(resolved)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(arguments)'}: {err['msg']}"
                for err in exc.errors(include_input=False, include_url=False)
            )
            raise ToolArgumentsError(f"{self.name}: {problems}") from None

    @classmethod
    def of(cls, agent: str, spec: ActionSpec) -> ToolSpec:
        """The tool for one declared action."""
        return cls(agent, spec.name, spec.description, spec.params_model, spec.side_effect)


class Toolbox:
    """Every action of some agents as tools, found by name."""

    def __init__(self, tools: Iterable[ToolSpec], descriptions: dict[str, str] | None = None) -> None:
        self.tools: dict[str, ToolSpec] = {tool.name: tool for tool in tools}
        self.descriptions = dict(descriptions or {})

    @classmethod
    def of_agents(cls, agents: Iterable[Agent | type[Agent]]) -> Toolbox:
        """The tools of every action of `agents`, with the agents' descriptions."""
        chosen = list(agents)
        return cls(
            (ToolSpec.of(agent.name, spec) for agent in chosen for spec in agent.actions.values()),
            {agent.name: agent.description for agent in chosen},
        )

    def get(self, name: str) -> ToolSpec | None:
        """The tool called `name`, if any."""
        return self.tools.get(name)

    def __iter__(self) -> Iterator[ToolSpec]:
        return iter(self.tools.values())

    def __len__(self) -> int:
        return len(self.tools)


def _date_time(schema: dict[str, Any]) -> bool:
    """Whether a schema node accepts a date-time string (directly or as one branch)."""
    if schema.get("format") == "date-time":
        return True
    return any(_date_time(branch) for branch in schema.get("anyOf", []) if isinstance(branch, dict))


def _object_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The object branch of a schema node, if it has one."""
    if "properties" in schema:
        return schema
    for branch in schema.get("anyOf", []):
        if isinstance(branch, dict) and "properties" in branch:
            return branch
    return None


def _read_times(value: Any, schema: dict[str, Any], now: datetime) -> Any:
    """A copy of `value` with date-time fields written in words resolved against `now`."""
    if isinstance(value, str) and _date_time(schema):
        return _resolve_time(value, now)
    if isinstance(value, dict):
        shape = _object_schema(schema)
        if shape is None:
            return value
        fields = shape.get("properties", {})
        return {k: _read_times(v, fields.get(k, {}), now) for k, v in value.items()}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_read_times(item, schema["items"], now) for item in value]
    return value


def _resolve_time(text: str, now: datetime) -> str:
    """An ISO time as it came; a zone-less one in the person's zone; words through the resolver."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is not None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=now.tzinfo)
        return moment.isoformat()
    from automate.runtime.nlu.time import parse_time

    value = parse_time(text, now)
    if value is None or value.start is None:
        # Left as it came: validation then says the field is not a date-time.
        return text
    return value.start.astimezone(now.tzinfo).isoformat()


async def run_tool(runtime: Runtime, tool: ToolSpec, arguments: dict[str, Any] | BaseModel) -> TaskResult:
    """Run one action as a one-step request of the runtime: policies apply, the run is recorded."""
    from automate.runtime.plan import Plan, Step

    params = (
        arguments
        if isinstance(arguments, tool.params_model)
        else tool.parse(
            arguments.model_dump() if isinstance(arguments, BaseModel) else arguments, runtime.now()
        )
    )
    step = Step(id="s1", agent=tool.agent, action=tool.action, params=params.model_dump(mode="json"))
    return await runtime.execute(Plan(text=f"{tool.name} (tool call)", steps=[step]))
