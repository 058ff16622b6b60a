"""Contract tests every adapter of a family must pass, whatever service is behind it.

Subclass a contract in your adapter's test module and provide its fixtures;
the class name must start with ``Test`` so pytest collects it::

    from tests.integrations.contracts import CalendarContract

    class TestCalDavCalendarContract(CalendarContract):
        @pytest.fixture
        async def adapter(self, radicale_url, tmp_path):
            adapter = CalDavCalendarAdapter(CalDavCalendarAdapter.config_model(url=...),
                                            AdapterEnv(service="calendar", data_dir=tmp_path))
            yield adapter
            await adapter.aclose()

Fixtures a subclass provides (function-scoped, may be async):

- `CalendarContract`: ``adapter`` -- a calendar adapter on an EMPTY calendar.
- `ContactsContract`: ``adapter`` -- a contacts adapter on an EMPTY address book.
- `MailContract`: ``sender`` (a `MailSender`), ``reader`` (a `MailReader`) and,
  overridable with defaults here: ``sent_folder`` (the reader's folder where
  a message sent by ``sender`` becomes visible: ``"sent"`` for the local
  mailbox, ``"INBOX"`` for an SMTP server delivering to the IMAP account),
  ``from_address`` and ``to_address`` (pydantic `Address` values). When
  delivery is asynchronous (SMTP -> IMAP), override `MailContract.find_sent`
  to wait for the message.

Every scenario uses fresh idempotency keys and unique subjects, so a shared
mail account does not confuse one test with another.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from automate.integrations.adapter import CallContext
from automate.integrations.calendar.models import (
    Attendee,
    EventDraft,
    EventPatch,
    EventRef,
    TimeRange,
)
from automate.integrations.contacts.models import Contact, ContactQuery
from automate.integrations.email.base import NoParams
from automate.integrations.email.models import (
    Address,
    MessageQuery,
    MessageRef,
    MessageSummary,
    OutgoingMessage,
)
from automate.integrations.errors import InvalidRequest, NotFound

__all__ = [
    "DAY",
    "LISBON",
    "UTC",
    "CalendarContract",
    "ContactsContract",
    "MailContract",
    "at",
    "draft",
    "fresh_ctx",
]

UTC = ZoneInfo("UTC")
LISBON = ZoneInfo("Europe/Lisbon")
# A fixed day far from now, so a shared real calendar is unlikely to hold other events then.
DAY = datetime(2031, 3, 10, tzinfo=UTC)


def fresh_ctx() -> CallContext:
    """A call context with a never-used idempotency key."""
    return CallContext(idempotency_key=f"contract/{uuid.uuid4().hex}")


def at(hour: int, minute: int = 0, zone: ZoneInfo = UTC) -> datetime:
    """A moment on the contract's test day."""
    return DAY.replace(hour=hour, minute=minute, tzinfo=zone)


def draft(title: str, start: datetime, end: datetime, **extra: Any) -> EventDraft:
    """An event draft with the given title and times."""
    return EventDraft(title=title, start=start, end=end, **extra)


