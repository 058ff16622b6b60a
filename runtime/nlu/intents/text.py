"""Splitting a request into lower-cased word tokens that remember where they came from."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Token", "tokenize"]

# An address or a numeric date ("12/05") is one token; otherwise words (with an inner
# apostrophe) and digits with their clock punctuation ("3:30", "10am") stay whole, and
# other punctuation is skipped.
_TOKEN = re.compile(
    r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*"
    r"|\d{1,4}[/-]\d{1,2}(?:[/-]\d{2,4})?(?![\d:])|\d{1,2}\.\d{1,2}\.\d{2,4}"
    r"|\d+(?:[:.]\d\d)?(?:[ap]\.?m\.?|st|nd|rd|th)?"
    r"|[^\W\d_]+(?:['’-][^\W\d_]+)*",
)


@dataclass(frozen=True, slots=True)
class Token:
    """One word: its lower-case form and its character span in the request."""

    word: str
    start: int
    end: int

    @property
    def base(self) -> str:
        """The word without a possessive "'s" ("eric's" -> "eric")."""
        word = self.word
        if word.endswith("'s"):
            return word[:-2]
        return word


def tokenize(text: str) -> list[Token]:
    """Word tokens of `text`, lower-cased, with curly apostrophes made straight."""
    lowered = text.lower().replace("’", "'")
    if len(lowered) == len(text):  # one character per character: spans carry over
        return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(lowered)]
    return [Token(m.group().lower().replace("’", "'"), m.start(), m.end()) for m in _TOKEN.finditer(text)]
