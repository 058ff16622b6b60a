"""The library's loggers: structlog events handed to stdlib `logging`, never written anywhere by us.

Every logger is a stdlib logger under ``automate`` wrapped by structlog, and
the library installs no sink: embedded in a program that configures no
logging, it is silent (the ``automate`` logger holds only the `NullHandler`
the `logging` docs ask libraries for, so even warnings stay out of the
host's stderr). A program that configures stdlib logging hears the events;
the ``automate`` command configures its stderr sink (`automate.runtime.cli.logs`).

Each event runs through the application's structlog processors once it has
configured some (the command, a host, `structlog.testing.capture_logs`);
before that, through `QUIET`: dropped below the stdlib level, secrets masked,
rendered as ``event='…' key=…`` text for whatever stdlib handler is listening.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import structlog
from structlog.typing import Processor

from automate.integrations.redaction import redact_event

__all__ = ["QUIET", "ROOT", "get_logger"]

ROOT = "automate"

QUIET: list[Processor] = [
    # First, so an event nobody listens to costs a level check and nothing more.
    structlog.stdlib.filter_by_level,
    structlog.contextvars.merge_contextvars,
    structlog.processors.StackInfoRenderer(),
    # Tracebacks become text first so that redaction sees them too.
    structlog.processors.format_exc_info,
    redact_event,
    structlog.processors.KeyValueRenderer(key_order=["event"]),
]

logging.getLogger(ROOT).addHandler(logging.NullHandler())


class _Chain:
    """The processors to run, looked up per event: the configured ones, else `QUIET`."""

    def __iter__(self) -> Iterator[Processor]:
        configured: list[Processor] = structlog.get_config()["processors"]
        return iter(configured if structlog.is_configured() else QUIET)


_CHAIN = _Chain()


def get_logger(name: str) -> Any:
    """A structlog logger over the stdlib logger ``automate.<name>`` (`name` may already start so)."""
    qualified = name if name == ROOT or name.startswith(f"{ROOT}.") else f"{ROOT}.{name}"
    return structlog.wrap_logger(logging.getLogger(qualified), processors=_CHAIN)
