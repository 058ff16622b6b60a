"""The one template language, for plan steps and workflow files: paths into data. Nothing runs.

    {inputs.title}                          a value the run was started with
    {trigger.data.email}                    what the trigger carried
    {find.output.slots.0.start}             step `find`'s output, list items by number
    {inputs.title | "Weekly sync"}          a JSON literal used when the path has no value
    {{ and }}                               literal braces

A string that is exactly one template takes the value itself (a list stays a
list); a template inside longer text is replaced by its text (JSON for lists
and objects). A `when:` condition is ``{path}``, ``not {path}``, or
``{path} == literal`` / ``!=``. Templates are parsed once, before a run (when
a workflow file loads, when a plan becomes a flow); rendering only walks dicts
and lists, and what it puts in is never read as a template again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from automate.integrations.errors import InvalidRequest

__all__ = [
    "STEP_PARTS",
    "Compiled",
    "Condition",
    "Ref",
    "Template",
    "TemplateSyntaxError",
    "compile_condition",
    "compile_value",
    "references",
    "refs_in",
    "render",
]

MAX_TEXT = 100_000
STEP_PARTS = frozenset({"output", "params", "message"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
_MISSING = object()


class TemplateSyntaxError(ValueError):
    """A template string is malformed; the message says where in the string."""


@dataclass(frozen=True, slots=True)
class Ref:
    """One path, with its literal default when it has one."""

    path: tuple[str, ...]
    default: Any = _MISSING

    @property
    def has_default(self) -> bool:
        """Whether a literal default was given."""
        return self.default is not _MISSING

    @property
    def text(self) -> str:
        """The path as written, for messages."""
        return ".".join(self.path)

    def lookup(self, scope: Mapping[str, Any]) -> Any:
        """The value at this path in `scope`, else the default, else `InvalidRequest`."""
        current: Any = scope
        for part in self.path:
            if isinstance(current, Mapping) and part in current:
                current = current[part]
            elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
                current = current[int(part)]
            elif self.has_default:
                return self.default
            else:
                raise InvalidRequest(f"template {{{self.text}}}: nothing at {part!r}")
        if current is None and self.has_default:
            return self.default
        return current


@dataclass(frozen=True, slots=True)
class Template:
    """A string with templates: literal text and refs in order."""

    parts: tuple[str | Ref, ...]

    def render(self, scope: Mapping[str, Any]) -> Any:
        """The value (one whole ref) or the text (refs inside text)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Ref):
            return self.parts[0].lookup(scope)
        return "".join(p if isinstance(p, str) else _text(p.lookup(scope)) for p in self.parts)


Compiled = Any  # a Template, or dicts/lists/scalars holding Templates


@dataclass(frozen=True, slots=True)
class Condition:
    """A `when:` test: a ref's truth, its negation, or an (in)equality with a literal."""

    ref: Ref | None
    negate: bool = False
    op: str | None = None
    literal: Any = None
    constant: bool = True

    def __call__(self, scope: Mapping[str, Any]) -> bool:
        if self.ref is None:
            return self.constant
        value = self.ref.lookup(scope)
        if self.op == "==":
            result = value == self.literal
        elif self.op == "!=":
            result = value != self.literal
        else:
            result = bool(value)
        return not result if self.negate else result


