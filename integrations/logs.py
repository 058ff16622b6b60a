"""Structured logging: structlog with secrets masked before anything is rendered."""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

import structlog

from automate.integrations.redaction import redact_event

__all__ = ["LEVELS", "configure_logging", "processors"]

LEVELS: dict[str, int] = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}


def processors(*, json: bool = False) -> list[Any]:
    """The processor chain; `redact_event` always runs after formatting and before rendering."""
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        # Tracebacks become text first so that redaction sees them too.
        structlog.processors.format_exc_info,
        redact_event,
        renderer,
    ]


def configure_logging(level: str = "warning", *, json: bool = False, stream: TextIO | None = None) -> None:
    """Send structlog events at `level` or above to `stream` (stderr), as text or JSON lines."""
    try:
        threshold = LEVELS[level.lower()]
    except KeyError:
        raise ValueError(f"unknown log level {level!r} (use one of: {', '.join(LEVELS)})") from None
    structlog.configure(
        processors=processors(json=json),
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        logger_factory=structlog.PrintLoggerFactory(file=stream or sys.stderr),
        cache_logger_on_first_use=False,
    )
