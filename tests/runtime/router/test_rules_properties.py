"""Property tests: any text, however long or mangled, gets a well-formed answer and no fault."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from structlog.testing import capture_logs

from automate.runtime.nlu.intents import INTENTS, MAX_CHARS, NONE, analyze
from automate.runtime.plan import Clarification, Decline, Plan, Routing
from automate.runtime.router.base import RouteContext
from automate.runtime.router.rules import RuleRouter

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 7, 23, 30, tzinfo=ZONE)  # the night before a DST change
ACTIONS = {(spec.agent, spec.action) for spec in INTENTS.values()}
SEEDS = [
    "schedule a meeting with Ana tomorrow at 3pm",
    "book lunch with Ana on friday and email her the address",
    "remind me every monday at 9 to send the report",
    "send an email to ana@example.com saying the report is ready",
    "move my 3pm meeting to 4pm",
    "take eggs off the grocery list",
    "what's the weather",
    "cancel my meeting with Ana tomorrow",
]
VOCABULARY = (
    "a the and to at on in for with my me i email send remind meeting list alarm cancel "
    "tomorrow friday next 3pm 7 noon every from until her him them 's , . ; ? @ 12/05 "
    "half past o'clock twenty first"
)
WORDS = st.sampled_from(VOCABULARY.split(" "))


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A known request with words inserted, deleted or repeated, and random characters spliced in."""
    words = draw(st.sampled_from(SEEDS)).split()
    for _ in range(draw(st.integers(0, 8))):
        where = draw(st.integers(0, len(words)))
        action = draw(st.sampled_from(["insert", "delete", "repeat"]))
        if action == "insert":
            words.insert(where, draw(WORDS))
        elif action == "delete" and words:
            words.pop(min(where, len(words) - 1))
        elif words:
            words[min(where, len(words) - 1) :] *= draw(st.integers(1, 3))
    noise = draw(st.text(max_size=20))
    return " ".join(words) + noise


LONG = st.text(min_size=1000, max_size=10_000) | st.builds(
    lambda words, n: " ".join(words) * n, st.lists(WORDS, min_size=1, max_size=30), st.integers(1, 300)
)
ANY_TEXT = st.text(max_size=300) | mutated() | LONG


def _assert_well_formed(routing: Routing, text: str) -> None:
    json.dumps(routing.model_dump(mode="json"))
    if isinstance(routing, Plan):
        assert routing.steps
        ids = [step.id for step in routing.steps]
        assert len(set(ids)) == len(ids)
        for step in routing.steps:
            assert (step.agent, step.action) in ACTIONS
            assert set(step.needs) < set(ids[: ids.index(step.id)]) | {step.id} or not step.needs
            for key in ("start", "end", "new_start", "at", "since", "before"):
                value = step.params.get(key)
                if isinstance(value, str) and not value.startswith("{"):
                    assert datetime.fromisoformat(value).tzinfo is not None
    elif isinstance(routing, Clarification):
        assert routing.question
        assert (routing.agent, routing.action) in ACTIONS
    else:
        assert isinstance(routing, Decline)
        assert routing.reason
    assert len(routing.text) <= max(len(text), MAX_CHARS)


class TestRuleRouterProperties:
    @settings(max_examples=300, deadline=timedelta(seconds=2))
    @given(ANY_TEXT)
    def test_any_text_gets_a_well_formed_answer_without_a_fault(self, text: str) -> None:
        """Random, mutated and long text (to 10,000 chars) routes without raising or logging a fault."""
        with capture_logs() as logs:
            routing = RuleRouter().route(text, RouteContext(now=NOW, timezone=ZONE))
        assert [e for e in logs if e["event"] in {"routing_failed", "time_parse_failed"}] == []
        _assert_well_formed(routing, text)

    @settings(max_examples=200, deadline=timedelta(seconds=2))
    @given(ANY_TEXT)
    def test_analysis_spans_point_into_the_text(self, text: str) -> None:
        """Every slot's span holds exactly its text, and a declined request has a reason."""
        analysis = analyze(text)
        for slot in analysis.slots:
            assert 0 <= slot.start < slot.end <= len(text)
            assert text[slot.start : slot.end] == slot.text
        assert (analysis.intent == NONE) == (analysis.spec is None)
        if analysis.intent == NONE:
            assert analysis.reason

    def test_non_text_is_declined(self) -> None:
        """A value that is not text is declined rather than raising."""
        routing = RuleRouter().route(None, RouteContext(now=NOW, timezone=ZONE))  # type: ignore[arg-type]
        assert isinstance(routing, Decline)


class TestImportCost:
    def test_importing_the_router_does_not_load_the_time_grammar(self) -> None:
        """The time grammar loads on the first request, so importing the router stays cheap."""
        probe = (
            "import sys, automate.runtime.router.rules; "
            "print(sorted(m for m in sys.modules if m.startswith('automate.runtime.nlu.time')))"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
        )
        assert done.stdout.strip() == "[]"
