"""Mail on real servers: SMTP (aiosmtpd) delivering into Dovecot, read over IMAP; contract and agent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from automate.agents.base import ActionContext
from automate.agents.email import EmailAgent
from automate.agents.email_models import ReadEmailParams, SearchEmailParams, SendEmailParams
from automate.integrations.config import load_config
from automate.integrations.email.imap import ImapAdapter
from automate.integrations.email.smtp import SmtpAdapter
from automate.runtime.runtime import Runtime
from tests.integrations.contracts import MailContract
from tests.integrations.email.conftest import SMTP_PASSWORD, SMTP_USER
from tests.peers.dovecot import DovecotPeer, MailUser
from tests.peers.smtp import SmtpPeer
from tests.peers.tls import TlsFiles


@pytest.fixture
def relay(tls_files: TlsFiles, dovecot: DovecotPeer, mail_user: MailUser) -> Iterator[SmtpPeer]:
    """aiosmtpd (STARTTLS + AUTH) that drops every accepted message into the user's Maildir."""
    users = {SMTP_USER: SMTP_PASSWORD}

    def deliver(content: bytes) -> None:
        dovecot.deliver(mail_user, content)

    with SmtpPeer(mode="starttls", tls=tls_files, users=users, deliver=deliver) as peer:
        yield peer


class TestSmtpImapMailContract(MailContract):
    """Send with the SMTP adapter, find and read with the IMAP adapter."""

    @pytest.fixture
    def sent_folder(self) -> str:
        """Mail sent through the relay lands in the IMAP INBOX."""
        return "INBOX"

    @pytest.fixture
    def sender(self, relay: SmtpPeer, make_smtp: Callable[..., SmtpAdapter]) -> SmtpAdapter:
        """The SMTP adapter, over STARTTLS with AUTH, verifying the test certificate."""
        return make_smtp(relay)

    @pytest.fixture
    def reader(self, mail_user: MailUser, make_imap: Callable[..., ImapAdapter]) -> ImapAdapter:
        """The IMAP adapter over implicit TLS, logged in as the relay's recipient."""
        return make_imap(mail_user, security="tls")


class TestEmailAgentOnRealServers:
    """The EmailAgent does the same with SMTP + IMAP as with the local mailbox: a config change only."""

    async def test_send_search_and_read(
        self, relay: SmtpPeer, dovecot: DovecotPeer, mail_user: MailUser, tls_files: TlsFiles, tmp_path: Path
    ) -> None:
        """Sent through SMTP, the message is found over IMAP by subject, read, and then no longer unread."""
        config_dir = tmp_path / "config"
        config_dir.mkdir()
        (config_dir / "settings.yaml").write_text("user: {name: Me, email: me@automate.test}\n")
        (config_dir / "integrations_config.yaml").write_text(
            f"""\
services:
  outbox:
    adapter: smtp
    settings:
      host: {relay.host}
      port: {relay.port}
      security: starttls
      ca_file: {tls_files.cert}
      username: {SMTP_USER}
      password: ${{SMTP_PASSWORD}}
  mailbox:
    adapter: imap
    settings:
      host: {dovecot.host}
      port: {dovecot.tls_port}
      security: tls
      ca_file: {tls_files.cert}
      username: {mail_user.name}
      password: ${{IMAP_PASSWORD}}
"""
        )
        env = {"SMTP_PASSWORD": SMTP_PASSWORD, "IMAP_PASSWORD": mail_user.password}
        config = load_config(config_dir, env=env, home=tmp_path / "home")
        step = ActionContext(run_id="run-1", step_id="s1", now=datetime.now(UTC))
        async with Runtime(config) as runtime:
            agent = runtime.agent(EmailAgent)
            sent = await agent.send_email(
                SendEmailParams(to=["ana@example.org"], subject="Agenda", body="1. budget"), step
            )
            found = await agent.search_email(SearchEmailParams(subject="agenda", unread_only=True), step)
            assert [(m.subject, m.message_id) for m in found.messages] == [("Agenda", sent.message_id)]
            read = await agent.read_email(ReadEmailParams(search=SearchEmailParams(subject="agenda")), step)
            assert "1. budget" in read.body and read.sender == "Me <me@automate.test>"
            after = await agent.search_email(SearchEmailParams(subject="agenda", unread_only=True), step)
            assert after.messages == []
        assert relay.messages[0].login == SMTP_USER
