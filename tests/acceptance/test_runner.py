"""The acceptance runner judges outcomes: a case passes only when what is stored is what it expects."""

from __future__ import annotations

from typing import Any

from tests.acceptance.runner import Case, Verdict, report, run_corpus, shares

BOOK = "schedule a meeting called budget review on friday at 2pm for an hour"
BOOKED = {"title": "budget review", "start": "2026-11-27 14:00", "end": "2026-11-27 15:00"}


def case(expect: dict[str, Any], **fields: Any) -> Case:
    """A one-off case in the runner's own shape."""
    return Case(id=fields.pop("id", "t-1"), agent="scheduler", source="test", expect=expect, **fields)


async def judged(*cases: Case) -> list[Verdict]:
    """The verdicts of running `cases`."""
    return await run_corpus(list(cases))


class TestRunner:
    async def test_a_case_whose_outcome_matches_passes(self) -> None:
        """The stored event read back from the calendar matches the expected local times and title."""
        expect = {"status": "done", "steps": ["scheduler.create_event"], "events": [BOOKED]}
        [verdict] = await judged(case(expect, text=BOOK))
        assert verdict.passed, verdict.reason

    async def test_a_wrong_stored_time_fails_with_the_stored_events(self) -> None:
        """An event expected an hour later than it was booked fails, and the reason shows what is stored."""
        wrong = {**BOOKED, "start": "2026-11-27 15:00", "end": "2026-11-27 16:00"}
        [verdict] = await judged(
            case({"status": "done", "steps": ["scheduler.create_event"], "events": [wrong]}, text=BOOK)
        )
        assert not verdict.passed
        assert "events" in verdict.reason and "14:00" in verdict.reason

    async def test_a_change_the_case_does_not_name_fails(self) -> None:
        """Booking an event when the case expects only the status is a change to the calendar, so it fails."""
        [verdict] = await judged(case({"status": "done", "steps": ["scheduler.create_event"]}, text=BOOK))
        assert not verdict.passed
        assert verdict.reason.startswith("events changed")

    async def test_a_conversation_names_the_turn_that_went_wrong(self) -> None:
        """A chat case whose second turn is not what it expects fails naming that turn."""
        turns = [
            {"say": "book lunch", "expect": {"status": "needs_clarification"}},
            {"say": "friday at 1pm", "expect": {"status": "declined"}},
        ]
        [verdict] = await judged(case({}, turns=turns))
        assert not verdict.passed
        assert verdict.reason.startswith("turn 2 ('friday at 1pm')")

    async def test_a_setup_that_cannot_run_is_a_failed_case_not_a_crash(self) -> None:
        """A setup event without a start fails its own case and the corpus goes on to the next."""
        broken = case({"status": "done"}, id="t-broken", text=BOOK, setup={"events": [{"title": "x"}]})
        fine = case({"status": "declined"}, id="t-fine", text="tell me a joke")
        first, second = await judged(broken, fine)
        assert not first.passed and first.reason.startswith("crashed:")
        assert second.passed, second.reason

    def test_the_report_gives_shares_and_lists_failures(self) -> None:
        """Shares count per agent and overall; the report names each failing case with its reason."""
        verdicts = [
            Verdict(case({}, id="a", text="x"), True),
            Verdict(case({}, id="b", text="y"), False, "status done, expected declined"),
        ]
        assert shares(verdicts) == {"scheduler": (1, 2), "overall": (1, 2)}
        text = report(verdicts)
        assert "50.0%" in text and "b [test] 'y': status done, expected declined" in text
