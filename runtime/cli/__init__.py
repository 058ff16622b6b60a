"""The `automate` command line, one module per command group.

`parser` knows every command and its arguments; `entry.main` parses, sets up
logging (`logs`) and hands the arguments to the command's module: `task` (one
request), `chat`, `runs` (run, workflows, scheduler, history, show, resume),
`integrations` (agents, integrations check), `auth`, `servers` (serve, mcp,
worker). Start-up imports only the standard library; each command module
imports what it needs when it runs.
"""

from automate.runtime.cli.entry import main

__all__ = ["main"]
