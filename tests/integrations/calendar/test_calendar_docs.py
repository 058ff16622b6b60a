"""The example configs in docs/calendars.md work as written: `automate` books on Radicale and Google."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from automate.integrations.adapter import CallContext
from automate.integrations.calendar.caldav import CalDAVAdapter
from automate.integrations.calendar.models import TimeRange
from automate.integrations.credentials import KEY_ENV, CredentialStore
from tests.conftest import NOW
from tests.peers.google_calendar import FakeGoogleCalendar
from tests.peers.radicale import RadicaleServer

DOC = Path(__file__).resolve().parents[3] / "docs" / "calendars.md"
MARK = "# ~/.config/automate/integrations_config.yaml\n"


def example(adapter: str) -> str:
    """The documented integrations_config.yaml block that uses `adapter`."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), flags=re.S)
    (found,) = [b for b in blocks if b.startswith(MARK) and f"adapter: {adapter}\n" in b]
    return found


def automate(home: Path, config: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the `automate` command as a person would, on `home` and `config`."""
    base = {k: v for k, v in os.environ.items() if k != KEY_ENV}
    full = {**base, "AUTOMATE_HOME": str(home), "AUTOMATE_CONFIG": str(config), "NO_COLOR": "1", **env}
    return subprocess.run(
        [sys.executable, "-m", "automate.main", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )


def tomorrow_window() -> TimeRange:
    """Tomorrow in Lisbon, whole day."""
    start = (NOW + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return TimeRange(start=start, end=start + timedelta(days=1))


class TestDocumentedExamples:
    """Switching the scheduler's calendar is a config change only, exactly as documented."""

    async def test_caldav_example_books_on_radicale(
        self,
        radicale: RadicaleServer,
        user_config: Path,
        home: Path,
        make_caldav: Callable[..., CalDAVAdapter],
    ) -> None:
        """With the CalDAV example (URL pointed at the test server), a booking lands in Radicale."""
        text = example("caldav").replace("http://127.0.0.1:5232/", radicale.url)
        assert f"username: {radicale.username}\n" in text
        (user_config / "integrations_config.yaml").write_text(text)
        env = {"CALDAV_PASSWORD": radicale.password}
        check = automate(home, user_config, "integrations", "check", **env)
        booked = automate(home, user_config, "schedule a meeting with Ana tomorrow at 3pm", **env)
        assert "caldav" in check.stdout and "calendar 'Work'" in check.stdout, check.stdout + check.stderr
        assert booked.returncode == 0, booked.stdout + booked.stderr
        listed = await make_caldav(calendar="Work").list_events(tomorrow_window(), CallContext())
        assert [(e.title, e.start.hour) for e in listed.events] == [("Meeting with Ana", 15)]
        assert radicale.password not in check.stdout + check.stderr + booked.stdout + booked.stderr

    def test_google_example_books_on_the_google_api(
        self,
        google_server: FakeGoogleCalendar,
        store_google_token: Callable[..., CredentialStore],
        user_config: Path,
        tmp_path: Path,
    ) -> None:
        """With the Google example (plus the test server's endpoint), a booking becomes a Google event."""
        text = example("google_calendar") + f"      api_endpoint: {google_server.api_endpoint}\n"
        (user_config / "integrations_config.yaml").write_text(text)
        store_google_token()  # as `automate auth google` would have left it
        status = automate(tmp_path, user_config, "auth", "status")
        booked = automate(tmp_path, user_config, "schedule a meeting with Ana tomorrow at 3pm", "--json")
        assert status.returncode == 0 and "google" in status.stdout, status.stdout + status.stderr
        assert booked.returncode == 0, booked.stdout + booked.stderr
        events = [e for e in google_server.events().values() if e["status"] == "confirmed"]
        assert [e["summary"] for e in events] == ["Meeting with Ana"]
        assert events[0]["id"] == json.loads(booked.stdout)["output"]["uid"]
