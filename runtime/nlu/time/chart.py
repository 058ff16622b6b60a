"""A small bottom-up chart parser: rules are category patterns with a production function.

Tokens are consumed left to right. A node is combined only with nodes to its left, at
the moment it is added, as the last item of a rule's pattern; since everything to its
left is already in the chart, each combination is built exactly once. A node cap bounds
the work on any input.
"""

from __future__ import annotations

import itertools
import opcode
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from .tokens import Token

__all__ = ["Ctx", "Grammar", "Node", "Rule"]

# Past this many nodes a parse stops growing (guards against pathological inputs).
MAX_NODES = 3000

Production = Callable[..., object]
Transform = Callable[[Any], Any]
P = TypeVar("P", bound=Production)
# A scanner finds multi-token lexical items (holiday names): (start, end, cat, value).
Scanner = Callable[[Sequence[Token]], list[tuple[int, int, str, object]]]
# What a scanner's items may start with (token texts), loaded on first use: a phrase with
# none of them is not scanned.
Triggers = Callable[[], Container[str]]


class Ctx(NamedTuple):
    """What productions may look at besides their children: the reference time."""

    ref: datetime


class Node(NamedTuple):
    """A constituent: token span [start, end), category, value, and derivation cost."""

    start: int
    end: int
    cat: str
    value: object
    rule: str
    cost: int
    closed: bool = False  # its pure one-item derivations are already in the chart


class Rule(NamedTuple):
    """`pattern` categories in sequence produce a node of category `out` via `prod`.

    A `pure` production ignores the reference time, so its results can be cached.
    """

    name: str
    out: str
    pattern: tuple[str, ...]
    prod: Production
    cost: int = 1
    pure: bool = False


_LOADS = {opcode.opmap[name] for name in opcode.opmap if name.startswith("LOAD_FAST")}
_PAIRS = {opcode.opmap[name] for name in opcode.opmap if name == "LOAD_FAST_LOAD_FAST"}


def _reads_ctx(prod: Production) -> bool:
    """Whether a production's body reads its first argument (`ctx`, local slot 0)."""
    code = prod.__code__.co_code
    for op, arg in zip(code[::2], code[1::2], strict=True):
        if op in _LOADS and (arg == 0 or (op in _PAIRS and (arg >> 4 == 0 or arg & 15 == 0))):
            return True
    return False


# A rule as the parser reads it: production, output category, name, cost, the categories
# before its last item, and their set (checked against what the chart holds before any
# matching; None for two-item rules, whose one earlier category is always there).
_Entry = tuple[Production, str, str, int, tuple[str, ...], frozenset[str] | None]


def _compose(inner: Transform | None, outer: Transform | None) -> Transform | None:
    if inner is None or outer is None:
        return inner or outer

    def both(value: object) -> object:
        got = inner(value)
        return None if got is None else outer(got)

    return both


def _transformed(prod: Production, moves: tuple[tuple[int, Transform], ...], size: int) -> Production:
    """`prod` with the alias transforms applied to its arguments first (None: no match)."""
    if len(moves) == 1 and moves[0][0] == 0:
        fn = moves[0][1]

        def first(ctx: Ctx, value: object, *rest: object) -> object:
            got = fn(value)
            return None if got is None else prod(ctx, got, *rest)

        return first
    if len(moves) == 1 and moves[0][0] == 1 and size == 2:
        fn = moves[0][1]

        def second(ctx: Ctx, left: object, value: object) -> object:
            got = fn(value)
            return None if got is None else prod(ctx, left, got)

        return second

    def run(ctx: Ctx, *values: object) -> object:
        args = list(values)
        for index, fn in moves:
            got = fn(args[index])
            if got is None:
                return None
            args[index] = got
        return prod(ctx, *args)

    return run


