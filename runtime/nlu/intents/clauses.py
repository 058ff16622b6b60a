"""Splitting a compound request into clauses, one per action ("book lunch ... and email her ...")."""

from __future__ import annotations

import re

__all__ = ["split_clauses"]

# A new clause starts at "and"/"then"/";" only when an action verb follows, so
# "lunch with Ana and Tom" stays one clause.
_VERBS = (
    "email|e-mail|mail|send|text|message|tell|let|ask|invite|remind|add|put|book|schedule|set|"
    "create|make|cancel|delete|remove|move|reschedule|postpone|show|list|check|find|forward|"
    "reply|write|also|notify|alert|wake|read|search|look|save"
)
_BOUNDARY = re.compile(
    rf"(?:\s*[;.!?]\s+|,?\s+(?:and\s+then|and\s+also|and|then)\s+|,\s+)(?=(?:please\s+)?(?:{_VERBS})\b)",
    re.IGNORECASE,
)


def split_clauses(text: str) -> list[tuple[int, int]]:
    """Character spans of the clauses of `text`, in order (one span when it is simple)."""
    spans = []
    last = 0
    for match in _BOUNDARY.finditer(text):
        if match.start() > last:
            spans.append((last, match.start()))
        last = match.end()
    spans.append((last, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()] or [(0, len(text))]
