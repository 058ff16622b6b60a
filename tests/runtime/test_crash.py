"""Durability under SIGKILL: killed runs resume to completion without doubling side effects."""

from __future__ import annotations

from pathlib import Path

from tests.runtime.crash_harness import crash_runs


class TestCrash:
    def test_killed_runs_complete_once_with_no_duplicate_events_or_mails(self, tmp_path: Path) -> None:
        """Eight runs, each SIGKILLed at a random point and resumed: none lost, nothing doubled."""
        report = crash_runs(tmp_path, 8, seed=5)
        assert report.problems == []
        assert (report.runs, report.lost, report.duplicate_events, report.duplicate_emails) == (8, 0, 0, 0)
        assert report.missing_effects == 0
        assert report.killed_mid_run >= 1  # the kills did land inside runs, not only at start-up
