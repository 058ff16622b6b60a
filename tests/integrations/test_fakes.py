"""The in-memory adapters: the same contracts as the local ones, and no disk."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from automate.integrations.adapter import AdapterEnv, CallContext
from automate.integrations.calendar.models import EventDraft, EventRef
from automate.integrations.config import AppConfig
from automate.integrations.contacts.models import Contact, ContactQuery
from automate.integrations.email.models import Address, MessageQuery, MessageRef, OutgoingMessage
from automate.integrations.errors import InvalidRequest, NotFound
from automate.integrations.fakes import MemoryCalendarAdapter, MemoryContactsAdapter, MemoryMailAdapter
from automate.integrations.ids import event_uid, message_id
from automate.integrations.manager import IntegrationManager
from automate.integrations.registry import adapter_class
from automate.integrations.testing import app_config
from tests.integrations.contracts import (
    LISBON,
    CalendarContract,
    ContactsContract,
    MailContract,
    at,
)


def incoming(subject: str, when: datetime) -> EmailMessage:
    """A message as another mail program would deliver it."""
    msg = EmailMessage()
    msg["From"] = "Ana <ana@example.org>"
    msg["To"] = "me@automate.test"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg.set_content("see you at noon")
    return msg


class TestMemoryCalendarContract(CalendarContract):
    """The in-memory calendar passes the calendar contract."""

    @pytest.fixture
    def adapter(self) -> MemoryCalendarAdapter:
        """A fresh in-memory calendar."""
        return MemoryCalendarAdapter()


class TestMemoryMailContract(MailContract):
    """The in-memory mailbox passes the mail contract, sent mail showing in ``sent``."""

    @pytest.fixture
    def sender(self) -> MemoryMailAdapter:
        """A fresh in-memory mailbox."""
        return MemoryMailAdapter()

    @pytest.fixture
    def reader(self, sender: MemoryMailAdapter) -> MemoryMailAdapter:
        """The same mailbox reads what it sent."""
        return sender


class TestMemoryContactsContract(ContactsContract):
    """The in-memory address book passes the contacts contract."""

    @pytest.fixture
    def adapter(self) -> MemoryContactsAdapter:
        """A fresh in-memory address book."""
        return MemoryContactsAdapter()


class TestMemoryCalendarAdapter:
    """What the in-memory calendar shares with the local one."""

    async def test_ids_and_zones_follow_the_local_rules(self) -> None:
        """The UID comes from the key and the event reads back in its own zone."""
        calendar = MemoryCalendarAdapter()
        draft = EventDraft(title="Call", start=at(14), end=at(15), timezone="Europe/Lisbon")
        created = await calendar.insert_event(draft, CallContext("run-1/step-1"))
        fetched = await calendar.get_event(EventRef(uid=created.uid), CallContext())
        assert created.uid == event_uid("run-1/step-1")
        assert fetched.start == at(14, zone=LISBON)
        assert str(fetched.start.tzinfo) == "Europe/Lisbon"

    async def test_unknown_zone_is_rejected(self) -> None:
        """An unknown IANA zone raises InvalidRequest and stores nothing."""
        calendar = MemoryCalendarAdapter()
        draft = EventDraft(title="x", start=at(9), end=at(10), timezone="Nowhere/Land")
        with pytest.raises(InvalidRequest):
            await calendar.insert_event(draft, CallContext("k"))
        assert calendar.events == {}


class TestMemoryMailAdapter:
    """What the in-memory mailbox offers besides the contract."""

    async def test_delivered_mail_is_searchable_and_unread(self) -> None:
        """deliver() adds an unread inbox message that INBOX searches find, newest first."""
        mail = MemoryMailAdapter()
        older = await mail.deliver(incoming("Lunch", datetime(2026, 5, 1, tzinfo=UTC)))
        newer = await mail.deliver(incoming("Dinner", datetime(2026, 5, 2, tzinfo=UTC)))
        found = await mail.search_messages(MessageQuery(folder="INBOX", unread_only=True), CallContext())
        assert [(m.id, m.unread) for m in found.messages] == [(newer, True), (older, True)]
        await mail.mark_read(MessageRef(id=older), CallContext())
        unread = await mail.search_messages(MessageQuery(unread_only=True), CallContext())
        assert [m.id for m in unread.messages] == [newer]
        whole = await mail.get_message(MessageRef(id=newer), CallContext())
        assert whole.body.strip() == "see you at noon"

    async def test_retry_files_one_copy(self) -> None:
        """A send repeated under one key keeps one message in ``sent``."""
        mail = MemoryMailAdapter()
        params = OutgoingMessage(
            sender=Address(email="me@automate.test"), to=[Address(email="ana@example.org")], subject="x"
        )
        first = await mail.send_message(params, CallContext("k"))
        again = await mail.send_message(params, CallContext("k", attempt=2))
        assert first == again
        assert first.message_id == message_id("k", "automate.local")
        assert len(mail.folders["sent"]) == 1

    async def test_unknown_folder_is_not_found(self) -> None:
        """Searching a folder that does not exist raises NotFound."""
        with pytest.raises(NotFound):
            await MemoryMailAdapter().search_messages(MessageQuery(folder="Trash"), CallContext())


class TestMemoryContactsAdapter:
    """The in-memory address book can start with contacts."""

    async def test_seeded_contacts_are_found(self) -> None:
        """Contacts given at construction are searchable at once."""
        book = MemoryContactsAdapter(contacts=[Contact(name="Marta", relation="sister")])
        found = await book.find_contacts(ContactQuery(query="sister"), CallContext())
        assert [c.name for c in found.contacts] == ["Marta"]


class TestRegistryAndManager:
    """The adapters are reachable by name and every operation is callable through the manager."""

    @pytest.mark.parametrize(
        ("name", "operations"),
        [
            ("memory_calendar", {"insert_event", "list_events", "free_busy", "delete_event"}),
            ("memory_mail", {"send_message", "search_messages", "get_message", "mark_read", "list_folders"}),
            ("memory_contacts", {"find_contacts", "add_contact"}),
            ("local_calendar", {"insert_event", "list_events", "free_busy", "delete_event"}),
            ("local_mail", {"send_message", "search_messages", "get_message", "mark_read", "list_folders"}),
            ("local_contacts", {"find_contacts", "add_contact"}),
        ],
    )
    def test_registry_names_the_adapters_with_their_operations(self, name: str, operations: set[str]) -> None:
        """Each registered name loads a class that declares its family's operations."""
        cls = adapter_class(name)
        assert cls.name == name
        assert operations <= set(cls.operations)

    async def send_and_search(self, config: AppConfig, outbox: str, mailbox: str) -> tuple[str, list[str]]:
        """Send through `outbox`, then list the Message-IDs `mailbox` shows in ``sent``."""
        async with IntegrationManager.from_config(config) as manager:
            message = {"sender": {"email": "me@automate.test"}, "to": [{"email": "a@example.org"}]}
            sent = await manager.call(outbox, "send_message", message, idempotency_key="run/step")
            found = await manager.call(mailbox, "search_messages", {"folder": "SENT"})
        return sent.message_id, [m.message_id for m in found.messages]  # type: ignore[attr-defined]

    async def test_memory_mail_through_the_manager(self, tmp_path: Path) -> None:
        """A config naming memory_mail sends and then finds the message, writing nothing to disk."""
        config = app_config({"mail": {"adapter": "memory_mail"}}, home=tmp_path)
        sent, found = await self.send_and_search(config, "mail", "mail")
        assert found == [sent]
        assert os.listdir(tmp_path) == []

    async def test_local_mail_through_the_manager(self, local_config: AppConfig) -> None:
        """The shipped default config files mail via outbox that mailbox then finds in the Maildir."""
        sent, found = await self.send_and_search(local_config, "outbox", "mailbox")
        assert found == [sent]
        assert os.listdir(local_config.home / "mail" / "sent" / "cur") != []

    def test_memory_adapters_accept_the_manager_signature(self, tmp_path: Path) -> None:
        """Built like the manager builds adapters, with a config and an env."""
        env = AdapterEnv(service="calendar", data_dir=tmp_path)
        calendar = MemoryCalendarAdapter(MemoryCalendarAdapter.config_model(), env)
        assert calendar.env is env
