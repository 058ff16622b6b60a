"""Numbers and ordinals, in digits and in words."""

from __future__ import annotations

from ..chart import Ctx
from ..grammar import GRAMMAR as G

__all__: list[str] = []

Num = tuple[int, int]  # value, count of digits (0 for words)


@G.rule("intw", "tens", "numw")
def _tens_units(ctx: Ctx, tens: Num, unit: Num) -> Num | None:
    return (tens[0] + unit[0], 0) if 1 <= unit[0] <= 9 else None


@G.rule("intw", "tens", "p:-", "numw")
def _tens_dash_units(ctx: Ctx, tens: Num, _d: str, unit: Num) -> Num | None:
    return _tens_units(ctx, tens, unit)


@G.rule("intw", "int", "w:thousand", "int")
def _thousands(ctx: Ctx, high: Num, _t: str, low: Num) -> Num | None:
    if high[1] or low[1] or not 1 <= high[0] <= 9 or low[0] >= 1000:
        return None
    return (high[0] * 1000 + low[0], 0)


@G.rule("intw", "int", "w:thousand", "w:and", "int")
def _thousands_and(ctx: Ctx, high: Num, _t: str, _a: str, low: Num) -> Num | None:
    """ "two thousand and seventeen"."""
    return _thousands(ctx, high, _t, low)


@G.rule("intw", "int", "w:hundred", "w:and", "int")
def _hundreds_and(ctx: Ctx, high: Num, _h: str, _a: str, low: Num) -> Num | None:
    """ "one hundred and thirty"."""
    if high[1] or low[1] or not 1 <= high[0] <= 9 or not 1 <= low[0] <= 99:
        return None
    return (high[0] * 100 + low[0], 0)


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
def _ord_tens(ctx: Ctx, tens: Num, n: int) -> int | None:
    return tens[0] + n if n <= 9 else None


@G.rule("ordx", "tens", "p:-", "ordw")
def _ord_tens_dash(ctx: Ctx, tens: Num, _d: str, n: int) -> int | None:
    return _ord_tens(ctx, tens, n)
