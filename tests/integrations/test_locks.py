"""The file lock that orders bookings across processes."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

from automate.integrations.locks import file_lock


class TestFileLock:
    async def test_a_second_holder_waits_for_the_first(self, tmp_path: Path) -> None:
        """Two holders of one lock file never overlap: the second enters after the first leaves."""
        path = tmp_path / "calendar.lock"
        trace: list[str] = []
        entered = asyncio.Event()

        async def first() -> None:
            async with file_lock(path):
                trace.append("first in")
                entered.set()
                await asyncio.sleep(0.05)
                trace.append("first out")

        async def second() -> None:
            await entered.wait()
            async with file_lock(path):
                trace.append("second in")

        await asyncio.gather(first(), second())
        assert trace == ["first in", "first out", "second in"]

    async def test_the_lock_file_is_private(self, tmp_path: Path) -> None:
        """The lock file it creates is readable by its owner only."""
        path = tmp_path / "data" / "calendar.lock"
        async with file_lock(path):
            pass
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
