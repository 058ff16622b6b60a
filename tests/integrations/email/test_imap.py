"""The IMAP adapter against a real Dovecot: search each way, fetch, mark read, folders, TLS, auth."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from automate.integrations.adapter import AdapterEnv, CallContext
from automate.integrations.email.base import NoParams
from automate.integrations.email.imap import ImapAdapter, ImapConfig, decode_folder, encode_folder
from automate.integrations.email.models import MessageQuery, MessageRef
from automate.integrations.errors import AuthError, NotFound, PermanentError
from tests.integrations.email.conftest import running_dovecot
from tests.peers.dovecot import DovecotPeer, MailUser
from tests.peers.tls import make_certificate

Make = Callable[..., ImapAdapter]
DAY = datetime(2026, 11, 2, tzinfo=UTC)


def raw(
    subject: str,
    sender: str = "Ana Silva <ana@example.org>",
    when: datetime = DAY,
    body: str = "hello",
    *,
    html: bool = False,
    attachment: str | None = None,
) -> bytes:
    """A message as another mail program would deliver it."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "Me <me@automate.test>"
    msg["Cc"] = "Rui <rui@example.org>"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{abs(hash((subject, when)))}@example.org>"
    msg.set_content(body, subtype="html" if html else "plain")
    if attachment:
        msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename=attachment)
    return msg.as_bytes()


async def search(adapter: ImapAdapter, **criteria: object) -> list[str]:
    """Subjects of the messages a query finds, in the order returned."""
    found = await adapter.search_messages(MessageQuery.model_validate(criteria), CallContext())
    return [m.subject for m in found.messages]


@pytest.fixture
def filled(dovecot: DovecotPeer, mail_user: MailUser) -> MailUser:
    """A user whose INBOX holds four messages on one day, from two people."""
    dovecot.deliver(mail_user, raw("Budget review", when=DAY.replace(hour=9)))
    dovecot.deliver(mail_user, raw("Lunch?", "Bruno <bruno@example.org>", DAY.replace(hour=12)))
    dovecot.deliver(mail_user, raw("Budget final", when=DAY.replace(hour=15), body="numbers attached"))
    dovecot.deliver(mail_user, raw("Olá Zé", "Zé <ze@example.org>", DAY.replace(hour=16), body="Até já"))
    return mail_user


class TestImapSearch:
    """Every search criterion, alone and together, newest first."""

    async def test_everything_newest_first(self, filled: MailUser, make_imap: Make) -> None:
        """With no criteria, every message comes back, newest Date first."""
        assert await search(make_imap(filled)) == ["Olá Zé", "Budget final", "Lunch?", "Budget review"]

    async def test_by_sender(self, filled: MailUser, make_imap: Make) -> None:
        """A sender's address or name, any case, finds their messages."""
        adapter = make_imap(filled)
        assert await search(adapter, sender="ana@example") == ["Budget final", "Budget review"]
        assert await search(adapter, sender="BRUNO") == ["Lunch?"]
        assert await search(adapter, sender="Zé") == ["Olá Zé"]

    async def test_by_subject(self, filled: MailUser, make_imap: Make) -> None:
        """Part of the subject, any case, finds the message."""
        adapter = make_imap(filled)
        assert await search(adapter, subject="budget") == ["Budget final", "Budget review"]
        assert await search(adapter, subject="olá") == ["Olá Zé"]

    async def test_by_date_range_to_the_minute(self, filled: MailUser, make_imap: Make) -> None:
        """since/before hold to the time of day, though IMAP compares whole dates."""
        adapter = make_imap(filled)
        since, before = DAY.replace(hour=10), DAY.replace(hour=15)
        assert await search(adapter, since=since, before=before) == ["Lunch?"]
        assert await search(adapter, since=DAY + timedelta(days=1)) == []
        assert len(await search(adapter, before=DAY + timedelta(days=1))) == 4

    async def test_by_body_text(self, filled: MailUser, make_imap: Make) -> None:
        """Words of the body find the message, ASCII or not."""
        adapter = make_imap(filled)
        assert await search(adapter, text="numbers") == ["Budget final"]
        assert await search(adapter, text="até") == ["Olá Zé"]

    async def test_unread_only_and_limit(self, filled: MailUser, make_imap: Make) -> None:
        """A message marked read drops out of unread searches; limit keeps the newest."""
        adapter = make_imap(filled)
        found = await adapter.search_messages(MessageQuery(subject="Budget final"), CallContext())
        await adapter.mark_read(MessageRef(id=found.messages[0].id), CallContext())
        assert await search(adapter, unread_only=True) == ["Olá Zé", "Lunch?", "Budget review"]
        assert await search(adapter, unread_only=True, sender="ana", limit=1) == ["Budget review"]

    async def test_missing_folder_is_not_found(self, filled: MailUser, make_imap: Make) -> None:
        """Searching a folder that does not exist raises NotFound."""
        with pytest.raises(NotFound, match="Nope"):
            await search(make_imap(filled), folder="Nope")


