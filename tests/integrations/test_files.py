"""Private data files: directories 0700 and files 0600 under any umask, stale work files removed."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from automate.integrations.config import AppConfig
from automate.integrations.credentials import CredentialStore
from automate.integrations.files import private_dir, private_file, remove_stale
from automate.runtime.runtime import Runtime


def mode(path: Path) -> int:
    """The permission bits of `path`."""
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which plain creation makes files 0644 and directories 0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


class TestPrivateDir:
    def test_every_missing_directory_is_created_0700(self, tmp_path: Path, umask_022: None) -> None:
        """The directory and each parent it had to create are readable by their owner only."""
        made = private_dir(tmp_path / "a" / "b" / "c")
        assert made.is_dir()
        assert [mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", made)] == [0o700] * 3

    def test_an_existing_directory_keeps_its_mode(self, tmp_path: Path, umask_022: None) -> None:
        """A directory the person made (0755 here) is not changed."""
        existing = tmp_path / "mine"
        existing.mkdir(mode=0o755)
        private_dir(existing / "inner")
        assert (mode(existing), mode(existing / "inner")) == (0o755, 0o700)


class TestPrivateFile:
    def test_a_new_file_is_empty_and_0600(self, tmp_path: Path, umask_022: None) -> None:
        """The file is created empty, owner-only, in a private directory."""
        path = private_file(tmp_path / "d" / "f.sqlite3")
        assert (path.read_bytes(), mode(path), mode(path.parent)) == (b"", 0o600, 0o700)

    def test_an_existing_file_is_left_as_it_is(self, tmp_path: Path) -> None:
        """Its content stays."""
        path = tmp_path / "f"
        path.write_text("kept")
        assert private_file(path).read_text() == "kept"


class TestRemoveStale:
    def test_only_files_older_than_the_limit_are_removed(self, tmp_path: Path) -> None:
        """A file modified long before `now` goes; a recent one and a sub-directory stay."""
        old, new = tmp_path / "old", tmp_path / "new"
        old.write_text("x")
        new.write_text("y")
        (tmp_path / "sub").mkdir()
        os.utime(old, (1_000.0, 1_000.0))
        os.utime(new, (9_000.0, 9_000.0))
        assert remove_stale(tmp_path, older_than=3_600, now=10_000.0) == 1
        assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "sub"]

    def test_a_missing_directory_removes_nothing(self, tmp_path: Path) -> None:
        """No directory, nothing to do."""
        assert remove_stale(tmp_path / "absent", older_than=1, now=10.0) == 0


class TestDataDirectory:
    async def test_everything_a_real_run_writes_is_private(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime], umask_022: None
    ) -> None:
        """After events, mail, lists, reminders, contacts and a stored password, no file is 0644."""
        home = local_config.home
        home.rmdir()  # the data directory itself is created by the first run
        requests = [
            "schedule a meeting with ana@example.com tomorrow at 3pm",
            "send an email to ana@example.com saying the report is ready",
            "add milk to my shopping list",
            "remind me to call mum at 6pm",
            "what's on my calendar tomorrow",
        ]
        async with Runtime(local_config, now=fixed_now) as runtime:
            for text in requests:
                result = await runtime.handle(text)
                assert result.status.value == "done", (text, result.message)
            await runtime.check()
        CredentialStore(home, env={}).set_password("smtp", "private-pass-1")
        made = [home, *home.rglob("*")]
        names = {p.name for p in made}
        stores = ("runs", "calendar", "lists", "reminders", "contacts")
        assert {*(f"{name}.sqlite3" for name in stores), "credentials.enc", "secret.key"} <= names
        assert any(p.parent.name == "cur" for p in made), "the sent message is stored"
        loose = {str(p.relative_to(home.parent)): oct(mode(p)) for p in made if mode(p) & 0o077}
        assert loose == {}
