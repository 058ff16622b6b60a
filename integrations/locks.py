"""A lock on a file shared by every process on the machine, taken from asyncio.

Two ``automate`` commands booking into the same embedded calendar are two
processes: only an OS lock orders them. The lock is polled without blocking
so that many waiters in one process never tie up the worker threads the
holder needs to finish its work.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from automate.integrations.files import private_file

__all__ = ["file_lock"]

POLL_SECONDS = 0.005


@asynccontextmanager
async def file_lock(path: Path) -> AsyncIterator[None]:
    """Hold an exclusive `flock` on `path` (created private if missing) for the block."""
    fd = os.open(private_file(path), os.O_RDWR)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                await asyncio.sleep(POLL_SECONDS)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
