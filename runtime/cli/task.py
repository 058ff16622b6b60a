"""`automate "TEXT"`: carry out one request and print its result (or its plan, with --dry-run)."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from automate.runtime.cli.common import print_json, runtime_for

if TYPE_CHECKING:
    from automate.runtime.result import TaskResult

__all__ = ["cmd_task", "human"]


def cmd_task(args: argparse.Namespace) -> int:
    """Understand and run the request; the exit status says done, failed, asked or declined."""
    text = " ".join(args.text)
    runtime = runtime_for(args)

    async def go() -> TaskResult:
        async with runtime:
            return await runtime.handle(text, dry_run=args.dry_run)

    result = asyncio.run(go())
    if args.json:
        print_json(result.model_dump(mode="json"))
    else:
        print(human(result))
    return result.exit_code


def human(result: TaskResult) -> str:
    """The result as a person reads it: the message, then any numbered options."""
    text = result.message
    if result.options:
        text += "\n" + "\n".join(f"  {i}. {option}" for i, option in enumerate(result.options, 1))
    return text
