"""Per-flow overhead of the runtime: a two-step flow, raw, in memory, durable (and LangGraph).

    python tests/bench/bench_runtime.py [--flows 10000]

Step 2 consumes a templated value of step 1's output. "raw" is the same two
adapter calls as plain awaits; "memory" and "durable" run the flow through
the runtime — executor, agent actions (side-effecting, so each intent is
recorded before its call) and the in-memory fake adapter — recording every
run in the in-memory store or in the SQLite run store (WAL). The
"+policies" rows route the same calls through the IntegrationManager's
retry / breaker / rate-limit / timeout chain as well. With `langgraph`
installed, the same flow runs as a two-node graph. The last line is
``raw_us=… memory_us=… durable_us=… langgraph_us=…`` (wall-clock µs per flow,
the fastest of five batches); the table beside it also gives the process's
CPU time per flow, which other load on a shared machine does not inflate.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from automate.agents.base import ActionContext, Agent, action
from automate.integrations.adapter import CallContext
from automate.integrations.registry import register_adapter
from automate.integrations.testing import EchoParams, EchoResult, ScriptedAdapter, app_config
from automate.runtime.cli.logs import configure_logging
from automate.runtime.executor import Flow, FlowStep
from automate.runtime.runtime import Runtime
from automate.runtime.store import MemoryRunStore, RunStatus, SqliteRunStore
from automate.runtime.store.base import RunStore
from automate.runtime.templates import compile_value

TARGETS = {"memory": 50.0, "durable": 300.0}


class Timing(NamedTuple):
    """µs per flow: wall-clock, and CPU time of this process (unaffected by other load)."""

    wall: float
    cpu: float


class BenchAgent(Agent):
    """Two side-effecting actions calling the in-memory `echo` adapter directly."""

    name = "bench"
    description = "Echoes text through a fake adapter."
    requires = ("echo",)

    @action("Echo the text.", side_effect=True)
    async def first(self, params: EchoParams, ctx: ActionContext) -> EchoResult:
        """Echo once."""
        return await self.echo(params, ctx)

    @action("Echo the text again.", side_effect=True)
    async def second(self, params: EchoParams, ctx: ActionContext) -> EchoResult:
        """Echo once more."""
        return await self.echo(params, ctx)

    async def echo(self, params: EchoParams, ctx: ActionContext) -> EchoResult:
        """Straight on the adapter."""
        adapter: Any = self.manager.adapter("echo")
        result: EchoResult = await adapter.echo(params, CallContext(idempotency_key=ctx.idempotency_key))
        return result


class PolicyAgent(BenchAgent):
    """The same two actions through the IntegrationManager's policy chain."""

    async def echo(self, params: EchoParams, ctx: ActionContext) -> EchoResult:
        """Through the manager: retry, breaker, rate limit, timeout."""
        return await self.manager.call(
            "echo", "echo", params, idempotency_key=ctx.idempotency_key, expect=EchoResult
        )


# Params compiled once, as a workflow file's are when it loads.
FLOW_STEPS = (
    FlowStep(id="s1", target="bench.first", params=compile_value({"text": "hello"})),
    FlowStep(
        id="s2",
        target="bench.second",
        params=compile_value({"text": "{s1.output.text} again"}),
        needs=("s1",),
    ),
)


