"""Claude as a router: the agents' actions are its tools, its tool calls become a `Plan`.

`ClaudeRouter.understand` holds one short conversation through the
`anthropic` service of an `IntegrationManager` (so its rate limit, retry,
timeout and breaker apply): the request goes out with every action as a tool
and a system prompt giving the date, time, zone and the agents; each tool
call in the answer becomes one step, its arguments validated by the action's
params model. Arguments that do not fit are sent back once as a tool error;
a second miss gives up. A text-only answer is a question (it ends with "?")
or a decline. When Claude cannot be asked, `ClaudeUnavailable` says why.

`LLMRouter` is the ``llm`` policy: Claude first, the rules when Claude is not
configured or cannot be reached, with a note in the result saying so::

    router = LLMRouter(RuleRouter(), ClaudeRouter(toolbox, manager))
    routing = await router.aroute("book lunch with Ana the day after tomorrow", context)
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, JsonValue

from automate.integrations.anthropic import MessageReply, MessageRequest, ToolUseBlock
from automate.integrations.errors import IntegrationError
from automate.integrations.logs import get_logger
from automate.runtime.plan import Clarification, Decline, Plan, Routing, Step
from automate.runtime.router.base import RouteContext, TaskRouter
from automate.runtime.router.tools import ToolArgumentsError, Toolbox

if TYPE_CHECKING:
    from automate.integrations.manager import IntegrationManager

__all__ = [
    "DRY_RUN_NOTE",
    "SERVICE",
    "ClaudeRouter",
    "ClaudeUnavailable",
    "LLMRouter",
    "noted",
    "system_prompt",
]

SERVICE = "anthropic"
DRY_RUN_NOTE = (
    "Claude was not asked on a dry run (set router_dry_run: true, or pass --router); the rules planned."
)
log = get_logger("automate.router")

_INSTRUCTIONS = """\
You understand requests for "automate", a personal assistant whose agents act on the person's \
calendar, email, contacts, reminders and lists. Turn the request into tool calls:

- Call one tool for each thing the person asked, in the order they asked.
- Fill arguments only from the request and the date and time below; never invent addresses or facts.
- Write times as ISO 8601 with the person's UTC offset (2026-11-25T15:00:00+00:00).
- When a required detail is missing or ambiguous (which day, what time), call no tool: ask one \
short question, ending with a question mark.
- When no tool can do what is asked, call no tool and say so in one sentence.

The agents:
"""


class ClaudeUnavailable(Exception):
    """Claude could not answer (no key, network, overload, open breaker, invalid twice)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def noted(routing: Routing, note: str) -> Routing:
    """`routing` with one more note for the person."""
    return routing.model_copy(update={"notes": [*routing.notes, note]})


def system_prompt(toolbox: Toolbox, context: RouteContext) -> list[dict[str, JsonValue]]:
    """The system blocks: the static part (cached) first, then the current date, time and zone."""
    agents = "\n".join(f"- {name}: {text}" for name, text in sorted(toolbox.descriptions.items()))
    now = context.now.astimezone(context.timezone)
    current = (
        f"Now it is {now:%A %d %B %Y, %H:%M} in the person's time zone {context.timezone.key} "
        f"(UTC offset {now:%z}, ISO {now.isoformat(timespec='minutes')}). "
        f"Events last {context.default_duration_minutes} minutes unless the request says otherwise."
    )
    return [
        {"type": "text", "text": _INSTRUCTIONS + agents, "cache_control": {"type": "ephemeral"}},
        {"type": "text", "text": current},
    ]


