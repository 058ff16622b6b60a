"""Tests for the generic HTTP adapter against a real HTTP server on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from automate.integrations.adapter import AdapterEnv, CallContext
from automate.integrations.config import load_config
from automate.integrations.errors import (
    AuthError,
    IntegrationError,
    InvalidRequest,
    NotFound,
    PermanentError,
    RateLimited,
    TransientError,
)
from automate.integrations.http import HttpAdapter, HttpRequest, HttpResponse, HttpSettings
from automate.integrations.manager import IntegrationManager
from automate.integrations.redaction import redact
from automate.integrations.testing import FakeClock, app_config
from tests.integrations.http_peer import DROP, Arrival, HttpPeer, Reply
from tests.peers.tls import make_certificate


def json_reply(data: object, status: int = 200) -> Reply:
    return Reply(status, json.dumps(data).encode(), {"Content-Type": "application/json"})


def adapter_for(url: str, tmp_path: Path, **settings: object) -> HttpAdapter:
    settings_model = HttpSettings.model_validate({"base_url": url, **settings})
    return HttpAdapter(settings_model, AdapterEnv("api", tmp_path))


async def send(url: str, tmp_path: Path, request: HttpRequest, **settings: object) -> HttpResponse:
    adapter = adapter_for(url, tmp_path, **settings)
    try:
        return await adapter.request(request, CallContext(idempotency_key="run-7/step-2"))
    finally:
        await adapter.aclose()


class TestHttpAdapter:
    async def test_get_sends_query_and_auth_and_parses_json(self, tmp_path: Path) -> None:
        """A GET carries the query, the bearer token and configured headers; a JSON body is parsed."""
        async with HttpPeer(lambda a: json_reply({"items": [1, 2]})) as peer:
            result = await send(
                peer.url + "/api",
                tmp_path,
                HttpRequest(path="items", query={"q": "ana", "page": 2}),
                token="tok-0123456789",
                headers={"X-Client": "automate"},
                allow_plaintext_auth=True,
            )
        assert (result.status, result.json_body, result.text) == (200, {"items": [1, 2]}, None)
        seen = peer.arrivals[0]
        assert (seen.method, seen.path, seen.query) == ("GET", "/api/items", {"q": ["ana"], "page": ["2"]})
        assert seen.headers["authorization"] == "Bearer tok-0123456789"
        assert seen.headers["x-client"] == "automate"

    async def test_post_sends_a_json_body_and_the_idempotency_key(self, tmp_path: Path) -> None:
        """A POST sends its JSON body with a content type, and the call's idempotency key."""
        async with HttpPeer(lambda a: Reply(201, b"created", {"Content-Type": "text/plain"})) as peer:
            request = HttpRequest(method="POST", path="/things", json_body={"a": 1})
            result = await send(peer.url, tmp_path, request)
        assert (result.status, result.text) == (201, "created")
        seen = peer.arrivals[0]
        assert json.loads(seen.body) == {"a": 1}
        assert seen.headers["content-type"] == "application/json"
        assert seen.headers["idempotency-key"] == "run-7/step-2"

    @pytest.mark.parametrize(
        ("status", "headers", "error", "retry_after"),
        [
            (429, {"Retry-After": "7"}, RateLimited, 7.0),
            (429, {}, RateLimited, None),
            (503, {"Retry-After": "2"}, RateLimited, 2.0),
            (503, {}, TransientError, None),
            (500, {}, TransientError, None),
            (502, {}, TransientError, None),
            (408, {}, TransientError, None),
            (401, {}, AuthError, None),
            (403, {}, AuthError, None),
            (404, {}, NotFound, None),
            (410, {}, NotFound, None),
            (400, {}, InvalidRequest, None),
            (422, {}, InvalidRequest, None),
        ],
    )
    async def test_status_codes_map_to_the_error_tree(
        self,
        tmp_path: Path,
        status: int,
        headers: dict[str, str],
        error: type[IntegrationError],
        retry_after: float | None,
    ) -> None:
        """Each error status becomes the matching project error, with Retry-After parsed."""
        async with HttpPeer(lambda a: Reply(status, b"nope", headers)) as peer:
            with pytest.raises(error) as raised:
                await send(peer.url, tmp_path, HttpRequest(path="/x"))
        assert type(raised.value) is error
        assert raised.value.retry_after == retry_after
        assert str(raised.value) == f"HTTP {status}: nope"

    async def test_a_dropped_connection_is_transient(self, tmp_path: Path) -> None:
        """A server that hangs up without answering gives a retryable error."""
        async with HttpPeer(lambda a: DROP) as peer:
            with pytest.raises(TransientError, match="RemoteProtocolError"):
                await send(peer.url, tmp_path, HttpRequest())

    async def test_a_refused_connection_is_transient(self, tmp_path: Path) -> None:
        """Nobody listening on the port is a retryable connect error."""
        async with HttpPeer(lambda a: Reply()) as peer:
            url = peer.url
        with pytest.raises(TransientError, match="ConnectError"):
            await send(url, tmp_path, HttpRequest())

    async def test_an_oversized_response_is_refused(self, tmp_path: Path) -> None:
        """A body larger than max_response_bytes is not read into memory."""
        async with HttpPeer(lambda a: Reply(200, b"x" * 5000)) as peer:
            with pytest.raises(PermanentError, match="larger than 1000 bytes"):
                await send(peer.url, tmp_path, HttpRequest(), max_response_bytes=1000)

    @pytest.mark.parametrize(
        "bad",
        [
            {"path": "http://elsewhere.example/steal"},
            {"path": "//elsewhere.example/x"},
            {"path": "/a\r\nX-Injected: 1"},
            {"headers": {"X-Ok": "a\r\nX-Injected: 1"}},
            {"headers": {"Bad Name": "v"}},
            {"method": "TRACE"},
        ],
    )
    def test_unsafe_requests_are_rejected(self, bad: dict[str, object]) -> None:
        """Absolute URLs, CR/LF in paths or headers, bad header names and odd methods are refused."""
        with pytest.raises(ValidationError):
            HttpRequest.model_validate(bad)

    @pytest.mark.parametrize(
        "settings",
        [{"base_url": "ftp://x"}, {"base_url": "x"}, {"base_url": "http://h", "headers": {"A": "b\nc"}}],
    )
    def test_bad_settings_are_rejected(self, settings: dict[str, object]) -> None:
        """A base URL that is not http(s), or a header with a line break, is a settings error."""
        with pytest.raises(ValidationError):
            HttpSettings.model_validate(settings)

    async def test_check_uses_head_then_get(self, tmp_path: Path) -> None:
        """check() tries HEAD, falls back to GET on 405, and reports ok."""

        def handler(arrival: Arrival) -> Reply:
            return Reply(405) if arrival.method == "HEAD" else Reply(200, b"hello")

        async with HttpPeer(handler) as peer:
            adapter = adapter_for(peer.url, tmp_path)
            result = await adapter.check()
            await adapter.aclose()
        assert result.ok
        assert [a.method for a in peer.arrivals] == ["HEAD", "GET"]

    @pytest.mark.parametrize(
        ("handler", "detail"),
        [
            (lambda a: Reply(401), "AuthError: HTTP 401"),
            (lambda a: DROP, "TransientError"),
        ],
    )
    async def test_check_reports_failures(
        self, tmp_path: Path, handler: Callable[[Arrival], object], detail: str
    ) -> None:
        """Refused credentials or a broken server make check() report ok=False with the reason."""
        async with HttpPeer(handler) as peer:
            adapter = adapter_for(peer.url, tmp_path)
            result = await adapter.check()
            await adapter.aclose()
        assert not result.ok
        assert result.detail.startswith(detail)


