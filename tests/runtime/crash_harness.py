"""Kill `automate run` with SIGKILL at random points, resume it, and count what happened.

Shared by the crash test (a few kills) and its bench twin (fifty). A probe
workflow makes three side effects per run — books an event, mails an invite,
mails a note — on the embedded calendar and Maildir, or (`Peers`) on a real
Radicale CalDAV server and an aiosmtpd SMTP server on loopback. Each run is killed once
(half the time at a random instant after launch, half at a random instant
after its run record appears) and then run again with the same run id, as a
retrying caller would. Afterwards every run must be done, with exactly one
event and one message of each kind.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

__all__ = ["PROBE", "CrashReport", "Peers", "crash_runs"]

ROOT = Path(__file__).resolve().parents[2]
PROBE = """\
name: crash_probe
inputs:
  tag: {type: string}
  start: {type: datetime}
steps:
  - id: book
    uses: scheduler.create_event
    params: {title: "probe {inputs.tag}", start: "{inputs.start}", allow_conflict: true,
             attendees: ["ana@example.com"]}
  - id: invite
    uses: email.send_email
    needs: [book]
    params: {to: ["ana@example.com"], subject: "probe {inputs.tag} invite",
             body: "Booked {book.output.uid}"}
  - id: note
    uses: email.send_email
    needs: [invite]
    params: {to: ["{user.email}"], subject: "probe {inputs.tag} note",
             body: "Sent {invite.output.message_id}"}
"""
ZONE = ZoneInfo("Europe/Lisbon")


@dataclass
class CrashReport:
    """What the kills and resumes left behind."""

    runs: int = 0
    lost: int = 0
    duplicate_events: int = 0
    duplicate_emails: int = 0
    same_id_resends: int = 0
    missing_effects: int = 0
    killed_mid_run: int = 0
    in_doubt_retries: int = 0
    finished_before_kill: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The bench's summary line."""
        return (
            f"runs={self.runs} lost={self.lost} duplicate_events={self.duplicate_events} "
            f"duplicate_emails={self.duplicate_emails}"
        )


@dataclass
class Peers:
    """Real servers the probe's calendar and outbox talk to instead of the embedded ones."""

    caldav_url: str
    caldav_user: str
    caldav_password: str
    caldav_storage: Path
    smtp_port: int
    smtp_messages: Callable[[], list[bytes]]

    def config(self) -> str:
        """The services block pointing `calendar` and `outbox` at the servers."""
        return (
            "services:\n"
            "  calendar:\n    adapter: caldav\n"
            f"    settings: {{url: '{self.caldav_url}', username: {self.caldav_user},"
            " password: '${CRASH_CALDAV_PASSWORD}', allow_plaintext_auth: true, calendar: Probe}\n"
            "  outbox:\n    adapter: smtp\n"
            f"    settings: {{host: 127.0.0.1, port: {self.smtp_port}, security: none}}\n"
        )


def _setup(base: Path, peers: Peers | None) -> tuple[Path, Path]:
    home, config = base / "home", base / "config"
    (config / "workflows").mkdir(parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    (config / "settings.yaml").write_text("timezone: Europe/Lisbon\n")
    (config / "workflows" / "crash_probe.yaml").write_text(PROBE)
    if peers is not None:
        (config / "integrations_config.yaml").write_text(peers.config())
    return home, config


def _command(run_id: str, tag: str, start: datetime) -> list[str]:
    return [
        sys.executable,
        "-m",
        "automate.main",
        "run",
        "crash_probe",
        "--run-id",
        run_id,
        "--input",
        f"tag={tag}",
        "--input",
        f"start={start.isoformat()}",
        "--json",
    ]


def _launch(command: list[str], home: Path, config: Path, secret: str = "") -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "AUTOMATE_HOME": str(home),
        "AUTOMATE_CONFIG": str(config),
        "CRASH_CALDAV_PASSWORD": secret,
    }
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _run_exists(store: Path, run_id: str) -> bool:
    if not store.exists():
        return False
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone() is not None
    except sqlite3.Error:
        return False


def _status(store: Path, run_id: str) -> str | None:
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as conn:
        row = conn.execute("SELECT status FROM runs WHERE run_id = ?", (run_id,)).fetchone()
    return None if row is None else str(row[0])


