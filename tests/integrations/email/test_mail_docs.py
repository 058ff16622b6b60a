"""The example config in docs/mail.md works as written, pointed at the test servers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from automate.integrations.config import load_config
from automate.integrations.email.models import Address, MessageList, MessageQuery, OutgoingMessage
from automate.integrations.manager import IntegrationManager
from tests.integrations.email.conftest import SMTP_PASSWORD, SMTP_USER
from tests.peers.dovecot import DovecotPeer, MailUser
from tests.peers.smtp import SmtpPeer
from tests.peers.tls import TlsFiles

DOC = Path(__file__).resolve().parents[3] / "docs" / "mail.md"
MARK = "# ~/.config/automate/integrations_config.yaml\n"


def documented_config() -> str:
    """The integrations_config.yaml block the document shows."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), flags=re.S)
    (found,) = [b for b in blocks if b.startswith(MARK)]
    return found


def pointed_at(text: str, service: str, **values: object) -> str:
    """`text` with these settings of `service` replaced (or added): one ``key: value`` line each."""
    start = text.index(f"\n  {service}:\n")
    following = re.compile(r"\n  \w+:\n").search(text, start + 1)
    end = following.start() if following else len(text)
    block = text[start:end]
    for key, value in values.items():
        line = f"      {key}: {value}"
        block, replaced = re.subn(rf"^      {key}: .*$", line, block, flags=re.M)
        if not replaced:
            block = f"{block.rstrip()}\n{line}\n"
    return text[:start] + block + text[end:]


@pytest.fixture
def relay(tls_files: TlsFiles, dovecot: DovecotPeer, mail_user: MailUser) -> Iterator[SmtpPeer]:
    """An implicit-TLS submission server that delivers into the Dovecot user's INBOX."""
    with SmtpPeer(
        mode="tls",
        tls=tls_files,
        users={SMTP_USER: SMTP_PASSWORD},
        deliver=lambda raw: dovecot.deliver(mail_user, raw),
    ) as peer:
        yield peer


class TestDocumentedMailConfig:
    """docs/mail.md's outbox and mailbox blocks."""

    @pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
    async def test_example_sends_and_reads(
        self, relay: SmtpPeer, dovecot: DovecotPeer, mail_user: MailUser, tls_files: TlsFiles, tmp_path: Path
    ) -> None:
        """With only host, port, user and CA changed, both services check ok, send, and find the mail."""
        text = documented_config()
        assert "${SMTP_PASSWORD}" in text and "${IMAP_PASSWORD}" in text
        text = pointed_at(
            text, "outbox", host=relay.host, port=relay.port, username=SMTP_USER, ca_file=tls_files.cert
        )
        text = pointed_at(
            text,
            "mailbox",
            host=dovecot.host,
            port=dovecot.tls_port,
            username=mail_user.name,
            ca_file=tls_files.cert,
        )
        config_dir = tmp_path / "config"
        config_dir.mkdir()
        (config_dir / "integrations_config.yaml").write_text(text)
        env = {"SMTP_PASSWORD": SMTP_PASSWORD, "IMAP_PASSWORD": mail_user.password}
        config = load_config(config_dir, env=env, home=tmp_path / "home")
        assert config.integrations.services["outbox"].settings["security"] == "tls"
        async with IntegrationManager.from_config(config, ["outbox", "mailbox"]) as manager:
            checks = await manager.check()
            assert {c.service: c.ok for c in checks} == {"mailbox": True, "outbox": True}, checks
            message = OutgoingMessage(
                to=[Address(email="ana@example.org")], subject="From the docs", body="hi"
            )
            await manager.call("outbox", "send_message", message, idempotency_key="docs/1")
            found = await manager.call(
                "mailbox", "search_messages", MessageQuery(subject="from the docs"), expect=MessageList
            )
        assert [m.sender for m in found.messages] == ["Ana Silva <ana@fastmail.com>"]
