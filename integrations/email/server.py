"""What SMTP and IMAP adapters share: where the server is, how to secure the link, who logs in.

Security is ``tls`` (TLS from the first byte), ``starttls`` (upgrade a plain
connection before anything else is said) or ``none``. Plain text is refused
for any host beyond loopback unless ``allow_insecure`` says so on purpose, a
password is never sent over a connection without TLS (loopback included)
unless ``allow_plaintext_auth`` says so, and certificates are verified unless
``verify: false`` (a private CA goes in ``ca_file`` instead). The password
comes from the settings (a ``${ENV}`` reference) or, when omitted, from the
encrypted credential store.
"""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from automate.integrations.adapter import AdapterEnv
from automate.integrations.config import StrictModel
from automate.integrations.errors import AuthError
from automate.integrations.sqlite_store import resolve_path

__all__ = ["MailServerConfig", "Security", "certificate_failure", "is_loopback"]

Security = Literal["tls", "starttls", "none"]


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine (``localhost`` or a loopback address)."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def certificate_failure(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate verification error behind `exc` (itself, its cause or context), if any.

    Retrying cannot fix an untrusted certificate, whereas other TLS errors (a
    handshake cut short by a restarting server) may pass.
    """
    seen: BaseException | None = exc
    for _ in range(10):  # causes can form a cycle; a short chain is all we need
        if seen is None:
            return None
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


class MailServerConfig(StrictModel):
    """A mail server and the account on it."""

    default_ports: ClassVar[dict[str, int]] = {}

    host: str = Field(min_length=1, max_length=253)
    port: int | None = Field(None, ge=1, le=65535, description="the protocol's usual port if omitted")
    security: Security = "tls"
    allow_insecure: bool = Field(False, description="allow security: none beyond loopback")
    allow_plaintext_auth: bool = Field(False, description="log in over a connection without TLS")
    username: str | None = Field(None, min_length=1, max_length=320)
    password: SecretStr | None = Field(
        None, description="a ${ENV} reference; when omitted, `automate auth set SERVICE` stores it"
    )
    verify: bool = Field(True, description="verify the server's certificate and host name")
    ca_file: Path | None = Field(None, description="PEM file of the CA to trust instead of the system's")
    connect_timeout: float = Field(15.0, gt=0, le=300)

    @field_validator("host", "username")
    @classmethod
    def _one_word(cls, value: str | None) -> str | None:
        if value is not None and any(ch.isspace() or ch == "\x00" for ch in value):
            raise ValueError("must not contain spaces or line breaks")
        return value

    @model_validator(mode="after")
    def _secure_beyond_loopback(self) -> MailServerConfig:
        if self.security == "none" and not self.allow_insecure and not is_loopback(self.host):
            raise ValueError(
                f"security: none would send the password in clear text to {self.host}; "
                "use tls or starttls (or set allow_insecure: true if you really mean it)"
            )
        return self

    @property
    def effective_port(self) -> int:
        """The configured port, or the usual one for the security mode."""
        return self.port if self.port is not None else self.default_ports[self.security]

    def tls_context(self, data_dir: Path) -> ssl.SSLContext:
        """A client context: verifying (system CAs or `ca_file`) unless `verify` is off."""
        cafile = str(resolve_path(self.ca_file, data_dir)) if self.ca_file else None
        try:
            context = ssl.create_default_context(cafile=cafile)
        except (OSError, ssl.SSLError) as exc:
            raise AuthError(f"cannot load ca_file {cafile}: {exc}") from exc
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def refuse_plaintext_auth(self, transport: asyncio.BaseTransport | None) -> None:
        """Raise `AuthError` before a login on a connection without TLS, unless the settings allow it."""
        if self.allow_plaintext_auth or (transport is not None and transport.get_extra_info("ssl_object")):
            return
        raise AuthError(
            f"refusing to send the password for {self.username!r} to {self.host} over a connection "
            "without TLS; use security: tls or starttls (or set allow_plaintext_auth: true)"
        )

    def secret(self, env: AdapterEnv) -> str | None:
        """The password: from the settings, else the credential store; None without a username."""
        # Imported here: the store loads `cryptography`, which a password from ${ENV} never needs.
        from automate.integrations.credentials import service_password

        return service_password(env.data_dir, env.service, self.password, username=self.username)
