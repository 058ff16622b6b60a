"""A generic HTTP adapter: call any JSON/text API under the service's policies.

`httpx` is imported when the adapter first sends a request, never at start-up.
Status codes and transport failures are translated to the project's errors
in one place (`_raise_for_status`, `_translate`). The client's own timeout is
off: the manager's per-attempt timeout is the one limit, as its retry is the
one retry layer.

A call that carries an idempotency key sends it as the ``Idempotency-Key``
header, so a server that honours it can make a retried POST harmless.

Credentials (the token, an ``Authorization`` header, a user and password in
the URL) go to an ``http://`` URL, in clear, only with
``allow_plaintext_auth: true``; loopback is no exception. Redirects are not
followed: a 3xx is the answer, so credentials never reach a host the
configuration did not name.
"""

from __future__ import annotations

import json as jsonlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, Field, JsonValue, SecretStr, field_validator

from automate.integrations.adapter import Adapter, AdapterEnv, CallContext, CheckResult, operation
from automate.integrations.config import StrictModel
from automate.integrations.errors import (
    AuthError,
    IntegrationError,
    InvalidRequest,
    NotFound,
    PermanentError,
    RateLimited,
    TransientError,
)
from automate.integrations.model import Model
from automate.integrations.retry_after import parse_retry_after

if TYPE_CHECKING:
    import httpx

__all__ = ["HttpAdapter", "HttpRequest", "HttpResponse", "HttpSettings"]

Method = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_SNIPPET = 200


def _check_headers(headers: dict[str, str]) -> dict[str, str]:
    """Header names must be tokens and values single-line: no CR/LF injection."""
    for name, value in headers.items():
        if not _TOKEN.match(name):
            raise ValueError(f"invalid header name {name!r}")
        if any(c in value for c in "\r\n\0"):
            raise ValueError(f"header {name!r} contains a line break")
    return headers


Headers = Annotated[dict[str, str], AfterValidator(_check_headers)]


class HttpSettings(StrictModel):
    """Where the API lives and how to authenticate to it."""

    base_url: str
    headers: Headers = Field(default_factory=dict)
    token: SecretStr | None = None
    ca_file: Path | None = None
    max_response_bytes: int = Field(10_000_000, ge=1)
    allow_plaintext_auth: bool = Field(False, description="send credentials to an http:// URL (no TLS)")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value) or any(c in value for c in "\r\n\0 "):
            raise ValueError("base_url must be an http:// or https:// URL")
        return value


class HttpRequest(Model):
    """One request, relative to the service's base URL."""

    method: Method = "GET"
    path: str = ""
    query: dict[str, str | int | float | bool | list[str]] = Field(default_factory=dict)
    json_body: JsonValue | None = None
    headers: Headers = Field(default_factory=dict)

    @field_validator("path")
    @classmethod
    def _relative(cls, value: str) -> str:
        # The adapter talks to its configured host only: no absolute or scheme-relative URLs.
        if "://" in value or value.startswith("//") or any(c in value for c in "\r\n\0 "):
            raise ValueError("path must be relative to base_url, without spaces or line breaks")
        return value


class HttpResponse(Model):
    """A successful (2xx/3xx) answer: status, headers, and the body as JSON or text."""

    status: int
    headers: dict[str, str]
    json_body: JsonValue | None = None
    text: str | None = None


