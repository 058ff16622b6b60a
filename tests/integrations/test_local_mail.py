"""The embedded Maildir mailbox: the shared contract plus the real files it writes."""

from __future__ import annotations

import asyncio
import mailbox
import os
import stat
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from automate.integrations.adapter import AdapterEnv, CallContext
from automate.integrations.email.base import NoParams
from automate.integrations.email.local import LocalMailAdapter, folder_key
from automate.integrations.email.models import Address, Attachment, MessageQuery, MessageRef, OutgoingMessage
from automate.integrations.errors import InvalidRequest, NotFound
from automate.integrations.ids import message_id
from tests.integrations.contracts import MailContract
from tests.integrations.email.test_compose import EVIL_SUBJECT

ME = Address(email="me@automate.test", name="Me")
ANA = Address(email="ana@example.org", name="Ana Silva")
BRUNO = Address(email="bruno@example.org")
MIME_HEADERS = (b"Content-Type", b"Content-Transfer-Encoding", b"MIME-Version")


def make_adapter(data_dir: Path, **settings: str) -> LocalMailAdapter:
    """A local mail adapter storing under `data_dir`."""
    config = LocalMailAdapter.config_model(maildir="mail", **settings)
    return LocalMailAdapter(config, AdapterEnv(service="mailbox", data_dir=data_dir))


