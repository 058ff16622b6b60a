"""parse_time and find_times: tokenize, parse with the grammar, pick and resolve readings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from . import rules as _rules  # registers every rule
from .chart import Ctx, Node
from .forms import Form, Open, Range, Recur, Span
from .grains import finer, truncate
from .grammar import GRAMMAR
from .resolve import Resolved, form_grain, resolve_form
from .rules.holidays import holiday_words, norm_word
from .tokens import Token, tokenize
from .values import TimeMatch, TimeValue

__all__ = ["find_times", "parse_time", "to_value"]

del _rules
_TOP = ("time", "range", "open", "recur")
# A run of time-related tokens longer than this is parsed in pieces (bounds the work).
MAX_SEGMENT = 24
# Inputs are cut to this many characters before any work.
MAX_TEXT = 20_000
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _aware(ref: datetime) -> datetime:
    """Naive reference times are read as UTC."""
    return ref if ref.tzinfo is not None else ref.replace(tzinfo=UTC)


def _instant(span: Span, interval: bool, alternatives: tuple[TimeValue, ...] = ()) -> TimeValue:
    if interval:
        return TimeValue("interval", span.start, span.end, span.grain, None, bool(alternatives), alternatives)
    return TimeValue("instant", span.start, None, span.grain, None, bool(alternatives), alternatives)


def _form_value(form: Form, ref: datetime) -> TimeValue | None:
    if form.latent:
        return None
    got = resolve_form(form, ref)
    if got is None:
        return None
    if got.alternative is None and form.alt is None:
        return _instant(got.span, got.interval)
    alternatives: list[TimeValue] = []
    if got.alternative is not None:
        alternatives.append(_instant(got.alternative, got.interval))
    if form.alt is not None:
        other = resolve_form(form.evolve(span=form.alt, alt=None), ref)
        if other is not None and other.span != got.span:
            alternatives.append(_instant(other.span, other.interval))
    return _instant(got.span, got.interval, tuple(alternatives))


def _range_value(r: Range, ref: datetime) -> TimeValue | None:
    lo = resolve_form(r.lo, ref)
    if lo is None:
        return None
    hi = resolve_form(r.hi, ref, not_before=lo.span.start)
    if hi is None:
        return None
    end = hi.span.start if r.hi_exclusive else hi.span.end
    if end <= lo.span.start:
        return None
    return TimeValue("interval", lo.span.start, end, finer(lo.span.grain, hi.span.grain))


def _open_value(o: Open, ref: datetime) -> TimeValue | None:
    got: Resolved | None = resolve_form(o.bound, ref)
    if got is None:
        return None
    span = got.span
    if o.from_now:
        now = truncate(ref, "second")
        end = span.end if got.interval or span.grain in ("month", "quarter", "year") else span.start
        return TimeValue("interval", now, end, "second") if end > now else None
    if o.after:
        # After a stretch ("after lunch", "after this weekend") is after its end.
        start = span.end if got.interval else span.start
        return TimeValue("open_after", start, None, span.grain)
    return TimeValue("open_before", None, span.start, span.grain)


def _rrule(r: Recur, p: Form) -> str:
    parts = [f"FREQ={r.freq}"]
    if r.interval > 1:
        parts.append(f"INTERVAL={r.interval}")
    if p.month is not None and r.freq == "YEARLY":
        parts.append(f"BYMONTH={p.month}")
    if p.day is not None and r.freq in ("YEARLY", "MONTHLY"):
        parts.append(f"BYMONTHDAY={p.day}")
    if r.byday:
        parts.append("BYDAY=" + ",".join(_DAYS[d] for d in r.byday))
    if p.hour is not None:
        parts.append(f"BYHOUR={p.hour}")
        parts.append(f"BYMINUTE={p.minute or 0}")
    return ";".join(parts)


def _recur_value(r: Recur, ref: datetime) -> TimeValue | None:
    pattern = r.pattern.evolve(not_immediate=False)
    if pattern.h12 and pattern.hour is not None and pattern.pod is None:
        # "every monday at 9": a reminder hour without am/pm is read in the daytime.
        hour = pattern.hour if pattern.hour >= 7 else pattern.hour + 12
        pattern = pattern.evolve(h12=False, hour=hour)
    if pattern.pod is not None and pattern.hour is None:
        # "every morning": a reminder at a set hour of that part of the day.
        pattern = pattern.evolve(hour=pattern.pod[0] if pattern.pod[0] >= 6 else 9, pod=None)
    if not (pattern.has_date or pattern.has_time or r.byday):
        return TimeValue("recurrence", truncate(ref, "second"), None, "second", rrule=_rrule(r, pattern))
    # The first occurrence: the earliest over the weekdays it runs on.
    days = r.byday or (pattern.weekday,)
    firsts = [resolve_form(pattern.evolve(weekday=day), ref) for day in days]
    found = [got.span.start for got in firsts if got is not None]
    if not found:
        return None
    return TimeValue("recurrence", min(found), None, form_grain(pattern), rrule=_rrule(r, pattern))


def to_value(value: object, ref: datetime) -> TimeValue | None:
    """Resolve a grammar value against the reference time (None when it has no reading)."""
    handler = _HANDLERS.get(type(value))
    if handler is None:
        return None
    try:
        return handler(value, _aware(ref))
    except (OverflowError, ValueError):
        return None


_HANDLERS: dict[type, Callable[[Any, datetime], TimeValue | None]] = {
    Form: _form_value,
    Range: _range_value,
    Open: _open_value,
    Recur: _recur_value,
}


def _trim(tokens: Sequence[Token]) -> tuple[int, int]:
    """Drop punctuation at both ends ("mon.", "on 2/15?")."""
    lo, hi = 0, len(tokens)
    while lo < hi and tokens[lo].cats[0][0].startswith("p:") and tokens[lo].text not in "'\"":
        lo += 1
    while hi > lo and tokens[hi - 1].cats[0][0].startswith("p:") and tokens[hi - 1].text not in "'\"":
        hi -= 1
    return lo, hi


def _ranked(nodes: list[Node]) -> list[Node]:
    return sorted(nodes, key=lambda n: n.cost)


def parse_time(text: str, ref: datetime) -> TimeValue | None:
    """Read the whole of `text` as one time expression; None if it is not one."""
    if not _PREPARED:
        _prepare()
    ref = _aware(ref)
    tokens = tokenize(text[:MAX_TEXT])
    lo, hi = _trim(tokens)
    if lo >= hi or hi - lo > MAX_SEGMENT * 2:
        return None
    tokens = tokens[lo:hi]
    nodes = GRAMMAR.parse(tokens, Ctx(ref))
    whole = [n for n in nodes if n.start == 0 and n.end == len(tokens) and n.cat in _TOP]
    for node in _ranked(whole):
        value = to_value(node.value, ref)
        if value is not None:
            return value
    return None


def _vocabulary() -> frozenset[str]:
    return frozenset(cat for rule in GRAMMAR.rules for cat in rule.pattern)


_VOCAB = _vocabulary()


_PREPARED: list[bool] = []


def _prepare() -> None:
    """On first use, derive once what every lexicon word and one- or two-digit number
    yields alone (kept out of import time)."""
    from .lexicon import WORDS

    _PREPARED.append(True)
    numbers = [str(n) for n in range(100)] + [f"{n:02d}" for n in range(10)]
    GRAMMAR.prepare(tokenize(" ".join([*WORDS, *numbers])), Ctx(datetime(2000, 1, 1, tzinfo=UTC)))


_NAME_WORDS = holiday_words()


def _relevant(token: Token) -> bool:
    """Whether a token can be part of a time expression."""
    return any(cat in _VOCAB for cat, _ in token.cats) or norm_word(token.text) in _NAME_WORDS


def _segments(tokens: list[Token]) -> list[tuple[int, int]]:
    """Runs of tokens that could belong to a time expression, cut to a bounded length."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, token in enumerate([*tokens, None]):
        if token is not None and _relevant(token):
            if start is None:
                start = i
            continue
        if start is not None:
            for lo in range(start, i, MAX_SEGMENT):
                runs.append((lo, min(i, lo + MAX_SEGMENT)))
            start = None
    return runs