class CalendarContract:
    """What every calendar adapter does: create, query, move, free/busy, delete, never double."""

    async def test_insert_then_get_round_trips(self, adapter: Any) -> None:
        """An inserted event comes back by UID with the same title, times, zone and attendees."""
        created = await adapter.insert_event(
            draft(
                "Design review",
                at(9),
                at(10),
                attendees=[Attendee(name="Ana", email="ana@example.org")],
                location="Room 2",
                notes="bring the numbers",
            ),
            fresh_ctx(),
        )
        fetched = await adapter.get_event(EventRef(uid=created.uid), CallContext())
        assert created.uid
        assert fetched.uid == created.uid
        assert fetched.title == "Design review"
        assert (fetched.start, fetched.end) == (at(9), at(10))
        assert [a.email for a in fetched.attendees] == ["ana@example.org"]
        assert fetched.location == "Room 2"
        assert fetched.notes == "bring the numbers"

    async def test_time_zone_is_preserved(self, adapter: Any) -> None:
        """An event at 15:00 Europe/Lisbon comes back at 15:00 Europe/Lisbon."""
        created = await adapter.insert_event(
            draft("Call", at(15, zone=LISBON), at(16, zone=LISBON), timezone="Europe/Lisbon"),
            fresh_ctx(),
        )
        fetched = await adapter.get_event(EventRef(uid=created.uid), CallContext())
        assert fetched.timezone == "Europe/Lisbon"
        assert fetched.start.utcoffset() == at(15, zone=LISBON).utcoffset()
        assert (fetched.start.hour, fetched.start.minute) == (15, 0)
        assert fetched.start == at(15, zone=LISBON)

    async def test_list_returns_only_overlapping_events_in_start_order(self, adapter: Any) -> None:
        """Listing a range returns events overlapping it (half-open), ordered by start."""
        for title, start, end in [
            ("late", at(14), at(15)),
            ("before", at(7), at(8)),
            ("straddles start", at(8, 30), at(9, 30)),
            ("inside", at(10), at(11)),
            ("touches end", at(12), at(13)),
        ]:
            await adapter.insert_event(draft(title, start, end), fresh_ctx())
        listed = await adapter.list_events(TimeRange(start=at(9), end=at(12)), CallContext())
        assert [e.title for e in listed.events] == ["straddles start", "inside"]

    async def test_overlap_query_finds_a_conflict(self, adapter: Any) -> None:
        """A range inside an existing event reports that event as overlapping."""
        created = await adapter.insert_event(draft("Long meeting", at(9), at(12)), fresh_ctx())
        listed = await adapter.list_events(TimeRange(start=at(10), end=at(10, 30)), CallContext())
        assert [e.uid for e in listed.events] == [created.uid]
        empty = await adapter.list_events(TimeRange(start=at(12), end=at(13)), CallContext())
        assert empty.events == []

    async def test_update_moves_the_event(self, adapter: Any) -> None:
        """Updating start and end moves the event; it leaves its old slot free."""
        created = await adapter.insert_event(draft("Standup", at(9), at(9, 15)), fresh_ctx())
        moved = await adapter.update_event(
            EventPatch(uid=created.uid, start=at(11), end=at(11, 15), title="Standup (moved)"),
            fresh_ctx(),
        )
        assert (moved.start, moved.end, moved.title) == (at(11), at(11, 15), "Standup (moved)")
        fetched = await adapter.get_event(EventRef(uid=created.uid), CallContext())
        assert (fetched.start, fetched.end) == (at(11), at(11, 15))
        old_slot = await adapter.list_events(TimeRange(start=at(9), end=at(10)), CallContext())
        assert old_slot.events == []

    async def test_update_of_missing_event_is_not_found(self, adapter: Any) -> None:
        """Updating a UID that does not exist raises NotFound."""
        with pytest.raises(NotFound):
            await adapter.update_event(EventPatch(uid=uuid.uuid4().hex, title="x"), fresh_ctx())

    async def test_free_busy_merges_overlapping_events(self, adapter: Any) -> None:
        """Overlapping events become one busy interval; separate ones stay apart, clipped."""
        for start, end in [(at(9), at(10)), (at(9, 30), at(11)), (at(13), at(14))]:
            await adapter.insert_event(draft("busy", start, end), fresh_ctx())
        window = TimeRange(start=at(8), end=at(13, 30))
        free_busy = await adapter.free_busy(window, CallContext())
        spans = [(b.start, b.end) for b in free_busy.busy]
        assert spans == [(at(9), at(11)), (at(13), at(13, 30))]

    async def test_delete_removes_and_reports_whether_it_existed(self, adapter: Any) -> None:
        """Deleting removes the event; a second delete says it was already gone."""
        created = await adapter.insert_event(draft("Drop me", at(9), at(10)), fresh_ctx())
        first = await adapter.delete_event(EventRef(uid=created.uid), fresh_ctx())
        second = await adapter.delete_event(EventRef(uid=created.uid), fresh_ctx())
        assert (first.existed, second.existed) == (True, False)
        with pytest.raises(NotFound):
            await adapter.get_event(EventRef(uid=created.uid), CallContext())

    async def test_repeated_insert_with_same_key_creates_one_event(self, adapter: Any) -> None:
        """Retrying an insert with the same idempotency key returns the same UID and one event."""
        ctx = fresh_ctx()
        first = await adapter.insert_event(draft("Once", at(9), at(10)), ctx)
        again = CallContext(ctx.idempotency_key, attempt=2)
        retry = await adapter.insert_event(draft("Once", at(9), at(10)), again)
        listed = await adapter.list_events(TimeRange(start=at(8), end=at(11)), CallContext())
        assert retry.uid == first.uid
        assert [e.uid for e in listed.events] == [first.uid]

    async def test_different_keys_create_different_events(self, adapter: Any) -> None:
        """Two inserts with different keys are two events."""
        first = await adapter.insert_event(draft("A", at(9), at(10)), fresh_ctx())
        second = await adapter.insert_event(draft("A", at(9), at(10)), fresh_ctx())
        assert first.uid != second.uid

    async def test_get_of_missing_event_is_not_found(self, adapter: Any) -> None:
        """Getting a UID that does not exist raises NotFound."""
        with pytest.raises(NotFound):
            await adapter.get_event(EventRef(uid=uuid.uuid4().hex), CallContext())

    async def test_book_into_a_free_slot_stores_the_event(self, adapter: Any) -> None:
        """Booking a free slot stores the event and reports no clash."""
        booking = await adapter.book_event(draft("Free", at(9), at(10)), fresh_ctx())
        listed = await adapter.list_events(TimeRange(start=at(8), end=at(11)), CallContext())
        assert booking.clashes == []
        assert booking.event is not None
        assert [e.uid for e in listed.events] == [booking.event.uid]

    async def test_book_into_a_taken_slot_names_the_clash_and_stores_nothing(self, adapter: Any) -> None:
        """Booking over an event returns that event as the clash and adds nothing."""
        held = await adapter.insert_event(draft("Held", at(9), at(10)), fresh_ctx())
        booking = await adapter.book_event(draft("Late", at(9, 30), at(10, 30)), fresh_ctx())
        listed = await adapter.list_events(TimeRange(start=at(8), end=at(11)), CallContext())
        assert booking.event is None
        assert [e.uid for e in booking.clashes] == [held.uid]
        assert [e.uid for e in listed.events] == [held.uid]

    async def test_a_retried_booking_finds_its_own_event(self, adapter: Any) -> None:
        """Booking again with the same key returns the same event, not a clash with itself."""
        ctx = fresh_ctx()
        first = await adapter.book_event(draft("Once", at(9), at(10)), ctx)
        again = await adapter.book_event(draft("Once", at(9), at(10)), CallContext(ctx.idempotency_key, 2))
        listed = await adapter.list_events(TimeRange(start=at(8), end=at(11)), CallContext())
        assert first.event is not None and again.event is not None
        assert again.event.uid == first.event.uid
        assert [e.uid for e in listed.events] == [first.event.uid]


