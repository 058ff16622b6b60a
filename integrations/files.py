"""Data files only their owner can read: directories 0700, files 0600, whatever the umask.

The data directory holds task texts, mail, calendars and webhook payloads,
so everything automate creates there is private, as the credential store
always was. Modes of files and directories that already exist are left
alone: they are the person's choice.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["DIR_MODE", "FILE_MODE", "private_dir", "private_file", "remove_stale"]

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` and each missing parent with mode 0700; return `path`."""
    missing = []
    for candidate in (path, *path.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for directory in reversed(missing):
        try:
            os.mkdir(directory, DIR_MODE)
        except FileExistsError:  # another process made it meanwhile
            continue
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 (and its directory 0700) unless it exists; return it.

    Called before a library opens the file (SQLite creates its ``-wal`` and
    ``-shm`` files with the database file's mode).
    """
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    return path


def remove_stale(directory: Path, *, older_than: float, now: float) -> int:
    """Delete the files in `directory` last modified before ``now - older_than``; how many.

    For work files a killed process left behind (a Maildir's ``tmp/``): a
    file younger than that may belong to a writer that is still running.
    """
    removed = 0
    try:
        listing = os.scandir(directory)
    except FileNotFoundError:
        return 0
    with listing:
        for item in listing:
            try:
                if item.is_file(follow_symlinks=False) and item.stat().st_mtime < now - older_than:
                    os.unlink(item.path)
                    removed += 1
            except FileNotFoundError:  # removed by another process meanwhile
                continue
    return removed
