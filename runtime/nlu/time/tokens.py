"""Split text into tokens with character offsets and lexical categories."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .lexicon import categories

__all__ = ["MAX_TOKEN_CHARS", "Token", "tokenize"]

# Longer "words" are never times; cutting them keeps regex work linear.
MAX_TOKEN_CHARS = 40

_PATTERN = (
    r"(?P<mer>(?<![a-z])[ap]\.?\s?m\.?(?![a-z]))"  # am, p.m., a m
    r"|(?P<num>\d+)"
    r"|(?P<word>[a-z]+(?:'[a-z]+)*'?)"
    r"|(?P<punct>\S)"
)
# Lower-cased text keeps its offsets almost always; the case-blind pattern covers the rest.
_LOWER = re.compile(_PATTERN)
_ANY_CASE = re.compile(_PATTERN, re.IGNORECASE)


class Token(NamedTuple):
    """One token: its text (lower-cased), character span and lexical categories."""

    text: str
    start: int
    end: int
    cats: tuple[tuple[str, object], ...]


def tokenize(text: str) -> list[Token]:
    """Tokens of `text`; each carries the categories the lexicon gives it."""
    tokens: list[Token] = []
    new = tuple.__new__
    lower = text.lower()
    pattern = _LOWER
    if len(lower) != len(text):
        lower, pattern = text, _ANY_CASE
    for match in pattern.finditer(lower):
        kind = match.lastgroup
        raw = match.group()
        if len(raw) > MAX_TOKEN_CHARS:
            continue
        if pattern is _ANY_CASE:
            raw = raw.lower()
        if kind == "word":
            cats = categories(raw)
        elif kind == "num":
            # Longer digit runs (phone and account numbers) are never times.
            cats = (("num", (int(raw), len(raw))),) if len(raw) <= 6 else ()
        elif kind == "mer":
            cats = _AM if raw[0] == "a" else _PM
        else:
            cats = _punct(raw)
        start, end = match.span()
        tokens.append(new(Token, (raw, start, end, cats)))
    return tokens


_AM: tuple[tuple[str, object], ...] = (("mer", "am"),)
_PM: tuple[tuple[str, object], ...] = (("mer", "pm"),)


@lru_cache(maxsize=256)
def _punct(raw: str) -> tuple[tuple[str, object], ...]:
    return (("p:" + raw, raw),)