def _events(home: Path, tag: str, peers: Peers | None) -> int:
    if peers is not None:  # one .ics file per event in Radicale's storage (not its cache)
        summary = f"SUMMARY:probe {tag}\r\n".encode()
        items = [p for p in peers.caldav_storage.rglob("*.ics") if ".Radicale.cache" not in p.parts]
        return sum(path.read_bytes().count(summary) for path in items)
    with sqlite3.connect(home / "calendar.sqlite3", timeout=5) as conn:
        query = "SELECT COUNT(*) FROM events WHERE title = ?"
        return int(conn.execute(query, (f"probe {tag}",)).fetchone()[0])


def _mails(home: Path, peers: Peers | None) -> dict[str, list[str]]:
    """Sent messages by subject: the Message-IDs filed (or accepted by the server) under each."""
    if peers is not None:
        contents = peers.smtp_messages()
    else:
        contents = [path.read_bytes() for path in (home / "mail" / "sent" / "cur").iterdir()]
    found: dict[str, list[str]] = {}
    for content in contents:
        message = message_from_bytes(content, policy=policy.default)
        found.setdefault(str(message["Subject"]), []).append(str(message["Message-ID"]))
    return found


def _warm_up(home: Path, config: Path, store: Path, start: datetime, secret: str) -> tuple[float, float]:
    """Seconds from launch to exit, and from the run record appearing to exit."""
    began = time.monotonic()
    child = _launch(_command("warmup", "warmup", start), home, config, secret)
    while child.poll() is None and not _run_exists(store, "warmup"):
        time.sleep(0.001)
    appeared = time.monotonic()
    child.wait(timeout=120)
    ended = time.monotonic()
    return ended - began, max(0.005, ended - appeared)


def _in_doubt(store: Path) -> int:
    """How many steps were repeated because a kill fell between their intent and outcome."""
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as conn:
        query = "SELECT COUNT(*) FROM events WHERE type = 'step_started' AND data LIKE '%in_doubt%'"
        return int(conn.execute(query).fetchone()[0])


def crash_runs(
    base: Path, runs: int, *, seed: int = 0, say: object = None, peers: Peers | None = None
) -> CrashReport:
    """Run the probe `runs` times, each killed once and resumed; return the counts."""
    rng = random.Random(seed)
    home, config = _setup(base, peers)
    secret = peers.caldav_password if peers else ""
    store = home / "runs.sqlite3"
    first = datetime(2027, 1, 4, 9, 0, tzinfo=ZONE)
    whole, phase = _warm_up(home, config, store, first - timedelta(days=1), secret)
    report = CrashReport()
    for i in range(runs):
        run_id, tag, start = f"crash{i:04d}", f"t{i}", first + timedelta(hours=i)
        command = _command(run_id, tag, start)
        child = _launch(command, home, config, secret)
        if i % 2 == 0:
            time.sleep(rng.uniform(0, whole))
        else:
            while child.poll() is None and not _run_exists(store, run_id):
                time.sleep(0.001)
            time.sleep(rng.uniform(0, phase))
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            report.killed_mid_run += int(_run_exists(store, run_id))
        else:
            report.finished_before_kill += 1
        child.wait(timeout=120)
        again = _launch(command, home, config, secret)
        _, err = again.communicate(timeout=120)
        report.runs += 1
        if again.returncode != 0 or _status(store, run_id) != "done":
            report.lost += 1
            report.problems.append(f"{run_id}: exit {again.returncode}: {err.decode()[-300:]}")
        events = _events(home, tag, peers)
        report.duplicate_events += max(0, events - 1)
        report.missing_effects += int(events == 0)
        if callable(say):
            say(f"run {i + 1}/{runs}: {run_id} events={events}")
    report.in_doubt_retries = _in_doubt(store)
    mails = _mails(home, peers)
    for i in range(runs):
        for kind in ("invite", "note"):
            ids = mails.get(f"probe t{i} {kind}", [])
            report.missing_effects += int(not ids)
            report.duplicate_emails += max(0, len(set(ids)) - 1)
            report.same_id_resends += len(ids) - len(set(ids))
    return report
