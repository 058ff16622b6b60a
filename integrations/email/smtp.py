"""Send mail through an SMTP server (aiosmtplib), over a small pool of reused connections.

A burst of mail does not pay a TCP + TLS handshake + AUTH per message: up to
``pool_size`` authenticated connections stay open and each send borrows one.
A pooled connection the server has dropped meanwhile is replaced before
anything is sent on it, so the caller never sees that. Every message is built
and validated (`integrations.email.rfc5322.compose_bytes`) before a
connection is touched: a header with a line break or an address that does
not parse never reaches the server. The Message-ID comes from the call's
idempotency key, so a retried send carries the same one.

Reply codes map onto the error tree: 4xx (421, 451, 452…) are transient, 530
/ 534 / 535 / 538 mean the credentials were refused (`AuthError`), other 5xx
are permanent (syntax and address problems as `InvalidRequest`).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, field_validator, model_validator

from automate.integrations.adapter import AdapterEnv, CallContext, CheckResult
from automate.integrations.email.base import MailSender, MessageIdConfig
from automate.integrations.email.compose import COMPOSE_POLICY
from automate.integrations.email.models import Address, OutgoingMessage, SentMessage
from automate.integrations.email.rfc5322 import compose_bytes
from automate.integrations.email.server import MailServerConfig, Security, certificate_failure
from automate.integrations.errors import (
    AuthError,
    IntegrationError,
    InvalidRequest,
    PermanentError,
    TransientError,
)
from automate.integrations.ids import message_id

if TYPE_CHECKING:
    from aiosmtplib import SMTP

__all__ = ["SmtpAdapter", "SmtpConfig", "translate_smtp_error"]

_AUTH_CODES = frozenset({530, 534, 535, 538})
# Syntax errors and refused addresses: what we sent was wrong, not the server's state.
_INVALID_CODES = frozenset({500, 501, 552, 553, 555})
_UTF8_POLICY = COMPOSE_POLICY.clone(utf8=True)  # for addresses beyond ASCII (SMTPUTF8)


class SmtpConfig(MailServerConfig, MessageIdConfig):
    """An SMTP submission server, the account on it, and how many connections to keep."""

    default_ports: ClassVar[dict[str, int]] = {"tls": 465, "starttls": 587, "none": 25}

    security: Security = "starttls"
    from_address: Address | None = Field(None, description="the From of messages that name none")
    pool_size: int = Field(4, ge=1, le=64, description="connections kept open and reused")
    command_timeout: float = Field(30.0, gt=0, le=600, description="seconds for one SMTP reply")

    @field_validator("from_address", mode="before")
    @classmethod
    def _parse_address(cls, value: Any) -> Any:
        """Accept ``Name <addr>`` or a bare address as well as a mapping."""
        if isinstance(value, str):
            name, email = parseaddr(value)
            return {"email": email or value, "name": name or None}
        return value

    @model_validator(mode="before")
    @classmethod
    def _domain_from_sender(cls, data: Any) -> Any:
        """Without a `domain`, Message-IDs use the domain of `from_address`."""
        if not isinstance(data, dict) or "domain" in data or not data.get("from_address"):
            return data
        found = data["from_address"]
        if isinstance(found, dict):
            email = str(found.get("email", ""))
        else:
            email = getattr(found, "email", None) or parseaddr(str(found))[1]
        domain = email.rpartition("@")[2].strip()
        return {**data, "domain": domain} if domain else data


def translate_smtp_error(exc: BaseException) -> IntegrationError | None:
    """The project's error for an aiosmtplib or socket failure, or None for a bug of ours."""
    import aiosmtplib

    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        exc = exc.recipients[0]
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        code, text = exc.code, f"{exc.code} {exc.message}"
        if code in _AUTH_CODES:
            return AuthError(f"the SMTP server refused the credentials ({text})")
        if 400 <= code < 500:
            return TransientError(f"the SMTP server deferred the message ({text})")
        if code in _INVALID_CODES:
            return InvalidRequest(f"the SMTP server rejected the message ({text})")
        if code >= 500:
            return PermanentError(f"the SMTP server refused the message ({text})")
        return TransientError(f"unexpected SMTP reply ({text})")
    failure = certificate_failure(exc)
    if failure is not None:
        return PermanentError(f"the SMTP server's certificate is not trusted ({failure.verify_message})")
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        return PermanentError(f"the SMTP server lacks a needed extension ({exc})")
    if isinstance(exc, aiosmtplib.SMTPException | OSError | TimeoutError):
        return TransientError(f"cannot talk to the SMTP server ({type(exc).__name__}: {exc})")
    return None