def compile_value(value: Any) -> Compiled:
    """Parse every template in a JSON-like value; `TemplateSyntaxError` if one is malformed."""
    if isinstance(value, str):
        parts = _parse(value)
        if all(isinstance(p, str) for p in parts):
            return "".join(str(p) for p in parts)
        return Template(tuple(parts))
    if isinstance(value, Mapping):
        return {str(k): compile_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [compile_value(v) for v in value]
    return value


def render(compiled: Compiled, scope: Mapping[str, Any]) -> Any:
    """Fill a compiled value from `scope`."""
    if isinstance(compiled, Template):
        return compiled.render(scope)
    if isinstance(compiled, dict):
        return {k: render(v, scope) for k, v in compiled.items()}
    if isinstance(compiled, list):
        return [render(v, scope) for v in compiled]
    return compiled


def refs_in(compiled: Compiled) -> Iterator[Ref]:
    """Every ref in a compiled value, in order."""
    if isinstance(compiled, Template):
        yield from (p for p in compiled.parts if isinstance(p, Ref))
    elif isinstance(compiled, Condition):
        if compiled.ref is not None:
            yield compiled.ref
    elif isinstance(compiled, dict):
        for v in compiled.values():
            yield from refs_in(v)
    elif isinstance(compiled, list):
        for v in compiled:
            yield from refs_in(v)


def references(value: Any) -> set[str]:
    """The steps a value reads (``{id.output…}``, ``{id.params…}``, ``{id.message}``), even amid bad braces.

    A router asks this of params it composed, so a stray brace in a person's
    words neither hides a reference nor makes one.
    """
    if isinstance(value, str):
        refs = (p for p in _parse(value, strict=False) if isinstance(p, Ref))
        return {r.path[0] for r in refs if len(r.path) > 1 and r.path[1] in STEP_PARTS}
    if isinstance(value, Mapping):
        return set().union(*map(references, value.values()))
    if isinstance(value, list):
        return set().union(*map(references, value))
    return set()


def compile_condition(value: Any) -> Condition:
    """Parse a `when:` value: a boolean, or ``[not] {path} [== | != literal]``."""
    if isinstance(value, bool):
        return Condition(ref=None, constant=value)
    if not isinstance(value, str):
        raise TemplateSyntaxError("a condition is true/false or a string like '{step.output.items}'")
    text = value.strip()
    negate = text.startswith("not ")
    if negate:
        text = text[4:].lstrip()
    if not text.startswith("{"):
        raise TemplateSyntaxError(f"a condition starts with a template like '{{inputs.send}}', got {value!r}")
    end = _template_end(text, 0)
    ref = _ref(text[1:end])
    rest = text[end + 1 :].strip()
    if not rest:
        return Condition(ref=ref, negate=negate)
    for op in ("==", "!="):
        if rest.startswith(op):
            return Condition(ref=ref, negate=negate, op=op, literal=_literal(rest[2:].strip()))
    raise TemplateSyntaxError(
        f"after the template a condition may only have '== value' or '!= value': {rest!r}"
    )


def _parse(text: str, *, strict: bool = True) -> list[str | Ref]:
    """Literal text and refs in order; not `strict`, a brace that opens no template is text."""
    if len(text) > MAX_TEXT:
        if not strict:
            return [text]
        raise TemplateSyntaxError(f"text longer than {MAX_TEXT} characters")
    parts: list[str | Ref] = []
    buffer: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "{" and text.startswith("{{", i):
            buffer.append("{")
            i += 2
        elif char == "}" and text.startswith("}}", i):
            buffer.append("}")
            i += 2
        elif char == "{" and (ref := _ref_at(text, i, strict)):
            if buffer:
                parts.append("".join(buffer))
                buffer = []
            parts.append(ref[0])
            i = ref[1] + 1
        elif char == "}" and strict:
            raise TemplateSyntaxError(f"unmatched '}}' at position {i} (write '}}}}' for a brace)")
        else:
            buffer.append(char)
            i += 1
    if buffer:
        parts.append("".join(buffer))
    return parts


def _ref_at(text: str, start: int, strict: bool) -> tuple[Ref, int] | None:
    """The ref opened at `start` and the index of its '}' (None, not `strict`, if there is none)."""
    try:
        end = _template_end(text, start)
        return _ref(text[start + 1 : end]), end
    except TemplateSyntaxError:
        if strict:
            raise
        return None


def _template_end(text: str, start: int) -> int:
    """Index of the '}' closing the template opened at `start`, skipping quoted strings."""
    i = start + 1
    quoted = False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "}":
            return i
        elif char == "{":
            raise TemplateSyntaxError(f"'{{' inside a template at position {i}")
        i += 1
    raise TemplateSyntaxError(f"template opened at position {start} is not closed (write '{{{{' for a brace)")


def _ref(body: str) -> Ref:
    path_text, bar, default_text = body.partition("|")
    path_text = path_text.strip()
    names = path_text.split(".")
    if not path_text or not _NAME.fullmatch(names[0]) or not all(_SEGMENT.fullmatch(n) for n in names[1:]):
        raise TemplateSyntaxError(
            f"{{{body}}} is not a path like {{step.output.field}} (letters, digits, _ and - between dots)"
        )
    if not bar:
        return Ref(tuple(names))
    return Ref(tuple(names), _literal(default_text.strip()))


def _literal(text: str) -> Any:
    """A JSON scalar: "text", a number, true, false or null."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise TemplateSyntaxError(
            f'{text!r} is not a literal ("text", a number, true, false or null)'
        ) from None
    if isinstance(value, dict | list):
        raise TemplateSyntaxError(f"a default must be a single value, not {text!r}")
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
