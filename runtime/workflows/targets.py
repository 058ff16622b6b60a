"""What a step may use: agents' actions and services' operations, with their models.

The loader asks here for a target's params and output models, so a template
path into a step's output is checked against what that output can hold.
"""

from __future__ import annotations

import types
import typing
from collections import abc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

from pydantic import BaseModel

from automate.integrations.config import AppConfig

if typing.TYPE_CHECKING:
    from automate.agents.base import Agent

__all__ = ["Target", "Targets", "path_problem", "targets_for"]


@dataclass(frozen=True, slots=True)
class Target:
    """One callable thing: its params and output models, and whether it changes the world."""

    name: str
    params_model: type[BaseModel]
    output_model: type[BaseModel]
    side_effect: bool


Targets = Callable[[str], "Target | str"]
"""Look up ``agent.action`` / ``service.operation``: a `Target`, or why there is none."""


def targets_for(config: AppConfig, agents: Sequence[type[Agent]] | None = None) -> Targets:
    """Targets from agent classes (the built-in ones by default) and the configured services."""
    if agents is None:
        from automate.runtime.runtime import builtin_agents

        agents = builtin_agents()
    by_name = {cls.name: cls for cls in agents}
    services = config.integrations.services

    def lookup(name: str) -> Target | str:
        owner, _, member = name.partition(".")
        if owner in by_name:
            spec = by_name[owner].actions.get(member)
            if spec is None:
                offered = ", ".join(sorted(by_name[owner].actions))
                return f"agent {owner!r} has no action {member!r} (it has: {offered})"
            return Target(name, spec.params_model, spec.output_model, spec.side_effect)
        if owner in services:
            return _operation(name, owner, member, services[owner].adapter)
        known = ", ".join(sorted([*by_name, *services]))
        return f"{owner!r} is neither an agent nor a configured service (known: {known})"

    return lookup


def _operation(name: str, service: str, member: str, adapter: str) -> Target | str:
    from automate.integrations.registry import adapter_class

    try:
        cls = adapter_class(adapter)
    except (KeyError, ImportError) as exc:
        return f"service {service!r} uses adapter {adapter!r}, which cannot be loaded: {exc}"
    op = cls.operations.get(member)
    if op is None:
        offered = ", ".join(sorted(cls.operations))
        return f"service {service!r} has no operation {member!r} (it has: {offered})"
    return Target(name, op.params_model, op.result_model, True)


def path_problem(annotation: Any, path: Sequence[str], where: str) -> str | None:
    """Why `path` cannot exist in a value of type `annotation`, or None if it can."""
    if not path:
        return None
    annotation = _unwrap(annotation)
    head, rest = path[0], path[1:]
    if annotation is Any or annotation is object:
        return None
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        problems = [path_problem(arg, path, where) for arg in options]
        return None if any(p is None for p in problems) else problems[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields: Mapping[str, Any] = {
            **{k: f.annotation for k, f in annotation.model_fields.items()},
            **{k: f.return_type for k, f in annotation.model_computed_fields.items()},
        }
        if head not in fields:
            known = ", ".join(fields) or "none"
            return f"{where} ({annotation.__name__}) has no field {head!r} (fields: {known})"
        return path_problem(fields[head], rest, f"{where}.{head}")
    if origin in (list, tuple, set, frozenset) or _is_sequence(origin):
        if not head.isdigit():
            return f"{where} is a list: use a number, not {head!r}"
        args = typing.get_args(annotation)
        return path_problem(args[0] if args else Any, rest, f"{where}.{head}")
    if origin in (dict,) or _is_mapping(origin):
        args = typing.get_args(annotation)
        return path_problem(args[1] if len(args) == 2 else Any, rest, f"{where}.{head}")
    if annotation in (dict, list):
        return None
    label = getattr(annotation, "__name__", str(annotation))
    return f"{where} is a {label}; it has no {head!r}"


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_sequence(origin: Any) -> bool:
    return origin in (abc.Sequence, abc.MutableSequence, abc.Iterable)


def _is_mapping(origin: Any) -> bool:
    return origin in (abc.Mapping, abc.MutableMapping)
