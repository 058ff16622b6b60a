"""Holiday names, possibly several words long ("chinese lunar new year's day")."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from ..forms import Form
from ..grammar import GRAMMAR as G
from ..holidays import ALIASES
from ..tokens import Token

__all__ = ["holiday_words", "norm_word"]

# A form with nothing set, to build holiday forms by position (`holiday` is field 12).
_UNSET = Form()
assert Form._fields[12] == "holiday", "Form fields changed; update _scan()"
# Punctuation that may sit inside a name ("eid al-fitr", "st. patrick's day").
_INNER = {"-", "."}


def norm_word(word: str) -> str:
    """A word as holiday names are matched: "'s" dropped, inner apostrophes removed."""
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace("'", "") if not word.endswith("'") else word


@lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key, names in ALIASES.items():
        for name in names:
            words = tuple(norm_word(w) for w in name.replace("-", " ").split())
            index.setdefault(words[0], []).append((words, key))
    for entries in index.values():
        entries.sort(key=lambda item: -len(item[0]))
    return index


def _weekday(token: Token) -> int | None:
    for cat, value in token.cats:
        if cat == "dow":
            return value  # type: ignore[return-value]
    return None


def _same(token: Token, word: str, norm: str) -> bool:
    if norm == word or norm == word + "s":
        return True
    day = _weekday(token)
    return day is not None and day == _weekday_word(word)


@lru_cache(maxsize=64)
def _dow_cats(word: str) -> tuple[tuple[str, object], ...]:
    from ..lexicon import categories

    return categories(word)


def _match(tokens: Sequence[Token], norms: list[str], start: int, words: tuple[str, ...]) -> int:
    """End index of `words` matched from `start`, or -1."""
    i = start
    for word in words:
        while i < len(tokens) and tokens[i].text in _INNER and i > start:
            i += 1
        if i >= len(tokens) or not _same(tokens[i], word, norms[i]):
            return -1
        i += 1
    return i


def _candidates(token: Token) -> list[tuple[tuple[str, ...], str]]:
    index = _index()
    norm = norm_word(token.text)
    found = index.get(norm) or index.get(norm.rstrip("s"))
    if found:
        return found
    day = _weekday(token)
    return _by_weekday().get(day, []) if day is not None else []


def _scan(tokens: Sequence[Token]) -> list[tuple[int, int, str, object]]:
    table = _start_table()
    found: list[tuple[int, int, str, object]] = []
    norms: list[str] | None = None
    size = len(tokens)
    for start, token in enumerate(tokens):
        candidates = table.get(token.text)
        if candidates is None:
            continue
        for words, key in candidates:
            if len(words) > size - start:
                continue  # too few tokens left for the name (cheap, and the usual case)
            if norms is None:
                norms = []
                for other in tokens:
                    norms.append(norm_word(other.text))
            end = _match(tokens, norms, start, words)
            if end > 0:
                found.append((start, end, "time", tuple.__new__(Form, (*_UNSET[:12], key, *_UNSET[13:]))))
                break
    return found


@lru_cache(maxsize=1)
def _start_table() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Names that may begin at each token text (the scanner's one lookup per token)."""
    from ..lexicon import categories

    return {text: _candidates(Token(text, 0, 0, categories(text))) for text in _starts()}


@lru_cache(maxsize=1)
def holiday_words() -> frozenset[str]:
    """Every word of every holiday name (so a text splitter keeps them together)."""
    return frozenset(word for words in _index().values() for name, _ in words for word in name)


@lru_cache(maxsize=1)
def _starts() -> frozenset[str]:
    """Token texts that may begin a holiday name (the cheap first check)."""
    from ..lexicon import WORDS

    words: set[str] = set()
    for first in _index():
        words.update((first, first + "s", first + "'s", first + "'"))
    if _by_weekday():  # names starting with a weekday also start at its abbreviations
        words.update(w for w in WORDS if _weekday_word(w) is not None)
    return frozenset(words)


@lru_cache(maxsize=1)
def _by_weekday() -> dict[int, list[tuple[tuple[str, ...], str]]]:
    """Names that start with a weekday, by weekday (so "thu" finds "thursday of ...")."""
    table: dict[int, list[tuple[tuple[str, ...], str]]] = {}
    for word, entries in _index().items():
        day = _weekday_word(word)
        if day is not None:
            table.setdefault(day, []).extend(entries)
    return table


@lru_cache(maxsize=256)
def _weekday_word(word: str) -> int | None:
    for cat, value in _dow_cats(word):
        if cat == "dow":
            return value  # type: ignore[return-value]
    return None


G.scanners.append((_scan, _start_table))
