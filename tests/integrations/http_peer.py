"""A small programmable HTTP/1.1 server on loopback, for adapter and chaos tests.

Each request is recorded (with its arrival time) and answered by a handler
that returns a `Reply`, or `DROP` to close the connection without answering.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

__all__ = ["DROP", "Arrival", "HttpPeer", "Reply"]


@dataclass
class Arrival:
    """One request as the server read it."""

    at: float
    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)


@dataclass
class Reply:
    """What to answer: status, headers, body, and how long to stall first."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


DROP = object()
Handler = Callable[[Arrival], "Reply | object"]


class HttpPeer:
    """Serve `handler` on 127.0.0.1 at a free port while in `async with` (over TLS with `tls`)."""

    def __init__(self, handler: Handler, *, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.tls = tls
        self.arrivals: list[Arrival] = []
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.url = ""

    async def __aenter__(self) -> HttpPeer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"{'https' if self.tls else 'http'}://127.0.0.1:{port}"
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    def paths(self) -> list[str]:
        return [a.path for a in self.arrivals]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while await self._one(reader, writer):
                pass
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            # Shutting down: end quietly (a cancelled connection task is logged as an error).
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        arrival = Arrival(time.monotonic(), method, target, headers, body)
        self.arrivals.append(arrival)
        reply = self.handler(arrival)
        if reply is DROP or not isinstance(reply, Reply):
            return False
        if reply.delay:
            await asyncio.sleep(reply.delay)
        reason = HTTPStatus(reply.status).phrase if reply.status in HTTPStatus._value2member_map_ else "X"
        out = [f"HTTP/1.1 {reply.status} {reason}", f"Content-Length: {len(reply.body)}"]
        out += [f"{name}: {value}" for name, value in reply.headers.items()]
        writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
        if method != "HEAD":
            writer.write(reply.body)
        await writer.drain()
        return headers.get("connection", "").lower() != "close"