@dataclass
class Grammar:
    """A set of rules indexed by the category of their last item and the one before it."""

    rules: list[Rule] = field(default_factory=list)
    scanners: list[tuple[Scanner, Triggers]] = field(default_factory=list)
    vocab: set[str] = field(default_factory=set)  # categories some pattern uses
    aliases: dict[str, dict[str, Transform | None]] = field(default_factory=dict)
    # last category -> category before it ("" for one-item rules) -> entries
    _index: dict[str, dict[str, list[_Entry]]] = field(default_factory=dict)
    _closures: dict[object, tuple[Node, ...]] = field(default_factory=dict)
    _pure: set[_Entry] = field(default_factory=set)  # one-item rules that ignore `ctx`

    def alias(self, name: str, sources: dict[str, Transform | None]) -> None:
        """Let pattern category `name` match nodes of the source categories, each value
        passed through its transform (None from a transform means no match). Aliases add
        no nodes to the chart, which keeps parsing cheap."""
        self.aliases[name] = sources

    def _leaves(self, cat: str) -> list[tuple[str, Transform | None]]:
        if cat not in self.aliases:
            return [(cat, None)]
        leaves: list[tuple[str, Transform | None]] = []
        for source, outer in self.aliases[cat].items():
            for leaf, inner in self._leaves(source):
                leaves.append((leaf, _compose(inner, outer)))
        return leaves

    def rule(self, out: str, *pattern: str, cost: int = 1) -> Callable[[P], P]:
        """Decorator registering a production for `pattern` -> `out`."""

        def register(prod: P) -> P:
            name = prod.__name__.strip("_")
            pure = not _reads_ctx(prod)
            for combo in itertools.product(*(self._leaves(cat) for cat in pattern)):
                cats = tuple(cat for cat, _ in combo)
                moves = tuple((i, fn) for i, (_, fn) in enumerate(combo) if fn is not None)
                run = _transformed(prod, moves, len(cats)) if moves else prod
                self._add(Rule(name, out, cats, run, cost, pure))
            return prod

        return register

    def _add(self, item: Rule) -> None:
        self.rules.append(item)
        self.vocab.update(item.pattern)
        left = item.pattern[:-1]
        by_prev = self._index.setdefault(item.pattern[-1], {})
        if not left:
            # One-item rules: "" holds all, "!" the impure ones (rerun on lexical nodes).
            entry: _Entry = (item.prod, item.out, item.name, item.cost, left, None)
            by_prev.setdefault("", []).append(entry)
            if not item.pure:
                by_prev.setdefault("!", []).append(entry)
            else:
                self._pure.add(entry)
            return
        need = None if len(left) == 1 else frozenset(left)
        by_prev.setdefault(left[-1], []).append((item.prod, item.out, item.name, item.cost, left, need))

    def _closure(self, tok: Token, ctx: Ctx) -> tuple[Node, ...]:
        """A token's lexical nodes and all it derives alone through pure one-item rules
        (computed once per distinct token text, which fixes its categories; positions are
        filled in by the caller)."""
        got = self._closures.get(tok.text)
        if got is not None:
            return got
        cats = tok.cats
        queue = [Node(0, 1, cat, value, "lex", 0, True) for cat, value in cats if cat in self.vocab]
        made: list[Node] = []
        seen: set[tuple[str, object]] = set()
        while queue:
            node = queue.pop()
            if (node.cat, node.value) in seen:
                continue
            seen.add((node.cat, node.value))
            made.append(node)
            for entry in self._index.get(node.cat, {}).get("", ()):
                if entry in self._pure:
                    child = _apply(entry, ctx, (node,))
                    if child is not None:
                        queue.append(child._replace(closed=True))
        if len(self._closures) > 20_000:
            self._closures.clear()
        result = self._closures[tok.text] = tuple(made)
        return result

    def prepare(self, tokens: Sequence[Token], ctx: Ctx) -> None:
        """Compute the closures of a closed vocabulary ahead of use (like compiling)."""
        for tok in tokens:
            self._closure(tok, ctx)

    def parse(self, tokens: Sequence[Token], ctx: Ctx) -> list[Node]:
        """Every node derivable from the tokens."""
        size = len(tokens)
        # Per position: nodes ending there by category, and nodes waiting to be added
        # (built by loops, not comprehensions, which would be functions of their own).
        by_end: list[dict[str, list[Node]]] = [{}]
        pending: list[list[Node]] = [[]]
        for _ in tokens:
            by_end.append({})
            pending.append([])
        new = tuple.__new__
        closures, closure = self._closures, self._closure
        index = self._index
        nodes: list[Node] = []
        present: set[str] = set()  # categories in the chart so far
        for i, tok in enumerate(tokens):
            j = i + 1
            queue, here = pending[j], by_end[j]
            lexical = closures.get(tok.text)
            if lexical is None:  # (an empty closure is cached too: a word no rule uses)
                lexical = closure(tok, ctx)
            for _s, _e, c, v, r, k, _ in lexical:
                node = new(Node, (i, j, c, v, r, k, True))
                if c in index:
                    queue.append(node)
                elif len(nodes) < MAX_NODES:
                    # No rule ends with this category: it only waits as left context.
                    nodes.append(node)
                    here.setdefault(c, []).append(node)
                    present.add(c)
        for scan, triggers in self.scanners:
            starts = triggers()
            for tok in tokens:
                if tok.text in starts:
                    break
            else:
                continue
            for s, e, cat, value in scan(tokens):
                pending[e].append(new(Node, (s, e, cat, value, "scan", 0, False)))
        seen: set[tuple[int, int, str, object]] = set()
        for end in range(1, size + 1):
            queue = pending[end]
            queue.reverse()
            here = by_end[end]
            while queue and len(nodes) < MAX_NODES:
                node = queue.pop()
                start, _end, cat, value, _rule, cost, closed = node
                if not closed:
                    # Lexical nodes are distinct by construction; derived ones may repeat.
                    key = (start, end, cat, value)
                    if key in seen:
                        continue
                    seen.add(key)
                nodes.append(node)
                same = here.get(cat)
                if same is None:
                    here[cat] = [node]
                else:
                    same.append(node)
                present.add(cat)
                by_prev = index.get(cat)
                if not by_prev:
                    continue
                ones = by_prev.get("!" if closed else "")
                if ones:
                    for prod, out, name, extra, _left, _need in ones:
                        try:
                            got = prod(ctx, value)
                        except (ValueError, OverflowError):
                            continue
                        if got is not None:
                            queue.append(new(Node, (start, end, out, got, name, extra + cost, False)))
                before = by_end[start]
                for prev in before:
                    entries = by_prev.get(prev)
                    if not entries:
                        continue
                    memo: dict[tuple[str, ...], list[tuple[Node, ...]]] | None = None
                    for prod, out, name, extra, left, need in entries:
                        if need is None:
                            # The common two-item rule, inlined: no intermediate tuples.
                            for other in before[prev]:
                                try:
                                    got = prod(ctx, other.value, value)
                                except (ValueError, OverflowError):
                                    continue
                                if got is not None:
                                    total = extra + other.cost + cost
                                    queue.append(new(Node, (other.start, end, out, got, name, total, False)))
                            continue
                        if not need <= present:
                            continue
                        if len(left) == 2:
                            # Three-item rules, the commonest longer ones, also inlined.
                            head = left[0]
                            for other in before[prev]:
                                firsts = by_end[other.start].get(head)
                                if not firsts:
                                    continue
                                for kid in firsts:
                                    try:
                                        got = prod(ctx, kid.value, other.value, value)
                                    except (ValueError, OverflowError):
                                        continue
                                    if got is not None:
                                        total = extra + kid.cost + other.cost + cost
                                        queue.append(
                                            new(Node, (kid.start, end, out, got, name, total, False))
                                        )
                            continue
                        if memo is None:
                            memo = {}
                        lefts = memo.get(left)
                        if lefts is None:
                            lefts = memo[left] = _lefts(by_end, left, start)
                        for kids in lefts:
                            args: list[object] = [ctx]
                            total = extra + cost
                            for kid in kids:
                                args.append(kid.value)
                                total += kid.cost
                            args.append(value)
                            try:
                                got = prod(*args)
                            except (ValueError, OverflowError):
                                continue
                            if got is not None:
                                queue.append(new(Node, (kids[0].start, end, out, got, name, total, False)))
        return nodes


def _apply(entry: _Entry, ctx: Ctx, kids: tuple[Node, ...]) -> Node | None:
    """Run a rule's production on its children; a node, or None when it does not apply."""
    prod, out, name, cost, _left, _need = entry
    try:
        value = prod(ctx, *[k.value for k in kids])
    except (ValueError, OverflowError):
        return None
    if value is None:
        return None
    for kid in kids:
        cost += kid.cost
    return tuple.__new__(Node, (kids[0].start, kids[-1].end, out, value, name, cost, False))


def _lefts(by_end: list[dict[str, list[Node]]], cats: tuple[str, ...], end: int) -> list[tuple[Node, ...]]:
    """Sequences of nodes with categories `cats` ending at token `end`."""
    found = by_end[end].get(cats[-1])
    got: list[tuple[Node, ...]] = []
    if not found:
        return got
    if len(cats) == 1:
        for node in found:
            got.append((node,))
        return got
    head = cats[:-1]
    for node in found:
        for rest in _lefts(by_end, head, node.start):
            got.append((*rest, node))
    return got
