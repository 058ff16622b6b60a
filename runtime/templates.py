"""Filling a step's params from earlier steps' outputs: ``{s1.output.location}``.

A template is a dotted path into the results of earlier steps; list items are
addressed by number (``{s1.output.events.0.title}``). A param that is exactly
one template takes the value itself (a list stays a list); a template inside
longer text is replaced by the value's text. Nothing is evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from automate.integrations.errors import InvalidRequest

__all__ = ["fill", "references"]

_TEMPLATE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+)\}")


def references(value: Any) -> set[str]:
    """The step ids a value's templates refer to."""
    if isinstance(value, str):
        return {m.group(1).split(".", 1)[0] for m in _TEMPLATE.finditer(value)}
    if isinstance(value, Mapping):
        return set().union(*(references(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(references(v) for v in value)) if value else set()
    return set()


def fill(value: Any, scope: Mapping[str, Any]) -> Any:
    """Replace every template in `value` with what its path names in `scope`."""
    if isinstance(value, str):
        whole = _TEMPLATE.fullmatch(value)
        if whole:
            return _lookup(whole.group(1), scope)
        return _TEMPLATE.sub(lambda m: _text(_lookup(m.group(1), scope)), value)
    if isinstance(value, Mapping):
        return {k: fill(v, scope) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, scope) for v in value]
    return value


def _lookup(path: str, scope: Mapping[str, Any]) -> Any:
    current: Any = scope
    for part in path.split("."):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            raise InvalidRequest(f"template {{{path}}}: nothing at {part!r}")
    return current


def _text(value: Any) -> str:
    return "" if value is None else str(value)
