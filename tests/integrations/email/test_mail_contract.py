"""The mail contract for the real-server pair: SMTP (aiosmtpd) delivering into Dovecot, read over IMAP."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from integrations.email.imap import ImapAdapter
from integrations.email.smtp import SmtpAdapter
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