class TestPlaintextAuth:
    @pytest.mark.parametrize(
        ("settings", "request_headers"),
        [
            ({"token": "tok-plain-0123456789"}, {}),
            ({"headers": {"Authorization": "Basic c2VjcmV0LXBhc3M="}}, {}),
            ({}, {"Proxy-Authorization": "Basic c2VjcmV0LXBhc3M="}),
        ],
    )
    async def test_credentials_over_http_are_refused_before_sending(
        self, tmp_path: Path, settings: dict[str, object], request_headers: dict[str, str]
    ) -> None:
        """A token or an auth header bound for http:// is an AuthError; the server sees nothing."""
        async with HttpPeer(lambda a: Reply()) as peer:
            with pytest.raises(AuthError, match=r"without TLS.*allow_plaintext_auth: true"):
                await send(peer.url, tmp_path, HttpRequest(headers=request_headers), **settings)
        assert peer.arrivals == []

    async def test_a_password_in_the_url_is_refused_and_not_repeated(self, tmp_path: Path) -> None:
        """A user and password in an http:// base_url are refused; the message names the host only."""
        async with HttpPeer(lambda a: Reply()) as peer:
            url = peer.url.replace("http://", "http://ana:pa55-in-url@")
            with pytest.raises(AuthError) as refused:
                await send(url, tmp_path, HttpRequest())
        assert "pa55-in-url" not in str(refused.value) and "127.0.0.1" in str(refused.value)
        assert peer.arrivals == []

    async def test_allowed_on_purpose_the_token_is_sent(self, tmp_path: Path) -> None:
        """With allow_plaintext_auth: true the token goes to the http:// server."""
        async with HttpPeer(lambda a: Reply()) as peer:
            await send(
                peer.url, tmp_path, HttpRequest(), token="tok-plain-0123456789", allow_plaintext_auth=True
            )
        assert peer.arrivals[0].headers["authorization"] == "Bearer tok-plain-0123456789"

    async def test_over_tls_the_token_is_sent(self, tmp_path: Path) -> None:
        """Over https:// (a verified certificate) the token is sent without any extra setting."""
        tls = make_certificate(tmp_path / "tls")
        async with HttpPeer(lambda a: Reply(), tls=tls.server_context()) as peer:
            await send(peer.url, tmp_path, HttpRequest(), token="tok-tls-0123456789", ca_file=tls.cert)
        assert peer.arrivals[0].headers["authorization"] == "Bearer tok-tls-0123456789"


