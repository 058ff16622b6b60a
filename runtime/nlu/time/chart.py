"""A small bottom-up chart parser: rules are category patterns with a production function.

Every new node is tried at every pattern position its category can fill, matching the
rest of the pattern against adjacent nodes already in the chart, so each combination is
built exactly once. A node cap bounds the work on any input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .tokens import Token

__all__ = ["Ctx", "Grammar", "Node", "Rule"]

# Past this many nodes a parse stops growing (guards against pathological inputs).
MAX_NODES = 3000


@dataclass(frozen=True, slots=True)
class Ctx:
    """What productions may look at besides their children: the reference time."""

    ref: datetime


@dataclass(frozen=True, slots=True)
class Node:
    """A constituent: token span [start, end), category, value, and derivation cost."""

    start: int
    end: int
    cat: str
    value: object
    rule: str
    cost: int


Production = Callable[..., object]
# A scanner finds multi-token lexical items (holiday names): (start, end, cat, value).
Scanner = Callable[[Sequence[Token]], list[tuple[int, int, str, object]]]


@dataclass(frozen=True, slots=True)
class Rule:
    """`pattern` categories in sequence produce a node of category `out` via `prod`."""

    name: str
    out: str
    pattern: tuple[str, ...]
    prod: Production
    cost: int = 1


@dataclass
class Grammar:
    """A set of rules indexed by the categories their patterns use."""

    rules: list[Rule] = field(default_factory=list)
    scanners: list[Scanner] = field(default_factory=list)
    _index: dict[str, list[tuple[Rule, int]]] = field(default_factory=dict)

    def rule(self, out: str, *pattern: str, cost: int = 1) -> Callable[[Production], Production]:
        """Decorator registering a production for `pattern` -> `out`."""

        def register(prod: Production) -> Production:
            item = Rule(prod.__name__.strip("_"), out, tuple(pattern), prod, cost)
            self.rules.append(item)
            for pos, cat in enumerate(item.pattern):
                self._index.setdefault(cat, []).append((item, pos))
            return prod

        return register

    def parse(self, tokens: Sequence[Token], ctx: Ctx) -> list[Node]:
        """Every node derivable from the tokens."""
        by_start: list[dict[str, list[Node]]] = [{} for _ in range(len(tokens) + 1)]
        by_end: list[dict[str, list[Node]]] = [{} for _ in range(len(tokens) + 1)]
        seen: set[tuple[int, int, str, object]] = set()
        agenda: list[Node] = [
            Node(i, i + 1, cat, value, "lex", 0)
            for i, tok in enumerate(tokens)
            for cat, value in tok.cats
        ]
        for scan in self.scanners:
            agenda.extend(Node(s, e, cat, value, "scan", 0) for s, e, cat, value in scan(tokens))
        agenda.reverse()
        nodes: list[Node] = []
        index = self._index
        while agenda and len(nodes) < MAX_NODES:
            node = agenda.pop()
            key = (node.start, node.end, node.cat, node.value)
            try:
                if key in seen:
                    continue
                seen.add(key)
            except TypeError:  # an unhashable value: keep it, skip dedup
                pass
            nodes.append(node)
            by_start[node.start].setdefault(node.cat, []).append(node)
            by_end[node.end].setdefault(node.cat, []).append(node)
            for rule, pos in index.get(node.cat, ()):
                pattern = rule.pattern
                for left in _match_left(by_end, pattern, pos - 1, node.start):
                    for right in _match_right(by_start, pattern, pos + 1, node.end):
                        kids = (*left, node, *right)
                        try:
                            value = rule.prod(ctx, *(k.value for k in kids))
                        except (ValueError, OverflowError):
                            value = None
                        if value is None:
                            continue
                        cost = rule.cost + sum(k.cost for k in kids)
                        agenda.append(
                            Node(kids[0].start, kids[-1].end, rule.out, value, rule.name, cost)
                        )
        return nodes


def _match_left(
    by_end: list[dict[str, list[Node]]], pattern: tuple[str, ...], pos: int, end: int
) -> Iterator[tuple[Node, ...]]:
    if pos < 0:
        yield ()
        return
    for node in list(by_end[end].get(pattern[pos], ())):
        for rest in _match_left(by_end, pattern, pos - 1, node.start):
            yield (*rest, node)


def _match_right(
    by_start: list[dict[str, list[Node]]], pattern: tuple[str, ...], pos: int, start: int
) -> Iterator[tuple[Node, ...]]:
    if pos >= len(pattern):
        yield ()
        return
    for node in list(by_start[start].get(pattern[pos], ())):
        for rest in _match_right(by_start, pattern, pos + 1, node.end):
            yield (node, *rest)
