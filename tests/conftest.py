"""Fixtures shared by the whole suite: a configuration on a temporary data directory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from automate.integrations.config import AppConfig, load_config

ZONE = ZoneInfo("Europe/Lisbon")
# A Tuesday morning, so "tomorrow" is a working day and "friday" is unambiguous.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZONE)
# The environment that stops a runtime's clock at NOW, for a command a test starts.
CLOCK_ENV = {"AUTOMATE_NOW": NOW.isoformat()}


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test, and every command it starts, reads NOW as the time, whatever today's date."""
    for name, value in CLOCK_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def user_config(tmp_path: Path) -> Path:
    """A user config directory that pins the time zone."""
    directory = tmp_path / "config"
    directory.mkdir()
    (directory / "settings.yaml").write_text("timezone: Europe/Lisbon\n")
    return directory


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty data directory."""
    directory = tmp_path / "home"
    directory.mkdir()
    return directory


@pytest.fixture
def local_config(user_config: Path, home: Path) -> AppConfig:
    """The shipped defaults (local calendar, Maildir, address book) on a temporary home."""
    return load_config(user_config, env={}, home=home)


@pytest.fixture
def fixed_now() -> Callable[[], datetime]:
    """A clock stopped at NOW."""
    return lambda: NOW


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `temporal` every test that uses the Temporal dev server, whose Go binary ignores faketime."""
    for item in items:
        if "temporal_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.temporal)


OLD_TOP_LEVEL = ("agents", "runtime", "integrations", "configs", "main")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if any code imported a package by its old bare name instead of `automate.…`.

    pytest puts the repository root on sys.path, so `import agents` would still work here
    and hide an import that breaks once installed.
    """
    import sys

    # pytest itself imports the checkout's root `__init__.py` as a package named after the
    # folder (`main` in a checkout called main): that is not a bare import of main.py.
    root_init = Path(__file__).resolve().parents[1] / "__init__.py"
    stray = sorted(
        name
        for name, module in sys.modules.items()
        if name.split(".")[0] in OLD_TOP_LEVEL and getattr(module, "__file__", None) != str(root_init)
    )
    if stray:
        print(f"\nimported under a bare top-level name (use automate.…): {', '.join(stray[:10])}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
