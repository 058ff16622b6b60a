"""A real Radicale CalDAV server, started as a subprocess on a free loopback port."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.peers.tls import TlsFiles

__all__ = ["RadicaleServer", "running_radicale"]


@dataclass(frozen=True)
class RadicaleServer:
    """Where a running Radicale listens and who may log in."""

    url: str
    username: str
    password: str
    storage: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _command() -> list[str]:
    found = shutil.which("radicale", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "radicale"]


@contextmanager
def running_radicale(
    directory: Path,
    *,
    username: str = "alice",
    password: str = "wonderland-7",
    ready_within: float = 15.0,
    tls: TlsFiles | None = None,
) -> Iterator[RadicaleServer]:
    """Start Radicale with htpasswd auth under `directory` (HTTPS with `tls`); stop it on exit."""
    directory.mkdir(parents=True, exist_ok=True)
    users = directory / "users"
    users.write_text(f"{username}:{password}\n")
    storage = directory / "collections"
    port = _free_port()
    log = (directory / "radicale.log").open("wb")
    process = subprocess.Popen(
        [
            *_command(),
            "--config",
            "",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--auth-type",
            "htpasswd",
            "--auth-htpasswd-filename",
            str(users),
            "--auth-htpasswd-encryption",
            "plain",
            "--auth-delay",
            "0",
            "--rights-type",
            "owner_only",
            "--storage-filesystem-folder",
            str(storage),
            "--logging-level",
            "warning",
            *(
                ["--server-ssl=True", f"--server-certificate={tls.cert}", f"--server-key={tls.key}"]
                if tls
                else []
            ),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"{'https' if tls else 'http'}://127.0.0.1:{port}/"
    try:
        context = tls.client_context() if tls else None
        _wait_ready(url, process, ready_within, directory / "radicale.log", context)
        yield RadicaleServer(url=url, username=username, password=password, storage=storage)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


def _wait_ready(
    url: str, process: subprocess.Popen[bytes], within: float, log: Path, context: ssl.SSLContext | None
) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"radicale exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1, context=context):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer (302, 401) means it is serving
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"radicale did not answer on {url} within {within} s")
