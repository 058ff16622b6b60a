"""The command's log sink: every record, the library's and other packages', to stderr with secrets masked.

Only the ``automate`` command configures logging (the library installs no
sink, see `automate.integrations.logs`), and only while a command runs:
`logging_for` restores what it found, so calling `main()` in-process leaves
the host's logging as it was.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import structlog
from structlog.typing import Processor

from automate.integrations.redaction import redact_event

__all__ = ["LEVELS", "configure_logging", "logging_for"]

LEVELS: dict[str, int] = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}

# What every record gets before it is masked and rendered: structlog events
# here, other packages' stdlib records in the formatter's foreign chain.
_ENRICH: list[Processor] = [
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.StackInfoRenderer(),
    # Tracebacks become text first so that redaction sees them too.
    structlog.processors.format_exc_info,
]


class _Sink(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `configure_logging` installs on the root logger (so it can find and replace it)."""


def configure_logging(level: str = "warning", *, json: bool = False, stream: TextIO | None = None) -> _Sink:
    """Send log records at `level` or above to `stream` (stderr), as text or JSON lines, masked.

    Replaces the sink an earlier call installed; returns the new one.
    """
    try:
        threshold = LEVELS[level.lower()]
    except KeyError:
        raise ValueError(f"unknown log level {level!r} (use one of: {', '.join(LEVELS)})") from None
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    sink = _Sink(stream or sys.stderr)
    sink.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=_ENRICH,
            # Masking is the last step before rendering, for structlog and stdlib records alike.
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, redact_event, renderer],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Sink)]:
        root.removeHandler(old)
    root.addHandler(sink)
    root.setLevel(threshold)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            *_ENRICH,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=False,
    )
    return sink


@contextmanager
def logging_for(level: str, *, stream: TextIO | None = None) -> Iterator[None]:
    """Log at `level` to stderr while the block runs, then put logging back as it was."""
    saved = structlog.get_config() if structlog.is_configured() else None
    root = logging.getLogger()
    old_level = root.level
    sink = configure_logging(level, stream=stream)
    try:
        yield
    finally:
        root.removeHandler(sink)
        root.setLevel(old_level)
        if saved is None:
            structlog.reset_defaults()
        else:
            structlog.configure(**saved)