class ClaudeRouter:
    """One request → one short tool-use conversation with Claude → a `Routing`."""

    def __init__(
        self,
        toolbox: Toolbox,
        manager: IntegrationManager,
        *,
        service: str = SERVICE,
        max_tokens: int | None = None,
    ) -> None:
        self.toolbox = toolbox
        self.manager = manager
        self.service = service
        self.max_tokens = max_tokens
        self.last_reply: MessageReply | None = None

    def tools(self) -> list[dict[str, JsonValue]]:
        """Every action as an Anthropic tool; the last carries the cache breakpoint for all."""
        tools: list[dict[str, JsonValue]] = [
            {"name": tool.name, "description": tool.description, "input_schema": tool.input_schema}
            for tool in self.toolbox
        ]
        if tools:
            tools[-1] = {**tools[-1], "cache_control": {"type": "ephemeral"}}
        return tools

    async def understand(self, text: str, context: RouteContext) -> Routing:
        """Ask Claude; `ClaudeUnavailable` if it cannot be asked or never gives valid arguments."""
        now = context.now.astimezone(context.timezone)
        messages: list[dict[str, JsonValue]] = [{"role": "user", "content": text}]
        reply = await self._send(messages, context)
        routing, errors = self._read(text, reply, now)
        if not errors:
            return routing
        # One chance to correct: every call gets a result, the bad ones as errors.
        messages += [reply.as_assistant_turn(), {"role": "user", "content": _tool_results(reply, errors)}]
        log.info("router_arguments_rejected", errors=len(errors), first=next(iter(errors.values())))
        reply = await self._send(messages, context)
        routing, errors = self._read(text, reply, now)
        if errors:
            raise ClaudeUnavailable(
                f"Claude's tool arguments were invalid twice ({next(iter(errors.values()))})"
            )
        return routing

    async def _send(self, messages: list[dict[str, JsonValue]], context: RouteContext) -> MessageReply:
        request = MessageRequest(
            messages=messages,
            system=system_prompt(self.toolbox, context),
            tools=self.tools(),
            tool_choice={"type": "auto"},
            max_tokens=self.max_tokens,
        )
        try:
            reply = await self.manager.call(self.service, "create_message", request, expect=MessageReply)
        except IntegrationError as exc:
            raise ClaudeUnavailable(f"{type(exc).__name__}: {exc}") from exc
        self.last_reply = reply
        log.info(
            "router_answered",
            stop_reason=reply.stop_reason,
            tool_calls=len(reply.tool_calls),
            input_tokens=reply.usage.input_tokens,
            cache_read=reply.usage.cache_read_input_tokens,
        )
        return reply

    def _read(self, text: str, reply: MessageReply, now: datetime) -> tuple[Routing, dict[str, str]]:
        """The routing a reply means, and the error of each tool call whose arguments do not fit."""
        calls = reply.tool_calls
        if not calls:
            return _text_answer(text, reply), {}
        steps: list[Step] = []
        errors: dict[str, str] = {}
        for index, call in enumerate(calls, 1):
            try:
                params = self._parse(call, now)
            except ToolArgumentsError as exc:
                errors[call.id] = str(exc)
                continue
            tool = self.toolbox.tools[call.name]
            dumped = params.model_dump(mode="json", exclude_unset=True)
            steps.append(Step(id=f"s{index}", agent=tool.agent, action=tool.action, params=dumped))
        if errors:
            return Decline(text=text, reason="invalid tool arguments"), errors
        return Plan(text=text, steps=steps), {}

    def _parse(self, call: ToolUseBlock, now: datetime) -> BaseModel:
        tool = self.toolbox.get(call.name)
        if tool is None:
            known = ", ".join(sorted(self.toolbox.tools))
            raise ToolArgumentsError(f"there is no tool {call.name!r} (tools: {known})")
        return tool.parse(call.input, now)


class LLMRouter:
    """The ``llm`` policy: Claude understands; the rules answer when Claude cannot.

    `route` (synchronous, for callers that cannot await) is the rules alone.
    """

    def __init__(
        self,
        rules: TaskRouter,
        claude: ClaudeRouter | None,
        *,
        unavailable: str = "Claude is not configured",
        ask_on_dry_run: bool = False,
    ) -> None:
        self.rules = rules
        self.claude = claude
        self.unavailable = unavailable
        self.ask_on_dry_run = ask_on_dry_run

    def route(self, text: str, context: RouteContext) -> Routing:
        """The rules' answer (no network)."""
        return self.rules.route(text, context)

    async def aroute(self, text: str, context: RouteContext, *, dry_run: bool = False) -> Routing:
        """Claude's answer, or the rules' with a note saying why Claude did not answer."""
        return await self.ask(text, context, dry_run=dry_run, otherwise=None)

    async def ask(
        self, text: str, context: RouteContext, *, dry_run: bool, otherwise: Routing | None
    ) -> Routing:
        """Claude's answer; else `otherwise` (the rules' answer when None) with a note."""
        if dry_run and not self.ask_on_dry_run:
            return noted(otherwise or self.rules.route(text, context), DRY_RUN_NOTE)
        try:
            if self.claude is None:
                raise ClaudeUnavailable(self.unavailable)
            return await self.claude.understand(text, context)
        except ClaudeUnavailable as exc:
            # Not configured is a choice, not a fault: only a failed attempt is a warning.
            (log.info if self.claude is None else log.warning)("router_fell_back", reason=exc.reason)
            fallback = otherwise or self.rules.route(text, context)
            return noted(fallback, f"Claude did not answer ({exc.reason}); the built-in rules did.")


def _text_answer(text: str, reply: MessageReply) -> Routing:
    """A reply without tool calls: a question, or a polite no."""
    said = reply.text
    if reply.stop_reason == "refusal" or not said:
        return Decline(text=text, reason=said or "Claude declined the request")
    if said.rstrip().endswith("?"):
        return Clarification(text=text, question=said)
    return Decline(text=text, reason=said.rstrip(". "))


def _tool_results(reply: MessageReply, errors: dict[str, str]) -> list[JsonValue]:
    """A tool_result for every call of `reply`: the error, or why a good call was not run either."""
    results: list[JsonValue] = []
    for call in reply.tool_calls:
        block: dict[str, Any] = {"type": "tool_result", "tool_use_id": call.id}
        if call.id in errors:
            block |= {"is_error": True, "content": f"Invalid arguments: {errors[call.id]}. Fix them."}
        else:
            block["content"] = "Not run: another call was invalid. Call every tool again, corrected."
        results.append(block)
    return results
