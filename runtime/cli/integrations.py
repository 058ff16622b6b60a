"""`automate agents` and `automate integrations check`: what is set up, and whether it works."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from automate.runtime.cli.common import EXIT_FAILED, EXIT_OK, print_json, runtime_for

if TYPE_CHECKING:
    from automate.integrations.adapter import CheckResult

__all__ = ["cmd_agents", "cmd_integrations"]


def cmd_agents(args: argparse.Namespace) -> int:
    """Each agent with its actions (read-only or changing things), then the unavailable ones."""
    runtime = runtime_for(args)
    infos = runtime.describe()
    if args.json:
        print_json([info.model_dump(mode="json") for info in infos])
        return EXIT_OK
    for info in infos:
        print(f"{info.name} — {info.description}")
        for act in info.actions:
            marker = "changes things" if act.side_effect else "read-only"
            print(f"  {act.name:<18} {act.description} [{marker}]")
    for name, reason in runtime.unavailable.items():
        print(f"{name} — unavailable: {reason}")
    return EXIT_OK


def cmd_integrations(args: argparse.Namespace) -> int:
    """`integrations check`: run every adapter's check; fails if any service does."""
    runtime = runtime_for(args)

    async def go() -> list[CheckResult]:
        async with runtime:
            return await runtime.check()

    results = asyncio.run(go())
    if args.json:
        print_json([r.model_dump(mode="json") for r in results])
    else:
        for r in results:
            print(f"{'ok  ' if r.ok else 'FAIL'} {r.service:<12} {r.adapter:<16} {r.detail}")
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED
