"""Caps on request bodies (size, JSON nesting, valid Unicode), enforced before any route reads one."""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MAX_JSON_DEPTH", "BodyLimit", "json_problem"]

MAX_JSON_DEPTH = 64  # far past any real payload, far below what the parsers' recursion survives
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_MAYBE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.S)
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_problem(body: bytes, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why a JSON body cannot be parsed safely (nested too deep, not UTF-8, a lone surrogate), or None.

    A linear scan of the raw text, before any parser recurses into it; the
    syntax itself is left to the parser.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not valid UTF-8"
    strings = _STRING.findall(text)
    if _MAYBE_SURROGATE.search(text) and any(_lone_surrogate(s) for s in strings):
        return "the body holds a lone surrogate escape (\\ud800-\\udfff), which is not text"
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if brackets and max(accumulate(_DEPTH_STEP[c] for c in brackets)) > max_depth:
        return f"the body nests objects or arrays more than {max_depth} levels deep"
    return None


def _lone_surrogate(literal: str) -> bool:
    """Whether a JSON string literal has a \\uD800-\\uDFFF escape that is not half of a pair."""
    pending_high = -1  # where the escape after an unpaired high surrogate must start
    for match in _ESCAPE.finditer(literal):
        code = int(match.group(1), 16) if match.group(1) else None
        if pending_high >= 0:
            if match.start() != pending_high or code is None or not 0xDC00 <= code <= 0xDFFF:
                return True
            pending_high = -1
            continue
        if code is not None and 0xD800 <= code <= 0xDBFF:
            pending_high = match.end()
        elif code is not None and 0xDC00 <= code <= 0xDFFF:
            return True
    return pending_high >= 0


class BodyLimit:
    """ASGI middleware: a body over `max_bytes` (declared or streamed) gets 413 and goes nowhere;
    one nested too deep or that is not text gets 422.

    The body is read in full (at most `max_bytes`) before the app sees it, so
    a route never starts work on a request that turns out to be too large,
    and no parser recurses into one nested deeper than `max_depth`.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, max_depth: int = MAX_JSON_DEPTH) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with its body, or answer 413."""
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if problem := json_problem(body, self.max_depth):
            await _answer(send, 422, {"detail": [{"loc": ["body"], "msg": problem, "type": "value_error"}]})
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # after the body: wait for a disconnect, as a server would
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        await _answer(send, 413, {"detail": f"request body is larger than {self.max_bytes} bytes"})


async def _answer(send: Send, status: int, content: dict[str, Any]) -> None:
    """Answer with a JSON body and close the connection (the body may not have been read)."""
    payload = json.dumps(content).encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def _content_length(scope: Scope) -> int | None:
    headers: Any = scope.get("headers", [])
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