@dataclass(frozen=True, slots=True)
class _Outgoing:
    """A message ready to send: its bytes and its envelope."""

    data: bytes
    sender: str
    recipients: list[str]  # the envelope's, each once
    named: list[str]  # every To, Cc and Bcc address, as given
    utf8: bool  # an envelope address is beyond ASCII (needs SMTPUTF8)


@dataclass
class _Connection:
    """A logged-in connection, and the transport under it (aiosmtplib forgets it on closing)."""

    client: SMTP
    transport: asyncio.BaseTransport | None

    def discard(self) -> None:
        """Close it for good, now: under TLS a polite close would wait for the loop to run."""
        self.client.close()
        if isinstance(self.transport, asyncio.Transport):
            self.transport.abort()

    async def quit(self) -> None:
        """Say QUIT (whatever the answer), then discard."""
        import aiosmtplib

        try:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await self.client.quit()
        finally:
            self.discard()


class SmtpAdapter(MailSender[SmtpConfig]):
    """Mail out through an SMTP server, with pooled connections and deterministic Message-IDs."""

    name = "smtp"
    config_model = SmtpConfig

    def __init__(self, config: SmtpConfig, env: AdapterEnv) -> None:
        super().__init__(config, env)
        self._idle: list[_Connection] = []
        self._slots: asyncio.Semaphore | None = None
        self._password: str | None = None
        self._password_known = False
        self._closed = False

    # -- the operation ---------------------------------------------------

    async def send_message(self, params: OutgoingMessage, ctx: CallContext) -> SentMessage:
        """Send one message; the same idempotency key always gives the same Message-ID."""
        now = datetime.now(UTC)
        mid = message_id(ctx.idempotency_key, self.config.domain)
        try:
            outgoing = self._build(params, mid, now)
            reply = await self._deliver(outgoing)
        except IntegrationError as exc:
            exc.at(self.env.service, "send_message")
            raise
        except Exception as exc:
            translated = translate_smtp_error(exc)
            if translated is None:
                raise
            raise translated.at(self.env.service, "send_message") from exc
        return SentMessage(
            message_id=mid,
            recipients=outgoing.named,
            subject=params.subject.strip(),
            sent_at=now.replace(microsecond=0),  # what the Date header says
            location=reply,
        )

    def _build(self, params: OutgoingMessage, mid: str, now: datetime) -> _Outgoing:
        """The bytes, envelope sender and recipients, all checked before any I/O."""
        if params.sender is None:
            if self.config.from_address is None:
                raise InvalidRequest("no sender: give one or set from_address in the settings")
            params = params.model_copy(update={"sender": self.config.from_address})
        assert params.sender is not None
        named = [a.email for a in [*params.to, *params.cc, *params.bcc]]
        for address in [params.sender.email, *named]:
            # `model_construct` skips validation: check the envelope once more.
            if any(ch in address for ch in "\r\n\x00<> ,") or "@" not in address:
                raise InvalidRequest(f"not an email address: {address!r}")
        sender, recipients = params.sender.email, list(dict.fromkeys(named))
        utf8 = not (sender.isascii() and all(a.isascii() for a in recipients))
        # Bcc recipients are in the envelope only: `compose_bytes` writes no Bcc header.
        data = compose_bytes(params, mid, now, policy=_UTF8_POLICY if utf8 else COMPOSE_POLICY)
        return _Outgoing(data, sender, recipients, named, utf8)

    # -- the pool ----------------------------------------------------------

    async def _deliver(self, outgoing: _Outgoing) -> str:
        """Send over a pooled connection; return the server's reply to DATA."""
        import aiosmtplib

        if self._closed:
            raise TransientError("the SMTP adapter is closed")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.config.pool_size)
        data, sender, recipients, utf8 = outgoing.data, outgoing.sender, outgoing.recipients, outgoing.utf8
        async with self._slots:
            conn, reused = await self._take()
            try:
                try:
                    await self._mail(conn.client, sender, data, utf8)
                except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPSenderRefused) as exc:
                    closed = isinstance(exc, aiosmtplib.SMTPServerDisconnected) or exc.code == 421
                    if not (reused and closed):
                        raise
                    # The server closed an idle pooled connection (or said 421): nothing was sent yet.
                    conn.discard()
                    conn = await self._open()
                    await self._mail(conn.client, sender, data, utf8)
                # Every recipient is accepted, or the transaction is reset and nothing sent.
                for recipient in recipients:
                    await conn.client.rcpt(recipient, encoding="utf-8" if utf8 else "ascii")
                response = await conn.client.data(data)
            except Exception as exc:
                await self._settle(conn, exc)
                raise
            except BaseException:  # cancelled mid-transaction: the state is unknown
                conn.discard()
                raise
            self._idle.append(conn)
            return f"{response.code} {response.message}"

    async def _take(self) -> tuple[_Connection, bool]:
        """An idle connection that still looks open, else a new one."""
        while self._idle:
            conn = self._idle.pop()
            if conn.client.is_connected:
                return conn, True
            conn.discard()
        return await self._open(), False

    async def _mail(self, client: SMTP, sender: str, data: bytes, utf8: bool) -> None:
        """MAIL FROM, with the options the message needs."""
        options = self._mail_options(client, data, utf8)
        await client.mail(sender, options=options, encoding="utf-8" if utf8 else "ascii")

    def _mail_options(self, client: SMTP, data: bytes, utf8: bool) -> list[str]:
        options = []
        if client.supports_extension("size"):
            options.append(f"SIZE={len(data)}")
        if utf8:
            if not client.supports_extension("smtputf8"):
                raise InvalidRequest("an address is not ASCII and the server lacks SMTPUTF8")
            options.append("SMTPUTF8")
        if not data.isascii():
            if not client.supports_extension("8bitmime"):
                raise InvalidRequest("the message is 8-bit and the server lacks 8BITMIME")
            options.append("BODY=8BITMIME")
        return options

    async def _settle(self, conn: _Connection, exc: BaseException) -> None:
        """After a failed transaction, keep the connection only if RSET puts it back in order."""
        import aiosmtplib

        reusable = (
            isinstance(exc, aiosmtplib.SMTPResponseException | aiosmtplib.SMTPRecipientsRefused)
            and getattr(exc, "code", 0) != 421
            and conn.client.is_connected
        )
        if reusable:
            try:
                await conn.client.rset()
            except (aiosmtplib.SMTPException, OSError):
                reusable = False
        if reusable:
            self._idle.append(conn)
        else:
            conn.discard()

    async def _open(self) -> _Connection:
        """Connect, secure the link, and log in: a connection ready for MAIL."""
        import aiosmtplib

        config = self.config
        client = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.effective_port,
            local_hostname=config.domain,
            timeout=config.command_timeout,
            use_tls=config.security == "tls",
            start_tls=config.security == "starttls",
            tls_context=None if config.security == "none" else config.tls_context(self.env.data_dir),
        )
        try:
            await client.connect(timeout=config.connect_timeout)
            if client.is_ehlo_or_helo_needed:  # STARTTLS forgets what EHLO said before it
                await client.ehlo()
            if config.username is not None:
                if not client.supports_extension("auth"):
                    raise AuthError(f"{config.host} offers no AUTH on this connection (try tls or starttls)")
                config.refuse_plaintext_auth(client.transport)
                try:
                    await client.login(config.username, self._secret())
                except aiosmtplib.SMTPResponseException:
                    raise
                except aiosmtplib.SMTPException as exc:  # no mechanism both sides speak
                    raise AuthError(f"cannot log in to {config.host}: {exc}") from exc
        except BaseException:
            _Connection(client, client.transport).discard()
            raise
        return _Connection(client, client.transport)

    def _secret(self) -> str:
        if not self._password_known:
            self._password = self.config.secret(self.env) or ""
            self._password_known = True
        return self._password or ""

    # -- lifecycle -------------------------------------------------------

    async def check(self) -> CheckResult:
        """Connect, secure, log in, NOOP and QUIT on a connection of its own."""
        where = f"{self.config.host}:{self.config.effective_port} ({self.config.security})"
        try:
            conn = await self._open()
            try:
                await conn.client.noop()
            finally:
                await conn.quit()
        except Exception as exc:
            translated = exc if isinstance(exc, IntegrationError) else translate_smtp_error(exc)
            if translated is None:
                raise
            return self.report(False, f"{where}: {translated}")
        who = f" as {self.config.username}" if self.config.username else ""
        return self.report(True, f"{where}, logged in{who}" if who else f"{where}, no login")

    async def aclose(self) -> None:
        """Say QUIT on every pooled connection."""
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.quit()
