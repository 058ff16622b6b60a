"""The `automate` command.

Only the standard library is imported at start-up; each command imports what
it needs, so `automate --help` answers at once and a task on the embedded
defaults never loads Google, Anthropic, LangChain or Temporal code.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from automate.runtime.result import TaskResult
    from automate.runtime.runtime import Runtime

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Agents that own your integrations: type what you want done.

  automate "schedule a meeting with Ana tomorrow at 3pm"
  automate "what's on my calendar tomorrow" --json
  automate "send an email to ana@example.com saying the report is ready"
  automate "remind me to call mum at 6pm"        automate "add milk to my shopping list"

With no account configured, events go to a local calendar and mail to a local
Maildir under the data directory (AUTOMATE_HOME, default ~/.local/share/automate).
"""

COMMANDS_HELP = """\
commands:
  "TEXT"                  carry out one request (quote it)
  chat                    talk to the agents: follow-up questions, confirm before changes
  agents                  list the agents and their actions
  integrations check      check every configured service (reachable, credentials valid)
  auth                    store credentials: auth google | auth set SERVICE | auth status
  run FILE|NAME           run a workflow (--input key=value ...), step by step
  workflows               list and check every workflow; workflows next NAME: its next fire times
  scheduler               fire scheduled and chained workflows (--once: what is due now, then stop)
  history                 the latest runs: when, task, agent/action, status, duration
  show RUN_ID             every step and event of one run
  resume [RUN_ID]         carry on unfinished runs (after a crash), without repeating done steps
  serve                   the HTTP API, webhooks, scheduler and live page (--host, --port)
  mcp                     serve every agent action as an MCP tool over stdio (for assistants, IDEs)
  worker                  carry out runs for a Temporal executor (executor.kind: temporal)

exit status: 0 done, 1 failed, 2 usage or config error, 3 needs clarification,
4 declined (no agent can do that).
config: ~/.config/automate (or --config DIR, AUTOMATE_CONFIG) overrides the shipped configs/*.yaml.
"""

COMMANDS = (
    "chat",
    "agents",
    "integrations",
    "auth",
    "run",
    "workflows",
    "scheduler",
    "history",
    "show",
    "resume",
    "serve",
    "mcp",
    "worker",
)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", metavar="DIR", type=Path, help="your config directory (overrides AUTOMATE_CONFIG)"
    )
    parser.add_argument("--json", action="store_true", help="print the structured result as JSON")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log to stderr (-vv for debug)")


def _task_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="automate",
        description=DESCRIPTION,
        epilog=COMMANDS_HELP,
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
    chat = sub.add_parser("chat", help="interactive session with the agents")
    chat.add_argument("--yes", action="store_true", help="do not ask before changes")
    _common(chat)
    agents = sub.add_parser("agents", help="list agents and their actions")
    _common(agents)
    integrations = sub.add_parser("integrations", help="inspect configured services")
    integrations_sub = integrations.add_subparsers(dest="subcommand", required=True)
    check = integrations_sub.add_parser("check", help="run every adapter's check()")
    _common(check)
    auth = sub.add_parser("auth", help="store credentials (encrypted) for a service")
    auth.add_argument("auth_args", nargs=argparse.REMAINDER, help="google | set SERVICE | status")
    _common(auth)
    _run_parsers(sub)
    return parser


def _run_parsers(sub: Any) -> None:
    """The durable-run and workflow commands (carried out by runtime.cli_runs)."""
    run = sub.add_parser("run", help="run a workflow file or named workflow")
    run.add_argument("workflow", metavar="FILE|NAME")
    run.add_argument("--input", action="append", metavar="KEY=VALUE", help="a workflow input (repeatable)")
    run.add_argument("--run-id", help="resume or start the run with this id (for retrying callers)")
    _common(run)
    workflows = sub.add_parser("workflows", help="list and check workflows, or preview a schedule")
    workflows_sub = workflows.add_subparsers(dest="subcommand")
    upcoming = workflows_sub.add_parser("next", help="the next fire times of a scheduled workflow")
    upcoming.add_argument("name")
    upcoming.add_argument("-n", "--count", type=int, default=5)
    _common(upcoming)
    _common(workflows)
    scheduler = sub.add_parser("scheduler", help="fire scheduled and chained workflows")
    scheduler.add_argument("--once", action="store_true", help="resume, fire what is due now, and stop")
    _common(scheduler)
    history = sub.add_parser("history", help="the latest runs")
    history.add_argument("-n", "--limit", type=int, default=20)
    history.add_argument("--status", choices=["running", "done", "failed", "needs_clarification"])
    _common(history)
    show = sub.add_parser("show", help="one run's steps and events")
    show.add_argument("run_id", metavar="RUN_ID")
    _common(show)
    resume = sub.add_parser("resume", help="carry on unfinished runs")
    resume.add_argument("run_id", metavar="RUN_ID", nargs="?")
    _common(resume)
    serve = sub.add_parser("serve", help="the HTTP API, webhooks, scheduler and live page")
    serve.add_argument("--host", help="address to listen on (default: settings.yaml server.host)")
    serve.add_argument("--port", type=int, help="port to listen on (default: settings.yaml server.port)")
    _common(serve)
    mcp = sub.add_parser("mcp", help="serve every agent action as an MCP tool over stdio")
    _common(mcp)
    worker = sub.add_parser("worker", help="carry out runs submitted to Temporal (SIGTERM stops it)")
    _common(worker)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in args_list if not a.startswith("-")), None)
    if first == "show" and not _looks_like_run_id(args_list[1:]):
        first = None
    if first in COMMANDS and args_list and args_list[0] == first:
        args = _command_parser().parse_args(args_list)
    else:
        if not args_list:
            _task_parser().print_help()
            return EXIT_USAGE
        args = _task_parser().parse_args(args_list)
    handlers: dict[str | None, Callable[[argparse.Namespace], int]] = {
        None: _run_task,
        "chat": _run_chat,
        "agents": _run_agents,
        "integrations": _run_check,
        "auth": _run_auth,
        "serve": _run_serve,
        "mcp": _run_mcp,
        "worker": _run_worker,
        **dict.fromkeys(("run", "workflows", "scheduler", "history", "show", "resume"), _run_runs),
    }
    return _guarded(handlers[getattr(args, "command", None)], args)


