"""Intents and slots: what a request asks, of which agent, with which words.

`analyze(text)` returns an `Analysis`: an intent from `INTENTS` (or "none") and
SLURP-style slots with character spans, from general vocabulary and word-order rules.

The modules, each with one job: `text` (tokens with spans), `lexicon` (word sets),
`cues` (domain anchors and the act a request names), `classify` (cues -> intent),
`timeslots` (date/time/part-of-day words), `entities` (people, titles, places, list
names), `phrases` (message bodies, reminder texts, list items, durations), `clauses`
(compound requests), `when` (resolved times via `runtime.nlu.time`), `table` (intent
-> agent action and SLURP label).
"""

from automate.runtime.nlu.intents.analysis import MAX_CHARS, Analysis, Slot, analyze
from automate.runtime.nlu.intents.table import INTENTS, NONE, IntentSpec, spec_for_action

__all__ = ["INTENTS", "MAX_CHARS", "NONE", "Analysis", "IntentSpec", "Slot", "analyze", "spec_for_action"]
