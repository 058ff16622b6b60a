"""The library's loggers: silent in a host that configures nothing, masked in one that listens."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from structlog.testing import capture_logs

from automate.integrations.logs import ROOT, get_logger
from automate.integrations.redaction import register_secret

SECRET = "hunter2-library-secret"

EMBEDDED = """
import asyncio
import logging
import sys

from automate import Runtime

if sys.argv[1:] == ["--host-logs"]:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(message)s")


async def main() -> None:
    async with Runtime.from_config() as rt:
        result = await rt.handle("add milk to my shopping list")
    print(result.message)


asyncio.run(main())
"""


def run_embedded(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The host script above, on a fresh HOME with no automate variables set."""
    script = tmp_path / "host.py"
    script.write_text(EMBEDDED)
    home = tmp_path / "fresh-home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTOMATE_", "XDG_"))}
    env["HOME"] = str(home)
    return subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


@pytest.fixture
def listening() -> Iterator[io.StringIO]:
    """A host's stdlib handler on the `automate` logger at INFO, with structlog left unconfigured."""
    structlog.reset_defaults()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    logger = logging.getLogger(ROOT)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


class TestEmbeddedHost:
    def test_a_host_that_configures_nothing_hears_nothing(self, tmp_path: Path) -> None:
        """A script embedding the Runtime prints only its own line: no library output on stdout or stderr."""
        done = run_embedded(tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        lines = done.stdout.splitlines()
        assert len(lines) == 1 and "milk" in lines[0]

    def test_a_host_that_configures_logging_hears_the_events(self, tmp_path: Path) -> None:
        """The same task with the host's stdlib logging at INFO shows the library's events on its sink."""
        done = run_embedded(tmp_path, "--host-logs")
        assert done.returncode == 0, done.stderr
        assert "automate.integrations event='service_called'" in done.stderr
        assert "service_called" not in done.stdout


class TestGetLogger:
    def test_loggers_live_under_the_package_name(self, listening: io.StringIO) -> None:
        """A short name is placed under `automate`, so one stdlib logger governs the whole library."""
        get_logger("integrations.breaker").warning("breaker_opened")
        get_logger("automate.store").warning("store_opened")
        assert listening.getvalue().splitlines() == [
            "automate.integrations.breaker event='breaker_opened'",
            "automate.store event='store_opened'",
        ]

    def test_a_listening_host_gets_events_masked(self, listening: io.StringIO) -> None:
        """With structlog unconfigured, an event carrying a secret reaches the host's handler masked."""
        register_secret(SECRET)
        get_logger("test").info("service_called", message=f"bad token {SECRET}", password="plain")
        output = listening.getvalue()
        assert "event='service_called'" in output
        assert "bad token ***" in output and "password='***'" in output
        assert SECRET not in output and "plain" not in output

    def test_events_below_the_stdlib_level_are_dropped(self, listening: io.StringIO) -> None:
        """A debug event is not rendered when the host listens at INFO."""
        get_logger("test").debug("attempt_started")
        get_logger("test").info("attempt_finished")
        assert "attempt_started" not in listening.getvalue()
        assert "attempt_finished" in listening.getvalue()

    def test_a_configured_structlog_chain_is_used(self) -> None:
        """Once an application configures structlog, library events run through its processors."""
        with capture_logs() as logs:
            get_logger("test").warning("breaker_opened", service="calendar")
        assert logs == [{"event": "breaker_opened", "service": "calendar", "log_level": "warning"}]
