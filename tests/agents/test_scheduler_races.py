"""Bookings racing for one slot, as people make them: CLI processes and API requests at once."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx

from tests.runtime.api.harness import TOKEN, start_serve, stop_serve

# An absolute date a week after the suite's fixed clock (NOW, Tue 24 Nov 2026), never "tomorrow";
# the mail step reads the booking's output, so it runs only for the booking that stays.
REQUEST = "schedule a meeting with ana@example.com on 2 december at 11am and email her the agenda"
BOOKED = "2026-12-02T11:00:00.000000Z"
TITLE = "Meeting with ana@example.com"
TRIALS, PROCESSES, REQUESTS = 20, 4, 10
SERVER_SETTINGS = "timezone: Europe/Lisbon\nserver:\n  token: ${AUTOMATE_API_TOKEN}\n"


def stored_starts(home: Path) -> list[str]:
    """The UTC start of every event in the embedded calendar under `home`."""
    with sqlite3.connect(home / "calendar.sqlite3") as conn:
        return [row[0] for row in conn.execute("SELECT start_utc FROM events")]


def sent_mail(home: Path) -> list[Path]:
    """The messages the embedded mailbox under `home` has sent."""
    return [p for p in (home / "mail" / "sent").rglob("*") if p.is_file()]


def book_at_once(home: Path, config: Path, count: int) -> list[subprocess.CompletedProcess[str]]:
    """Start `count` `automate REQUEST` processes on one data directory together; wait for all."""
    env = {**os.environ, "AUTOMATE_HOME": str(home), "AUTOMATE_CONFIG": str(config), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "automate.main", REQUEST]
    started = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(count)
    ]
    done = []
    for process in started:
        out, err = process.communicate(timeout=60)
        done.append(subprocess.CompletedProcess(command, process.returncode, out, err))
    return done


class TestCreateEventRaces:
    def test_four_processes_booking_one_slot_leave_one_event(self, tmp_path: Path, user_config: Path) -> None:
        """Twenty times over, four CLI processes booking one slot and mailing leave one event, one mail."""
        for trial in range(TRIALS):
            home = tmp_path / f"trial-{trial}"
            done = book_at_once(home, user_config, PROCESSES)
            assert stored_starts(home) == [BOOKED], f"trial {trial}"
            assert len(sent_mail(home)) == 1, f"trial {trial}"
            assert sorted(p.returncode for p in done) == [0] + [3] * (PROCESSES - 1), f"trial {trial}"
            assert sum(p.stdout.startswith(f"Booked '{TITLE}' Wed 02 Dec 11:00") for p in done) == 1
            assert sum(f"That time overlaps '{TITLE}' Wed 02 Dec 11:00" in p.stdout for p in done) == 3

    async def test_ten_api_requests_for_one_slot_leave_one_event(self, tmp_path: Path) -> None:
        """Ten requests to a real `automate serve` booking one slot and mailing leave one event, one mail."""
        config, home = tmp_path / "config", tmp_path / "home"
        config.mkdir()
        home.mkdir()
        (config / "settings.yaml").write_text(SERVER_SETTINGS)
        served = await asyncio.to_thread(start_serve, config, home, tmp_path / "serve.log")
        try:
            headers = {"Authorization": f"Bearer {TOKEN}"}
            async with httpx.AsyncClient(base_url=served.url, headers=headers, timeout=60) as client:
                answers = await asyncio.gather(
                    *(
                        client.post("/api/tasks", json={"text": REQUEST, "wait": True})
                        for _ in range(REQUESTS)
                    )
                )
        finally:
            await asyncio.to_thread(stop_serve, served)
        assert stored_starts(home) == [BOOKED]
        assert len(sent_mail(home)) == 1
        statuses = sorted(a.json()["status"] for a in answers)
        assert statuses == ["done"] + ["needs_clarification"] * (REQUESTS - 1)