async def timed(flows: int, once: Callable[[], Awaitable[Any]], batches: int = 5) -> Timing:
    """µs per call of `once`, wall-clock and CPU: the fastest of `batches` batches (as timeit does)."""
    for _ in range(min(200, flows)):
        await once()
    size = max(1, flows // batches)
    wall = cpu = float("inf")
    for _ in range(batches):
        began, began_cpu = time.perf_counter(), time.process_time()
        for _ in range(size):
            await once()
        wall = min(wall, (time.perf_counter() - began) / size)
        cpu = min(cpu, (time.process_time() - began_cpu) / size)
    return Timing(wall * 1e6, cpu * 1e6)


async def raw(flows: int) -> Timing:
    """The flow as two plain awaits on the adapter."""
    adapter = ScriptedAdapter.__new__(ScriptedAdapter)
    adapter.script, adapter.calls = [], []

    async def once() -> str:
        first = await adapter.echo(EchoParams(text="hello"), CallContext(idempotency_key="r/s1"))
        again = EchoParams(text=f"{first.text} again")
        second = await adapter.echo(again, CallContext(idempotency_key="r/s2"))
        return second.text

    return await timed(flows, once)


async def through_runtime(flows: int, store: RunStore, home: Path, agent: type[Agent] = BenchAgent) -> Timing:
    """The flow run by the runtime's executor, recorded in `store`."""
    register_adapter("bench_echo", ScriptedAdapter)
    config = app_config(
        {
            "echo": {
                "adapter": "bench_echo",
                "rate_limit": {"requests": 10**9, "per_seconds": 1, "burst": 10**9},
            }
        },
        home=home,
    )
    async with Runtime(config, agents=[agent], store=store) as runtime:
        flow = Flow(kind="workflow", name="bench", steps=FLOW_STEPS, spec={"bench": True})
        executor = runtime.executor
        adapter = runtime.pool.get("echo").adapter
        assert isinstance(adapter, ScriptedAdapter)

        async def once() -> None:
            record = await executor.run(flow)
            if record.status is not RunStatus.DONE:
                raise SystemExit(f"flow failed: {record.error}")
            adapter.calls.clear()

        per_flow = await timed(flows, once)
        last = store.list_runs(1)[0]
        assert last.step("s2").params == {"text": "hello again"}
        return per_flow


async def langgraph(flows: int) -> Timing | None:
    """The flow as a two-node LangGraph graph, if LangGraph is installed."""
    try:
        from langgraph.graph import END, StateGraph
    except ImportError:
        return None
    from typing import TypedDict

    class State(TypedDict, total=False):
        text: str
        out: str

    adapter = ScriptedAdapter.__new__(ScriptedAdapter)
    adapter.script, adapter.calls = [], []

    async def first(state: State) -> State:
        result = await adapter.echo(EchoParams(text=state["text"]), CallContext(idempotency_key="r/s1"))
        return {"text": result.text}

    async def second(state: State) -> State:
        again = EchoParams(text=f"{state['text']} again")
        result = await adapter.echo(again, CallContext(idempotency_key="r/s2"))
        return {"out": result.text}

    graph = StateGraph(State)
    graph.add_node("first", first)
    graph.add_node("second", second)
    graph.set_entry_point("first")
    graph.add_edge("first", "second")
    graph.add_edge("second", END)
    app = graph.compile()
    return await timed(flows, lambda: app.ainvoke({"text": "hello"}))


async def bench(flows: int) -> dict[str, Timing | None]:
    """Every variant, in one process."""
    results: dict[str, Timing | None] = {"raw": await raw(flows)}
    with tempfile.TemporaryDirectory(prefix="bench-runtime-") as base:
        results["memory"] = await through_runtime(flows, MemoryRunStore(), Path(base))
        durable = SqliteRunStore(Path(base) / "runs.sqlite3", retention_days=None)
        try:
            results["durable"] = await through_runtime(flows, durable, Path(base))
        finally:
            durable.close()
        results["memory+policies"] = await through_runtime(flows, MemoryRunStore(), Path(base), PolicyAgent)
        durable = SqliteRunStore(Path(base) / "policies.sqlite3", retention_days=None)
        try:
            results["durable+policies"] = await through_runtime(flows, durable, Path(base), PolicyAgent)
        finally:
            durable.close()
    results["langgraph"] = await langgraph(flows)
    return results


def main() -> int:
    """Run the bench and print µs per flow, ratios and the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=10_000)
    args = parser.parse_args()
    configure_logging("warning")  # as the command line runs: per-call info logs are off
    results = asyncio.run(bench(args.flows))
    raw = results["raw"]
    assert raw is not None
    print(f"{'':<17} {'wall µs/flow':>12} {'× raw':>7} {'cpu µs/flow':>12}")
    for name, value in results.items():
        if value is None:
            print(f"{name:<17} not installed")
            continue
        target = f"  (target ≤ {TARGETS[name]:.0f} µs)" if name in TARGETS else ""
        print(f"{name:<17} {value.wall:12.1f} {value.wall / raw.wall:7.1f} {value.cpu:12.1f}{target}")
    shown = {k: "na" if v is None else f"{v.wall:.1f}" for k, v in results.items()}
    print(
        f"raw_us={shown['raw']} memory_us={shown['memory']} durable_us={shown['durable']} "
        f"langgraph_us={shown['langgraph']}"
    )
    met = all((t := results[k]) is not None and t.wall <= limit for k, limit in TARGETS.items())
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