def incoming(
    subject: str, sender: str, when: datetime, body: str = "hello", html: bool = False
) -> EmailMessage:
    """A message as another mail program would deliver it."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "me@automate.test"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{subject.replace(' ', '-')}@example.org>"
    if html:
        msg.set_content(body, subtype="html")
    else:
        msg.set_content(body)
    return msg


def parse_file(location: str | None) -> EmailMessage:
    """Parse a stored message file with the standard library."""
    assert location is not None
    parsed = message_from_bytes(read_raw(location), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def read_raw(location: str | None) -> bytes:
    """The bytes of a stored message file."""
    assert location is not None
    return Path(location).read_bytes()


def add_flags(location: str | None, flags: str) -> None:
    """Rename a message file in cur/ the way a mail client adds flags."""
    assert location is not None
    path = Path(location)
    key, _, info = path.name.partition(":")
    path.rename(path.with_name(f"{key}:2,{''.join(sorted(set(info[2:] + flags)))}"))


@pytest.fixture
async def adapter(tmp_path: Path) -> AsyncIterator[LocalMailAdapter]:
    """A local mailbox in a temporary data directory."""
    mail = make_adapter(tmp_path)
    yield mail
    await mail.aclose()


@pytest.fixture
def sender(adapter: LocalMailAdapter) -> LocalMailAdapter:
    """The local adapter sends."""
    return adapter


@pytest.fixture
def reader(adapter: LocalMailAdapter) -> LocalMailAdapter:
    """The same local adapter reads."""
    return adapter


class TestLocalMailContract(MailContract):
    """The local mailbox passes the mail contract, sent mail showing in ``sent``."""


class TestLocalMailSending:
    """What send_message writes to disk."""

    async def test_sent_file_is_a_real_rfc5322_message(
        self, adapter: LocalMailAdapter, tmp_path: Path
    ) -> None:
        """The file in sent/cur parses with the stdlib parser and has every header."""
        params = OutgoingMessage(
            sender=ME, to=[ANA], cc=[BRUNO], subject="Agenda for Tuesday", body="Olá Ana,\n1. plans\n"
        )
        sent = await adapter.send_message(params, CallContext("run-1/step-2"))
        files = list((tmp_path / "mail" / "sent" / "cur").iterdir())
        assert [f.name for f in files] == [f"{folder_key(sent.message_id)}:2,S"]
        assert sent.location == str(files[0])
        parsed = parse_file(str(files[0]))
        assert parsed["From"] == "Me <me@automate.test>"
        assert parsed["To"] == "Ana Silva <ana@example.org>"
        assert parsed["Cc"] == "bruno@example.org"
        assert parsed["Subject"] == "Agenda for Tuesday"
        assert parsed["MIME-Version"] == "1.0"
        assert parsed["Message-ID"] == message_id("run-1/step-2", "automate.local") == sent.message_id
        assert parsed["Date"].datetime.tzinfo is not None
        assert parsed.get_content_type() == "text/plain"
        assert parsed.get_content() == "Olá Ana,\n1. plans\n"
        assert sent.recipients == ["ana@example.org", "bruno@example.org"]
        assert b"\r\n" not in files[0].read_bytes()

    async def test_non_ascii_headers_are_encoded_and_read_back(self, adapter: LocalMailAdapter) -> None:
        """Accented names and a long subject are RFC 2047-encoded on disk and decoded when read."""
        subject = "Reunião amanhã às 15h — " + " ".join(["pauta completa"] * 8)
        params = OutgoingMessage(
            sender=Address(email="joao@example.org", name="João Gonçalves"), to=[ANA], subject=subject
        )
        sent = await adapter.send_message(params, CallContext("k"))
        raw = read_raw(sent.location)
        assert raw.isascii()
        assert all(len(line) <= 78 for line in raw.split(b"\n\n")[0].splitlines())
        (found,) = (
            await adapter.search_messages(MessageQuery(folder="sent", subject="amanhã"), CallContext())
        ).messages
        assert found.subject == subject
        assert found.sender == "João Gonçalves <joao@example.org>"

    async def test_stdlib_maildir_sees_the_sent_message_as_read(
        self, adapter: LocalMailAdapter, tmp_path: Path
    ) -> None:
        """Python's own Maildir reader finds the sent message in cur with the S flag."""
        params = OutgoingMessage(sender=ME, to=[ANA], subject="Seen", body="x")
        sent = await adapter.send_message(params, CallContext("k"))
        box = mailbox.Maildir(tmp_path / "mail" / "sent", create=False)
        (msg,) = list(box)
        assert msg["Message-ID"] == sent.message_id
        assert (msg.get_subdir(), msg.get_flags()) == ("cur", "S")

    async def test_retry_with_same_key_writes_one_file(
        self, adapter: LocalMailAdapter, tmp_path: Path
    ) -> None:
        """Sending again (even concurrently) under one key stores one message and reports it."""
        params = OutgoingMessage(sender=ME, to=[ANA], subject="Once", body="x")
        results = await asyncio.gather(
            *(adapter.send_message(params, CallContext("run-9/step-1", attempt=n)) for n in range(6))
        )
        files = list((tmp_path / "mail" / "sent" / "cur").iterdir())
        assert len(files) == 1
        assert {r.message_id for r in results} == {message_id("run-9/step-1", "automate.local")}
        assert {r.sent_at for r in results} == {results[0].sent_at}

    async def test_retry_finds_the_message_after_another_client_flags_it(
        self, adapter: LocalMailAdapter, tmp_path: Path
    ) -> None:
        """A sent file renamed with extra flags by a mail client still counts as sent."""
        params = OutgoingMessage(sender=ME, to=[ANA], subject="Flagged", body="x")
        first = await adapter.send_message(params, CallContext("k"))
        add_flags(first.location, "FR")
        again = await adapter.send_message(params, CallContext("k", attempt=2))
        assert again.message_id == first.message_id
        assert len(list((tmp_path / "mail" / "sent" / "cur").iterdir())) == 1

    async def test_message_id_uses_the_configured_domain(self, tmp_path: Path) -> None:
        """The Message-ID's domain is the `domain` setting."""
        mail = make_adapter(tmp_path, domain="mail.example.org")
        sent = await mail.send_message(
            OutgoingMessage(sender=ME, to=[ANA], subject="d", body="x"), CallContext("k")
        )
        assert sent.message_id == message_id("k", "mail.example.org")

    async def test_bcc_is_kept_in_the_stored_copy(self, adapter: LocalMailAdapter) -> None:
        """The sent copy records Bcc recipients, and they are counted as recipients."""
        params = OutgoingMessage(sender=ME, to=[ANA], bcc=[BRUNO], subject="b", body="x")
        sent = await adapter.send_message(params, CallContext("k"))
        parsed = parse_file(sent.location)
        assert parsed["Bcc"] == "bruno@example.org"
        assert sent.recipients == ["ana@example.org", "bruno@example.org"]

    async def test_attachments_are_attached_with_their_types(self, adapter: LocalMailAdapter) -> None:
        """Attachments become MIME parts of their type; get_message lists them."""
        pdf = Attachment(filename="agenda.pdf", content_type="application/pdf", data=b"%PDF-1.4 fake")
        blob = Attachment(filename="notes.unknownext", data=b"\x00\x01binary")
        params = OutgoingMessage(
            sender=ME, to=[ANA], subject="Files", body="see attached", attachments=[pdf, blob]
        )
        sent = await adapter.send_message(params, CallContext("k"))
        parsed = parse_file(sent.location)
        parts = {p.get_filename(): p for p in parsed.iter_attachments()}
        assert parts["agenda.pdf"].get_content_type() == "application/pdf"
        assert parts["agenda.pdf"].get_content() == b"%PDF-1.4 fake"
        assert parts["notes.unknownext"].get_content_type() == "application/octet-stream"
        whole = await adapter.get_message(
            MessageRef(id=folder_key(sent.message_id), folder="sent"), CallContext()
        )
        assert whole.attachments == ["agenda.pdf", "notes.unknownext"]
        assert whole.body.strip() == "see attached"

    async def test_harmless_encoded_subject_is_stored_as_one_header(self, adapter: LocalMailAdapter) -> None:
        """A harmless encoded-word subject is filed as one Subject header and nothing else."""
        params = OutgoingMessage(sender=ME, to=[ANA], subject="=?utf-8?q?Ol=C3=A1?=", body="x")
        sent = await adapter.send_message(params, CallContext("k"))
        head = read_raw(sent.location).partition(b"\n\n")[0]
        names = [line.partition(b":")[0] for line in head.split(b"\n") if not line.startswith((b" ", b"\t"))]
        assert names.count(b"Subject") == 1
        assert set(names) == {b"From", b"To", b"Subject", b"Date", b"Message-ID", *MIME_HEADERS}
        assert parse_file(sent.location)["Subject"] == "Olá"

    async def test_sender_is_required(self, adapter: LocalMailAdapter) -> None:
        """A message without a From address raises InvalidRequest."""
        with pytest.raises(InvalidRequest, match="sender"):
            await adapter.send_message(OutgoingMessage(to=[ANA], subject="x"), CallContext("k"))

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("subject", "hi\nBcc: victim@example.org"),
            ("subject", EVIL_SUBJECT),
            (
                "sender",
                Address.model_construct(email="me@automate.test", name="=?utf-8?q?Me=0ABcc:_x=40y.z?="),
            ),
            ("in_reply_to", "<a@b>\r\nX-Evil: 1"),
            ("sender", Address.model_construct(email="me@automate.test", name="Me\r\nBcc: x@y.z")),
        ],
    )
    async def test_header_injection_is_rejected_before_writing(
        self, adapter: LocalMailAdapter, tmp_path: Path, field: str, value: object
    ) -> None:
        """A CR/LF smuggled past the models into a header, raw or encoded, is refused; nothing is written."""
        good = OutgoingMessage(sender=ME, to=[ANA], subject="ok", body="x")
        evil = OutgoingMessage.model_construct(**{**dict(good), field: value})
        with pytest.raises(InvalidRequest):
            await adapter.send_message(evil, CallContext("k"))
        assert list((tmp_path / "mail" / "sent" / "cur").iterdir()) == []


