"""The run commands as a person types them: run, history, show, resume, workflows, scheduler."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from automate.integrations.redaction import register_secret
from automate.runtime.cli import main
from automate.runtime.cli.runs import parse_inputs
from automate.runtime.store import RunRecord, StepRecord, open_store


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch, home: Path, user_config: Path) -> Iterator[None]:
    monkeypatch.setenv("AUTOMATE_HOME", str(home))
    monkeypatch.setenv("AUTOMATE_CONFIG", str(user_config))
    yield


def automate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


class TestRunCommands:
    def test_run_shows_each_step_and_history_and_show_list_the_run(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`run` prints steps as they go; `history` lists the run; `show` gives steps and events."""
        code, out = automate(capsys, "run", "meeting_request", "--input", "attendee=ana@example.com")
        assert code == 0, out
        lines = out.splitlines()
        assert lines[0].startswith("run ") and "started: meeting_request" in lines[0]
        assert [line.split()[1] for line in lines if line.startswith("  ok")] == ["find", "book", "invite"]
        run_id = lines[-1].split()[1].rstrip(":")

        code, out = automate(capsys, "history")
        assert code == 0 and "[workflow] meeting_request" in out and run_id[-8:] in out

        code, out = automate(capsys, "show", run_id[-8:], "--json")
        shown = json.loads(out)
        assert shown["run_id"] == run_id and shown["status"] == "done"
        assert [e["type"] for e in shown["events"]][0::7] == ["run_started", "run_completed"]
        assert shown["steps"][1]["idempotency_key"] == f"{run_id}/book"

    def test_a_missing_input_is_a_clear_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A required input left out fails with its name and changes nothing."""
        code = main(["run", "meeting_request"])
        captured = capsys.readouterr()
        assert code == 1 and "input 'attendee' is required" in captured.err
        assert automate(capsys, "history") == (0, "No runs yet.\n")

    def test_bad_input_syntax_is_a_usage_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`--input` without '=' exits 2."""
        assert automate(capsys, "run", "meeting_request", "--input", "attendee")[0] == 2

    def test_workflows_lists_and_checks_and_previews_a_schedule(
        self, capsys: pytest.CaptureFixture[str], user_config: Path
    ) -> None:
        """`workflows` marks good and broken files; `workflows next` prints 5 fire times."""
        (user_config / "workflows").mkdir()
        (user_config / "workflows" / "broken.yaml").write_text(
            "name: broken\nsteps:\n  - id: a\n    uses: scheduler.list_events\n"
            "    params: {start: '{b.output.x}', end: '{time.day_end}'}\n"
        )
        code, out = automate(capsys, "workflows")
        assert code == 2
        assert "ok    daily_agenda" in out and "ok    meeting_request" in out
        assert "FAIL" in out and "broken.yaml: line 5, step 'a'" in out
        code, out = automate(capsys, "workflows", "next", "daily_agenda")
        assert code == 0 and len([line for line in out.splitlines() if line.startswith("  ")]) == 5

    def test_a_schedule_is_previewed_from_the_pinned_clock(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With AUTOMATE_NOW on a Friday evening, the weekday 07:30 schedule next fires on Monday."""
        monkeypatch.setenv("AUTOMATE_NOW", "2031-01-10T20:00:00+00:00")
        code, out = automate(capsys, "workflows", "next", "daily_agenda", "--count", "2", "--json")
        assert code == 0, out
        assert json.loads(out) == ["2031-01-13T07:30:00+00:00", "2031-01-14T07:30:00+00:00"]

    def test_scheduler_once_and_resume_with_nothing_to_do(self, capsys: pytest.CaptureFixture[str]) -> None:
        """With no unfinished runs, resume and a first scheduler pass do nothing."""
        assert automate(capsys, "resume") == (0, "Nothing to resume.\n")
        assert automate(capsys, "scheduler", "--once") == (0, "resumed 0 run(s), fired 0\n")

    def test_history_filtered_to_nothing_says_so(self, capsys: pytest.CaptureFixture[str]) -> None:
        """With runs in the store but none failed, `history --status failed` says so, not 'No runs yet'."""
        assert automate(capsys, "add milk to my shopping list")[0] == 0
        assert automate(capsys, "history", "--status", "failed") == (0, "No runs with status failed.\n")
        code, out = automate(capsys, "history", "--status", "done")
        assert code == 0 and "add milk to my shopping list" in out

    def test_show_followed_by_words_is_a_request(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`automate show my calendar tomorrow` is understood as a task, not a run id."""
        code, out = automate(capsys, "show", "my", "calendar", "tomorrow")
        assert (code, out) == (0, "Nothing on your calendar then.\n")

    def test_history_and_show_mask_a_secret_stored_before_it_was_registered(
        self, capsys: pytest.CaptureFixture[str], home: Path
    ) -> None:
        """A run written in clear (by an older version) shows *** in its name, error and step message."""
        secret = "old-clear-s3cret-2207"
        store = open_store(home)
        run = RunRecord(
            run_id="0123456789abcdef", kind="task", name=f"add {secret}", spec={}, created_at=1.0,
            updated_at=1.0,
            steps=[StepRecord("0123456789abcdef", "s1", 0, "lists.add_item", message=f"Added {secret}")],
        )  # fmt: skip
        store.create_run(run, [])
        store.close()
        register_secret(secret)
        _, listed = automate(capsys, "history")
        _, shown = automate(capsys, "show", "0123456789abcdef")
        assert secret not in listed + shown
        assert "add ***" in listed and "Added ***" in shown


class TestParseInputs:
    def test_pairs_split_on_the_first_equals(self) -> None:
        """`key=value=more` keeps the rest in the value; a pair without '=' is refused."""
        assert parse_inputs(["a=1", "body=x=y"]) == {"a": "1", "body": "x=y"}
        with pytest.raises(ValueError, match="expected key=value"):
            parse_inputs(["oops"])
