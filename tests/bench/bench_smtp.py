"""Mail per second through the SMTP adapter, against the naive way and the server's ceiling.

An aiosmtpd server runs in a process of its own (in one process, client and
server would share the interpreter lock and the figures would mean little)
and counts what it accepts; a small control port answers ``count`` and
``reset``. The same number of messages then goes three ways:

- naive: stdlib ``smtplib``, a new connection per message, one after another;
- ours: ``SmtpAdapter`` through the ``IntegrationManager`` (retry, breaker,
  rate limit, timeout all on; a generous rate limit), 8 concurrent senders
  taking the next message as they finish one, the adapter's pool of 8
  connections reused;
- ceiling: aiosmtplib on 8 reused connections, pre-built bytes, no policies.

For reference (not in the last line) a fourth way, ``composing``, is the
ceiling's client building each message with the standard ``email`` package
as it goes, as a plain aiosmtplib program would: here the client, not the
server, is often the limit, and composing is most of what separates ours
from the ceiling. The server must receive exactly the number sent each way,
or the run fails.

    python tests/bench/bench_smtp.py [--messages 1000] [--rounds 3] [--senders 8]

Last line: received=1000 naive_per_s=… ours_per_s=… ceiling_per_s=… vs_naive=… vs_ceiling=…
"""

from __future__ import annotations

import argparse
import asyncio
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SENDER = "bench@automate.test"
RECIPIENT = "ana@example.org"
BODY = "1. numbers\n2. plans\n" * 5
CEILING_CONNECTIONS = 8


# -- the server process ----------------------------------------------------------


class _Counter:
    """An aiosmtpd handler that only counts accepted messages."""

    def __init__(self) -> None:
        self.accepted = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.accepted += 1
        return "250 2.0.0 OK"


async def _serve(port: int, control_port: int) -> None:
    """Run the SMTP server and its control port until the parent closes our stdin."""
    import warnings

    from aiosmtpd.smtp import SMTP

    warnings.simplefilter("ignore")  # aiosmtpd's deprecation notices would only add noise
    counter = _Counter()
    loop = asyncio.get_running_loop()
    smtp = await loop.create_server(
        lambda: SMTP(counter, hostname="bench.local", enable_SMTPUTF8=True), "127.0.0.1", port
    )

    async def control(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        command = (await reader.readline()).decode().strip()
        if command == "reset":
            counter.accepted = 0
        writer.write(f"{counter.accepted}\n".encode())
        await writer.drain()
        writer.close()

    controller = await asyncio.start_server(control, "127.0.0.1", control_port)
    # The parent closes our stdin to stop us: nothing to clean up by pid from outside.
    await loop.run_in_executor(None, sys.stdin.read)
    smtp.close()
    controller.close()


# -- the client side -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    """The counting SMTP server in a child process."""

    def __init__(self) -> None:
        self.port, self.control_port = _free_port(), _free_port()
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(self.port), str(self.control_port)],
            stdin=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                self.ask("count")
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise SystemExit("the SMTP server process did not start") from None
                time.sleep(0.05)

    def ask(self, command: str) -> int:
        """Send `count` or `reset` to the control port; the count it answers."""
        with socket.create_connection(("127.0.0.1", self.control_port), timeout=10) as conn:
            conn.sendall(f"{command}\n".encode())
            return int(conn.makefile().readline())

    def stop(self) -> None:
        """Close the child's stdin (its signal to stop) and wait for it."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _message(index: int) -> EmailMessage:
    """Message `index`, built with the standard library's defaults."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = SENDER, RECIPIENT, f"Bench {index}"
    msg["Message-ID"] = f"<bench-{index}@automate.test>"
    msg.set_content(BODY)
    return msg


async def naive(port: int, count: int) -> float:
    """One new stdlib connection per message, one message after another; seconds taken."""
    start = time.perf_counter()
    for index in range(count):
        with smtplib.SMTP("127.0.0.1", port, local_hostname="bench.local") as client:
            client.sendmail(SENDER, [RECIPIENT], _message(index).as_bytes())
    return time.perf_counter() - start