class TestLocalMailReading:
    """Search, read, flags and folders over real Maildir folders."""

    async def test_delivered_mail_is_unread_until_marked(
        self, adapter: LocalMailAdapter, tmp_path: Path
    ) -> None:
        """A delivered message is unread in new/; mark_read moves it to cur/ with the S flag."""
        key = await adapter.deliver(
            incoming("Lunch?", "Ana <ana@example.org>", datetime(2026, 5, 1, tzinfo=UTC))
        )
        (summary,) = (await adapter.search_messages(MessageQuery(unread_only=True), CallContext())).messages
        assert (summary.id, summary.unread, summary.folder) == (key, True, "inbox")
        assert [p.name for p in (tmp_path / "mail" / "inbox" / "new").iterdir()] == [key]
        marked = await adapter.mark_read(MessageRef(id=key, folder="INBOX"), CallContext())
        assert marked.unread is False
        assert [p.name for p in (tmp_path / "mail" / "inbox" / "cur").iterdir()] == [f"{key}:2,S"]
        assert list((tmp_path / "mail" / "inbox" / "new").iterdir()) == []
        unread = await adapter.search_messages(MessageQuery(unread_only=True), CallContext())
        assert unread.messages == []
        again = await adapter.mark_read(MessageRef(id=key, folder="inbox"), CallContext())
        assert again.unread is False

    async def test_mark_read_keeps_other_flags(self, adapter: LocalMailAdapter, tmp_path: Path) -> None:
        """A flagged (F) message keeps its flag when marked read."""
        await adapter.check()
        box = mailbox.Maildir(tmp_path / "mail" / "inbox", create=True)
        msg = mailbox.MaildirMessage(incoming("Flagged", "a@example.org", datetime(2026, 5, 1, tzinfo=UTC)))
        msg.set_subdir("cur")
        msg.set_flags("F")
        key = box.add(msg)
        await adapter.mark_read(MessageRef(id=key, folder="inbox"), CallContext())
        assert [p.name for p in (tmp_path / "mail" / "inbox" / "cur").iterdir()] == [f"{key}:2,FS"]

    async def test_search_filters_and_orders_newest_first(self, adapter: LocalMailAdapter) -> None:
        """Sender, subject, text and date criteria all apply; results are newest first, limited."""
        day = datetime(2026, 5, 1, 9, tzinfo=UTC)
        await adapter.deliver(
            incoming("Budget draft", "Ana <ana@example.org>", day.replace(day=1), "numbers inside")
        )
        await adapter.deliver(
            incoming("Budget final", "Ana <ana@example.org>", day.replace(day=3), "final numbers")
        )
        await adapter.deliver(incoming("Party", "Bruno <bruno@example.org>", day.replace(day=2), "cake"))

        async def subjects(**criteria: object) -> list[str]:
            found = await adapter.search_messages(MessageQuery(**criteria), CallContext())  # type: ignore[arg-type]
            return [m.subject for m in found.messages]

        assert await subjects() == ["Budget final", "Party", "Budget draft"]
        assert await subjects(sender="ANA@") == ["Budget final", "Budget draft"]
        assert await subjects(subject="budget") == ["Budget final", "Budget draft"]
        assert await subjects(text="CAKE") == ["Party"]
        assert await subjects(since=day.replace(day=2)) == ["Budget final", "Party"]
        assert await subjects(before=day.replace(day=2)) == ["Budget draft"]
        assert await subjects(limit=1) == ["Budget final"]

    async def test_html_only_body_is_read_as_text(self, adapter: LocalMailAdapter) -> None:
        """An HTML-only message's body comes back without tags, scripts or entities."""
        html = (
            "<html><head><style>p{}</style></head>"
            "<body><p>Hi &amp; welcome</p><script>x()</script><p>Bye</p></body></html>"
        )
        key = await adapter.deliver(
            incoming("Newsletter", "n@example.org", datetime(2026, 5, 1, tzinfo=UTC), html, html=True)
        )
        whole = await adapter.get_message(MessageRef(id=key), CallContext())
        assert whole.body == "Hi & welcome\nBye"
        found = await adapter.search_messages(MessageQuery(text="welcome"), CallContext())
        assert [m.id for m in found.messages] == [key]

    async def test_get_message_returns_headers_and_body(self, adapter: LocalMailAdapter) -> None:
        """get_message gives sender, recipients, Message-ID, date and the text body."""
        when = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
        key = await adapter.deliver(incoming("Hello there", "Ana <ana@example.org>", when, "line one\n"))
        whole = await adapter.get_message(MessageRef(id=key, folder="Inbox"), CallContext())
        assert whole.sender == "Ana <ana@example.org>"
        assert whole.to == ["me@automate.test"]
        assert whole.message_id == "<Hello-there@example.org>"
        assert whole.date == when
        assert whole.body == "line one\n"
        assert whole.unread is True

    async def test_folders_are_listed_and_matched_case_insensitively(
        self, adapter: LocalMailAdapter, tmp_path: Path
    ) -> None:
        """Any Maildir under the root is a folder; INBOX names inbox/."""
        await adapter.check()
        mailbox.Maildir(tmp_path / "mail" / "Archive", create=True)
        (tmp_path / "mail" / "not-a-maildir").mkdir()
        folders = await adapter.list_folders(NoParams(), CallContext())
        assert folders.folders == ["Archive", "inbox", "sent"]
        found = await adapter.search_messages(MessageQuery(folder="archive"), CallContext())
        assert found.messages == []

    async def test_unknown_or_unsafe_folder(self, adapter: LocalMailAdapter) -> None:
        """A missing folder is NotFound; a path-like name is InvalidRequest."""
        with pytest.raises(NotFound):
            await adapter.search_messages(MessageQuery(folder="Trash"), CallContext())
        with pytest.raises(InvalidRequest):
            await adapter.search_messages(MessageQuery(folder="../etc"), CallContext())

    async def test_path_like_message_id_is_not_found(self, adapter: LocalMailAdapter) -> None:
        """A message id that tries to leave the folder finds nothing."""
        with pytest.raises(NotFound):
            await adapter.get_message(MessageRef(id="../../sent/cur/x"), CallContext())

    async def test_check_creates_the_folders(self, adapter: LocalMailAdapter, tmp_path: Path) -> None:
        """check() creates inbox/ and sent/ as real Maildirs and names the root."""
        result = await adapter.check()
        assert result.ok is True
        assert str(tmp_path / "mail") in result.detail
        for folder in ("inbox", "sent"):
            assert sorted(p.name for p in (tmp_path / "mail" / folder).iterdir()) == ["cur", "new", "tmp"]