class MailContract:
    """What every mail sender/reader pair does: send, find, read, never change a retry's id."""

    @pytest.fixture
    def sent_folder(self) -> str:
        """The reader's folder where the sender's messages become visible."""
        return "sent"

    @pytest.fixture
    def from_address(self) -> Address:
        """The sender's address."""
        return Address(email="me@automate.test", name="Me")

    @pytest.fixture
    def to_address(self) -> Address:
        """The recipient's address."""
        return Address(email="ana@automate.test", name="Ana")

    async def find_sent(self, reader: Any, folder: str, subject: str) -> list[MessageSummary]:
        """Messages with `subject` in `folder` (override to wait for slow delivery)."""
        query = MessageQuery(folder=folder, subject=subject)
        found = await reader.search_messages(query, CallContext())
        return list(found.messages)

    def outgoing(self, from_address: Address, to_address: Address, **extra: Any) -> OutgoingMessage:
        """A message from `from_address` to `to_address` with a unique subject."""
        fields: dict[str, Any] = {
            "subject": f"Agenda {uuid.uuid4().hex[:12]}",
            "body": "1. numbers\n2. plans\n",
            **extra,
        }
        return OutgoingMessage(sender=from_address, to=[to_address], **fields)

    async def test_sent_message_is_found_by_subject(
        self, sender: Any, reader: Any, sent_folder: str, from_address: Address, to_address: Address
    ) -> None:
        """A sent message is found by its subject, with its Message-ID, sender and body."""
        message = self.outgoing(from_address, to_address)
        sent = await sender.send_message(message, fresh_ctx())
        assert sent.message_id.startswith("<") and sent.message_id.endswith(">")
        assert to_address.email in sent.recipients
        found = await self.find_sent(reader, sent_folder, message.subject)
        assert [m.message_id for m in found] == [sent.message_id]
        assert found[0].subject == message.subject
        assert from_address.email in found[0].sender
        ref = MessageRef(id=found[0].id, folder=sent_folder)
        whole = await reader.get_message(ref, CallContext())
        assert "2. plans" in whole.body
        assert any(to_address.email in to for to in whole.to)

    async def test_same_key_gives_same_message_id(
        self, sender: Any, from_address: Address, to_address: Address
    ) -> None:
        """Retrying a send with the same idempotency key keeps the Message-ID."""
        ctx = fresh_ctx()
        message = self.outgoing(from_address, to_address)
        first = await sender.send_message(message, ctx)
        retry = await sender.send_message(message, CallContext(ctx.idempotency_key, attempt=2))
        other = await sender.send_message(message, fresh_ctx())
        assert retry.message_id == first.message_id
        assert other.message_id != first.message_id

    async def test_mark_read_clears_unread(
        self, sender: Any, reader: Any, sent_folder: str, from_address: Address, to_address: Address
    ) -> None:
        """After mark_read the message is no longer unread and unread-only searches skip it."""
        message = self.outgoing(from_address, to_address)
        await sender.send_message(message, fresh_ctx())
        (found,) = await self.find_sent(reader, sent_folder, message.subject)
        marked = await reader.mark_read(MessageRef(id=found.id, folder=sent_folder), CallContext())
        assert marked.unread is False
        query = MessageQuery(folder=sent_folder, subject=message.subject, unread_only=True)
        unread = await reader.search_messages(query, CallContext())
        assert unread.messages == []

    async def test_folders_include_the_sent_folder(self, reader: Any, sent_folder: str) -> None:
        """list_folders names the folder where sent mail shows up (any case)."""
        folders = await reader.list_folders(NoParams(), CallContext())
        assert sent_folder.lower() in [f.lower() for f in folders.folders]

    async def test_missing_message_is_not_found(self, reader: Any, sent_folder: str) -> None:
        """Getting a message id that does not exist raises NotFound."""
        with pytest.raises(NotFound):
            await reader.get_message(MessageRef(id="99999999", folder=sent_folder), CallContext())

    async def test_header_injection_is_rejected(
        self, sender: Any, from_address: Address, to_address: Address
    ) -> None:
        """A subject smuggling a header (CR/LF) is refused even if model validation was skipped."""
        good = self.outgoing(from_address, to_address)
        evil = OutgoingMessage.model_construct(**{**dict(good), "subject": "hi\r\nBcc: victim@example.org"})
        with pytest.raises(InvalidRequest):
            await sender.send_message(evil, fresh_ctx())


