"""Numbers and ordinals, in digits and in words."""

from __future__ import annotations

from ..chart import Ctx
from ..grammar import GRAMMAR as G

__all__: list[str] = []

Num = tuple[int, int]  # value, count of digits (0 for words)


# "int" is any whole number, in digits or words; the others are numbers in a role.
# Aliases only filter and convert, so numbers add few nodes to the chart.
G.alias("int", {
    "num": lambda n: n if n[1] <= 6 else None,
    "numw": lambda n: (n, 0),
    "tens": lambda n: (n, 0),
    "intw": None,
})
G.alias("count", {"int": lambda n: n[0] if 1 <= n[0] <= 10000 else None, "fewcount": None})
G.alias("year", {
    "num": lambda n: n[0] if n[1] == 4 and 1000 <= n[0] <= 2999 else None,
    "intw": lambda n: n[0] if 1000 <= n[0] <= 2999 else None,
})
G.alias("domn", {"num": lambda n: n[0] if n[1] <= 2 and 1 <= n[0] <= 31 else None, "dom": None})
G.alias("mins", {
    "int": lambda n: n[0] if 1 <= n[0] <= 59 else None,
    "w:quarter": lambda _: 15,
    "w:half": lambda _: 30,
    "minsw": None,
})
G.alias("ord", {"ordw": None, "ordx": None})
G.alias("dsep", {"p:/": None, "p:-": None, "p:.": None})


@G.rule("intw", "tens", "numw")
def _tens_units(ctx: Ctx, tens: int, unit: int) -> Num | None:
    return (tens + unit, 0) if 1 <= unit <= 9 else None


@G.rule("intw", "tens", "p:-", "numw")
def _tens_dash_units(ctx: Ctx, tens: int, _d: str, unit: int) -> Num | None:
    return (tens + unit, 0) if 1 <= unit <= 9 else None


@G.rule("intw", "int", "w:thousand", "int")
def _thousands(ctx: Ctx, high: Num, _t: str, low: Num) -> Num | None:
    if high[1] or low[1] or not 1 <= high[0] <= 9 or low[0] >= 1000:
        return None
    return (high[0] * 1000 + low[0], 0)


@G.rule("intw", "int", "w:thousand")
def _thousand(ctx: Ctx, high: Num, _t: str) -> Num | None:
    return (high[0] * 1000, 0) if not high[1] and 1 <= high[0] <= 9 else None


@G.rule("intw", "int", "w:hundred")
def _hundred(ctx: Ctx, high: Num, _t: str) -> Num | None:
    return (high[0] * 100, 0) if not high[1] and 1 <= high[0] <= 99 else None


@G.rule("intw", "int", "int")
def _word_year(ctx: Ctx, high: Num, low: Num) -> Num | None:
    """Years read in pairs: "nineteen seventy four"."""
    if high[1] or low[1] or not 10 <= high[0] <= 20 or not 10 <= low[0] <= 99:
        return None
    return (high[0] * 100 + low[0], 0)


@G.rule("ordx", "num", "ordsuf")
def _ord_digits(ctx: Ctx, n: Num, _s: None) -> int | None:
    return n[0] if n[1] <= 2 and n[0] >= 1 else None


@G.rule("ordx", "tens", "ordw")
def _ord_tens(ctx: Ctx, tens: int, n: int) -> int | None:
    return tens + n if n <= 9 else None


@G.rule("ordx", "tens", "p:-", "ordw")
def _ord_tens_dash(ctx: Ctx, tens: int, _d: str, n: int) -> int | None:
    return tens + n if n <= 9 else None