class HttpAdapter(Adapter[HttpSettings]):
    """Any HTTP API: one `request` operation; errors mapped from status codes."""

    name = "http"
    config_model = HttpSettings

    def __init__(self, config: HttpSettings, env: AdapterEnv) -> None:
        super().__init__(config, env)
        self._client: httpx.AsyncClient | None = None

    @operation(idempotent=False)
    async def request(self, params: HttpRequest, ctx: CallContext) -> HttpResponse:
        """Send one request to the API and return its answer."""
        headers = dict(params.headers)
        if ctx.idempotency_key:
            headers.setdefault("Idempotency-Key", ctx.idempotency_key)
        response = await self._send(
            params.method, params.path, query=params.query, body=params.json_body, headers=headers
        )
        _raise_for_status(response)
        return response

    async def check(self) -> CheckResult:
        """Reach the base URL (HEAD, or GET where HEAD is not allowed) with the credentials."""
        try:
            response = await self._send("HEAD", "")
            if response.status == 405:
                response = await self._send("GET", "")
            _raise_for_status(response)
        except IntegrationError as exc:
            return self.report(False, f"{type(exc).__name__}: {exc}")
        return self.report(True, f"{self.config.base_url} answered {response.status}")

    async def aclose(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            headers = dict(self.config.headers)
            if self.config.token is not None:
                headers["Authorization"] = f"Bearer {self.config.token.get_secret_value()}"
            verify: Any = True
            if self.config.ca_file:
                import ssl

                verify = ssl.create_default_context(cafile=str(self.config.ca_file))
            self._client = httpx.AsyncClient(
                base_url=self.config.base_url,
                headers=headers,
                timeout=httpx.Timeout(None),
                verify=verify,
                follow_redirects=False,
            )
        return self._client

    async def _send(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: JsonValue | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        """Send and read the whole answer, translating transport failures."""
        import httpx

        client = self._http()
        content = None if body is None else jsonlib.dumps(body).encode()
        if content is not None:
            headers = {"Content-Type": "application/json", **(headers or {})}
        request = client.build_request(method, path, params=query or None, content=content, headers=headers)
        if not self.config.allow_plaintext_auth:
            _refuse_plaintext_auth(request)
        try:
            response = await client.send(request, stream=True)
            try:
                raw = await self._read_limited(response)
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            raise _translate(exc, method, path) from exc
        return _decode(response, raw, method)

    async def _read_limited(self, response: httpx.Response) -> bytes:
        limit = self.config.max_response_bytes
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise PermanentError(f"response larger than {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


def _refuse_plaintext_auth(request: httpx.Request) -> None:
    """`AuthError` if the request would carry credentials over a connection without TLS."""
    url = request.url
    carries = url.userinfo or any(h in request.headers for h in ("authorization", "proxy-authorization"))
    if url.scheme == "http" and carries:
        where = f"http://{url.host}" + (f":{url.port}" if url.port else "")
        raise AuthError(
            f"refusing to send credentials to {where} without TLS; "
            "use an https:// base_url (or set allow_plaintext_auth: true)"
        )


def _decode(response: httpx.Response, raw: bytes, method: str) -> HttpResponse:
    """The answer as JSON when it says so (and parses), else as text."""
    headers = dict(response.headers)
    if method == "HEAD" or not raw:
        return HttpResponse(status=response.status_code, headers=headers)
    text = raw.decode(response.encoding or "utf-8", errors="replace")
    if "json" in response.headers.get("content-type", ""):
        try:
            parsed = jsonlib.loads(text)
            return HttpResponse(status=response.status_code, headers=headers, json_body=parsed)
        except ValueError:
            pass
    return HttpResponse(status=response.status_code, headers=headers, text=text)


def _raise_for_status(response: HttpResponse) -> None:
    """Map an error status to the project's error; 1xx-3xx pass."""
    status = response.status
    if status < 400:
        return
    body = response.text if response.text is not None else jsonlib.dumps(response.json_body)
    snippet = (body or "").strip().replace("\n", " ")[:_SNIPPET]
    message = f"HTTP {status}" + (f": {snippet}" if snippet else "")
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if status == 429 or (status == 503 and retry_after is not None):
        raise RateLimited(message, retry_after=retry_after)
    if status >= 500 or status == 408:
        raise TransientError(message, retry_after=retry_after)
    if status in (401, 403):
        raise AuthError(message)
    if status in (404, 410):
        raise NotFound(message)
    raise InvalidRequest(message)


def _translate(exc: Exception, method: str, path: str) -> IntegrationError:
    """Turn an httpx failure into the project's error: network trouble is transient."""
    import httpx

    where = f"{method} {path or '/'}"
    if isinstance(exc, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError):
        return TransientError(f"{where}: {type(exc).__name__}: {exc}")
    return PermanentError(f"{where}: {type(exc).__name__}: {exc}")