class TestImapMessages:
    """Fetching and flagging single messages."""

    async def test_get_parses_headers_body_and_attachments(
        self, dovecot: DovecotPeer, mail_user: MailUser, make_imap: Make
    ) -> None:
        """A fetched message has its headers, text body and attachment names; fetching keeps it unread."""
        dovecot.deliver(mail_user, raw("Report", body="See the file.", attachment="q3.pdf"))
        adapter = make_imap(mail_user)
        (summary,) = (await adapter.search_messages(MessageQuery(), CallContext())).messages
        msg = await adapter.get_message(MessageRef(id=summary.id), CallContext())
        assert msg.id == summary.id and msg.id.isdigit()
        assert msg.subject == "Report" and msg.sender == "Ana Silva <ana@example.org>"
        assert msg.to == ["Me <me@automate.test>"] and msg.cc == ["Rui <rui@example.org>"]
        assert msg.body.strip() == "See the file."
        assert msg.attachments == ["q3.pdf"]
        assert msg.date == DAY and msg.message_id is not None
        assert msg.unread is True

    async def test_html_only_body_becomes_text(
        self, dovecot: DovecotPeer, mail_user: MailUser, make_imap: Make
    ) -> None:
        """An HTML-only message reads as its visible text."""
        dovecot.deliver(
            mail_user, raw("News", body="<p>Hello <b>there</b></p><script>x()</script>", html=True)
        )
        adapter = make_imap(mail_user)
        (summary,) = (await adapter.search_messages(MessageQuery(), CallContext())).messages
        msg = await adapter.get_message(MessageRef(id=summary.id), CallContext())
        assert msg.body == "Hello there"

    async def test_mark_read_persists(self, filled: MailUser, make_imap: Make) -> None:
        """mark_read sets \\Seen on the server: another connection sees it read."""
        first = make_imap(filled)
        (summary,) = (await first.search_messages(MessageQuery(subject="Lunch"), CallContext())).messages
        marked = await first.mark_read(MessageRef(id=summary.id), CallContext())
        assert marked.unread is False and marked.subject == "Lunch?"
        (again,) = (
            await make_imap(filled).search_messages(MessageQuery(subject="Lunch"), CallContext())
        ).messages
        assert again.unread is False

    @pytest.mark.parametrize("bad_id", ["99999", "0", "abc", "99999999999"])
    async def test_missing_message_is_not_found(self, filled: MailUser, make_imap: Make, bad_id: str) -> None:
        """A UID the folder does not have (or that is no UID) raises NotFound for get and mark_read."""
        adapter = make_imap(filled)
        with pytest.raises(NotFound):
            await adapter.get_message(MessageRef(id=bad_id), CallContext())
        with pytest.raises(NotFound):
            await adapter.mark_read(MessageRef(id=bad_id), CallContext())


class TestImapFolders:
    """Folders, including names beyond ASCII."""

    async def test_folders_listed_and_searchable(
        self, dovecot: DovecotPeer, mail_user: MailUser, make_imap: Make
    ) -> None:
        """Folders come back by the names people read, and each can be searched."""
        dovecot.add_folder(mail_user, "Archive")
        dovecot.add_folder(mail_user, encode_folder("Relatórios & Notas"))
        dovecot.deliver(mail_user, raw("Q3 numbers"), folder=encode_folder("Relatórios & Notas"))
        adapter = make_imap(mail_user)
        folders = await adapter.list_folders(NoParams(), CallContext())
        assert folders.folders == ["Archive", "INBOX", "Relatórios & Notas"]
        assert await search(adapter, folder="Relatórios & Notas") == ["Q3 numbers"]
        assert await search(adapter, folder="Archive") == []

    def test_modified_utf7_round_trip(self) -> None:
        """Folder names survive IMAP's modified UTF-7 both ways (RFC 3501 examples)."""
        assert encode_folder("~peter/mail/台北/日本語") == "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        assert decode_folder("~peter/mail/&U,BTFw-/&ZeVnLIqe-") == "~peter/mail/台北/日本語"
        assert decode_folder(encode_folder("A & B")) == "A & B"


