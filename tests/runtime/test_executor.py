"""The executor: ordering by `needs`, concurrency, failure policies, and durable resume."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import BaseModel, Field, ValidationError

from automate.agents.base import ActionContext
from automate.integrations.errors import InvalidRequest, TransientError
from automate.integrations.testing import FakeClock
from automate.runtime.executor import Executor, Flow, FlowStep, RunBusy
from automate.runtime.store import EventType, MemoryRunStore, RunStatus, StepStatus
from automate.runtime.templates import compile_value


class Echo(BaseModel):
    """What the fake caller returns: the params it got."""

    value: Any
    key: str


class Titled(BaseModel):
    """A model with a bounded field, to get a real ValidationError from."""

    subject: str = Field(max_length=10)


def too_long_subject() -> ValidationError:
    """The error pydantic raises for a subject over its limit."""
    try:
        Titled(subject="x" * 50)
    except ValidationError as exc:
        return exc
    raise AssertionError("the subject was accepted")


class Crash(BaseException):
    """Stands in for the process dying in the middle of a call."""


class FakeCaller:
    """Answers every target by echoing its params; scripted failures and gates per target."""

    def __init__(self, *, side_effect: bool = True) -> None:
        self.calls: list[tuple[str, str]] = []
        self.errors: dict[str, list[BaseException]] = {}
        self.gates: dict[str, asyncio.Event] = {}
        self.active = 0
        self.most_active = 0
        self._side_effect = side_effect

    def side_effect(self, target: str) -> bool:
        return self._side_effect

    async def call(self, target: str, params: Any, ctx: ActionContext) -> tuple[BaseModel, str]:
        self.calls.append((target, ctx.idempotency_key))
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        try:
            if target in self.gates:
                await self.gates[target].wait()
            if self.errors.get(target):
                raise self.errors[target].pop(0)
            return Echo(value=params, key=ctx.idempotency_key), f"{target} ok"
        finally:
            self.active -= 1


def flow(*steps: FlowStep, scope: Mapping[str, Any] | None = None) -> Flow:
    return Flow(kind="workflow", name="test", steps=steps, spec={"test": True}, scope=dict(scope or {}))


def step(id: str, *needs: str, params: Any = None, **options: Any) -> FlowStep:
    params = compile_value(params or {"n": id})
    return FlowStep(id=id, target=f"svc.{id}", params=params, needs=needs, **options)


@pytest.fixture
def store() -> MemoryRunStore:
    return MemoryRunStore()


@pytest.fixture
def caller() -> FakeCaller:
    return FakeCaller()


@pytest.fixture
def executor(store: MemoryRunStore, caller: FakeCaller) -> Executor:
    return Executor(store, caller, clock=FakeClock())


class TestExecutor:
    async def test_a_flow_runs_to_the_end_and_logs_each_event(
        self, executor: Executor, store: MemoryRunStore
    ) -> None:
        """Two steps run in order; the log holds start, intent, outcome and end in order."""
        record = await executor.run(flow(step("a"), step("b", "a")), run_id="r1")
        assert record.status is RunStatus.DONE
        assert [s.status for s in record.steps] == [StepStatus.DONE, StepStatus.DONE]
        assert [(e.type, e.step_id) for e in store.events("r1")] == [
            (EventType.RUN_STARTED, None),
            (EventType.STEP_STARTED, "a"),
            (EventType.STEP_COMPLETED, "a"),
            (EventType.STEP_STARTED, "b"),
            (EventType.STEP_COMPLETED, "b"),
            (EventType.RUN_COMPLETED, None),
        ]
        stored = store.get_run("r1")
        assert stored is not None and stored.status is RunStatus.DONE
        assert stored.step("a").idempotency_key == "r1/a" and stored.step("a").attempts == 1

    async def test_a_later_step_gets_an_earlier_output_through_a_template(self, executor: Executor) -> None:
        """`{a.output.value.n}` in step b's params is filled from step a's output."""
        record = await executor.run(flow(step("a"), step("b", "a", params={"from": "{a.output.value.n}!"})))
        assert record.step("b").params == {"from": "a!"}

    async def test_independent_steps_run_at_the_same_time(
        self, executor: Executor, caller: FakeCaller
    ) -> None:
        """Steps with no `needs` between them are in flight together; the joining step waits."""
        caller.gates = {"svc.a": asyncio.Event(), "svc.b": asyncio.Event()}
        running = asyncio.ensure_future(executor.run(flow(step("a"), step("b"), step("c", "a", "b"))))
        for _ in range(20):
            await asyncio.sleep(0)
        assert caller.active == 2
        caller.gates["svc.a"].set()
        caller.gates["svc.b"].set()
        record = await running
        assert record.status is RunStatus.DONE
        assert caller.most_active == 2 and caller.calls[-1][0] == "svc.c"

    async def test_a_failed_step_stops_the_run_by_default(
        self, executor: Executor, caller: FakeCaller
    ) -> None:
        """With `on_failure: stop`, the run fails; a step already in flight ends, none starts."""
        caller.errors["svc.a"] = [InvalidRequest("no such calendar")]
        record = await executor.run(flow(step("a"), step("b"), step("c", "b")))
        assert record.status is RunStatus.FAILED and record.error == "no such calendar"
        assert [s.status for s in record.steps] == [StepStatus.FAILED, StepStatus.DONE, StepStatus.SKIPPED]

    async def test_stop_leaves_dependent_steps_not_run(self, executor: Executor, caller: FakeCaller) -> None:
        """A step whose need failed is recorded as not run."""
        caller.errors["svc.a"] = [InvalidRequest("bad")]
        record = await executor.run(flow(step("a"), step("b", "a")))
        assert (record.step("b").status, record.step("b").message) == (StepStatus.SKIPPED, "not run")
        assert [c[0] for c in caller.calls] == ["svc.a"]

    async def test_continue_runs_the_rest_and_skips_only_dependents(
        self, executor: Executor, caller: FakeCaller
    ) -> None:
        """With `on_failure: continue`, independent steps still run and the run completes."""
        caller.errors["svc.a"] = [InvalidRequest("bad")]
        record = await executor.run(flow(step("a", on_failure="continue"), step("b", "a"), step("c")))
        assert record.status is RunStatus.DONE
        assert [s.status for s in record.steps] == [StepStatus.FAILED, StepStatus.SKIPPED, StepStatus.DONE]

    async def test_retry_repeats_the_step_with_the_same_key(
        self, store: MemoryRunStore, caller: FakeCaller
    ) -> None:
        """With `on_failure: retry`, a transient failure is retried after a backoff, same key."""
        clock = FakeClock()
        caller.errors["svc.a"] = [TransientError("down"), TransientError("down")]
        record = await Executor(store, caller, clock=clock).run(
            flow(step("a", on_failure="retry", attempts=3)), run_id="r1"
        )
        assert record.status is RunStatus.DONE and record.step("a").attempts == 3
        assert caller.calls == [("svc.a", "r1/a")] * 3
        assert clock.sleeps == [0.5, 1.0]
        retrying = [e for e in store.events("r1") if e.type is EventType.STEP_RETRYING]
        assert [e.data["attempt"] for e in retrying if e.data] == [1, 2]

    async def test_retry_gives_up_after_its_attempts(self, executor: Executor, caller: FakeCaller) -> None:
        """A step that keeps failing fails after its last attempt."""
        caller.errors["svc.a"] = [TransientError("down")] * 5
        record = await executor.run(flow(step("a", on_failure="retry", attempts=2)))
        assert record.status is RunStatus.FAILED and record.step("a").attempts == 2

    async def test_a_false_condition_skips_the_step_and_its_dependents(
        self, executor: Executor, caller: FakeCaller
    ) -> None:
        """`when` false skips the step; steps needing it are not run; the run is done."""
        record = await executor.run(flow(step("a", when=lambda scope: False), step("b", "a")))
        assert record.status is RunStatus.DONE
        assert [s.status for s in record.steps] == [StepStatus.SKIPPED, StepStatus.SKIPPED]
        assert caller.calls == []

    async def test_a_bad_template_fails_the_step_clearly(self, executor: Executor) -> None:
        """A template naming nothing fails the step with the path, not a crash."""
        record = await executor.run(flow(step("a", params={"x": "{nothing.output.y}"})))
        assert record.status is RunStatus.FAILED
        assert record.step("a").error is not None and "nothing" in record.step("a").error

    async def test_writes_are_batched_per_step(self, store: MemoryRunStore) -> None:
        """A read-only step's start and outcome are one write; the last joins the run's end."""
        batches: list[int] = []
        original = store.record

        def counting(*args: Any, **kwargs: Any) -> None:
            batches.append(len(args[2]))
            original(*args, **kwargs)

        store.record = counting  # type: ignore[method-assign]
        await Executor(store, FakeCaller(side_effect=False)).run(flow(step("a"), step("b", "a")))
        assert batches == [2, 3]

    async def test_a_side_effect_is_recorded_before_the_call_and_its_outcome_before_the_next(
        self, store: MemoryRunStore
    ) -> None:
        """Intent is in the store when the call happens; the outcome by the next step's call."""
        seen: list[list[str]] = []

        class Watching(FakeCaller):
            async def call(self, target: str, params: Any, ctx: ActionContext) -> tuple[BaseModel, str]:
                record = store.get_run(ctx.run_id)
                assert record is not None
                seen.append([s.status.value for s in record.steps])
                return await super().call(target, params, ctx)

        await Executor(store, Watching()).run(flow(step("a"), step("b", "a")))
        assert seen == [["running", "pending"], ["done", "running"]]

    async def test_skipped_dependents_are_recorded(
        self, executor: Executor, store: MemoryRunStore, caller: FakeCaller
    ) -> None:
        """Steps not run because a need failed are written to the store as skipped."""
        caller.errors["svc.a"] = [InvalidRequest("bad")]
        await executor.run(flow(step("a"), step("b", "a")), run_id="r1")
        stored = store.get_run("r1")
        assert stored is not None and stored.step("b").status is StepStatus.SKIPPED

    async def test_a_model_refusing_a_value_inside_an_action_fails_the_step_in_one_line(
        self, executor: Executor, caller: FakeCaller
    ) -> None:
        """A pydantic ValidationError raised by the call is the step's one-line error naming the field."""
        caller.errors["svc.a"] = [too_long_subject()]
        record = await executor.run(flow(step("a")))
        error = record.step("a").error or ""
        assert record.status is RunStatus.FAILED
        assert error == "svc.a: subject: String should have at most 10 characters"


