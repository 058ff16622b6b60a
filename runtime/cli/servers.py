"""The long-running commands: `serve` (HTTP API), `mcp` (tools over stdio), `worker` (Temporal)."""

from __future__ import annotations

import argparse
import asyncio

from automate.runtime.cli.common import EXIT_OK, runtime_for

__all__ = ["cmd_mcp", "cmd_serve", "cmd_worker"]


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the HTTP API, webhooks, scheduler and live page until stopped."""
    from automate.runtime.api.serve import serve

    return serve(args.config, args.host, args.port)


def cmd_mcp(args: argparse.Namespace) -> int:
    """Serve every agent action as an MCP tool over stdio until the client hangs up."""
    from automate.runtime.tools.mcp import serve_stdio

    asyncio.run(serve_stdio(runtime_for(args)))
    return EXIT_OK


def cmd_worker(args: argparse.Namespace) -> int:
    """Carry out runs submitted to Temporal until SIGTERM."""
    from automate.runtime.temporal.worker import main as worker_main

    worker_main(args.config)
