"""`analyze`: a request's intent and its slots with character spans."""

from __future__ import annotations

from dataclasses import dataclass

from automate.runtime.nlu.intents.classify import classify
from automate.runtime.nlu.intents.entities import find_entities
from automate.runtime.nlu.intents.table import INTENTS, NONE, IntentSpec
from automate.runtime.nlu.intents.text import Token, tokenize
from automate.runtime.nlu.intents.timeslots import tag_times

__all__ = ["MAX_CHARS", "Analysis", "Slot", "analyze"]

MAX_CHARS = 2_000
"""Requests are read up to this many characters; the rest cannot change the routing much."""

_FINDERS_BY_AGENT: dict[str, tuple[str, ...]] = {
    "scheduler": ("people", "events", "tasks", "places", "objects"),
    "reminders": ("people", "events", "tasks", "places", "objects"),
    "email": ("people", "misc", "events"),
    "lists": ("lists", "people"),
}
_FINDERS_UNROUTED = ("people", "events")


@dataclass(frozen=True, slots=True)
class Slot:
    """One slot: its SLURP type, the words, and their character span in the request."""

    type: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Analysis:
    """What a request asks (`intent`: an `INTENTS` key or "none") and the slots it fills."""

    text: str
    intent: str
    slots: tuple[Slot, ...]
    reason: str = ""

    @property
    def spec(self) -> IntentSpec | None:
        """The agent action of the intent, or None when declined."""
        return INTENTS.get(self.intent)

    @property
    def label(self) -> str:
        """The SLURP intent label ("calendar_set", ... or "none")."""
        spec = self.spec
        return spec.label if spec else NONE

    def of(self, kind: str) -> list[Slot]:
        """The slots of one type, in order."""
        return [s for s in self.slots if s.type == kind]


def _slot(text: str, tokens: list[Token], kind: str, i: int, j: int) -> Slot:
    start, end = tokens[i].start, tokens[j - 1].end
    return Slot(kind, text[start:end], start, end)


def analyze(text: str) -> Analysis:
    """The intent and slots of `text`; never raises, whatever the text."""
    clipped = text[:MAX_CHARS]
    tokens = tokenize(clipped)
    time_slots = tag_times(tokens)
    intent, reason = classify([t.word for t in tokens], bool(time_slots))
    spec = INTENTS.get(intent)
    # A declined request still has its words read: slots do not depend on who acts on them.
    finders = _FINDERS_BY_AGENT[spec.agent] if spec else _FINDERS_UNROUTED
    taken = [False] * len(tokens)
    for _, i, j in time_slots:
        for k in range(i, j):
            taken[k] = True
    entity_slots = find_entities(tokens, taken, finders)
    slots = [_slot(clipped, tokens, kind, i, j) for kind, i, j in (*time_slots, *entity_slots)]
    slots.sort(key=lambda s: s.start)
    return Analysis(text, intent, tuple(slots), reason)
