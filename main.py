"""The `automate` command's entry point: the console script and `python -m automate.main`.

The command line itself lives in `automate.runtime.cli`, one module per
command group; start-up imports only the standard library, so `automate
--help` answers at once and a task on the embedded defaults never loads
Google, Anthropic, LangChain or Temporal code.
"""

from __future__ import annotations

import sys

from automate.runtime.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
