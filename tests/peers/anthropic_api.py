"""A local HTTP server that answers the Anthropic Messages API (`POST /v1/messages`).

Answers take the documented shapes: a message with ``text`` and ``tool_use``
blocks, a stop reason and usage; errors as ``{"type": "error", "error":
{"type": "overloaded_error", "message": …}}`` with a status (429, 529…) and
optionally a ``retry-after`` header. The real `anthropic` client is pointed at
it with ``base_url=server.url``. Tests queue answers (`reply`, `tool_use`,
`text`, `error`) and read what was sent (`requests`); with `replay` the server
answers from recorded responses looked up by the request's user text.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "Answer",
    "FakeAnthropic",
    "error",
    "message",
    "running_anthropic",
    "text",
    "tool_use",
    "user_text",
]

MODEL = "claude-test"
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: status, JSON body, extra headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def tool_use(name: str, arguments: dict[str, Any], *, call_id: str | None = None) -> dict[str, Any]:
    """A tool_use content block."""
    return {
        "type": "tool_use",
        "id": call_id or f"toolu_{uuid.uuid4().hex[:20]}",
        "name": name,
        "input": arguments,
    }


def text(said: str) -> dict[str, Any]:
    """A text content block."""
    return {"type": "text", "text": said}


def message(*blocks: dict[str, Any], stop_reason: str | None = None) -> Answer:
    """A 200 answer with these blocks; the stop reason follows from them unless given."""
    reason = stop_reason or ("tool_use" if any(b["type"] == "tool_use" for b in blocks) else "end_turn")
    body = {
        "id": f"msg_{uuid.uuid4().hex[:24]}",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": list(blocks),
        "stop_reason": reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": 812,
            "output_tokens": 64,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 700,
        },
    }
    return Answer(200, body)


def error(status: int, said: str = "", *, retry_after: str | None = None) -> Answer:
    """An error answer in the API's error shape."""
    kind = _ERROR_TYPES.get(status, "api_error")
    body = {"type": "error", "error": {"type": kind, "message": said or kind.replace("_", " ")}}
    return Answer(status, body, {"retry-after": retry_after} if retry_after is not None else {})


def user_text(request: dict[str, Any]) -> str:
    """The text of a request's first user message."""
    content = request["messages"][0]["content"]
    if isinstance(content, str):
        return content
    return " ".join(b.get("text", "") for b in content if b.get("type") == "text")


class FakeAnthropic:
    """The server's state: queued answers, or a responder; every request seen."""

    def __init__(self) -> None:
        self.queue: list[Answer] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.responder: Callable[[dict[str, Any]], Answer] | None = None
        self.url = ""
        self._lock = threading.Lock()

    def reply(self, *answers: Answer) -> None:
        """Answer the next requests with these, in order."""
        with self._lock:
            self.queue.extend(answers)

    def replay(self, recorded: dict[str, dict[str, Any]]) -> None:
        """Answer each request with the message recorded for its user text (a 404 error if none)."""

        def respond(request: dict[str, Any]) -> Answer:
            found = recorded.get(user_text(request))
            return Answer(200, found) if found is not None else error(404, "no recorded answer")

        self.responder = respond

    def answer(self, request: dict[str, Any], headers: dict[str, str]) -> Answer:
        """The answer to one request (and remember it)."""
        with self._lock:
            self.requests.append(request)
            self.headers.append(headers)
            if self.queue:
                return self.queue.pop(0)
        if self.responder is not None:
            return self.responder(request)
        return error(500, "no answer queued")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        if self.path.split("?")[0] != "/v1/messages":
            self._send(error(404, f"no route {self.path}"))
            return
        try:
            request = json.loads(raw)
        except ValueError:
            self._send(error(400, "body is not JSON"))
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        self._send(self.server.state.answer(request, headers))

    def _send(self, answer: Answer) -> None:
        data = json.dumps(answer.body).encode()
        self.send_response(answer.status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", f"req_{uuid.uuid4().hex[:16]}")
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `requests` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: FakeAnthropic) -> None:
        self.state = state
        super().__init__(("127.0.0.1", 0), _Handler)


@contextmanager
def running_anthropic() -> Iterator[FakeAnthropic]:
    """A server on a free loopback port for the duration of the block."""
    state = FakeAnthropic()
    server = _Server(state)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="fake-anthropic", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
