"""The Anthropic Messages API as one more integration: `create_message` under the service's policies.

The `anthropic` SDK is imported when the adapter first sends a request, never
at start-up or when the configuration loads. The SDK's own retries are off
(`max_retries=0`) and its timeout is off: the manager's retry and per-attempt
timeout are the one retry layer and the one limit. SDK errors are translated
to the project's errors in one place (`_translate`)::

    429 rate limited, 529 overloaded  -> RateLimited (with the retry-after it sent)
    other 5xx, 408, timeouts, resets  -> TransientError
    401, 403                          -> AuthError
    404                               -> NotFound
    400, 413, 422 and the rest        -> InvalidRequest
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AnyHttpUrl, Field, JsonValue, SecretStr

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
    from anthropic import AsyncAnthropic

__all__ = [
    "AnthropicAdapter",
    "AnthropicSettings",
    "ContentBlock",
    "MessageReply",
    "MessageRequest",
    "OtherBlock",
    "TextBlock",
    "ToolUseBlock",
    "Usage",
]

DEFAULT_MODEL = "claude-sonnet-4-5"
_SNIPPET = 300


class AnthropicSettings(StrictModel):
    """Which key, endpoint and model; an empty key means Claude is not configured."""

    api_key: SecretStr | None = None
    base_url: AnyHttpUrl | None = Field(None, description="Another endpoint (a proxy, or a test server).")
    model: str = Field(DEFAULT_MODEL, min_length=1, max_length=200)
    max_tokens: int = Field(1024, ge=1, le=64_000)

    @property
    def has_key(self) -> bool:
        """Whether a non-empty API key is configured."""
        return self.api_key is not None and bool(self.api_key.get_secret_value().strip())


class MessageRequest(Model):
    """One Messages API request; blocks are passed through in the API's own JSON shape."""

    messages: list[dict[str, JsonValue]] = Field(min_length=1, max_length=100)
    system: list[dict[str, JsonValue]] = Field(default_factory=list)
    tools: list[dict[str, JsonValue]] = Field(default_factory=list, max_length=500)
    tool_choice: dict[str, JsonValue] | None = None
    model: str | None = Field(None, description="Overrides the service's configured model.")
    max_tokens: int | None = Field(None, ge=1, le=64_000)


class TextBlock(Model):
    """Text the model wrote."""

    type: Literal["text"] = "text"
    text: str


class ToolUseBlock(Model):
    """A tool the model wants called, with its arguments."""

    type: Literal["tool_use"] = "tool_use"
    id: str
    name: str
    input: dict[str, Any] = Field(default_factory=dict)


class OtherBlock(Model):
    """Any other kind of block (thinking, server tools…), kept as it came."""

    type: str
    data: dict[str, JsonValue] = Field(default_factory=dict)


ContentBlock = Annotated[TextBlock | ToolUseBlock | OtherBlock, Field(union_mode="left_to_right")]


class Usage(Model):
    """Tokens spent, including what the prompt cache wrote and served."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None


class MessageReply(Model):
    """The model's answer: its blocks, why it stopped, and the tokens used."""

    id: str
    model: str
    content: list[ContentBlock]
    stop_reason: str | None = None
    usage: Usage = Usage()

    @property
    def text(self) -> str:
        """Every text block, joined."""
        return "\n".join(b.text for b in self.content if isinstance(b, TextBlock)).strip()

    @property
    def tool_calls(self) -> list[ToolUseBlock]:
        """The tool_use blocks, in order."""
        return [b for b in self.content if isinstance(b, ToolUseBlock)]

    def as_assistant_turn(self) -> dict[str, JsonValue]:
        """This answer as the assistant message of a following request."""
        blocks: list[JsonValue] = []
        for block in self.content:
            if isinstance(block, OtherBlock):
                blocks.append({"type": block.type, **block.data})
            else:
                blocks.append(block.model_dump(mode="json"))
        return {"role": "assistant", "content": blocks}