async def ours(port: int, count: int, home: Path, senders: int) -> float:
    """The SMTP adapter through the IntegrationManager, all policies on; seconds taken to send."""
    from automate.integrations.config import load_config
    from automate.integrations.email.models import Address, OutgoingMessage
    from automate.integrations.manager import IntegrationManager
    from automate.runtime.cli.logs import configure_logging

    configure_logging("warning")  # the CLI's default: per-call events are filtered, not printed
    config_dir = home / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "integrations_config.yaml").write_text(
        f"""\
services:
  outbox:
    adapter: smtp
    rate_limit: {{requests: 100000, per_seconds: 1, burst: 100000}}
    retry: {{attempts: 3, initial_backoff: 0.05, max_backoff: 1, multiplier: 2, jitter: full, deadline: 30}}
    timeout: 30
    circuit_breaker: {{failure_threshold: 5, reset_timeout: 30}}
    settings:
      host: 127.0.0.1
      port: {port}
      security: none
      from_address: {SENDER}
      pool_size: {CEILING_CONNECTIONS}
"""
    )
    config = load_config(config_dir, env={}, home=home)
    to = [Address(email=RECIPIENT)]
    indexes = iter(range(count))

    async with IntegrationManager.from_config(config, ["outbox"]) as manager:

        async def sender() -> None:
            # Each sender takes the next message until none is left: `senders` calls in flight.
            for index in indexes:
                message = OutgoingMessage(to=to, subject=f"Bench {index}", body=BODY)
                await manager.call("outbox", "send_message", message, idempotency_key=f"bench/{index}")

        start = time.perf_counter()  # loading the config and the adapter is not sending
        await asyncio.gather(*(sender() for _ in range(senders)))
        return time.perf_counter() - start


async def ceiling(port: int, messages: Iterable[bytes | EmailMessage]) -> float:
    """aiosmtplib on 8 reused connections, no policies: bytes as they are, messages as they come."""
    import aiosmtplib

    queue = iter(messages)

    async def worker() -> None:
        client = aiosmtplib.SMTP(
            hostname="127.0.0.1", port=port, start_tls=False, local_hostname="bench.local"
        )
        await client.connect()
        for item in queue:  # the workers share one iterator: each message is sent once
            if isinstance(item, bytes):
                await client.sendmail(SENDER, [RECIPIENT], item)
            else:
                await client.send_message(item)
        await client.quit()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CEILING_CONNECTIONS)))
    return time.perf_counter() - start


def measure(server: ServerProcess, count: int, run: Callable[[], Awaitable[float]]) -> float:
    """Messages per second of one way; exits if the server did not get exactly `count`."""
    server.ask("reset")
    elapsed = asyncio.run(run())
    received = server.ask("count")
    if received != count:
        raise SystemExit(f"the server received {received} messages, not {count}")
    return count / elapsed


def main() -> None:
    """Parse arguments; serve (in the child) or benchmark (in the parent)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="best of N rounds for each way (noise)")
    parser.add_argument(
        "--senders", type=int, default=CEILING_CONNECTIONS, help="concurrent sends through the manager"
    )
    parser.add_argument(
        "--serve", nargs=2, type=int, metavar=("PORT", "CONTROL_PORT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve(*args.serve))
        return
    count = args.messages
    import aiosmtplib  # noqa: F401 - imported once up front: no way pays for it inside its clock

    server = ServerProcess()
    best = {"naive": 0.0, "ours": 0.0, "ceiling": 0.0, "composing": 0.0}
    prebuilt = [_message(index).as_bytes() for index in range(count)]  # outside the ceiling's clock
    try:
        with tempfile.TemporaryDirectory(prefix="bench-smtp-") as home:
            ways: dict[str, Callable[[], Awaitable[float]]] = {
                "naive": lambda: naive(server.port, count),
                "ours": lambda: ours(server.port, count, Path(home), args.senders),
                "ceiling": lambda: ceiling(server.port, prebuilt),
                "composing": lambda: ceiling(server.port, (_message(i) for i in range(count))),
            }
            for round_ in range(1, args.rounds + 1):
                for name, way in ways.items():
                    rate = measure(server, count, way)
                    best[name] = max(best[name], rate)
                    print(f"round {round_} {name:9s} {rate:8.0f} messages/s", flush=True)
    finally:
        server.stop()
    print(
        f"reference: aiosmtplib composing each message {best['composing']:.0f}/s "
        f"(ours is {best['ours'] / best['composing']:.2f} of it)"
    )
    print(
        f"received={count} naive_per_s={best['naive']:.0f} ours_per_s={best['ours']:.0f} "
        f"ceiling_per_s={best['ceiling']:.0f} vs_naive={best['ours'] / best['naive']:.2f} "
        f"vs_ceiling={best['ours'] / best['ceiling']:.2f}"
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
