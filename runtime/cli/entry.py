"""`main`: parse the command line, run the command, and turn what goes wrong into one line and a status."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

from automate.runtime.cli.common import EXIT_FAILED, EXIT_USAGE
from automate.runtime.cli.parser import COMMANDS, TASK, parse

__all__ = ["main"]

Handler = Callable[[argparse.Namespace], int]
_VERBOSITY = ("warning", "info", "debug")
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE, as a Unix tool exits when its reader leaves (`| head`)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line (`sys.argv` when `argv` is None); returns the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    problem = _undecodable(words)
    if problem is not None:
        print(f"automate: {problem}; nothing was done", file=sys.stderr)
        return EXIT_USAGE
    try:
        args = parse(words)
    except SystemExit as exc:  # argparse has printed the help, the version or the usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    command = COMMANDS.get(args.command, TASK)
    handler: Handler = getattr(import_module(f"automate.runtime.cli.{command.module}"), command.handler)
    try:
        return _guarded(handler, args)
    except BrokenPipeError:
        # The reader of our output has gone: stop quietly, and keep the interpreter's
        # final flush from reporting the closed pipe too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE_CLOSED


def _undecodable(words: list[str]) -> str | None:
    """Why an argument cannot be read as text (bytes that are not UTF-8), or None."""
    for word in words:
        try:
            word.encode("utf-8")
        except UnicodeEncodeError:
            try:  # undo the surrogate escapes the interpreter read the bytes with, to show them
                shown = word.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            except UnicodeEncodeError:
                shown = word.encode("utf-8", "backslashreplace").decode("utf-8")
            return f"the argument {shown!r} is not UTF-8 text (check the encoding of your terminal or script)"
    return None


def _guarded(handler: Handler, args: argparse.Namespace) -> int:
    """Run the command with its logging set up; known errors become one line and an exit status."""
    from automate.integrations.errors import AutomationError, ConfigError
    from automate.integrations.redaction import redact
    from automate.runtime.cli.logs import logging_for

    with logging_for(_VERBOSITY[min(args.verbose, 2)]):
        try:
            status = handler(args)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
            return status
        except ConfigError as exc:
            print(f"automate: config error: {redact(str(exc))}", file=sys.stderr)
            return EXIT_USAGE
        except AutomationError as exc:
            print(f"automate: {redact(str(exc))}", file=sys.stderr)
            return EXIT_FAILED
        except KeyboardInterrupt:
            print("automate: interrupted", file=sys.stderr)
            return 130
