"""The runtime: understands a request, runs its plan on the agents, reports the outcome.

It is also the Python embedding API::

    async with Runtime.from_config() as rt:
        result = await rt.handle("schedule a meeting with Ana tomorrow at 3pm")
        scheduler = rt.agent(SchedulerAgent)
        events = await scheduler.list_events(ListEventsParams(start=..., end=...), ActionContext())
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from automate.agents.base import ActionContext, Agent, AgentInfo
from automate.integrations.adapter import CheckResult
from automate.integrations.clock import Clock
from automate.integrations.config import AppConfig, RouterPolicy, load_config
from automate.integrations.errors import InvalidRequest
from automate.integrations.logs import get_logger
from automate.integrations.manager import IntegrationManager, ServicePool
from automate.runtime.executor import Executor, Flow, FlowStep
from automate.runtime.loop_thread import LoopThread
from automate.runtime.plan import Clarification, Decline, Plan, Routing, Step, compiled_params
from automate.runtime.result import StepResult, TaskResult, TaskStatus
from automate.runtime.router.base import RouteContext, TaskRouter
from automate.runtime.store.models import RunRecord, StepRecord, StepStatus

if TYPE_CHECKING:
    from automate.runtime.store.base import RunStore

__all__ = ["MAX_REQUEST_CHARS", "Runtime", "builtin_agents"]

AgentT = TypeVar("AgentT", bound=Agent)
MAX_REQUEST_CHARS = 10_000
_SURROGATE = re.compile("[\ud800-\udfff]")
log = get_logger("automate.runtime")


def builtin_agents() -> list[type[Agent]]:
    """The agents that ship with automate."""
    from automate.agents.email import EmailAgent
    from automate.agents.lists import ListsAgent
    from automate.agents.reminders import RemindersAgent
    from automate.agents.scheduler import SchedulerAgent

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
        store: RunStore | None = None,
        router_policy: RouterPolicy | None = None,
        ask_on_dry_run: bool | None = None,
    ) -> None:
        self.config = config
        self.pool = ServicePool(config, clock=clock)
        self._router = router
        self.router_policy: RouterPolicy = router_policy or config.settings.router
        self._ask_on_dry_run = config.settings.router_dry_run if ask_on_dry_run is None else ask_on_dry_run
        self._now = now
        self._store = store
        self._owns_store = store is None
        self._executor: Executor | None = None
        self._services: IntegrationManager | None = None
        self._effects: dict[str, bool] = {}
        self.loop_thread = LoopThread("automate-runtime")  # for sync callers; started on first use
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
        """Close every adapter the runtime opened, and the run store if it opened it."""
        await self.pool.aclose()
        if self._owns_store and self._store is not None:
            self._store.close()
            self._store = None
            self._executor = None
        self.loop_thread.close()

    def close(self) -> None:
        """`aclose` for sync callers, run on the loop thread where their calls opened the adapters."""
        self.loop_thread.run(self.aclose())

    @property
    def store(self) -> RunStore:
        """The run store (the SQLite file under the data directory unless one was given)."""
        if self._store is None:
            from automate.runtime.store import open_store

            self._store = open_store(
                self.config.home, retention_days=self.config.settings.runs.retention_days
            )
        return self._store

    @property
    def executor(self) -> Executor:
        """The executor that runs every plan and workflow as a durable run (`executor.kind` picks it)."""
        if self._executor is None:
            settings = self.config.settings.executor
            if settings.kind == "temporal":
                from automate.runtime.temporal.executor import TemporalExecutor

                self._executor = TemporalExecutor(self.store, self, settings)
            else:
                self._executor = Executor(self.store, self, clock=self.pool.clock)
        return self._executor

    def side_effect(self, target: str) -> bool:
        """Whether `agent.action` changes things (a raw `service.operation` is assumed to)."""
        known = self._effects.get(target)
        if known is None:
            name, _, action_name = target.partition(".")
            agent = self.agents.get(name)
            spec = agent.actions.get(action_name) if agent is not None else None
            known = self._effects[target] = True if spec is None else spec.side_effect
        return known

    async def call(self, target: str, params: Any, ctx: ActionContext) -> tuple[BaseModel, str]:
        """Run one step: `agent.action`, or `service.operation` straight on the integration."""
        name, _, operation = target.partition(".")
        agent = self.agents.get(name)
        if agent is not None:
            output = await agent.run(operation, params, ctx)
            return output, _say(agent, operation, output)
        if self._services is None:
            self._services = IntegrationManager.from_config(self.config, pool=self.pool)
        output = await self._services.call(name, operation, params, idempotency_key=ctx.idempotency_key)
        return output, "Done."

    async def resume(self, run_id: str) -> RunRecord:
        """Carry an unfinished run on from its first step without an outcome."""
        from automate.runtime.executor import RunGone

        record = self.store.get_run(run_id)
        if record is None:
            raise RunGone(f"no run {run_id!r} in {self.config.home}")
        return await self.executor.run(self.flow_of(record), run_id=run_id)

    def flow_of(self, record: RunRecord) -> Flow:
        """Rebuild the flow a run was started with, from its stored spec."""
        if record.kind == "workflow":
            from automate.runtime.workflows.flow import flow_from_spec

            return flow_from_spec(record.spec, self)
        plan = Plan.model_validate(record.spec["plan"])
        return _plan_flow(plan, datetime.fromisoformat(record.spec["now"]))

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
        """The router the policy names (rules unless told otherwise); built on first use."""
        if self._router is None:
            if self.router_policy == "rules":
                from automate.runtime.router.rules import RuleRouter

                self._router = RuleRouter()
            else:
                from automate.runtime.router.hybrid import router_for

                self._router = router_for(self, self.router_policy, ask_on_dry_run=self._ask_on_dry_run)
        return self._router

    def now(self) -> datetime:
        """The current time in the person's zone (the instant ``AUTOMATE_NOW`` pins, if set)."""
        tz = self.config.settings.tzinfo
        moment = self._now() if self._now else self.config.now or datetime.now(tz)
        return moment.astimezone(tz)

    def as_tools(self) -> list[Any]:
        """Every available action as a LangChain `StructuredTool` that runs through this runtime."""
        from automate.runtime.tools.langchain import runtime_tools

        return list(runtime_tools(self))

    def describe(self) -> list[AgentInfo]:
        """Every available agent with its actions."""
        return [agent.describe() for agent in self.agents.values()]

    async def check(self) -> list[CheckResult]:
        """Run every configured adapter's `check()`."""
        manager = IntegrationManager.from_config(self.config, pool=self.pool)
        return await manager.check()

    def plan(self, text: str) -> Routing:
        """Understand a request without running anything (the router's offline answer)."""
        text = text.strip()
        refused = _unreadable(text)
        return refused or self.router.route(text, self.route_context())

    async def aplan(self, text: str, *, dry_run: bool = False) -> Routing:
        """Understand a request, asking Claude when the router policy says so."""
        aroute = getattr(self.router, "aroute", None)
        if aroute is None or _unreadable(text.strip()):
            return self.plan(text)
        routing: Routing = await aroute(text.strip(), self.route_context(), dry_run=dry_run)
        return routing

    def route_context(self) -> RouteContext:
        """What the router knows besides the text: now, the zone, the default length, the working hours."""
        settings = self.config.settings
        hours = settings.scheduler.working_hours
        return RouteContext(
            now=self.now(),
            timezone=settings.tzinfo,
            default_duration_minutes=settings.scheduler.default_duration_minutes,
            working_hours=(hours.start, hours.end),
        )

    async def handle(self, text: str, *, dry_run: bool = False, run_id: str | None = None) -> TaskResult:
        """Understand a request and carry it out (or only show the plan with `dry_run`)."""
        routing = await self.aplan(text, dry_run=dry_run)
        result = await self.execute(routing, dry_run=dry_run, run_id=run_id)
        if not routing.notes:
            return result
        # Say how the request was understood when it was not the configured way (a fallback).
        message = "\n".join([result.message, *(f"Note: {note}" for note in routing.notes)])
        return result.model_copy(update={"notes": list(routing.notes), "message": message})

    async def execute(
        self, routing: Routing, *, dry_run: bool = False, run_id: str | None = None
    ) -> TaskResult:
        """Carry out what a router made of a request (as run `run_id` when given: callers that watch it)."""
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
                slot=routing.slot,
                agent=routing.agent,
                action=routing.action,
                params=routing.params or None,
            )
        problem = self._unrunnable(routing)
        if problem:
            return TaskResult(status=TaskStatus.FAILED, text=routing.text, message=problem)
        if dry_run:
            return self._preview(routing)
        return await self._run(routing, run_id)

    def _unrunnable(self, plan: Plan) -> str | None:
        for step in plan.steps:
            agent = self.agents.get(step.agent)
            if agent is None:
                reason = self.unavailable.get(step.agent, "unknown agent")
                return f"Cannot run step {step.id}: agent {step.agent!r} is not available ({reason})."
            if step.action not in agent.actions:
                return f"Cannot run step {step.id}: agent {step.agent!r} has no action {step.action!r}."
        try:
            compiled_params(plan)
        except InvalidRequest as exc:
            return f"Cannot run {exc}."
        return None

    def _preview(self, plan: Plan) -> TaskResult:
        steps = [
            StepResult(
                id=s.id,
                agent=s.agent,
                action=s.action,
                params=s.params,
                status=TaskStatus.PLANNED,
                message=_describe_step(s),
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

    async def _run(self, plan: Plan, run_id: str | None = None) -> TaskResult:
        record = await self.executor.run(_plan_flow(plan, self.now()), run_id=run_id)
        return self.task_result(plan, record)

    def task_result(self, plan: Plan, record: RunRecord) -> TaskResult:
        """What a finished run of `plan` means for the person who asked."""
        results = [self._step_result(step, record.step(step.id)) for step in plan.steps]
        status, question, options = TaskStatus.DONE, None, []
        for result, state in zip(results, record.steps, strict=True):
            if result.status in (TaskStatus.FAILED, TaskStatus.NEEDS_CLARIFICATION):
                status = result.status
                if status is TaskStatus.NEEDS_CLARIFICATION:
                    question = result.message
                    options = self._options(state)
                break
        first = results[0]
        return TaskResult(
            status=status,
            text=plan.text,
            message="\n".join(r.message for r in results if r.status is not TaskStatus.PLANNED),
            run_id=record.run_id,
            agent=first.agent,
            action=first.action,
            params=first.params,
            output=first.output,
            question=question,
            options=options,
            steps=results,
        )

    def _step_result(self, step: Step, state: StepRecord) -> StepResult:
        status = _TASK_STATUS[state.status]
        done = status is TaskStatus.DONE
        return StepResult(
            id=step.id,
            agent=step.agent,
            action=step.action,
            params=step.params if state.params is None else state.params,
            status=status,
            output=state.output,
            message=state.message,
            error=None if done or status is TaskStatus.PLANNED else state.error,
        )

    def _options(self, state: StepRecord) -> list[str]:
        proposals = (state.output or {}).get("proposals") or []
        agent = self.agents.get(state.target.partition(".")[0])
        if agent is None:
            return []
        from automate.agents.wording import span

        return [
            span(datetime.fromisoformat(p["start"]), datetime.fromisoformat(p["end"]), agent.tz)
            for p in proposals
        ]

    def _capabilities(self) -> str:
        names = {
            "scheduler": "your calendar",
            "email": "email and contacts",
            "reminders": "reminders",
            "lists": "lists",
        }
        things = [names.get(name, name) for name in self.agents]
        if not things:
            return ""
        joined = things[0] if len(things) == 1 else ", ".join(things[:-1]) + " and " + things[-1]
        return f"I can help with {joined}."


def _unreadable(text: str) -> Decline | None:
    """A decline for a request no router should read: empty, too long, or not text.

    A lone surrogate (``\udcff`` is how Python reads a non-UTF-8 byte in
    argv) can be neither stored nor printed, so the request is refused with
    it replaced.
    """
    if not text:
        return Decline(text=text, reason="the request is empty")
    if len(text) > MAX_REQUEST_CHARS:
        return Decline(text=text[:200], reason=f"the request is longer than {MAX_REQUEST_CHARS} characters")
    if _SURROGATE.search(text):
        shown = _SURROGATE.sub("\ufffd", text[:200])
        return Decline(text=shown, reason="the request is not valid text (it holds a lone surrogate)")
    return None


def _say(agent: Agent, action: str, output: BaseModel) -> str:
    say = getattr(agent, "say", None)
    return str(say(action, output)) if callable(say) else "Done."


def _plan_flow(plan: Plan, now: datetime) -> Flow:
    """A router's plan as a flow: steps in order, each after the one before."""
    steps = tuple(
        FlowStep(
            id=step.id,
            target=f"{step.agent}.{step.action}",
            params=params,
            needs=(plan.steps[i - 1].id,) if i else (),
        )
        for i, (step, params) in enumerate(zip(plan.steps, compiled_params(plan), strict=True))
    )
    spec = {"plan": plan.model_dump(mode="json"), "now": now.isoformat()}
    return Flow(kind="task", name=plan.text, steps=steps, spec=spec, now=now)


_TASK_STATUS = {
    StepStatus.DONE: TaskStatus.DONE,
    StepStatus.FAILED: TaskStatus.FAILED,
    StepStatus.NEEDS_CLARIFICATION: TaskStatus.NEEDS_CLARIFICATION,
    StepStatus.SKIPPED: TaskStatus.PLANNED,
    StepStatus.PENDING: TaskStatus.PLANNED,
    StepStatus.RUNNING: TaskStatus.PLANNED,
}


def _describe_step(step: Step) -> str:
    shown = ", ".join(f"{k}={v!r}" for k, v in step.params.items() if v not in (None, [], ""))
    return f"{step.agent}.{step.action}({shown})"