class AnthropicAdapter(Adapter[AnthropicSettings]):
    """Claude through the official SDK: one `create_message` operation."""

    name = "anthropic"
    config_model = AnthropicSettings

    def __init__(self, config: AnthropicSettings, env: AdapterEnv) -> None:
        super().__init__(config, env)
        self._client: AsyncAnthropic | None = None

    @operation(idempotent=True)
    async def create_message(self, params: MessageRequest, ctx: CallContext) -> MessageReply:
        """Send one Messages API request and return the model's answer."""
        client = self._sdk()
        from anthropic import AnthropicError

        extra: dict[str, Any] = {}
        if params.tools:
            extra["tools"] = params.tools
        if params.tool_choice is not None:
            extra["tool_choice"] = params.tool_choice
        if params.system:
            extra["system"] = params.system
        try:
            message = await client.messages.create(
                model=params.model or self.config.model,
                max_tokens=params.max_tokens or self.config.max_tokens,
                messages=params.messages,  # type: ignore[arg-type]
                **extra,
            )
        except AnthropicError as exc:
            raise _translate(exc) from exc
        return _reply(message.model_dump(mode="json"))

    async def check(self) -> CheckResult:
        """Say whether a key is configured; with one, list the models to prove it works."""
        if not self.config.has_key:
            return self.report(True, "no API key set (ANTHROPIC_API_KEY): requests are routed by the rules")
        from anthropic import AnthropicError

        try:
            page = await self._sdk().models.list(limit=1)
        except AnthropicError as exc:
            error = _translate(exc)
            return self.report(False, f"{type(error).__name__}: {error}")
        return self.report(True, f"reachable; {len(page.data)} model(s) listed, using {self.config.model}")

    async def aclose(self) -> None:
        """Close the SDK's connection pool."""
        if self._client is not None:
            client, self._client = self._client, None
            await client.close()

    def _sdk(self) -> AsyncAnthropic:
        if not self.config.has_key:
            raise AuthError("no Anthropic API key is configured (set ANTHROPIC_API_KEY)")
        if self._client is None:
            from anthropic import AsyncAnthropic

            assert self.config.api_key is not None
            self._client = AsyncAnthropic(
                api_key=self.config.api_key.get_secret_value(),
                base_url=str(self.config.base_url) if self.config.base_url else None,
                max_retries=0,
                timeout=None,
            )
        return self._client


def _reply(data: dict[str, Any]) -> MessageReply:
    """The SDK's message as our model; unknown block kinds are kept as `OtherBlock`."""
    blocks: list[TextBlock | ToolUseBlock | OtherBlock] = []
    for raw in data.get("content") or []:
        kind = raw.get("type")
        if kind == "text":
            blocks.append(TextBlock(text=raw.get("text") or ""))
        elif kind == "tool_use":
            blocks.append(ToolUseBlock(id=raw["id"], name=raw["name"], input=raw.get("input") or {}))
        else:
            blocks.append(OtherBlock(type=str(kind), data={k: v for k, v in raw.items() if k != "type"}))
    usage = data.get("usage") or {}
    return MessageReply(
        id=str(data.get("id", "")),
        model=str(data.get("model", "")),
        content=blocks,
        stop_reason=data.get("stop_reason"),
        usage=Usage.model_validate({k: v for k, v in usage.items() if k in Usage.model_fields}),
    )


def _translate(exc: Exception) -> IntegrationError:
    """Turn an SDK failure into the project's error."""
    import anthropic

    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        detail = exc.api_message or str(exc.body if exc.body is not None else exc.message)
        message = f"HTTP {status}: {detail.strip().replace(chr(10), ' ')[:_SNIPPET]}"
        headers = exc.response.headers
        retry_after = parse_retry_after(headers.get("retry-after"))
        milliseconds = headers.get("retry-after-ms")
        if retry_after is None and milliseconds:
            try:
                retry_after = max(0.0, float(milliseconds) / 1000)
            except ValueError:
                retry_after = None
        if status in (429, 529):
            return RateLimited(message, retry_after=retry_after)
        if status >= 500 or status == 408:
            return TransientError(message, retry_after=retry_after)
        if status in (401, 403):
            return AuthError(message)
        if status == 404:
            return NotFound(message)
        return InvalidRequest(message)
    if isinstance(exc, anthropic.APIConnectionError):
        # Covers APITimeoutError: the network or the server did not answer.
        return TransientError(f"{type(exc).__name__}: {exc}")
    return PermanentError(f"{type(exc).__name__}: {exc}")
