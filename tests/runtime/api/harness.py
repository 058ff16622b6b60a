"""Helpers for the API tests: a real uvicorn server on loopback, a gated agent, SSE reading."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel

from automate.agents.base import ActionContext, Agent, action
from automate.runtime.api.serve import make_server

TOKEN = "api-test-token-0123456789"
HOOK_SECRET = "hook-secret-0123456789abcdef"
ROOT = Path(__file__).resolve().parents[3]

GATED = """\
name: gated
description: Three steps that each wait for the test to open their gate.
steps:
  - id: one
    uses: gate.wait
    params: {label: one}
  - id: two
    uses: gate.wait
    needs: [one]
    params: {label: two}
  - id: three
    uses: gate.wait
    needs: [two]
    params: {label: three}
"""
ON_HOOK = """\
name: on_hook
description: Note each delivery's item on the 'hooks' list.
trigger: webhook
steps:
  - id: note
    uses: lists.add_item
    params: {list: hooks, item: "{trigger.data.item}"}
"""
GREET = """\
name: greet
inputs:
  who: {type: email}
  times: {type: integer, default: 1}
steps:
  - id: note
    uses: lists.add_item
    params: {list: greetings, item: "hello {inputs.who}"}
"""


class GateParams(BaseModel):
    """Which gate to wait for."""

    label: str


class GateResult(BaseModel):
    """The gate that opened."""

    label: str


class Gates:
    """Events the test sets to let a gated step finish."""

    def __init__(self) -> None:
        self.events: dict[str, asyncio.Event] = defaultdict(asyncio.Event)

    def open(self, *labels: str) -> None:
        """Let the steps waiting on `labels` finish."""
        for label in labels:
            self.events[label].set()


GATES = Gates()


class GateAgent(Agent):
    """A test agent whose one action waits until the test opens its gate."""

    name = "gate"
    description = "Waits for the test."
    requires = ()

    @action("Wait until the test opens the gate.", side_effect=True)
    async def wait(self, params: GateParams, ctx: ActionContext) -> GateResult:
        await GATES.events[params.label].wait()
        return GateResult(label=params.label)


@dataclass
class Frame:
    """One Server-Sent Events frame."""

    id: int | None = None
    event: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


class FrameReader:
    """Reads SSE frames from one streamed response, across several calls."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()
        self._current = Frame()

    async def read(self, *, until: str | None = None, limit: float = 10.0) -> list[Frame]:
        """Frames with an event type until the stream ends (or one of type `until` came)."""
        frames: list[Frame] = []
        async with asyncio.timeout(limit):
            async for line in self._lines:
                if line == "":
                    done, self._current = self._current, Frame()
                    if done.event is not None:
                        frames.append(done)
                        if done.event == until:
                            return frames
                elif line.startswith("id:"):
                    self._current.id = int(line[3:].strip())
                elif line.startswith("event:"):
                    self._current.event = line[6:].strip()
                elif line.startswith("data:"):
                    self._current.data = json.loads(line[5:].strip())
        return frames


async def read_frames(
    response: httpx.Response, *, until: str | None = None, limit: float = 10.0
) -> list[Frame]:
    """SSE frames from a response read once (see `FrameReader` to read on later)."""
    return await FrameReader(response).read(until=until, limit=limit)


@dataclass
class LiveServer:
    """A uvicorn server running the app on a loopback port, in the test's event loop."""

    app: FastAPI
    url: str
    server: uvicorn.Server

    def client(self, token: str | None = TOKEN, **options: Any) -> httpx.AsyncClient:
        """An HTTP client for the server (with the bearer token unless `token` is None)."""
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=10.0, **options)


@asynccontextmanager
async def live_server(app: FastAPI) -> AsyncIterator[LiveServer]:
    """Serve `app` on 127.0.0.1 (a free port) for the duration of the block."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5, access_log=False
    )
    server = make_server(config)
    task = asyncio.ensure_future(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(10):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.01)
        yield LiveServer(app, f"http://127.0.0.1:{port}", server)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)
        sock.close()


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class ServeProcess:
    """`automate serve` in a subprocess: its URL and process."""

    url: str
    process: subprocess.Popen[bytes]


def start_serve(config_dir: Path, home: Path, log: Path) -> ServeProcess:
    """Start `automate serve` on a free loopback port and wait until /health answers."""
    port = free_port()
    env = {**os.environ, "AUTOMATE_HOME": str(home), "AUTOMATE_API_TOKEN": TOKEN, "HOOK_SECRET": HOOK_SECRET}
    env.pop("AUTOMATE_CONFIG", None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "automate.main",
                "serve",
                "--config",
                str(config_dir),
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"automate serve exited {process.returncode}: {log.read_text()}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return ServeProcess(url, process)
        except httpx.TransportError:
            time.sleep(0.1)
    stop_serve(ServeProcess(url, process))
    raise RuntimeError(f"automate serve did not answer in 30 s: {log.read_text()}")


def stop_serve(served: ServeProcess) -> None:
    """Stop the server (SIGTERM, then SIGKILL after 10 s) by its pid."""
    served.process.terminate()
    try:
        served.process.wait(10)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait(5)


async def wait_for(check: Callable[[], object], limit: float = 5.0) -> None:
    """Poll `check` until it is truthy (bounded)."""
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110 (state owned by the server: nothing to wait on but a poll)
            await asyncio.sleep(0.01)
