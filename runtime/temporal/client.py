"""Connecting to Temporal, and the names of the task queues runs and services use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from automate.integrations.config import ExecutorSettings
from automate.integrations.errors import TransientError

if TYPE_CHECKING:
    from temporalio.client import Client

__all__ = ["RUNS_QUEUE", "WORKFLOW_NAME", "connect", "runs_queue", "service_queue"]

RUNS_QUEUE = "runs"
WORKFLOW_NAME = "AutomateRun"


def runs_queue(settings: ExecutorSettings) -> str:
    """The queue run workflows (and their bookkeeping activities) are polled from."""
    return f"{settings.task_queue_prefix}-{RUNS_QUEUE}"


def service_queue(settings: ExecutorSettings, service: str) -> str:
    """The queue of one service's steps: its rate limit is this queue's activities-per-second."""
    return f"{settings.task_queue_prefix}-svc-{service}"


async def connect(settings: ExecutorSettings) -> Client:
    """A client for the configured frontend and namespace (TLS and API key when configured)."""
    from temporalio.client import Client
    from temporalio.service import TLSConfig

    tls: TLSConfig | bool = False
    files = (settings.tls_server_ca, settings.tls_client_cert, settings.tls_client_key)
    if any(files):
        ca, cert, key = (path.read_bytes() if path is not None else None for path in files)
        tls = TLSConfig(server_root_ca_cert=ca, client_cert=cert, client_private_key=key)
    elif settings.tls or settings.api_key is not None:
        tls = True
    api_key = settings.api_key.get_secret_value() if settings.api_key is not None else None
    try:
        return await Client.connect(settings.address, namespace=settings.namespace, tls=tls, api_key=api_key)
    except RuntimeError as exc:  # the SDK's connection failures carry no finer type
        raise TransientError(
            f"cannot reach Temporal at {settings.address} (namespace {settings.namespace}): {exc}",
            service="temporal",
        ) from exc
