"""A time followed by a zone: "Thursday 8:00 PST", "9:30 - 11:00 CST"."""

from __future__ import annotations

from datetime import timezone

from ..chart import Ctx
from ..forms import Form, Range
from ..grammar import GRAMMAR as G
from ..zones import ZONES

__all__: list[str] = []

for _name, _zone in ZONES.items():
    G.rule("tz", "w:" + _name)(lambda ctx, word: ZONES[word])


@G.rule("time", "clocky", "tz")
def _time_tz(ctx: Ctx, t: Form, zone: timezone) -> Form | None:
    if t.hour is None or t.tz is not None or t.span is not None:
        return None
    return t.evolve(tz=zone, latent=False)


@G.rule("range", "range", "tz")
def _range_tz(ctx: Ctx, r: Range, zone: timezone) -> Range | None:
    if r.lo.hour is None or r.lo.tz is not None:
        return None
    return Range(r.lo.evolve(tz=zone), r.hi.evolve(tz=zone), r.hi_exclusive)