class TestImapConnection:
    """Security, credentials, and a connection the server dropped."""

    async def test_implicit_tls_and_starttls(self, filled: MailUser, make_imap: Make) -> None:
        """The same search works over IMAPS and STARTTLS, verified, with plaintext auth not allowed."""
        assert len(await search(make_imap(filled, security="tls", allow_plaintext_auth=False))) == 4
        assert len(await search(make_imap(filled, security="starttls", allow_plaintext_auth=False))) == 4

    async def test_untrusted_certificate_is_permanent(
        self, filled: MailUser, make_imap: Make, tmp_path: Path
    ) -> None:
        """A certificate nobody we trust signed fails for good."""
        stranger = make_certificate(tmp_path / "stranger")
        with pytest.raises(PermanentError, match="not trusted"):
            await search(make_imap(filled, security="tls", ca_file=str(stranger.cert)))

    async def test_bad_password_is_an_auth_error(self, filled: MailUser, make_imap: Make) -> None:
        """A refused login raises AuthError naming the user, never the password."""
        with pytest.raises(AuthError, match=filled.name) as caught:
            await search(make_imap(filled, password="hunter2-wrong"))
        assert "hunter2-wrong" not in str(caught.value)
        assert caught.value.service == "mailbox" and caught.value.operation == "search_messages"

    async def test_refused_login_is_not_kept(self, filled: MailUser, make_imap: Make) -> None:
        """After a refused login the next call logs in again (and is refused again), never half-connected."""
        adapter = make_imap(filled, password="hunter2-wrong")
        for _ in range(2):
            with pytest.raises(AuthError):
                await search(adapter)

    async def test_check(self, filled: MailUser, make_imap: Make) -> None:
        """check() logs in, selects INBOX and says how many messages it holds; a bad password is not ok."""
        good = await make_imap(filled).check()
        assert good.ok and "INBOX has 4 messages" in good.detail
        bad = await make_imap(filled, password="nope-nope").check()
        assert not bad.ok and "refused" in bad.detail and "nope-nope" not in bad.detail

    async def test_dropped_connection_is_replaced(
        self, dovecot: DovecotPeer, filled: MailUser, make_imap: Make
    ) -> None:
        """When the server kicks the session between calls, the next call reconnects by itself."""
        adapter = make_imap(filled)
        assert len(await search(adapter)) == 4
        assert len(await search(adapter)) == 4
        assert dovecot.logins(filled) == 1  # the connection is kept between calls
        await asyncio.to_thread(dovecot.kick, filled)
        assert len(await search(adapter)) == 4
        assert dovecot.logins(filled) == 2


@pytest.fixture(scope="module")
def plain_dovecot() -> Iterator[DovecotPeer]:
    """A Dovecot with ``ssl = no``: it offers no TLS at all."""
    with running_dovecot(None) as server:
        yield server


class TestImapPlaintextAuth:
    """A password is sent over a connection without TLS only when the settings say so."""

    async def search_as(
        self, user: MailUser, server: DovecotPeer, tmp_path: Path, **settings: object
    ) -> list[str]:
        """Search the INBOX of `user` on `server` over plain IMAP, with `settings`."""
        config = ImapConfig.model_validate(
            {"host": server.host, "port": server.port, "security": "none", "username": user.name}
            | {"password": user.password, **settings}
        )
        adapter = ImapAdapter(config, AdapterEnv(service="mailbox", data_dir=tmp_path))
        try:
            return await search(adapter)
        finally:
            await adapter.aclose()

    async def test_refused_by_default(self, plain_dovecot: DovecotPeer, tmp_path: Path) -> None:
        """Without allow_plaintext_auth, no login reaches the server."""
        user = plain_dovecot.add_user()
        with pytest.raises(AuthError, match="without TLS"):
            await self.search_as(user, plain_dovecot, tmp_path)
        assert plain_dovecot.logins(user) == 0

    async def test_allowed_when_the_settings_say_so(self, plain_dovecot: DovecotPeer, tmp_path: Path) -> None:
        """With allow_plaintext_auth: true, the adapter logs in over plain IMAP and searches."""
        user = plain_dovecot.add_user()
        assert await self.search_as(user, plain_dovecot, tmp_path, allow_plaintext_auth=True) == []
        assert plain_dovecot.logins(user) == 1


class TestImapNewMail:
    """Mail that arrives while the adapter is connected."""

    async def test_new_mail_is_seen_on_a_kept_connection(
        self, dovecot: DovecotPeer, filled: MailUser, make_imap: Make
    ) -> None:
        """A message delivered after the folder was selected is found and fetched on the same connection."""
        adapter = make_imap(filled)
        assert len(await search(adapter)) == 4
        dovecot.deliver(filled, raw("Just in", when=DAY.replace(hour=18)))
        (summary,) = (await adapter.search_messages(MessageQuery(subject="Just in"), CallContext())).messages
        assert (await adapter.get_message(MessageRef(id=summary.id), CallContext())).subject == "Just in"
        assert dovecot.logins(filled) == 1
