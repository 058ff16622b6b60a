"""The `automate` command, run as a person runs it: a subprocess on a fresh data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.conftest import NOW

AUTOMATE = Path(sys.executable).parent / "automate"


def run(home: Path, config: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    command = [str(AUTOMATE)] if AUTOMATE.exists() else [sys.executable, "-m", "automate.main"]
    env = {**os.environ, "AUTOMATE_HOME": str(home), "AUTOMATE_CONFIG": str(config), "NO_COLOR": "1", **extra}
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture
def automate(home: Path, user_config: Path):  # type: ignore[no-untyped-def]
    return lambda *args, **extra: run(home, user_config, *args, **extra)


def tomorrow_at(hour: int) -> datetime:
    return (NOW + timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)


class TestTask:
    def test_books_a_meeting_then_refuses_to_double_book(self, automate) -> None:  # type: ignore[no-untyped-def]
        """The main job: book at tomorrow 15:00, see it listed, and get a conflict the second time."""
        booked = automate("schedule a meeting with Ana tomorrow at 3pm")
        assert booked.returncode == 0, booked.stderr
        assert booked.stdout.startswith("Booked 'Meeting with Ana'")
        assert "15:00–15:30" in booked.stdout

        listed = automate("what's on my calendar tomorrow", "--json")
        assert listed.returncode == 0, listed.stderr
        events = json.loads(listed.stdout)["output"]["events"]
        assert [datetime.fromisoformat(e["start"]) for e in events] == [tomorrow_at(15)]

        again = automate("schedule a meeting with Ana tomorrow at 3pm")
        assert again.returncode == 3
        assert "overlaps 'Meeting with Ana'" in again.stdout
        relisted = json.loads(automate("what's on my calendar tomorrow", "--json").stdout)
        assert len(relisted["output"]["events"]) == 1

    def test_sends_one_well_formed_message(self, automate, home: Path) -> None:  # type: ignore[no-untyped-def]
        """An email request writes exactly one parseable message to the local sent folder."""
        result = automate("send an email to ana@example.com saying the report is ready")
        assert result.returncode == 0, result.stderr
        files = [p for sub in ("new", "cur") for p in (home / "mail" / "sent" / sub).iterdir()]
        assert len(files) == 1
        message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
        assert message["To"] == "ana@example.com"
        assert "the report is ready" in message.get_content()
        assert message["Message-ID"] and message["Date"]

    def test_missing_time_is_a_question(self, automate) -> None:  # type: ignore[no-untyped-def]
        """A meeting with no time exits 3 with a question."""
        result = automate("schedule a meeting with Ana")
        assert result.returncode == 3
        assert "?" in result.stdout

    def test_out_of_scope_is_declined(self, automate) -> None:  # type: ignore[no-untyped-def]
        """A request no agent serves exits 4 with a polite message."""
        result = automate("what's the weather")
        assert result.returncode == 4
        assert result.stdout.startswith("Sorry")

    def test_dry_run_changes_nothing(self, automate, home: Path) -> None:  # type: ignore[no-untyped-def]
        """--dry-run prints the plan and leaves no calendar behind."""
        result = automate("schedule a meeting with Ana tomorrow at 3pm", "--dry-run", "--json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["status"] == "planned"
        listed = json.loads(automate("what's on my calendar tomorrow", "--json").stdout)
        assert listed["output"]["events"] == []


class TestConfigErrors:
    def test_yaml_syntax_error_is_one_clear_line(self, automate, user_config: Path, home: Path) -> None:  # type: ignore[no-untyped-def]
        """Broken YAML names the file and the line, exits 2, and writes nothing."""
        (user_config / "integrations_config.yaml").write_text("services:\n  calendar: [unclosed\n")
        result = automate("schedule a meeting with Ana tomorrow at 3pm")
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert "integrations_config.yaml" in lines[0] and "line" in lines[0]
        assert list(home.iterdir()) == []

    def test_unknown_key_names_the_key_path(self, automate, user_config: Path, home: Path) -> None:  # type: ignore[no-untyped-def]
        """A misspelt key is reported with its full path, exit 2, nothing written."""
        (user_config / "integrations_config.yaml").write_text(
            "services:\n  calendar:\n    adapter: local_calendar\n    retry: {atempts: 3}\n"
        )
        result = automate("what's on my calendar tomorrow")
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert "services.calendar.retry.atempts" in lines[0] and "unknown key" in lines[0]
        assert list(home.iterdir()) == []

    def test_a_bad_automate_now_is_one_clear_line(self, automate, home: Path) -> None:  # type: ignore[no-untyped-def]
        """An AUTOMATE_NOW that is not an ISO time with an offset is a config error: exit 2, no files."""
        result = automate("schedule a meeting with Ana tomorrow at 3pm", AUTOMATE_NOW="next tuesday")
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            "automate: config error: AUTOMATE_NOW: 'next tuesday' is not an ISO 8601 time with an offset"
            " (e.g. 2026-11-24T10:00:00+00:00)"
        ]
        assert list(home.iterdir()) == []

    def test_automate_now_dates_the_request(self, automate) -> None:  # type: ignore[no-untyped-def]
        """With AUTOMATE_NOW set, 'tomorrow' is the day after that instant, whatever today is."""
        result = automate(
            "schedule a meeting with Ana tomorrow at 3pm",
            "--dry-run",
            AUTOMATE_NOW="2031-03-10T08:00:00+00:00",
        )
        assert result.returncode == 0, result.stderr
        assert "2031-03-11T15:00:00+00:00" in result.stdout


class TestCommands:
    def test_help_lists_commands_and_exit_codes(self, automate) -> None:  # type: ignore[no-untyped-def]
        """--help explains the commands and exit statuses."""
        result = automate("--help")
        assert result.returncode == 0
        for word in ("chat", "agents", "integrations check", "exit status", "--dry-run"):
            assert word in result.stdout

    def test_agents_lists_actions(self, automate) -> None:  # type: ignore[no-untyped-def]
        """`automate agents` shows each agent and its actions."""
        result = automate("agents")
        assert result.returncode == 0
        assert "scheduler" in result.stdout and "create_event" in result.stdout
        assert "send_email" in result.stdout

    def test_integrations_check_reports_every_service(self, automate) -> None:  # type: ignore[no-untyped-def]
        """`automate integrations check` runs each adapter's check and succeeds on the defaults."""
        result = automate("integrations", "check", "--json")
        assert result.returncode == 0, result.stdout + result.stderr
        checks = json.loads(result.stdout)
        assert {c["service"] for c in checks} >= {"calendar", "outbox", "mailbox", "contacts"}
        assert all(c["ok"] for c in checks)
