"""The runtime: understands a request, runs its plan on the agents, reports the outcome.

It is also the Python embedding API::

    async with Runtime.from_config() as rt:
        result = await rt.handle("schedule a meeting with Ana tomorrow at 3pm")
        scheduler = rt.agent(SchedulerAgent)
        events = await scheduler.list_events(ListEventsParams(start=..., end=...), ActionContext())
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import structlog
from pydantic import BaseModel

from agents.base import ActionContext, Agent, AgentInfo
from integrations.adapter import CheckResult
from integrations.clock import Clock
from integrations.config import AppConfig, load_config
from integrations.errors import (
    AutomationError,
    InvalidRequest,
    NeedsClarification,
    SchedulingConflict,
)
from integrations.manager import IntegrationManager, ServicePool
from integrations.redaction import redact
from runtime.plan import Clarification, Decline, Plan, Routing, Step
from runtime.result import StepResult, TaskResult, TaskStatus
from runtime.router.base import RouteContext, TaskRouter
from runtime.templates import fill

__all__ = ["MAX_REQUEST_CHARS", "Runtime", "builtin_agents"]

AgentT = TypeVar("AgentT", bound=Agent)
MAX_REQUEST_CHARS = 10_000
log = structlog.get_logger("automate.runtime")


def builtin_agents() -> list[type[Agent]]:
    """The agents that ship with automate."""
    from agents.email import EmailAgent
    from agents.lists import ListsAgent
    from agents.reminders import RemindersAgent
    from agents.scheduler import SchedulerAgent

    return [SchedulerAgent, EmailAgent, RemindersAgent, ListsAgent]


class Runtime:
    """Agents built from one configuration, a router, and the loop that runs plans."""

    def __init__(
        self,
        config: AppConfig,
        *,
        router: TaskRouter | None = None,
        agents: Sequence[type[Agent]] | None = None,
        clock: Clock | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.pool = ServicePool(config, clock=clock)
        self._router = router
        self._now = now
        self.agents: dict[str, Agent] = {}
        self.unavailable: dict[str, str] = {}
        for cls in agents if agents is not None else builtin_agents():
            self.register(cls)

    @classmethod
    def from_config(
        cls,
        config_dir: str | Path | None = None,
        *,
        home: str | Path | None = None,
        **options: Any,
    ) -> Runtime:
        """Load the configuration (shipped defaults + `config_dir`) and build a runtime."""
        config = load_config(
            Path(config_dir) if config_dir is not None else None,
            home=Path(home) if home is not None else None,
        )
        return cls(config, **options)

    async def __aenter__(self) -> Runtime:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every adapter the runtime opened."""
        await self.pool.aclose()

    def register(self, agent_cls: type[Agent]) -> None:
        """Add an agent; it is left out (with the reason) if a service it needs is not configured."""
        services = self.config.integrations.services
        missing = [s for s in agent_cls.requires if s not in services or not services[s].enabled]
        if missing:
            self.unavailable[agent_cls.name] = f"needs service(s) not configured: {', '.join(missing)}"
            return
        manager = IntegrationManager.from_config(self.config, agent_cls.requires, pool=self.pool)
        self.agents[agent_cls.name] = agent_cls(manager, self.config.settings)

    def agent(self, agent_cls: type[AgentT]) -> AgentT:
        """The running instance of an agent class, for direct typed calls."""
        found = self.agents.get(agent_cls.name)
        if not isinstance(found, agent_cls):
            reason = self.unavailable.get(agent_cls.name, "not registered")
            raise InvalidRequest(f"agent {agent_cls.name!r} is not available: {reason}")
        return found

    @property
    def router(self) -> TaskRouter:
        """The configured router (rules unless told otherwise)."""
        if self._router is None:
            from runtime.router.rules import RuleRouter

            self._router = RuleRouter()
        return self._router

    def now(self) -> datetime:
        """The current time in the person's zone."""
        tz = self.config.settings.tzinfo
        return self._now().astimezone(tz) if self._now else datetime.now(tz)

    def describe(self) -> list[AgentInfo]:
        """Every available agent with its actions."""
        return [agent.describe() for agent in self.agents.values()]

    async def check(self) -> list[CheckResult]:
        """Run every configured adapter's `check()`."""
        manager = IntegrationManager.from_config(self.config, pool=self.pool)
        return await manager.check()

    def plan(self, text: str) -> Routing:
        """Understand a request without running anything."""
        text = text.strip()
        if not text:
            return Decline(text=text, reason="the request is empty")
        if len(text) > MAX_REQUEST_CHARS:
            return Decline(text=text[:200], reason=f"the request is longer than {MAX_REQUEST_CHARS} characters")
        settings = self.config.settings
        context = RouteContext(
            now=self.now(),
            timezone=settings.tzinfo,
            default_duration_minutes=settings.scheduler.default_duration_minutes,
        )
        return self.router.route(text, context)

    async def handle(self, text: str, *, dry_run: bool = False) -> TaskResult:
        """Understand a request and carry it out (or only show the plan with `dry_run`)."""
        return await self.execute(self.plan(text), dry_run=dry_run)

    async def execute(self, routing: Routing, *, dry_run: bool = False) -> TaskResult:
        """Carry out what a router made of a request."""
        if isinstance(routing, Decline):
            return TaskResult(
                status=TaskStatus.DECLINED,
                text=routing.text,
                message=f"Sorry, I can't help with that: {routing.reason}. {self._capabilities()}",
            )
        if isinstance(routing, Clarification):
            return TaskResult(
                status=TaskStatus.NEEDS_CLARIFICATION,
                text=routing.text,
                message=routing.question,
                question=routing.question,
                options=routing.options,
                agent=routing.agent,
                action=routing.action,
                params=routing.params or None,
            )
        problem = self._unrunnable(routing)
        if problem:
            return TaskResult(status=TaskStatus.FAILED, text=routing.text, message=problem)
        if dry_run:
            return self._preview(routing)
        return await self._run(routing)

    def _unrunnable(self, plan: Plan) -> str | None:
        for step in plan.steps:
            agent = self.agents.get(step.agent)
            if agent is None:
                reason = self.unavailable.get(step.agent, "unknown agent")
                return f"Cannot run step {step.id}: agent {step.agent!r} is not available ({reason})."
            if step.action not in agent.actions:
                return f"Cannot run step {step.id}: agent {step.agent!r} has no action {step.action!r}."
        return None

    def _preview(self, plan: Plan) -> TaskResult:
        steps = [
            StepResult(
                id=s.id, agent=s.agent, action=s.action, params=s.params,
                status=TaskStatus.PLANNED, message=_describe_step(s),
            )
            for s in plan.steps
        ]
        lines = "\n".join(f"  {i}. {s.message}" for i, s in enumerate(steps, 1))
        first = plan.steps[0]
        return TaskResult(
            status=TaskStatus.PLANNED,
            text=plan.text,
            message=f"Plan (dry run, nothing changed):\n{lines}",
            agent=first.agent,
            action=first.action,
            params=first.params,
            steps=steps,
        )

    async def _run(self, plan: Plan) -> TaskResult:
        run_id = uuid.uuid4().hex
        bound = log.bind(run_id=run_id)
        scope: dict[str, Any] = {}
        results: list[StepResult] = []
        outcome = TaskStatus.DONE
        question: str | None = None
        options: list[str] = []
        for step in plan.steps:
            if outcome is not TaskStatus.DONE:
                results.append(_not_run(step))
                continue
            agent = self.agents[step.agent]
            try:
                params = fill(step.params, scope)
                ctx = ActionContext(run_id=run_id, step_id=step.id, now=self.now())
                output = await agent.run(step.action, params, ctx)
            except SchedulingConflict as exc:
                outcome, question = TaskStatus.NEEDS_CLARIFICATION, f"{exc} Book one of these instead?"
                options = [_slot_option(p, agent) for p in exc.proposals]
                proposals = [p.model_dump(mode="json") for p in exc.proposals]
                results.append(_failed(step, outcome, question, output={"proposals": proposals}))
            except NeedsClarification as exc:
                outcome, question = TaskStatus.NEEDS_CLARIFICATION, exc.question
                results.append(_failed(step, outcome, question))
            except AutomationError as exc:
                outcome = TaskStatus.FAILED
                results.append(_failed(step, outcome, f"{_error_text(exc)}"))
                bound.warning("step_failed", step=step.id, agent=step.agent, action=step.action, error=str(exc))
            else:
                dumped = output.model_dump(mode="json")
                scope[step.id] = {"output": dumped, "params": params}
                results.append(
                    StepResult(
                        id=step.id, agent=step.agent, action=step.action, params=_jsonable(params),
                        status=TaskStatus.DONE, output=dumped, message=_say(agent, step.action, output),
                    )
                )
        first = results[0]
        return TaskResult(
            status=outcome,
            text=plan.text,
            message="\n".join(r.message for r in results if r.status is not TaskStatus.PLANNED),
            run_id=run_id,
            agent=first.agent,
            action=first.action,
            params=first.params,
            output=first.output,
            question=question,
            options=options,
            steps=results,
        )

    def _capabilities(self) -> str:
        names = {
            "scheduler": "your calendar", "email": "email and contacts",
            "reminders": "reminders", "lists": "lists",
        }
        things = [names.get(name, name) for name in self.agents]
        if not things:
            return ""
        joined = things[0] if len(things) == 1 else ", ".join(things[:-1]) + " and " + things[-1]
        return f"I can help with {joined}."


def _say(agent: Agent, action: str, output: BaseModel) -> str:
    say = getattr(agent, "say", None)
    return str(say(action, output)) if callable(say) else "Done."


def _describe_step(step: Step) -> str:
    shown = ", ".join(f"{k}={v!r}" for k, v in step.params.items() if v not in (None, [], ""))
    return f"{step.agent}.{step.action}({shown})"


def _not_run(step: Step) -> StepResult:
    return StepResult(
        id=step.id, agent=step.agent, action=step.action, params=step.params,
        status=TaskStatus.PLANNED, message="not run",
    )


def _failed(
    step: Step, status: TaskStatus, message: str, output: dict[str, Any] | None = None
) -> StepResult:
    return StepResult(
        id=step.id, agent=step.agent, action=step.action, params=step.params,
        status=status, message=message, error=message, output=output,
    )


def _error_text(exc: AutomationError) -> str:
    text = redact(str(exc))
    return str(text) if text else type(exc).__name__


def _slot_option(proposal: Any, agent: Agent) -> str:
    from agents.wording import span

    return span(proposal.start, proposal.end, agent.tz)


def _jsonable(params: Any) -> dict[str, Any]:
    return params if isinstance(params, dict) else {}
