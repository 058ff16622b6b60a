"""Finding the thing a person names by its words: an event, a reminder, a list item.

People name things loosely: "my dentist appointment" for the event titled
"Dentist", "the plumber reminder" for "call the plumber", "eggs" for "egg". A
`WordQuery` folds case, accents, plurals and -ing/-ed ("calling" is "call"),
drops function words, and weighs down the generic nouns of a kind ("meeting",
"reminder"), which the person may say without the thing's name holding them.
A candidate matches only when it holds every other word, so a word the person
said is never ignored to make a guess; among the matches the best scorers are
kept, and several alike come back together, for the caller to ask which.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["Clue", "WordQuery", "words"]

T = TypeVar("T")

GENERIC_WEIGHT = 0.25
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Words that say how, whose or where a thing is named, never which thing it is.
_FUNCTION_WORDS = """
    a about above after all also am an and any are as at be been before below between both
    but by can could did do does for from had has have he her here hers him his how i if in
    into is it its just me mine my no nor not of off on once one only or other our ours out
    over own please same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours
"""
STOP_WORDS = frozenset(_FUNCTION_WORDS.split())


@dataclass(frozen=True)
class Clue:
    """One text a candidate is known by, and how much a word found there counts (title 1)."""

    text: str | None
    weight: float = 1.0


def words(text: str | None) -> list[str]:
    """The words of a text that tell things apart: folded case, accents, plurals and 's; no "the"."""
    if not text:
        return []
    plain = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    tokens = (w.removesuffix("'s") for w in _WORD.findall(plain))
    return [_singular(w) for w in tokens if w not in STOP_WORDS]


class WordQuery:
    """The words a person named a thing by, ready to match candidates of one kind.

    ``WordQuery("my dentist appointment", generic=frozenset({"appointment"}))``
    matches the event titled "Dentist" but not "Doctor appointment".
    """

    def __init__(self, text: str | None, *, generic: Iterable[str] = ()) -> None:
        nouns = {_singular(w) for w in generic}
        said = list(dict.fromkeys(words(text)))
        self.required = [w for w in said if w not in nouns]
        self.optional = [w for w in said if w in nouns]

    @property
    def names_nothing(self) -> bool:
        """Whether the words say nothing about which thing ("the one for tomorrow")."""
        return not self.required and not self.optional

    def score(self, fields: Sequence[Clue]) -> tuple[bool, float] | None:
        """How well a candidate known by `fields` fits; None unless it holds every required word.

        The first part is whether the first field (its title or text) holds
        nothing the person left unsaid: a thing called exactly what was said
        beats one whose name merely contains it ("milk" over "oat milk").
        """
        found = [(_all_forms(words(f.text)), f.weight) for f in fields]
        if any(all(not _forms(w) & held for held, _ in found) for w in self.required):
            return None
        total = sum(
            max((weight for held, weight in found if _forms(w) & held), default=0.0)
            * (1.0 if w in self.required else GENERIC_WEIGHT)
            for w in (*self.required, *self.optional)
        )
        named = _all_forms([*self.required, *self.optional])
        title = words(fields[0].text) if fields else []
        return bool(title) and all(_forms(w) & named for w in title), total

    def matches(self, candidates: Iterable[T], fields: Callable[[T], Sequence[Clue]]) -> list[T]:
        """Every candidate holding each required word, in the order given."""
        return [c for c in candidates if self.score(fields(c)) is not None]

    def best(self, candidates: Iterable[T], fields: Callable[[T], Sequence[Clue]]) -> list[T]:
        """The candidates that fit best, in the order given: one, several alike, or none."""
        scored = [(s, c) for c in candidates if (s := self.score(fields(c))) is not None]
        if not scored:
            return []
        top = max(s for s, _ in scored)
        return [c for s, c in scored if s[0] == top[0] and abs(s[1] - top[1]) < 1e-9]


def _forms(word: str) -> set[str]:
    """The word and, when it ends in -ing or -ed, the stems it may come from ("taking": take)."""
    for suffix in ("ing", "ed"):
        stem = word.removesuffix(suffix)
        if stem != word and len(stem) >= 3:
            forms = {word, stem, stem + "e"}
            if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                forms.add(stem[:-1])  # "planned", "stopping"
            return forms
    return {word}


def _all_forms(said: Iterable[str]) -> set[str]:
    """Every form of every word, to look a word up in."""
    return {form for word in said for form in _forms(word)}


def _singular(word: str) -> str:
    """A crude singular, the same on both sides of a match ("bins" and "bin", "lunches")."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    return word[:-1]
