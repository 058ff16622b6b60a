"""The SMTP adapter against a real aiosmtpd server: TLS, AUTH, the pool, reply codes, Message-IDs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from automate.integrations.adapter import CallContext
from automate.integrations.config import AppConfig, load_config
from automate.integrations.credentials import KEY_ENV, CredentialStore
from automate.integrations.email.models import Address, Attachment, OutgoingMessage
from automate.integrations.email.smtp import SmtpAdapter, SmtpConfig
from automate.integrations.errors import AuthError, InvalidRequest, PermanentError, TransientError
from automate.integrations.ids import message_id
from automate.integrations.manager import IntegrationManager
from tests.integrations.email.conftest import SMTP_PASSWORD, SMTP_USER, smtp_settings
from tests.integrations.email.test_compose import EVIL_SUBJECT
from tests.peers.smtp import SmtpPeer, free_port
from tests.peers.tls import TlsFiles, make_certificate

ANA = Address(email="ana@example.org", name="Ana Silva")
BRUNO = Address(email="bruno@example.org")
Make = Callable[..., SmtpAdapter]


def note(subject: str = "Agenda", **extra: Any) -> OutgoingMessage:
    """A small message to Ana."""
    fields: dict[str, Any] = {"to": [ANA], "subject": subject, "body": "1. numbers\n2. plans\n"}
    return OutgoingMessage(**{**fields, **extra})


def parsed(content: bytes) -> EmailMessage:
    """A received message, parsed by the standard library."""
    msg = message_from_bytes(content, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def write_config(tmp_path: Path, settings: dict[str, Any]) -> AppConfig:
    """Load a config whose `outbox` service is the SMTP adapter with `settings` (quick retries)."""
    lines = "\n".join(f"      {key}: {value!r}" for key, value in settings.items())
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "integrations_config.yaml").write_text(
        "services:\n  outbox:\n    adapter: smtp\n"
        "    retry: {attempts: 3, initial_backoff: 0.01, max_backoff: 0.05, jitter: none}\n"
        f"    settings:\n{lines}\n"
    )
    return load_config(config_dir, env={"SMTP_PASSWORD": SMTP_PASSWORD}, home=tmp_path / "home")


class TestSmtpSecurity:
    """How the adapter secures the connection and logs in."""

    async def test_starttls_with_auth_and_a_verified_certificate(
        self, smtp_server: SmtpPeer, make_smtp: Make
    ) -> None:
        """Over STARTTLS with AUTH, the message arrives whole, from the configured sender."""
        sent = await make_smtp(smtp_server).send_message(note("Over STARTTLS"), CallContext("run-1/s1"))
        (received,) = smtp_server.messages
        msg = parsed(received.content)
        assert received.login == SMTP_USER
        assert received.mail_from == "me@automate.test"
        assert received.rcpt_tos == ("ana@example.org",)
        assert msg["Subject"] == "Over STARTTLS"
        assert msg["Message-ID"] == sent.message_id == message_id("run-1/s1", "automate.test")
        assert msg["From"] == "Me <me@automate.test>"
        assert "2. plans" in msg.get_content()
        assert sent.location is not None and sent.location.startswith("250")

    @pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
    async def test_implicit_tls(self, tls_files: TlsFiles, make_smtp: Make) -> None:
        """With security tls the whole connection is TLS from the first byte."""
        with SmtpPeer(mode="tls", tls=tls_files, users={SMTP_USER: SMTP_PASSWORD}) as peer:
            await make_smtp(peer).send_message(note("Over TLS"), CallContext("tls-1"))
            assert [parsed(m.content)["Subject"] for m in peer.messages] == ["Over TLS"]

    async def test_plain_on_loopback_without_login(self, make_smtp: Make) -> None:
        """A plain server on loopback, with no account, is allowed."""
        with SmtpPeer(mode="plain") as peer:
            await make_smtp(peer).send_message(note("Plain"), CallContext("plain-1"))
            assert [m.login for m in peer.messages] == [None]

    @pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
    async def test_password_over_plain_text_is_refused_by_default(self, make_smtp: Make) -> None:
        """Without TLS, the adapter refuses to log in: the server sees no AUTH and no message."""
        with SmtpPeer(mode="plain", users={SMTP_USER: SMTP_PASSWORD}) as peer:
            with pytest.raises(AuthError, match=r"without TLS.*allow_plaintext_auth"):
                await make_smtp(peer).send_message(note("Plain"), CallContext("plain-auth-1"))
            assert peer.connections == 1 and peer.messages == []

    @pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
    async def test_password_over_plain_text_when_the_settings_say_so(self, make_smtp: Make) -> None:
        """With allow_plaintext_auth: true, the adapter logs in over plain SMTP and sends."""
        with SmtpPeer(mode="plain", users={SMTP_USER: SMTP_PASSWORD}) as peer:
            adapter = make_smtp(peer, allow_plaintext_auth=True)
            await adapter.send_message(note("Plain"), CallContext("plain-auth-2"))
            assert [m.login for m in peer.messages] == [SMTP_USER]

    def test_plain_beyond_loopback_is_refused_unless_forced(self) -> None:
        """security: none to a remote host is a config error unless allow_insecure is set."""
        with pytest.raises(ValidationError, match="clear text"):
            SmtpConfig(host="smtp.example.org", security="none")
        assert SmtpConfig(host="smtp.example.org", security="none", allow_insecure=True).effective_port == 25
        assert SmtpConfig(host="127.0.0.1", security="none").effective_port == 25
        assert SmtpConfig(host="smtp.example.org").effective_port == 587

    async def test_wrong_password_is_an_auth_error(self, smtp_server: SmtpPeer, make_smtp: Make) -> None:
        """A refused login (535) raises AuthError, and nothing is delivered."""
        adapter = make_smtp(smtp_server, password="not-the-password")
        with pytest.raises(AuthError, match="535") as caught:
            await adapter.send_message(note(), CallContext("bad-pass"))
        assert caught.value.service == "outbox" and caught.value.operation == "send_message"
        assert "not-the-password" not in str(caught.value)
        assert smtp_server.messages == []

    async def test_no_login_where_required_is_an_auth_error(
        self, smtp_server: SmtpPeer, make_smtp: Make
    ) -> None:
        """Sending without AUTH to a server that requires it (530) raises AuthError."""
        adapter = make_smtp(smtp_server, username=None, password=None)
        with pytest.raises(AuthError, match="530"):
            await adapter.send_message(note(), CallContext("no-auth"))

    async def test_password_from_the_credential_store(
        self, smtp_server: SmtpPeer, make_smtp: Make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without `password` in the settings, the one stored for the service is used."""
        monkeypatch.delenv(KEY_ENV, raising=False)
        CredentialStore(tmp_path).set_password("outbox", SMTP_PASSWORD)
        await make_smtp(smtp_server, password=None).send_message(note("Stored"), CallContext("store-1"))
        assert [m.login for m in smtp_server.messages] == [SMTP_USER]

    async def test_no_password_anywhere_says_how_to_fix_it(
        self, smtp_server: SmtpPeer, make_smtp: Make, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With no password in the settings or the store, AuthError names the command that fixes it."""
        monkeypatch.delenv(KEY_ENV, raising=False)
        with pytest.raises(AuthError, match="automate auth set outbox"):
            await make_smtp(smtp_server, password=None).send_message(note(), CallContext("store-2"))
        assert smtp_server.messages == []

    async def test_untrusted_certificate_is_permanent(
        self, smtp_server: SmtpPeer, make_smtp: Make, tmp_path: Path
    ) -> None:
        """A certificate signed by nobody we trust fails for good, not as a retryable error."""
        stranger = make_certificate(tmp_path / "stranger")
        adapter = make_smtp(smtp_server, ca_file=str(stranger.cert))
        with pytest.raises(PermanentError, match="not trusted"):
            await adapter.send_message(note(), CallContext("untrusted"))
        assert smtp_server.messages == []

    async def test_unreachable_server_is_transient(self, make_smtp: Make) -> None:
        """Nobody listening on the port is a TransientError (worth retrying later)."""
        with SmtpPeer(mode="plain") as peer:
            adapter = make_smtp(peer, port=free_port())
            with pytest.raises(TransientError, match="cannot talk"):
                await adapter.send_message(note(), CallContext("nobody"))


class TestSmtpValidation:
    """Bad input is refused before a connection is even opened."""

    async def test_header_injection_sends_nothing(self, smtp_server: SmtpPeer, make_smtp: Make) -> None:
        """A subject with CR/LF (validation skipped) is InvalidRequest and the server sees no connection."""
        evil = OutgoingMessage.model_construct(**{**dict(note()), "subject": "hi\r\nBcc: victim@example.org"})
        with pytest.raises(InvalidRequest):
            await make_smtp(smtp_server).send_message(evil, CallContext("evil-1"))
        assert smtp_server.connections == 0 and smtp_server.messages == []

    async def test_line_break_in_a_name_sends_nothing(self, smtp_server: SmtpPeer, make_smtp: Make) -> None:
        """A display name with CR/LF (validation skipped) is InvalidRequest, before any connection."""
        bad = Address.model_construct(email="ana@example.org", name="Ana\r\nBcc: victim@example.org")
        evil = OutgoingMessage.model_construct(**{**dict(note()), "to": [bad]})
        with pytest.raises(InvalidRequest):
            await make_smtp(smtp_server).send_message(evil, CallContext("evil-3"))
        assert smtp_server.connections == 0

    async def test_unparseable_address_sends_nothing(self, smtp_server: SmtpPeer, make_smtp: Make) -> None:
        """A recipient smuggling an SMTP command (validation skipped) is refused before connecting."""
        bad = Address.model_construct(email="ana@example.org>\r\nRCPT TO:<x@evil.org", name=None)
        evil = OutgoingMessage.model_construct(**{**dict(note()), "to": [bad]})
        with pytest.raises(InvalidRequest):
            await make_smtp(smtp_server).send_message(evil, CallContext("evil-2"))
        assert smtp_server.connections == 0

    async def test_encoded_header_injection_sends_nothing(
        self, smtp_server: SmtpPeer, make_smtp: Make
    ) -> None:
        """A subject whose encoded words decode to CR/LF is refused, validated or not; nothing is sent."""
        with pytest.raises(ValidationError, match="control characters"):
            note(EVIL_SUBJECT)
        evil = OutgoingMessage.model_construct(**{**dict(note()), "subject": EVIL_SUBJECT})
        with pytest.raises(InvalidRequest, match="control character"):
            await make_smtp(smtp_server).send_message(evil, CallContext("evil-encoded"))
        assert smtp_server.connections == 0 and smtp_server.messages == []

    async def test_harmless_encoded_subject_arrives_as_one_header(
        self, smtp_server: SmtpPeer, make_smtp: Make
    ) -> None:
        """The bytes that arrive hold one Subject (decoded on reading) and no header added."""
        await make_smtp(smtp_server).send_message(note("=?utf-8?q?Ol=C3=A1?="), CallContext("enc-ok"))
        (received,) = smtp_server.messages
        head = received.content.partition(b"\r\n\r\n")[0]
        names = [row.partition(b":")[0] for row in head.split(b"\r\n") if not row.startswith((b" ", b"\t"))]
        assert sorted(names) == sorted(
            [
                b"From",
                b"To",
                b"Subject",
                b"Date",
                b"Message-ID",
                b"Content-Type",
                b"Content-Transfer-Encoding",
                b"MIME-Version",
            ]
        )
        assert parsed(received.content)["Subject"] == "Olá"

    def test_models_reject_bad_addresses_and_line_breaks(self) -> None:
        """The models themselves refuse an unparseable address and a two-line subject."""
        with pytest.raises(ValidationError):
            Address(email="not an address")
        with pytest.raises(ValidationError):
            note("one\nBcc: two@example.org")

    async def test_no_sender_anywhere_is_invalid(self, smtp_server: SmtpPeer, make_smtp: Make) -> None:
        """Without a sender in the message or the settings, nothing is sent."""
        adapter = make_smtp(smtp_server, from_address=None)
        with pytest.raises(InvalidRequest, match="sender"):
            await adapter.send_message(note(), CallContext("no-from"))


class TestSmtpMessages:
    """What the server receives."""

    async def test_attachments_bcc_and_non_ascii(self, smtp_server: SmtpPeer, make_smtp: Make) -> None:
        """Attachments travel as MIME parts; Bcc is in the envelope only; non-ASCII text survives."""
        report = Attachment(filename="relatório.pdf", content_type="application/pdf", data=b"%PDF-1.4 fake")
        message = note("Olá, reunião", bcc=[BRUNO], attachments=[report], body="Até já\n")
        sent = await make_smtp(smtp_server).send_message(message, CallContext("att-1"))
        (received,) = smtp_server.messages
        msg = parsed(received.content)
        assert set(received.rcpt_tos) == {"ana@example.org", "bruno@example.org"}
        assert "Bcc" not in msg and b"bruno" not in received.content
        assert "bruno@example.org" in sent.recipients
        assert msg["Subject"] == "Olá, reunião"
        body = msg.get_body(preferencelist=("plain",))
        assert body is not None and body.get_content().splitlines() == ["Até já"]
        (attachment,) = list(msg.iter_attachments())
        assert attachment.get_filename() == "relatório.pdf"
        assert attachment.get_content() == b"%PDF-1.4 fake"

    async def test_headers_as_the_stdlib_parser_reads_them(
        self, smtp_server: SmtpPeer, make_smtp: Make
    ) -> None:
        """Non-ASCII names, Cc, In-Reply-To and the Date arrive as sent; the result says what was sent."""
        message = note(
            "Orçamento — trimestre",
            sender=Address(email="ze@automate.test", name="Zé Ninguém"),
            cc=[Address(email="cc@example.org", name="Silva, Ana")],
            bcc=[BRUNO],
            in_reply_to="<parent@example.org>",
        )
        sent = await make_smtp(smtp_server).send_message(message, CallContext("hdr-1"))
        (received,) = smtp_server.messages
        msg = parsed(received.content)
        assert received.mail_from == "ze@automate.test"
        assert msg["From"] == "Zé Ninguém <ze@automate.test>"
        assert msg["To"] == "Ana Silva <ana@example.org>"
        assert msg["Cc"] == '"Silva, Ana" <cc@example.org>'
        assert msg["Subject"] == sent.subject == "Orçamento — trimestre"
        assert msg["In-Reply-To"] == msg["References"] == "<parent@example.org>"
        assert msg["Message-ID"] == sent.message_id
        assert msg["Date"].datetime == sent.sent_at
        assert "Bcc" not in msg and b"bruno" not in received.content
        assert sent.recipients == ["ana@example.org", "cc@example.org", "bruno@example.org"]
        assert msg.get_content_type() == "text/plain" and msg["MIME-Version"] == "1.0"

    async def test_same_key_same_message_id(self, smtp_server: SmtpPeer, make_smtp: Make) -> None:
        """A retry with the same idempotency key carries the same Message-ID; another key does not."""
        adapter = make_smtp(smtp_server)
        await adapter.send_message(note(), CallContext("run-9/mail", attempt=1))
        await adapter.send_message(note(), CallContext("run-9/mail", attempt=2))
        await adapter.send_message(note(), CallContext("run-9/other"))
        ids = [parsed(m.content)["Message-ID"] for m in smtp_server.messages]
        assert ids[0] == ids[1] != ids[2]

    def test_domain_defaults_to_the_sender_domain(self) -> None:
        """Message-IDs use the from_address domain unless a domain is set."""
        assert SmtpConfig(host="127.0.0.1", from_address="Me <me@corp.example>").domain == "corp.example"
        chosen = SmtpConfig(host="127.0.0.1", from_address="me@corp.example", domain="x.test")
        assert chosen.domain == "x.test"
        assert SmtpConfig(host="127.0.0.1").domain == "automate.local"


class TestSmtpReplies:
    """Reply codes become the project's errors."""

    @pytest.mark.parametrize("code", [421, 451, 452])
    async def test_temporary_replies_are_transient(
        self, smtp_server: SmtpPeer, make_smtp: Make, code: int
    ) -> None:
        """A 4xx reply to RCPT raises TransientError naming the code; nothing is delivered."""
        message = note(to=[Address(email=f"fail{code}@example.org")])
        with pytest.raises(TransientError, match=str(code)) as caught:
            await make_smtp(smtp_server).send_message(message, CallContext(f"t{code}"))
        assert caught.value.retryable
        assert smtp_server.messages == []

    async def test_550_is_permanent(self, smtp_server: SmtpPeer, make_smtp: Make) -> None:
        """A 550 reply raises PermanentError, which is never retried."""
        message = note(to=[Address(email="fail550@example.org")])
        with pytest.raises(PermanentError, match="550") as caught:
            await make_smtp(smtp_server).send_message(message, CallContext("p550"))
        assert not caught.value.retryable

    async def test_one_refused_recipient_sends_to_nobody(
        self, smtp_server: SmtpPeer, make_smtp: Make
    ) -> None:
        """If any recipient is refused, the transaction is reset and no one gets the message."""
        message = note(cc=[Address(email="fail550@example.org")])
        adapter = make_smtp(smtp_server, pool_size=1)
        with pytest.raises(PermanentError):
            await adapter.send_message(message, CallContext("partial"))
        await adapter.send_message(note("After the reset"), CallContext("after"))
        assert [parsed(m.content)["Subject"] for m in smtp_server.messages] == ["After the reset"]
        assert smtp_server.connections == 1  # RSET kept the connection usable


class TestSmtpPool:
    """Connections are reused across messages."""

    async def test_burst_reuses_connections(self, smtp_server: SmtpPeer, make_smtp: Make) -> None:
        """Twenty concurrent messages travel over at most pool_size connections."""
        adapter = make_smtp(smtp_server, pool_size=3)
        await asyncio.gather(
            *(adapter.send_message(note(f"Burst {i}"), CallContext(f"burst-{i}")) for i in range(20))
        )
        assert len(smtp_server.messages) == 20
        assert 1 <= smtp_server.connections <= 3

    async def test_dropped_connection_is_replaced(self, tls_files: TlsFiles, make_smtp: Make) -> None:
        """When the server went away between messages, the next send reconnects by itself."""
        users = {SMTP_USER: SMTP_PASSWORD}
        first = SmtpPeer(mode="starttls", tls=tls_files, users=users).start()
        adapter = make_smtp(first, pool_size=1)
        await adapter.send_message(note("Before"), CallContext("drop-1"))
        first.stop()  # closes the pooled connection from the server's side
        with SmtpPeer(mode="starttls", tls=tls_files, users=users, port=first.port) as second:
            await adapter.send_message(note("After"), CallContext("drop-2"))
            assert [parsed(m.content)["Subject"] for m in second.messages] == ["After"]
            assert second.connections == 1

    async def test_idle_timeout_reply_reconnects(self, smtp_server: SmtpPeer, make_smtp: Make) -> None:
        """A 421 to MAIL on a kept connection (an idle timeout) is met with a new connection, unseen."""
        adapter = make_smtp(smtp_server, pool_size=1)
        await adapter.send_message(note("First"), CallContext("idle-1"))
        smtp_server.handler.time_out_next_mail = True
        await adapter.send_message(note("Second"), CallContext("idle-2"))
        assert [parsed(m.content)["Subject"] for m in smtp_server.messages] == ["First", "Second"]
        assert smtp_server.connections == 2

    async def test_close_quits_pooled_connections(self, smtp_server: SmtpPeer, make_smtp: Make) -> None:
        """After aclose the adapter refuses to send instead of opening new connections."""
        adapter = make_smtp(smtp_server)
        await adapter.send_message(note(), CallContext("close-1"))
        await adapter.aclose()
        with pytest.raises(TransientError, match="closed"):
            await adapter.send_message(note(), CallContext("close-2"))
        assert smtp_server.connections == 1


class TestSmtpCheck:
    """`check()` proves the server and the credentials."""

    async def test_check_logs_in(self, smtp_server: SmtpPeer, make_smtp: Make) -> None:
        """A working account reports ok with where and who."""
        result = await make_smtp(smtp_server).check()
        assert result.ok and SMTP_USER in result.detail and "starttls" in result.detail

    async def test_check_reports_a_refused_password(self, smtp_server: SmtpPeer, make_smtp: Make) -> None:
        """A wrong password reports not ok, naming the 535 and never the password."""
        result = await make_smtp(smtp_server, password="wrong-pass-77").check()
        assert not result.ok and "535" in result.detail and "wrong-pass-77" not in result.detail


class TestSmtpThroughTheManager:
    """The adapter is one config block away."""

    async def test_configured_service_sends(
        self, smtp_server: SmtpPeer, tls_files: TlsFiles, tmp_path: Path
    ) -> None:
        """An `outbox` block naming adapter smtp, password from ${ENV}, sends through the manager."""
        config = write_config(tmp_path, smtp_settings(smtp_server, tls_files, password="${SMTP_PASSWORD}"))
        async with IntegrationManager.from_config(config, ["outbox"]) as manager:
            sent = await manager.call("outbox", "send_message", note("Managed"), idempotency_key="r/1")
        assert [parsed(m.content)["Subject"] for m in smtp_server.messages] == ["Managed"]
        assert getattr(sent, "message_id", None) == message_id("r/1", "automate.test")

    async def test_greylisted_send_is_retried_with_the_same_message_id(
        self, smtp_server: SmtpPeer, tls_files: TlsFiles, tmp_path: Path
    ) -> None:
        """A 451 on the first try is retried by the manager: one message arrives, with the key's id."""
        config = write_config(tmp_path, smtp_settings(smtp_server, tls_files, password="${SMTP_PASSWORD}"))
        flaky = note("Greylisted", to=[Address(email="flaky@example.org")])
        async with IntegrationManager.from_config(config, ["outbox"]) as manager:
            await manager.call("outbox", "send_message", flaky, idempotency_key="run-7/notify")
        (received,) = smtp_server.messages
        assert smtp_server.handler.flaky_refusals == 2  # refused once, accepted on the retry
        assert parsed(received.content)["Message-ID"] == message_id("run-7/notify", "automate.test")