class TestRedirects:
    @pytest.mark.parametrize(("method", "status"), [("GET", 302), ("POST", 307)])
    async def test_a_redirect_to_another_host_is_answered_not_followed(
        self, tmp_path: Path, method: str, status: int
    ) -> None:
        """A 3xx pointing at another host comes back as the answer; that host never sees the token."""
        async with HttpPeer(lambda a: Reply()) as elsewhere:
            target = elsewhere.url.replace("127.0.0.1", "localhost") + "/steal"
            async with HttpPeer(lambda a: Reply(status, b"", {"Location": target})) as peer:
                request = HttpRequest.model_validate({"method": method, "path": "/start"})
                result = await send(
                    peer.url, tmp_path, request, token="tok-redirect-0123456789", allow_plaintext_auth=True
                )
        assert (result.status, result.headers["location"]) == (status, target)
        assert peer.paths() == ["/start"]
        assert elsewhere.arrivals == []


class TestHttpThroughTheManager:
    async def test_configured_with_an_env_token_and_retried_on_429(
        self, tmp_path: Path, user_config: Path
    ) -> None:
        """Configured with an ${ENV} token, a 429 is retried after Retry-After; the token stays secret."""
        token = "tok-manager-http-0123456789"
        replies = [Reply(429, b"slow down", {"Retry-After": "3"}), json_reply({"ok": True})]
        async with HttpPeer(lambda a: replies.pop(0)) as peer:
            (user_config / "integrations_config.yaml").write_text(
                "services:\n  api:\n    adapter: http\n    retry: {attempts: 3, jitter: none}\n"
                f"    settings:\n      base_url: {peer.url}\n      token: ${{API_TOKEN}}\n"
                "      allow_plaintext_auth: true\n"
            )
            config = load_config(user_config, env={"API_TOKEN": token}, home=tmp_path)
            clock = FakeClock()
            async with IntegrationManager.from_config(config, ["api"], clock=clock) as manager:
                result = await manager.call("api", "request", {"path": "/ping"}, expect=HttpResponse)
                with pytest.raises(InvalidRequest, match="path must be relative"):
                    await manager.call("api", "request", {"path": "https://evil.example/"})
        assert result.json_body == {"ok": True}
        assert clock.sleeps == [3.0]
        assert [a.headers["authorization"] for a in peer.arrivals] == [f"Bearer {token}"] * 2
        assert redact(f"Authorization: Bearer {token}") == "Authorization: Bearer ***"

    # The shipped retry (a deadline), and a Temporal worker's (one attempt, no deadline).
    @pytest.mark.parametrize("retry", [{"attempts": 3, "deadline": 120}, {"attempts": 1, "deadline": None}])
    async def test_a_day_long_retry_after_does_not_freeze_the_service(
        self, tmp_path: Path, retry: dict[str, object]
    ) -> None:
        """After a `Retry-After: 86400` answer the next call fails at once, well within its timeout."""
        replies = [Reply(429, b"come back tomorrow", {"Retry-After": "86400"}), json_reply({"ok": True})]
        async with HttpPeer(lambda a: replies.pop(0)) as peer:
            block = {
                "adapter": "http",
                "retry": {**retry, "jitter": "none"},
                "timeout": 10,
                "settings": {"base_url": peer.url},
            }
            clock = FakeClock()
            config = app_config({"api": block}, home=tmp_path)
            async with IntegrationManager.from_config(config, clock=clock) as manager:
                with pytest.raises(RateLimited) as first:
                    await manager.call("api", "request", {"path": "/a"})
                asked_at = clock.now
                with pytest.raises(RateLimited, match="rate limit: no call may start") as second:
                    await manager.call("api", "request", {"path": "/b"})
        assert first.value.retry_after == 300.0  # rate_limit.max_retry_after's default
        assert clock.now - asked_at < 10
        assert second.value.retry_after is not None and second.value.retry_after <= 300.0
        assert peer.paths() == ["/a"]

    async def test_an_absurd_retry_after_is_waited_only_up_to_the_cap(self, tmp_path: Path) -> None:
        """`Retry-After: 99999999999999999999` is waited as max_retry_after (5 s here), then retried."""
        replies = [Reply(429, b"", {"Retry-After": "99999999999999999999"}), json_reply({"ok": True})]
        async with HttpPeer(lambda a: replies.pop(0)) as peer:
            block = {
                "adapter": "http",
                "rate_limit": {"requests": 10, "per_seconds": 1, "max_retry_after": 5},
                "retry": {"attempts": 3, "jitter": "none", "deadline": 60},
                "settings": {"base_url": peer.url},
            }
            clock = FakeClock()
            config = app_config({"api": block}, home=tmp_path)
            async with IntegrationManager.from_config(config, clock=clock) as manager:
                result = await manager.call("api", "request", {"path": "/a"}, expect=HttpResponse)
        assert result.json_body == {"ok": True}
        assert clock.now == pytest.approx(5.0)
        assert len(peer.arrivals) == 2

    def test_importing_the_adapter_does_not_import_httpx(self) -> None:
        """httpx is loaded on the first request, not when the adapter or manager is imported."""
        code = (
            "import sys, automate.integrations.manager, automate.integrations.http; "
            "print('httpx' in sys.modules)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert out.stdout.strip() == "False"