class TestResume:
    async def test_completed_steps_are_kept_and_the_in_doubt_step_repeats_with_its_key(
        self, store: MemoryRunStore, caller: FakeCaller
    ) -> None:
        """After a crash inside step b, resuming skips a and repeats b with the same key."""
        caller.errors["svc.b"] = [Crash()]
        the_flow = flow(step("a"), step("b", "a", params={"got": "{a.output.key}"}), step("c", "b"))
        with pytest.raises(Crash):
            await Executor(store, caller).run(the_flow, run_id="r1")
        crashed = store.get_run("r1")
        assert crashed is not None and crashed.status is RunStatus.RUNNING
        assert crashed.step("b").status is StepStatus.RUNNING  # intent, no outcome
        assert store.unfinished() == ["r1"]

        record = await Executor(store, caller).run(the_flow, run_id="r1")
        assert record.status is RunStatus.DONE
        assert caller.calls == [("svc.a", "r1/a"), ("svc.b", "r1/b"), ("svc.b", "r1/b"), ("svc.c", "r1/c")]
        assert record.step("b").attempts == 2 and record.step("b").params == {"got": "r1/a"}
        doubt = [e for e in store.events("r1") if e.type is EventType.STEP_STARTED and e.step_id == "b"]
        assert [bool(e.data and e.data.get("in_doubt")) for e in doubt] == [False, True]

    async def test_a_finished_run_is_not_run_again(self, executor: Executor, caller: FakeCaller) -> None:
        """Running a finished run id returns its record and calls nothing."""
        await executor.run(flow(step("a")), run_id="r1")
        again = await executor.run(flow(step("a")), run_id="r1")
        assert again.status is RunStatus.DONE and len(caller.calls) == 1

    async def test_a_run_leased_by_a_live_process_is_refused(
        self, store: MemoryRunStore, caller: FakeCaller
    ) -> None:
        """Two owners never run the same run: the second gets RunBusy while the lease lives."""
        the_flow = flow(step("a"))
        caller.errors["svc.a"] = [Crash()]
        first = Executor(store, caller, owner="elsewhere:1:a", wall=lambda: 1000.0)
        with pytest.raises(Crash):
            await first.run(the_flow, run_id="r1")
        store.claim("r1", "elsewhere:1:a", now=1000.0, ttl=60.0)  # the dead process still holds it
        second = Executor(store, caller, owner="elsewhere:2:b", wall=lambda: 1010.0)
        with pytest.raises(RunBusy):
            await second.run(the_flow, run_id="r1")
        record = await Executor(store, caller, owner="elsewhere:2:b", wall=lambda: 1061.0).run(
            the_flow, run_id="r1"
        )
        assert record.status is RunStatus.DONE
