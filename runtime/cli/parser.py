"""The command line's grammar: every command, its arguments, and the help that lists them.

`COMMANDS` is the one table of commands: the subparsers, the `--help` list
and the dispatch (`Command.module`) are all read from it, so no command can
run without a line in the help.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["COMMANDS", "TASK", "Command", "epilog", "parse"]

Arguments = Callable[[argparse.ArgumentParser], None]

DESCRIPTION = """\
Agents that own your integrations: type what you want done.

  automate "schedule a meeting with Ana tomorrow at 3pm"
  automate "what's on my calendar tomorrow" --json
  automate "send an email to ana@example.com saying the report is ready"
  automate "remind me to call mum at 6pm"        automate "add milk to my shopping list"

With no account configured, events go to a local calendar and mail to a local
Maildir under the data directory (AUTOMATE_HOME, default ~/.local/share/automate).
"""

EXIT_STATUSES = """\
exit status: 0 done, 1 failed, 2 usage or config error, 3 needs clarification,
4 declined (no agent can do that).
config: ~/.config/automate (or --config DIR, AUTOMATE_CONFIG) overrides the shipped configs/*.yaml.
"""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", metavar="DIR", type=Path, help="your config directory (overrides AUTOMATE_CONFIG)"
    )
    parser.add_argument("--json", action="store_true", help="print the structured result as JSON")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log to stderr (-vv for debug)")


def _no_arguments(_parser: argparse.ArgumentParser) -> None:
    """The command takes only the common options."""


@dataclass(frozen=True)
class Command:
    """One command: its name, how the help writes it, what it does, its module in cli/, its arguments."""

    name: str
    usage: str
    summary: str
    module: str
    arguments: Arguments = _no_arguments
    common: bool = True  # False: only its subcommands take --config, --json and -v

    @property
    def handler(self) -> str:
        """The function of `module` that carries the command out."""
        return f"cmd_{self.name}"


def _chat(chat: argparse.ArgumentParser) -> None:
    chat.add_argument("--yes", action="store_true", help="do not ask before changes")


def _integrations(integrations: argparse.ArgumentParser) -> None:
    sub = integrations.add_subparsers(dest="subcommand", required=True)
    _common(sub.add_parser("check", help="run every adapter's check()"))


def _auth(auth: argparse.ArgumentParser) -> None:
    auth.add_argument("auth_args", nargs=argparse.REMAINDER, help="google | set SERVICE | status")


def _run(run: argparse.ArgumentParser) -> None:
    run.add_argument("workflow", metavar="FILE|NAME")
    run.add_argument("--input", action="append", metavar="KEY=VALUE", help="a workflow input (repeatable)")
    run.add_argument("--run-id", help="resume or start the run with this id (for retrying callers)")


def _workflows(workflows: argparse.ArgumentParser) -> None:
    sub = workflows.add_subparsers(dest="subcommand")
    upcoming = sub.add_parser("next", help="the next fire times of a scheduled workflow")
    upcoming.add_argument("name")
    upcoming.add_argument("-n", "--count", type=int, default=5)
    _common(upcoming)


def _scheduler(scheduler: argparse.ArgumentParser) -> None:
    scheduler.add_argument("--once", action="store_true", help="resume, fire what is due now, and stop")


def _history(history: argparse.ArgumentParser) -> None:
    history.add_argument("-n", "--limit", type=int, default=20)
    history.add_argument("--status", choices=["running", "done", "failed", "needs_clarification"])


def _show(show: argparse.ArgumentParser) -> None:
    show.add_argument("run_id", metavar="RUN_ID")


def _resume(resume: argparse.ArgumentParser) -> None:
    resume.add_argument("run_id", metavar="RUN_ID", nargs="?")


def _serve(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", help="address to listen on (default: settings.yaml server.host)")
    serve.add_argument("--port", type=int, help="port to listen on (default: settings.yaml server.port)")


TASK = Command("task", '"TEXT"', "carry out one request (quote it)", "task")
COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (
        Command(
            "chat", "chat", "talk to the agents: follow-up questions, confirm before changes", "chat", _chat
        ),
        Command("agents", "agents", "list the agents and their actions", "integrations"),
        Command(
            "integrations",
            "integrations check",
            "check every configured service (reachable, credentials valid)",
            "integrations",
            _integrations,
            common=False,
        ),
        Command(
            "auth", "auth", "store credentials: auth google | auth set SERVICE | auth status", "auth", _auth
        ),
        Command("run", "run FILE|NAME", "run a workflow (--input key=value ...), step by step", "runs", _run),
        Command(
            "workflows",
            "workflows",
            "list and check every workflow; workflows next NAME: its next fire times",
            "runs",
            _workflows,
        ),
        Command(
            "scheduler",
            "scheduler",
            "fire scheduled and chained workflows (--once: what is due now, then stop)",
            "runs",
            _scheduler,
        ),
        Command(
            "history",
            "history",
            "the latest runs: when, task, agent/action, status, duration",
            "runs",
            _history,
        ),
        Command("show", "show RUN_ID", "every step and event of one run", "runs", _show),
        Command(
            "resume",
            "resume [RUN_ID]",
            "carry on unfinished runs (after a crash), without repeating done steps",
            "runs",
            _resume,
        ),
        Command(
            "serve",
            "serve",
            "the HTTP API, webhooks, scheduler and live page (--host, --port)",
            "servers",
            _serve,
        ),
        Command(
            "mcp",
            "mcp",
            "serve every agent action as an MCP tool over stdio (for assistants, IDEs)",
            "servers",
        ),
        Command(
            "worker", "worker", "carry out runs for a Temporal executor (executor.kind: temporal)", "servers"
        ),
    )
}


def epilog() -> str:
    """The list under `automate --help`: one line per command, then the exit statuses."""
    rows = "".join(f"  {c.usage:<22}  {c.summary}\n" for c in (TASK, *COMMANDS.values()))
    return f"commands:\n{rows}\n{EXIT_STATUSES}"


def parse(argv: list[str]) -> argparse.Namespace:
    """The parsed arguments; `command` names the `Command` to run.

    Raises SystemExit as argparse does: 0 after --help or --version, 2 on bad usage
    (and with no arguments at all, after printing the help).
    """
    if not argv:
        _task_parser().print_help()
        raise SystemExit(2)
    if _is_command(argv):
        return _command_parser().parse_args(argv)
    args = _task_parser().parse_args(argv)
    args.command = TASK.name
    return args


def _is_command(argv: list[str]) -> bool:
    """A command name first is that command; `show` is one only with a run id or nothing after it.

    `automate show my agenda tomorrow` is a request, `automate show 3f9a01c2` the command,
    and a bare `automate show` the command missing its RUN_ID: a usage error, not a request.
    """
    if not argv or argv[0] not in COMMANDS:
        return False
    words = [w for w in argv[1:] if not w.startswith("-")]
    if argv[0] != "show" or not words:
        return True
    return len(words) == 1 and len(words[0]) >= 4 and all(c in "0123456789abcdef" for c in words[0].lower())


def _task_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="automate",
        description=DESCRIPTION,
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("text", metavar="TEXT", nargs="+", help="what you want done, in plain English")
    parser.add_argument("--dry-run", action="store_true", help="show the plan; change nothing")
    parser.add_argument(
        "--router",
        choices=("rules", "llm", "hybrid"),
        help="how to understand the request (default: settings.yaml router); given here, "
        "Claude is asked even with --dry-run",
    )
    parser.add_argument("--version", action="version", version="automate 0.1.0")
    _common(parser)
    return parser


def _command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="automate", description="automate commands")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS.values():
        child = sub.add_parser(command.name, help=command.summary, description=command.summary)
        command.arguments(child)
        if command.common:
            _common(child)
    return parser
