"""Task submissions over HTTP: 2,000 requests from 50 concurrent clients to `automate serve`.

    python tests/bench/bench_api.py [--requests 2000] [--clients 50] [--no-wait] [--limit 300]

Starts `automate serve` on a loopback port with the embedded defaults (local
calendar, Maildir, lists and reminders under a temporary data directory),
then 50 clients, each on its own keep-alive connection, share one queue of
requests — adding items to lists and setting reminders — each a
`POST /api/tasks`. By default each asks to `wait`,
so a request's latency is its whole run; with --no-wait it is the time to a
202, and the bench then waits for the runs to end. Afterwards the run store
is read: every answered run id must be a finished run there, and the store
must hold exactly as many runs as requests. Bounded in count and in time
(--limit seconds), loopback only. The last line is
``requests=… errors=… per_s=… p50_ms=… p99_ms=… recorded=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from automate.runtime.store import RunStatus, SqliteRunStore  # noqa: E402
from tests.runtime.api.harness import free_port  # noqa: E402

TOKEN = "bench-token-0123456789abcdef"


def label(n: int) -> str:
    """A unique word for request `n` made of letters (a number would be read as a date or time)."""
    letters = ""
    while True:
        n, digit = divmod(n, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
        if n == 0:
            return "q" + letters


def texts(count: int) -> list[str]:
    """Requests that each become one run on the embedded defaults (a list item or a reminder)."""
    found = []
    for n in range(count):
        if n % 2:
            found.append(f"remind me to water the {label(n)} plant tomorrow at 6pm")
        else:
            found.append(f"add {label(n)} to my shopping list")
    return found


def start_server(home: Path, port: int) -> subprocess.Popen[bytes]:
    """`automate serve` on 127.0.0.1:`port` with the shipped configuration."""
    env = {**os.environ, "AUTOMATE_HOME": str(home), "AUTOMATE_API_TOKEN": TOKEN}
    env.pop("AUTOMATE_CONFIG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "automate.main", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def ready(url: str, limit: float = 30.0) -> None:
    """Wait (bounded) until the server answers /health."""
    async with httpx.AsyncClient() as client, asyncio.timeout(limit):
        while True:
            try:
                if (await client.get(f"{url}/health")).status_code == 200:
                    return
            except httpx.TransportError:
                await asyncio.sleep(0.1)


class Tally:
    """What the clients saw: latencies, errors and the run ids they were given."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.run_ids: set[str] = set()


class Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough of the protocol for this bench.

    A plain client on asyncio streams: httpx spends about twice the server's
    CPU per request, and on two shared cores the clients would then measure
    themselves more than the server.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST JSON; the status and the JSON answer (reconnecting if the server closed the connection)."""
        if self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        body = json.dumps(payload).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self._writer.write(head.encode() + body)
        status_line = await self._reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        length, closing = 0, False
        while (line := await self._reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                closing = True
        answer = json.loads(await self._reader.readexactly(length)) if length else {}
        if closing:
            await self.close()
        return int(status_line.split()[1]), answer

    async def close(self) -> None:
        """Close the connection."""
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError):
                await self._writer.wait_closed()
            self._writer = None


async def client_loop(host: str, port: int, queue: asyncio.Queue[str], wait: bool, tally: Tally) -> None:
    """One client on its own connection: take a request, send it, note the outcome, until none is left."""
    connection = Connection(host, port)
    try:
        while True:
            try:
                text = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            started = time.perf_counter()
            try:
                status, body = await connection.post("/api/tasks", {"text": text, "wait": wait})
            except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
                tally.errors.append(f"{text!r}: {type(exc).__name__}: {exc}")
                await connection.close()
                continue
            tally.latencies.append(time.perf_counter() - started)
            expected = 200 if wait else 202
            if status != expected or (wait and body.get("status") != "done") or not body.get("run_id"):
                tally.errors.append(f"{text!r}: {status} {str(body)[:200]}")
                continue
            tally.run_ids.add(body["run_id"])
    finally:
        await connection.close()


async def drive(host: str, port: int, count: int, clients: int, wait: bool) -> tuple[Tally, float]:
    """Send `count` requests from `clients` concurrent clients; the tally and the elapsed seconds."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for text in texts(count):
        queue.put_nowait(text)
    tally = Tally()
    started = time.perf_counter()
    await asyncio.gather(*(client_loop(host, port, queue, wait, tally) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    if not wait:  # the runs go on after their 202s: wait until the server carries none
        async with httpx.AsyncClient(base_url=f"http://{host}:{port}") as client, asyncio.timeout(120):
            while (await client.get("/health")).json()["runs_in_flight"]:  # noqa: ASYNC110 (another process)
                await asyncio.sleep(0.05)
    return tally, elapsed


def recorded(home: Path, run_ids: set[str]) -> tuple[int, int]:
    """(answered runs found finished in the store, all runs in the store)."""
    store = SqliteRunStore(home / "runs.sqlite3", retention_days=None)
    try:
        finished = 0
        for run_id in run_ids:
            record = store.get_run(run_id)
            if record is not None and record.status is RunStatus.DONE:
                finished += 1
        total = len(store.list_runs(len(run_ids) + 1000))
    finally:
        store.close()
    return finished, total


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile of `values` (nearest rank), in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index] * 1000


def main() -> int:
    """Run the bench; exit 1 if any request failed or any run is missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--no-wait", action="store_true", help="measure the time to a 202, not to the run's end"
    )
    parser.add_argument("--limit", type=float, default=300.0, help="give up after this many seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-api-") as folder:
        home = Path(folder)
        port = free_port()
        server = start_server(home, port)
        url = f"http://127.0.0.1:{port}"
        try:

            async def go() -> tuple[Tally, float]:
                await ready(url)
                async with asyncio.timeout(args.limit):
                    return await drive("127.0.0.1", port, args.requests, args.clients, not args.no_wait)

            tally, elapsed = asyncio.run(go())
        finally:
            server.terminate()
            server.wait(30)
        finished, total = recorded(home, tally.run_ids)
    for error in tally.errors[:10]:
        print(f"error: {error}")
    lost = args.requests - finished
    mode = "to the 202" if args.no_wait else "to the run's end (wait)"
    print(f"{args.requests} requests from {args.clients} clients in {elapsed:.2f} s, latency {mode}")
    p50, p99 = percentile(tally.latencies, 0.5), percentile(tally.latencies, 0.99)
    mean, slowest = statistics.fmean(tally.latencies or [0.0]) * 1000, max(tally.latencies, default=0) * 1000
    print(f"mean {mean:.1f} ms, p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {slowest:.1f} ms")
    print(f"runs in the store: {total}; answered runs found done: {finished}; missing: {lost}")
    own, server_cpu = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    server_s, clients_s = server_cpu.ru_utime + server_cpu.ru_stime, own.ru_utime + own.ru_stime
    print(f"CPU: server {server_s:.1f} s (start-up included), clients {clients_s:.1f} s")
    print(
        f"requests={args.requests} errors={len(tally.errors)} per_s={args.requests / elapsed:.1f}"
        f" p50_ms={p50:.1f} p99_ms={p99:.1f}"
        f" recorded={finished}"
    )
    ok = not tally.errors and finished == args.requests and total == args.requests
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