_NUMBER_CATS = frozenset({"num", "numw", "tens", "ordw", "ordsuf"})
# Words that also work as adjectives: "monthly groceries" is not a recurrence.
_ADJECTIVAL = frozenset({"hourly", "daily", "nightly", "weekly", "monthly", "yearly", "annually"})
# Words that are times alone only rarely ("may I", "sat down", "a second").
_WEAK_ALONE = frozenset(
    {
        "summer",
        "winter",
        "autumn",
        "may",
        "sat",
        "sun",
        "mar",
        "second",
        "wed",
        "march",
        "fall",
        "spring",
        "h",
        "m",
        "s",
        "q",
        "sec",
        "min",
    }
)


def _plain_word(tokens: Sequence[Token], index: int) -> bool:
    """Whether the token at `index` is an ordinary word (no part of any time)."""
    return index < len(tokens) and tokens[index].text.isalpha() and not _relevant(tokens[index])


def _weak(node: Node, tokens: Sequence[Token], offset: int) -> bool:
    """Matches that are more likely something else: a lone "may", "monthly groceries",
    "a table for 2 people"."""
    first = tokens[offset + node.start].text
    after = offset + node.end
    if node.end - node.start == 1:
        if first in _WEAK_ALONE:
            return True
        if first in _ADJECTIVAL and _plain_word(tokens, after):
            return True
    # "for 7" is a time at the end of a clause, not before a noun or unit ("for 2 weeks").
    if node.rule == "for_time" and after < len(tokens) and tokens[after].text.isalpha():
        return True
    # A number or ordinal right before a noun counts things: "about three things",
    # "the first satellite", "fifth level".
    return _is_number(tokens[offset + node.end - 1]) and _plain_word(tokens, after)


def _is_number(token: Token) -> bool:
    return any(cat in _NUMBER_CATS for cat, _ in token.cats)


def find_times(text: str, ref: datetime) -> list[TimeMatch]:
    """Every time expression in `text`: longest first, without overlaps, in text order."""
    if not _PREPARED:
        _prepare()
    ref = _aware(ref)
    text = text[:MAX_TEXT]
    tokens = tokenize(text)
    ctx = Ctx(ref)
    matches: list[TimeMatch] = []
    for lo, hi in _segments(tokens):
        seg_lo, seg_hi = _trim(tokens[lo:hi])
        offset = lo + seg_lo
        part = tokens[offset : lo + seg_hi]
        if not part:
            continue
        nodes = [n for n in GRAMMAR.parse(part, ctx) if n.cat in _TOP]
        nodes.sort(key=lambda n: (-(part[n.end - 1].end - part[n.start].start), n.cost, n.start))
        taken: list[tuple[int, int]] = []
        for node in nodes:
            if any(node.start < e and s < node.end for s, e in taken):
                continue
            if _weak(node, tokens, offset):
                continue
            value = to_value(node.value, ref)
            if value is None:
                continue
            taken.append((node.start, node.end))
            start, end = part[node.start].start, part[node.end - 1].end
            matches.append(TimeMatch(start, end, text[start:end], value))
    matches.sort(key=lambda m: m.start)
    return matches
