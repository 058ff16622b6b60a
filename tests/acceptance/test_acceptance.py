"""The acceptance corpus as a test: shares per agent and overall, every failing case with its reason."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from automate.runtime.runtime import builtin_agents
from tests.acceptance.runner import Case, load_cases, report, run_corpus, shares

FLOOR = Path(__file__).parent / "floor.yaml"
MIN_CASES = 400


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    """The corpus, loaded once."""
    return load_cases()


class TestCorpus:
    def test_the_corpus_is_large_and_every_id_is_unique(self, cases: list[Case]) -> None:
        """At least 400 cases, none sharing an id, each a request or a conversation."""
        ids = Counter(case.id for case in cases)
        assert len(cases) >= MIN_CASES, len(cases)
        assert [i for i, n in ids.items() if n > 1] == []
        assert all((case.text is None) != (not case.turns) for case in cases)

    def test_every_action_of_every_agent_is_expected_somewhere(self, cases: list[Case]) -> None:
        """Each builtin agent action appears among the expected steps of some case."""
        expected = {
            step if isinstance(step, str) else step["do"]
            for case in cases
            for part in [case.expect, *(t.get("expect") or {} for t in case.turns)]
            for step in part.get("steps") or []
        }
        actions = {f"{a.name}.{name}" for a in builtin_agents() for name in a.actions}
        assert actions - expected == set()

    def test_the_corpus_asks_declines_and_converses(self, cases: list[Case]) -> None:
        """Some cases must be declined, some asked about, and some are multi-turn chats."""
        statuses = Counter(str(case.expect.get("status")) for case in cases if case.text is not None)
        assert statuses["declined"] >= 20 and statuses["needs_clarification"] >= 20
        assert sum(1 for case in cases if case.turns) >= 10


class TestAcceptance:
    async def test_the_corpus_scores_at_least_its_floor(
        self, cases: list[Case], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Overall share ≥ the committed floor; the table and every failing case are printed."""
        began = time.perf_counter()
        verdicts = await run_corpus(cases)
        text = report(verdicts, seconds=time.perf_counter() - began)
        with capsys.disabled():
            print("\n" + text)
        ok, total = shares(verdicts)["overall"]
        floor = yaml.safe_load(FLOOR.read_text())["overall"]
        assert 100 * ok / total >= floor, text
