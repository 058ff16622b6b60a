"""parse_time and find_times: tokenize, parse with the grammar, pick and resolve readings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from . import rules as _rules  # registers every rule
from .chart import Ctx, Node
from .convert import aware, to_value
from .forms import Duration
from .grammar import GRAMMAR
from .rules.holidays import holiday_words, norm_word
from .tokens import Token, tokenize
from .values import LengthMatch, TimeMatch, TimeValue

__all__ = ["find_lengths", "find_times", "parse_time"]

del _rules
_TOP = ("time", "range", "open", "recur")
# A run of time-related tokens longer than this is parsed in pieces (bounds the work).
MAX_SEGMENT = 24
# Inputs are cut to this many characters before any work.
MAX_TEXT = 20_000


def _is_punct(token: Token) -> bool:
    """Punctuation, other than the quote marks that mean minutes and seconds."""
    return not token.text[0].isalnum() and token.text not in "'\""


def _trim(tokens: Sequence[Token]) -> tuple[int, int]:
    """Drop punctuation at both ends ("mon.", "on 2/15?")."""
    lo, hi = 0, len(tokens)
    while lo < hi and _is_punct(tokens[lo]):
        lo += 1
    while hi > lo and _is_punct(tokens[hi - 1]):
        hi -= 1
    return lo, hi


def _cost(node: Node) -> int:
    return node.cost


def parse_time(text: str, ref: datetime) -> TimeValue | None:
    """Read the whole of `text` as one time expression; None if it is not one."""
    # The steps are written out here, not called, because this path runs for every phrase
    # and each distinct function it enters is more code to fetch on a cold call.
    if not _PREPARED:
        _prepare()
    if ref.tzinfo is None:
        ref = aware(ref)
    tokens = tokenize(text[:MAX_TEXT])
    lo, hi = 0, len(tokens)
    # Drop punctuation at both ends ("mon.", "on 2/15?"), but not the quote marks that
    # mean minutes and seconds.
    while lo < hi and not tokens[lo].text[0].isalnum() and tokens[lo].text not in "'\"":
        lo += 1
    while hi > lo and not tokens[hi - 1].text[0].isalnum() and tokens[hi - 1].text not in "'\"":
        hi -= 1
    if lo >= hi or hi - lo > MAX_SEGMENT * 2:
        return None
    if lo or hi < len(tokens):
        tokens = tokens[lo:hi]
    size = len(tokens)
    whole: list[Node] = []
    for node in GRAMMAR.parse(tokens, tuple.__new__(Ctx, (ref,))):
        if node.end == size and node.start == 0 and node.cat in _TOP:
            whole.append(node)
    if len(whole) > 1:
        whole.sort(key=_cost)
    for node in whole:
        value = to_value(node.value, ref)
        if value is not None:
            return value
    return None


def _vocabulary() -> frozenset[str]:
    return frozenset(cat for rule in GRAMMAR.rules for cat in rule.pattern)


_VOCAB = _vocabulary()


_PREPARED: list[bool] = []
# Spellings of am/pm (each a single token) prepared with the vocabulary.
_MERIDIEMS = ("am", "pm", "a.m.", "p.m.", "a.m", "p.m", "am.", "pm.")


def _prepare() -> None:
    """On first use, derive once what every word the lexicon, the rules or a holiday name
    use, every one- or two-digit number and common year yields alone (kept out of import
    time), so that parsing a phrase looks its words up instead of deriving them."""
    from .lexicon import WORDS

    _PREPARED.append(True)
    numbers = [str(n) for n in range(100)] + [f"{n:02d}" for n in range(10)]
    numbers += [str(year) for year in range(1950, 2051)]  # the years people name most
    # Words and punctuation the rules name (`w:at`, `p:/`), one per line so that
    # punctuation stays a token of its own.
    named = sorted(cat[2:] for cat in _VOCAB if cat[:2] in ("w:", "p:"))
    vocabulary = [*WORDS, *numbers, *named, *sorted(_NAME_WORDS), *_MERIDIEMS]
    GRAMMAR.prepare(tokenize("\n".join(vocabulary)), Ctx(datetime(2000, 1, 1, tzinfo=UTC)))


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


_DETERMINERS = frozenset({"the", "that", "this", "which", "each", "every", "another", "other"})
# Prepositions and conjunctions: a word that never follows a number as the thing it counts.
_LINKING_WORDS = frozenset({"with", "and", "or", "but", "so", "then", "please", "if", "unless", "because"})
_CLOCK_WORDS = frozenset({*_MERIDIEMS, "o'clock", "oclock", "o", "thirty", "fifteen", "forty-five"})


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
    # "the one on thursday" picks a thing out: after a determiner, "one" is a pronoun, not 1:00
    # (unless a clock word follows: "the one o'clock train").
    at = offset + node.start
    if first.lower() == "one" and at > 0 and tokens[at - 1].text.lower() in _DETERMINERS:
        return at + 1 >= len(tokens) or tokens[at + 1].text.lower() not in _CLOCK_WORDS
    # "for 7" is a time at the end of a clause, not before a noun or unit ("for 2 weeks").
    if node.rule == "for_time" and after < len(tokens) and tokens[after].text.isalpha():
        return True
    # A number or ordinal right before a noun counts things: "about three things",
    # "the first satellite", "fifth level"; before a word that starts no noun ("at 2 with
    # Ana", "half past two and") it is still a time.
    return (
        _is_number(tokens[offset + node.end - 1])
        and _plain_word(tokens, after)
        and tokens[after].text.lower() not in _LINKING_WORDS
    )


def _is_number(token: Token) -> bool:
    return any(cat in _NUMBER_CATS for cat, _ in token.cats)


def find_times(text: str, ref: datetime) -> list[TimeMatch]:
    """Every time expression in `text`: longest first, without overlaps, in text order."""
    if not _PREPARED:
        _prepare()
    ref = aware(ref)
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


# Units of a fixed size; a month or a year is no length to book.
_FIXED_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}


def find_lengths(text: str) -> list[LengthMatch]:
    """Every length of time in `text` ("for 45 minutes", "an hour and a half"), in text order.

    Lengths inside a time expression ("in 2 hours") are found too: callers that want only
    the lengths a person gives something drop those overlapping `find_times` matches.
    """
    if not _PREPARED:
        _prepare()
    text = text[:MAX_TEXT]
    tokens = tokenize(text)
    ctx = Ctx(datetime(2000, 1, 1, tzinfo=UTC))  # a length does not depend on the date
    found: list[LengthMatch] = []
    for lo, hi in _segments(tokens):
        part = tokens[lo:hi]
        nodes = [n for n in GRAMMAR.parse(part, ctx) if n.cat == "dur"]
        nodes.sort(key=lambda n: (n.start - n.end, n.cost, n.start))
        taken: list[tuple[int, int]] = []
        for node in nodes:
            length = node.value
            if not isinstance(length, Duration) or length.unit not in _FIXED_UNITS:
                continue
            if any(node.start < e and s < node.end for s, e in taken):
                continue
            seconds = _FIXED_UNITS[length.unit]
            taken.append((node.start, node.end))
            start, end = part[node.start].start, part[node.end - 1].end
            found.append(LengthMatch(start, end, text[start:end], timedelta(seconds=length.amount * seconds)))
    found.sort(key=lambda m: m.start)
    return found
