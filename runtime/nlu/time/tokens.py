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
# The same alternatives without groups: `findall` then yields plain strings, and a token's
# kind follows from its text alone (the alternatives never overlap), so the categories of a
# token text are looked up once and kept.
_FLAT = re.compile(re.sub(r"\(\?P<\w+>", "(?:", _PATTERN))
_CATS: dict[str, tuple[tuple[str, object], ...]] = {}
# Past this many distinct token texts the table starts afresh (bounds memory).
_MAX_CATS = 20_000


class Token(NamedTuple):
    """One token: its text (lower-cased), character span and lexical categories."""

    text: str
    start: int
    end: int
    cats: tuple[tuple[str, object], ...]


def _categories(raw: str, kind: str | None) -> tuple[tuple[str, object], ...]:
    if kind == "word":
        return categories(raw)
    if kind == "num":
        # Longer digit runs (phone and account numbers) are never times.
        return (("num", (int(raw), len(raw))),) if len(raw) <= 6 else ()
    if kind == "mer":
        return _AM if raw[0] == "a" else _PM
    return _punct(raw)


def tokenize(text: str) -> list[Token]:
    """Tokens of `text`; each carries the categories the lexicon gives it."""
    lower = text.lower()
    if len(lower) != len(text):
        return _tokenize_any_case(text)
    tokens: list[Token] = []
    new = tuple.__new__
    known = _CATS.get
    find = lower.find
    end = 0
    for raw in _FLAT.findall(lower):
        # Only white space lies between tokens, so the next occurrence is this token.
        start = find(raw, end)
        end = start + len(raw)
        cats = known(raw)
        if cats is None:
            if len(raw) > MAX_TOKEN_CHARS:
                continue
            if len(_CATS) >= _MAX_CATS:
                _CATS.clear()
            match = _LOWER.match(raw)
            cats = _CATS[raw] = _categories(raw, match.lastgroup if match else None)
        tokens.append(new(Token, (raw, start, end, cats)))
    return tokens


def _tokenize_any_case(text: str) -> list[Token]:
    """Text whose lower-casing changes its length: match case-blind, keep the offsets."""
    tokens: list[Token] = []
    for match in _ANY_CASE.finditer(text):
        raw = match.group()
        if len(raw) > MAX_TOKEN_CHARS:
            continue
        raw = raw.lower()
        start, end = match.span()
        tokens.append(Token(raw, start, end, _categories(raw, match.lastgroup)))
    return tokens


_AM: tuple[tuple[str, object], ...] = (("mer", "am"),)
_PM: tuple[tuple[str, object], ...] = (("mer", "pm"),)


@lru_cache(maxsize=256)
def _punct(raw: str) -> tuple[tuple[str, object], ...]:
    return (("p:" + raw, raw),)