class TestLocalMailTmp:
    async def test_a_message_a_killed_send_left_in_tmp_is_removed_on_first_use(self, tmp_path: Path) -> None:
        """An abandoned tmp/ file (days old) goes when the mailbox is next used; a fresh one stays."""
        make_adapter(tmp_path)._ensure()
        tmp = tmp_path / "mail" / "sent" / "tmp"
        abandoned, writing = tmp / "abandoned.1.ab", tmp / "in-progress.2.cd"
        abandoned.write_bytes(b"Subject: never linked\n\nhalf")
        writing.write_bytes(b"Subject: being written\n\n")
        os.utime(abandoned, (0.0, 0.0))
        # "Fresh" by the clock the adapter reads (faketime moves it, not the kernel's file times).
        os.utime(writing, (time.time(), time.time()))
        await make_adapter(tmp_path).list_folders(NoParams(), CallContext())
        assert sorted(p.name for p in tmp.iterdir()) == ["in-progress.2.cd"]

    async def test_sent_and_delivered_messages_are_readable_by_their_owner_only(self, tmp_path: Path) -> None:
        """Under umask 022 the stored sent copy and a delivered message are 0600."""
        previous = os.umask(0o022)
        try:
            adapter = make_adapter(tmp_path)
            message = OutgoingMessage(sender=ME, to=[ANA], subject="modes", body="hi")
            sent = await adapter.send_message(message, CallContext(idempotency_key="m-1"))
            key = await adapter.deliver(incoming("hello", BRUNO.email, datetime(2026, 1, 2, tzinfo=UTC)))
        finally:
            os.umask(previous)
        assert sent.location is not None
        delivered = tmp_path / "mail" / "inbox" / "new" / key
        modes = [stat.S_IMODE(os.stat(p).st_mode) for p in (sent.location, delivered)]
        assert modes == [0o600, 0o600]