def _looks_like_run_id(rest: list[str]) -> bool:
    """`show RUN_ID` takes one hex id; `show my agenda tomorrow` is a request."""
    words = [w for w in rest if not w.startswith("-")]
    return len(words) == 1 and all(c in "0123456789abcdef" for c in words[0].lower()) and len(words[0]) >= 4


def _guarded(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Turn known errors into one clear line and an exit status."""
    from automate.integrations.errors import AutomationError, ConfigError
    from automate.integrations.logs import configure_logging
    from automate.integrations.redaction import redact

    configure_logging(("warning", "info", "debug")[min(args.verbose, 2)])
    try:
        return handler(args)
    except ConfigError as exc:
        print(f"automate: config error: {redact(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except AutomationError as exc:
        print(f"automate: {redact(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("automate: interrupted", file=sys.stderr)
        return 130


def _runtime(args: argparse.Namespace) -> Runtime:
    from automate.runtime.runtime import Runtime

    policy = getattr(args, "router", None)
    # A router named on the command line is asked for, so it is asked even on a dry run.
    return Runtime.from_config(args.config, router_policy=policy, ask_on_dry_run=True if policy else None)


def _run_task(args: argparse.Namespace) -> int:
    text = " ".join(args.text)
    runtime = _runtime(args)

    async def go() -> TaskResult:
        async with runtime:
            return await runtime.handle(text, dry_run=args.dry_run)

    result = asyncio.run(go())
    if args.json:
        _print_json(result.model_dump(mode="json"))
    else:
        print(_human(result))
    return result.exit_code


def _human(result: TaskResult) -> str:
    text = result.message
    if result.options:
        text += "\n" + "\n".join(f"  {i}. {option}" for i, option in enumerate(result.options, 1))
    return text


def _run_chat(args: argparse.Namespace) -> int:
    from automate.runtime.chat import Chat

    return asyncio.run(Chat(_runtime(args), confirm=not args.yes).run())


def _run_agents(args: argparse.Namespace) -> int:
    runtime = _runtime(args)
    infos = runtime.describe()
    if args.json:
        _print_json([info.model_dump(mode="json") for info in infos])
        return EXIT_OK
    for info in infos:
        print(f"{info.name} — {info.description}")
        for act in info.actions:
            marker = "changes things" if act.side_effect else "read-only"
            print(f"  {act.name:<18} {act.description} [{marker}]")
    for name, reason in runtime.unavailable.items():
        print(f"{name} — unavailable: {reason}")
    return EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
    runtime = _runtime(args)

    async def go() -> list[Any]:
        async with runtime:
            return await runtime.check()

    results = asyncio.run(go())
    if args.json:
        _print_json([r.model_dump(mode="json") for r in results])
    else:
        for r in results:
            print(f"{'ok  ' if r.ok else 'FAIL'} {r.service:<12} {r.adapter:<16} {r.detail}")
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


def _run_auth(args: argparse.Namespace) -> int:
    from automate.runtime.cli_auth import run_auth

    return run_auth(list(args.auth_args), config_dir=args.config)


def _run_mcp(args: argparse.Namespace) -> int:
    from automate.runtime.tools.mcp import serve_stdio

    asyncio.run(serve_stdio(_runtime(args)))
    return EXIT_OK


def _run_serve(args: argparse.Namespace) -> int:
    from automate.runtime.api.serve import serve

    return serve(args.config, args.host, args.port)


def _run_worker(args: argparse.Namespace) -> int:
    from automate.runtime.temporal.worker import main as worker_main

    worker_main(args.config)


def _run_runs(args: argparse.Namespace) -> int:
    from automate.runtime import cli_runs

    handler: Callable[[argparse.Namespace], int] = getattr(cli_runs, f"cmd_{args.command}")
    return handler(args)


def _print_json(data: Any) -> None:
    from automate.integrations.redaction import redact

    print(json.dumps(redact(data), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
