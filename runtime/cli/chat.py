"""`automate chat`: a conversation with the agents.

Requests are understood one at a time; a question (a missing time, a clash
with another meeting) is answered on the next line; before anything changes,
the plan is shown and confirmed.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output

from automate.integrations.files import private_file
from automate.runtime.cli.common import runtime_for
from automate.runtime.followup import answer
from automate.runtime.plan import Plan, Routing
from automate.runtime.result import TaskResult, TaskStatus
from automate.runtime.runtime import Runtime

__all__ = ["Chat", "cmd_chat"]

HELP = """\
Type a request in plain English, for example:
  schedule a meeting with Ana tomorrow at 3pm
  what's on my calendar on friday
  email ana@example.com saying the report is ready
When I ask a question, just answer it. Commands:
  /help     this text
  /agents   what each agent can do
  /quit     leave (or Ctrl-D)"""

_YES = {"y", "yes", "ok", "okay", "sure", "go", "go ahead", "do it", ""}


def cmd_chat(args: argparse.Namespace) -> int:
    """Talk with the agents until /quit; `--yes` skips the confirmation before changes."""
    return asyncio.run(Chat(runtime_for(args), confirm=not args.yes).run())


class Chat:
    """A read-understand-confirm-run loop over one runtime."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        confirm: bool = True,
        input: Input | None = None,
        output: Output | None = None,
        history: History | None = None,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.runtime = runtime
        self.confirm = confirm
        self.session: PromptSession[str] = PromptSession(
            history=history or _default_history(runtime), input=input, output=output
        )
        self.echo = echo or print
        self.pending: TaskResult | None = None

    async def run(self) -> int:
        """Talk until /quit or end of input; returns the exit status."""
        self.echo("automate chat — type /help for examples, /quit to leave.")
        async with self.runtime:
            while True:
                try:
                    line = await self.session.prompt_async("› ")
                except (EOFError, KeyboardInterrupt):
                    break
                if not await self.handle_line(line.strip()):
                    break
        return 0

    async def handle_line(self, line: str) -> bool:
        """Act on one line; False when the conversation should end."""
        if not line:
            return True
        if line.startswith("/"):
            return self._command(line)
        routing = await self._understand(line)
        if isinstance(routing, Plan) and self.confirm and self._changes_things(routing):
            preview = await self.runtime.execute(routing, dry_run=True)
            self.echo(preview.message.replace("Plan (dry run, nothing changed):", "I will:"))
            reply = (await self.session.prompt_async("Go ahead? [Y/n] ")).strip().lower()
            if reply not in _YES:
                self.echo("Cancelled; nothing changed.")
                self.pending = None
                return True
        result = await self.runtime.execute(routing)
        self._show(result)
        self.pending = result if result.status is TaskStatus.NEEDS_CLARIFICATION else None
        return True

    async def _understand(self, line: str) -> Routing:
        if self.pending is None:
            return await self.runtime.aplan(line)
        return answer(self.pending, line, self.runtime.router, self.runtime.route_context())

    def _changes_things(self, plan: Plan) -> bool:
        return any(self.runtime.agents[s.agent].actions[s.action].side_effect for s in plan.steps)

    def _show(self, result: TaskResult) -> None:
        self.echo(result.message)
        for number, option in enumerate(result.options, 1):
            self.echo(f"  {number}. {option}")
        if result.options:
            clash = any("proposals" in (step.output or {}) for step in result.steps)
            self.echo(
                "Answer with a number, another time, or 'book anyway'." if clash else "Answer with a number."
            )

    def _command(self, line: str) -> bool:
        command = line.split()[0].lower()
        if command in ("/quit", "/exit", "/q"):
            return False
        if command == "/help":
            self.echo(HELP)
        elif command == "/agents":
            for info in self.runtime.describe():
                self.echo(f"{info.name} — {info.description}")
                for act in info.actions:
                    self.echo(f"  {act.name}: {act.description}")
        else:
            self.echo(f"Unknown command {command}; try /help.")
        return True


def _default_history(runtime: Runtime) -> History:
    path: Path = runtime.config.home / "chat_history"
    try:
        return FileHistory(str(private_file(path)))
    except OSError:
        return InMemoryHistory()