class ContactsContract:
    """What every address book does: add, find by name, address or relation, upsert."""

    async def add(self, adapter: Any, **fields: Any) -> Contact:
        """Add one contact."""
        return await adapter.add_contact(Contact(**fields), fresh_ctx())

    async def find(self, adapter: Any, query: str, limit: int = 10) -> list[Contact]:
        """Contacts matching `query`."""
        found = await adapter.find_contacts(ContactQuery(query=query, limit=limit), CallContext())
        return list(found.contacts)

    async def test_find_by_name_prefix_of_any_word(self, adapter: Any) -> None:
        """A prefix of the first or last name finds the contact, case-insensitively."""
        await self.add(adapter, name="Ana Silva", email="ana@example.org")
        await self.add(adapter, name="Bruno Costa", email="bruno@example.org")
        assert [c.name for c in await self.find(adapter, "an")] == ["Ana Silva"]
        assert [c.name for c in await self.find(adapter, "SIL")] == ["Ana Silva"]
        assert [c.name for c in await self.find(adapter, "ana silva")] == ["Ana Silva"]

    async def test_find_by_relation(self, adapter: Any) -> None:
        """Searching a relation ("sister") finds the contact with that relation."""
        await self.add(adapter, name="Marta Reis", email="marta@example.org", relation="sister")
        await self.add(adapter, name="Rui Reis", email="rui@example.org", relation="brother")
        found = await self.find(adapter, "Sister")
        assert [(c.name, c.relation) for c in found] == [("Marta Reis", "sister")]

    async def test_find_by_email(self, adapter: Any) -> None:
        """The whole address finds its contact."""
        await self.add(adapter, name="Ana Silva", email="ana.silva@example.org")
        found = await self.find(adapter, "Ana.Silva@Example.org")
        assert [c.email for c in found] == ["ana.silva@example.org"]

    async def test_best_match_first(self, adapter: Any) -> None:
        """An exact name beats a word prefix; the limit keeps only the best."""
        await self.add(adapter, name="Anabela Sousa", email="anabela@example.org")
        await self.add(adapter, name="Ana", email="ana@example.org")
        found = await self.find(adapter, "ana")
        assert [c.name for c in found] == ["Ana", "Anabela Sousa"]
        assert [c.name for c in await self.find(adapter, "ana", limit=1)] == ["Ana"]

    async def test_no_match_is_empty(self, adapter: Any) -> None:
        """A query matching nobody returns no contacts."""
        await self.add(adapter, name="Ana Silva", email="ana@example.org")
        assert await self.find(adapter, "zeca") == []

    async def test_add_with_same_email_updates(self, adapter: Any) -> None:
        """Adding a contact whose address exists updates it instead of adding another."""
        await self.add(adapter, name="Ana", email="ana@example.org")
        updated = await self.add(adapter, name="Ana Silva", email="ANA@example.org", relation="sister")
        found = await self.find(adapter, "ana")
        assert updated.relation == "sister"
        assert [(c.name, c.email, c.relation) for c in found] == [("Ana Silva", "ana@example.org", "sister")]

    async def test_add_without_email_upserts_by_name(self, adapter: Any) -> None:
        """Without an address, a contact with the same name (any case) is updated."""
        await self.add(adapter, name="Zé Carlos", phone="+351 900 000 000")
        await self.add(adapter, name="zé carlos", relation="uncle")
        found = await self.find(adapter, "uncle")
        assert len(found) == 1
        assert found[0].relation == "uncle"
        assert found[0].phone == "+351 900 000 000"
        assert await self.find(adapter, "zé") == found
