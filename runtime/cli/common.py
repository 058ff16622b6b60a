"""What every command shares: exit statuses, the runtime it runs on, and masked JSON output."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from automate.runtime.runtime import Runtime

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_QUESTION", "EXIT_USAGE", "print_json", "runtime_for"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_QUESTION = 0, 1, 2, 3


def runtime_for(args: argparse.Namespace) -> Runtime:
    """The runtime on the command's config directory, with the router `--router` names, if any."""
    from automate.runtime.runtime import Runtime

    policy = getattr(args, "router", None)
    # A router named on the command line is asked for, so it is asked even on a dry run.
    return Runtime.from_config(args.config, router_policy=policy, ask_on_dry_run=True if policy else None)


def print_json(data: Any) -> None:
    """Print `data` as indented JSON with every registered secret masked."""
    from automate.integrations.redaction import redact

    print(json.dumps(redact(data), indent=2, ensure_ascii=False, default=str))
