"""`automate worker`: one process polling the run queue and every service's queue.

Each service's queue is limited to the service's rate (`rate_limit` in
integrations_config.yaml) as Temporal's task-queue activities-per-second
limit. Temporal enforces it across workers only if every worker sets it, which
every worker started here does. Retries happen in Temporal, under the
service's retry policy, so the runtime inside a worker retries nothing itself.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from automate.integrations.config import AppConfig, RetryConfig, load_config
from automate.integrations.errors import ConfigError
from automate.integrations.logs import get_logger

if TYPE_CHECKING:
    from temporalio.worker import Worker

    from automate.runtime.runtime import Runtime

__all__ = ["build_workers", "main", "serve", "worker_config"]

log = get_logger("automate.temporal.worker")


def worker_config(config: AppConfig) -> AppConfig:
    """The configuration a worker's runtime runs with: one attempt per call (Temporal retries)."""
    once = RetryConfig(attempts=1, deadline=None)
    services = {
        name: service.model_copy(update={"retry": once})
        for name, service in config.integrations.services.items()
    }
    integrations = config.integrations.model_copy(update={"services": services})
    return config.model_copy(update={"integrations": integrations})


def build_workers(client: object, runtime: Runtime, config: AppConfig) -> list[Worker]:
    """The run queue's worker and one rate-limited worker per enabled service."""
    from temporalio.client import Client
    from temporalio.worker import Worker

    from automate.runtime.temporal.activities import RunActivities
    from automate.runtime.temporal.client import runs_queue, service_queue
    from automate.runtime.temporal.pause import PauseWorkflow
    from automate.runtime.temporal.workflow import RunWorkflow

    assert isinstance(client, Client)
    settings = config.settings.executor
    acts = RunActivities(runtime, config, settings)
    workers = [
        Worker(
            client,
            task_queue=runs_queue(settings),
            workflows=[RunWorkflow, PauseWorkflow],
            activities=[acts.begin_run, acts.run_step, acts.finish_run],
        )
    ]
    for name, service in sorted(config.integrations.services.items()):
        if not service.enabled:
            continue
        workers.append(
            Worker(
                client,
                task_queue=service_queue(settings, name),
                activities=[acts.run_step],
                max_task_queue_activities_per_second=service.rate_limit.rate,
                # On shutdown a step in flight gets this long to finish before it is cancelled.
                graceful_shutdown_timeout=timedelta(seconds=settings.heartbeat_seconds),
            )
        )
    return workers


async def serve(config: AppConfig, stop: asyncio.Event, *, ready: asyncio.Event | None = None) -> None:
    """Run every worker until `stop` is set, then shut them down cleanly."""
    from automate.runtime.runtime import Runtime
    from automate.runtime.temporal.client import connect

    client = await connect(config.settings.executor)
    async with Runtime(worker_config(config)) as runtime:
        workers = build_workers(client, runtime, config)
        tasks = [asyncio.ensure_future(w.run()) for w in workers]
        log.info("worker_started", queues=[w.task_queue for w in workers], pid=os.getpid())
        if ready is not None:
            ready.set()
        waiting = asyncio.ensure_future(stop.wait())
        await asyncio.wait([waiting, *tasks], return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        await asyncio.gather(*(w.shutdown() for w in workers), return_exceptions=True)
        failed = [t.exception() for t in tasks if t.done() and not t.cancelled() and t.exception()]
        for error in failed:
            log.error("worker_failed", error=type(error).__name__, message=str(error))
        log.info("worker_stopped", pid=os.getpid())


def main(config_dir: Path | None) -> NoReturn:
    """Serve until SIGTERM or SIGINT, then leave at once (see below) with status 0."""
    config = load_config(config_dir)
    try:
        import temporalio  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            "executor", "kind", "a worker needs the `temporal` extra: pip install 'automate[temporal]'"
        ) from exc
    if config.settings.executor.kind != "temporal":
        log.warning("executor_is_local", hint="set executor.kind: temporal so tasks reach workers")

    async def go() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        print(f"automate worker: polling {config.settings.executor.address} (Ctrl-C stops)", flush=True)
        await serve(config, stop)

    asyncio.run(go())
    sys.stdout.flush()
    sys.stderr.flush()
    # After a clean shutdown nothing is left to do, and the SDK's native threads can abort
    # interpreter finalisation (temporalio/sdk-python#300): skip finalisation.
    os._exit(0)
