"""The chart parser under the grammar: aliases, purity, bounded work."""

from __future__ import annotations

from datetime import UTC, datetime

from automate.runtime.nlu.time.chart import MAX_NODES, Ctx, Grammar
from automate.runtime.nlu.time.tokens import tokenize

CTX = Ctx(datetime(2013, 2, 12, tzinfo=UTC))


def small_grammar() -> Grammar:
    """A grammar adding numbers, with an alias for small numbers."""
    grammar = Grammar()
    grammar.alias("small", {"num": lambda n: n[0] if n[0] < 10 else None})

    @grammar.rule("sum", "small", "p:+", "small")
    def _add(ctx: Ctx, a: int, _p: str, b: int) -> int:
        return a + b

    @grammar.rule("sum", "sum", "p:+", "small")
    def _more(ctx: Ctx, a: int, _p: str, b: int) -> int:
        return a + b

    @grammar.rule("dated", "sum")
    def _dated(ctx: Ctx, a: int) -> tuple[int, int]:
        return (a, ctx.ref.year)

    return grammar


class TestGrammar:
    """Rule registration and parsing."""

    def test_alias_filters_and_converts(self) -> None:
        """An alias matches its source category through the transform; None blocks it."""
        grammar = small_grammar()
        sums = [n.value for n in grammar.parse(tokenize("2 + 3"), CTX) if n.cat == "sum"]
        assert sums == [5]
        assert [n for n in grammar.parse(tokenize("2 + 30"), CTX) if n.cat == "sum"] == []

    def test_nested_rules_build_each_span_once(self) -> None:
        """Left-to-right parsing builds every derivation once."""
        grammar = small_grammar()
        nodes = grammar.parse(tokenize("1 + 2 + 3"), CTX)
        whole = [n for n in nodes if n.cat == "sum" and n.start == 0 and n.end == 5]
        assert [n.value for n in whole] == [6]

    def test_purity_is_detected(self) -> None:
        """Productions that read the context are marked impure, others pure."""
        grammar = small_grammar()
        purity = {rule.name: rule.pure for rule in grammar.rules}
        assert purity == {"add": True, "more": True, "dated": False}

    def test_impure_results_follow_the_context(self) -> None:
        """A production reading the reference time sees the one passed to parse."""
        grammar = small_grammar()
        later = Ctx(datetime(2020, 1, 1, tzinfo=UTC))
        for ctx, year in ((CTX, 2013), (later, 2020)):
            dated = [n.value for n in grammar.parse(tokenize("1 + 1"), ctx) if n.cat == "dated"]
            assert dated == [(2, year)]

    def test_node_cap_bounds_work(self) -> None:
        """However long the input, a parse stops at the node cap."""
        grammar = small_grammar()
        nodes = grammar.parse(tokenize(" + ".join(["1"] * 5000)), CTX)
        assert len(nodes) <= MAX_NODES
