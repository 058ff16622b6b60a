"""An aiosmtpd server in a thread of the test process: STARTTLS, implicit TLS or plain, with AUTH.

It records every accepted message, counts the connections clients opened, and
answers magic recipients (``fail421@…``, ``fail451@…``, ``fail452@…``,
``fail550@…``) with that reply code, so tests can see how a client maps
failures; ``flaky@…`` is refused with 451 the first time only, as a
greylisting server does, and `RecordingHandler.time_out_next_mail` makes the
next MAIL get a 421 and a hang-up, as a server closing an idle connection
does. An optional `deliver` callback receives each accepted message (the mail
contract uses it to drop mail into a Dovecot Maildir).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from tests.peers.tls import TlsFiles

__all__ = ["FAILURES", "Received", "RecordingHandler", "SmtpPeer", "free_port"]

Mode = Literal["starttls", "tls", "plain"]

FAILURES = {
    "fail421": "421 4.3.2 Service shutting down",
    "fail451": "451 4.3.0 Local error in processing",
    "fail452": "452 4.2.2 Insufficient storage",
    "fail550": "550 5.1.1 No such user here",
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Received:
    """One message as the server accepted it."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes
    login: str | None


class RecordingHandler:
    """Accepts mail, keeps it, and fails on purpose for the magic recipients."""

    def __init__(self, deliver: Callable[[bytes], None] | None = None) -> None:
        self.messages: list[Received] = []
        self.connections = 0
        self.transports: list[Any] = []
        self.flaky_refusals = 0
        self.time_out_next_mail = False
        self.deliver = deliver
        self._lock = threading.Lock()

    def connected(self, transport: Any) -> None:
        """Count one new client connection (STARTTLS does not count again)."""
        with self._lock:
            self.connections += 1
            self.transports.append(transport)

    async def handle_MAIL(
        self, server: SMTP, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        """Accept the sender, unless told to act out an idle timeout once (421, then hang up)."""
        if self.time_out_next_mail:
            self.time_out_next_mail = False
            server.transport.close()
            return "421 4.4.2 Idle for too long, closing connection"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        """Refuse the magic recipients with their reply, accept the rest."""
        local = address.partition("@")[0].lower()
        failure = FAILURES.get(local)
        if failure is not None:
            return failure
        if local == "flaky":
            with self._lock:
                self.flaky_refusals += 1
                if self.flaky_refusals == 1:
                    return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        """Keep the message (and hand it to `deliver`)."""
        content = envelope.original_content or envelope.content
        auth = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        received = Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(content), login)
        with self._lock:
            self.messages.append(received)
        if self.deliver is not None:
            self.deliver(received.content)
        return "250 2.0.0 Message accepted"


class _CountingSMTP(SMTP):
    """aiosmtpd's server, telling the handler about each new connection."""

    def connection_made(self, transport: Any) -> None:
        if self._original_transport is None:  # not the second call made by STARTTLS
            self.event_handler.connected(transport)
        super().connection_made(transport)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _CountingSMTP(self.handler, **self.SMTP_kwargs)


class SmtpPeer:
    """Start with ``with SmtpPeer(...) as peer:``; `peer.port` is where it listens."""

    def __init__(
        self,
        *,
        mode: Mode = "starttls",
        tls: TlsFiles | None = None,
        users: dict[str, str] | None = None,
        deliver: Callable[[bytes], None] | None = None,
        port: int | None = None,
    ) -> None:
        if mode != "plain" and tls is None:
            raise ValueError(f"mode {mode!r} needs a certificate")
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.mode = mode
        self.users = dict(users or {})
        self.handler = RecordingHandler(deliver)
        kwargs: dict[str, Any] = {"hostname": self.host, "port": self.port}
        if self.users:
            kwargs.update(auth_required=True, authenticator=self._authenticate)
        if mode == "starttls" and tls is not None:
            kwargs.update(tls_context=tls.server_context(), require_starttls=True)
        elif mode == "tls" and tls is not None:
            # The whole connection is TLS already; aiosmtpd only knows about STARTTLS.
            kwargs.update(ssl_context=tls.server_context(), auth_require_tls=False)
        else:
            kwargs.update(auth_require_tls=False)
        self._controller = _Controller(self.handler, **kwargs)

    @property
    def messages(self) -> list[Received]:
        """Every message accepted so far."""
        return list(self.handler.messages)

    @property
    def connections(self) -> int:
        """Client connections opened since the server started."""
        return self.handler.connections

    def _authenticate(
        self, server: SMTP, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.users.get(auth_data.login.decode()) == auth_data.password.decode()
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    def start(self) -> SmtpPeer:
        """Listen; the controller's own readiness probe is not counted."""
        self._controller.start()
        self.handler.connections = 0
        return self

    def stop(self) -> None:
        """Hang up on every client, stop listening and end the server thread."""
        done = threading.Event()

        loop = self._controller.loop

        def hang_up() -> None:
            # aiosmtpd's own stop would leave them open; abort() closes the socket even
            # under TLS, where close() would wait for a goodbye the stopping loop never reads.
            for transport in self.handler.transports:
                transport.abort()
            loop.call_soon(done.set)  # after the callbacks that release the sockets

        loop.call_soon_threadsafe(hang_up)
        done.wait(5)
        self._controller.stop()

    def __enter__(self) -> SmtpPeer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
