"""In-memory calendar, mailbox and address book: the embedded adapters without a disk.

They follow the same rules as the local adapters (ids from idempotency keys,
overlap queries, contact matching, real RFC 5322 messages) by calling the same
functions, so agent and runtime tests, and host applications, get the real
behaviour at memory speed::

    calendar = MemoryCalendarAdapter()
    await calendar.insert_event(EventDraft(title="Call", start=..., end=...), CallContext("run/step"))
    mail = MemoryMailAdapter()
    key = await mail.deliver(message)          # an incoming message in "inbox"

Configs may name them too (``adapter: memory_calendar``); each instance keeps
its own data for as long as it lives.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from functools import partial
from pathlib import Path

from automate.integrations.adapter import AdapterEnv, CallContext, NoSettings
from automate.integrations.calendar.base import CalendarAdapter
from automate.integrations.calendar.local import apply_patch, new_event
from automate.integrations.calendar.models import (
    CalendarEvent,
    DeletedEvent,
    EventDraft,
    EventList,
    EventPatch,
    EventRef,
    TimeRange,
)
from automate.integrations.contacts.base import ContactsAdapter
from automate.integrations.contacts.local import best_match, merge_contact, rank_contacts
from automate.integrations.contacts.models import Contact, ContactList, ContactQuery
from automate.integrations.email.base import MailReader, MailSender, MessageIdConfig, NoParams
from automate.integrations.email.local import INBOX, SENT, folder_key
from automate.integrations.email.models import (
    FolderList,
    MailMessage,
    MessageList,
    MessageQuery,
    MessageRef,
    MessageSummary,
    OutgoingMessage,
    SentMessage,
)
from automate.integrations.email.rfc5322 import (
    body_text,
    compose_message,
    matches,
    newest_first,
    parse_message,
    read_message,
    sent_record,
    summarize,
)
from automate.integrations.errors import NotFound
from automate.integrations.ids import event_uid, message_id

__all__ = [
    "MemoryCalendarAdapter",
    "MemoryContactsAdapter",
    "MemoryMailAdapter",
    "MemoryMailConfig",
]


def _env(name: str, env: AdapterEnv | None) -> AdapterEnv:
    # Nothing is stored, so any data directory will do.
    return env or AdapterEnv(service=name, data_dir=Path("."))


def _now() -> datetime:
    return datetime.now(UTC)


class MemoryCalendarAdapter(CalendarAdapter[NoSettings]):
    """A calendar in a dict, with the local calendar's rules."""

    name = "memory_calendar"
    config_model = NoSettings

    def __init__(self, config: NoSettings | None = None, env: AdapterEnv | None = None) -> None:
        super().__init__(config or NoSettings(), _env("calendar", env))
        self.events: dict[str, CalendarEvent] = {}

    def _get(self, uid: str) -> CalendarEvent:
        if uid not in self.events:
            raise NotFound(f"no event with UID {uid!r}")
        return self.events[uid]

    async def insert_event(self, params: EventDraft, ctx: CallContext) -> CalendarEvent:
        """Create an event (or return the one already created under this key)."""
        uid = params.uid or event_uid(ctx.idempotency_key)
        if uid not in self.events:
            self.events[uid] = new_event(params, uid, _now())
        return self.events[uid]

    async def list_events(self, params: TimeRange, ctx: CallContext) -> EventList:
        """Events overlapping a time range, in start order."""
        hits = [e for e in self.events.values() if e.start < params.end and e.end > params.start]
        return EventList(events=sorted(hits, key=lambda e: (e.start, e.end, e.uid)))

    async def get_event(self, params: EventRef, ctx: CallContext) -> CalendarEvent:
        """One event by UID; `NotFound` if there is none."""
        return self._get(params.uid)

    async def update_event(self, params: EventPatch, ctx: CallContext) -> CalendarEvent:
        """Change the given fields of an event."""
        self.events[params.uid] = apply_patch(self._get(params.uid), params, _now())
        return self.events[params.uid]

    async def delete_event(self, params: EventRef, ctx: CallContext) -> DeletedEvent:
        """Remove an event; deleting one already gone is not an error."""
        return DeletedEvent(uid=params.uid, existed=self.events.pop(params.uid, None) is not None)


class MemoryMailConfig(MessageIdConfig):
    """The domain of the Message-IDs the in-memory mailbox makes."""


@dataclass
class _Stored:
    """One message in a folder, with its flags."""

    msg: EmailMessage
    received: datetime = field(default_factory=_now)
    flags: set[str] = field(default_factory=set)


class MemoryMailAdapter(MailSender[MemoryMailConfig], MailReader[MemoryMailConfig]):
    """A mailbox in dicts, with the local mailbox's rules: sent mail lands in ``sent``."""

    name = "memory_mail"
    config_model = MemoryMailConfig

    def __init__(self, config: MemoryMailConfig | None = None, env: AdapterEnv | None = None) -> None:
        super().__init__(config or MemoryMailConfig(), _env("mail", env))
        self.folders: dict[str, dict[str, _Stored]] = {INBOX: {}, SENT: {}}

    def _folder(self, name: str) -> tuple[str, dict[str, _Stored]]:
        for known, messages in self.folders.items():
            if known.lower() == name.lower():
                return known, messages
        raise NotFound(f"no mail folder {name!r}")

    def _summary(self, folder: str, key: str, stored: _Stored) -> MessageSummary:
        unread = "S" not in stored.flags
        return summarize(stored.msg, id=key, folder=folder, unread=unread, fallback_date=stored.received)

    def _find(self, ref: MessageRef) -> tuple[str, _Stored]:
        folder, messages = self._folder(ref.folder)
        if ref.id not in messages:
            raise NotFound(f"no message {ref.id!r} in folder {folder!r}")
        return folder, messages[ref.id]

    async def send_message(self, params: OutgoingMessage, ctx: CallContext) -> SentMessage:
        """File the message in ``sent`` under a Message-ID derived from the key."""
        mid = message_id(ctx.idempotency_key, self.config.domain)
        sent = self.folders[SENT]
        key = folder_key(mid)
        if key not in sent:
            # Attachments are read from files: keep that off the event loop.
            msg = await asyncio.to_thread(compose_message, params, mid, _now())
            if key not in sent:  # a concurrent retry may have filed it meanwhile
                sent[key] = _Stored(parse_message(msg.as_bytes()), flags={"S"})
        stored = sent[key]
        return sent_record(stored.msg, sent_at=stored.received, location=f"memory:{SENT}/{key}")

    async def search_messages(self, params: MessageQuery, ctx: CallContext) -> MessageList:
        """Messages in one folder matching every criterion, newest first."""
        folder, messages = self._folder(params.folder)
        summaries = ((self._summary(folder, key, stored), stored.msg) for key, stored in messages.items())
        found = [s for s, msg in summaries if matches(params, s, partial(body_text, msg))]
        return MessageList(messages=newest_first(found, params.limit))

    async def get_message(self, params: MessageRef, ctx: CallContext) -> MailMessage:
        """One whole message by id; `NotFound` if it is not there."""
        folder, stored = self._find(params)
        return read_message(self._summary(folder, params.id, stored), stored.msg)

    async def mark_read(self, params: MessageRef, ctx: CallContext) -> MessageSummary:
        """Set the seen flag."""
        folder, stored = self._find(params)
        stored.flags.add("S")
        return self._summary(folder, params.id, stored)

    async def list_folders(self, params: NoParams, ctx: CallContext) -> FolderList:
        """The folders, by name."""
        return FolderList(folders=sorted(self.folders))

    async def deliver(self, message: EmailMessage | bytes, folder: str = INBOX) -> str:
        """Put an incoming message in `folder` (created if missing), unread; return its id."""
        data = message if isinstance(message, bytes) else message.as_bytes()
        try:
            _, messages = self._folder(folder)
        except NotFound:
            messages = self.folders.setdefault(folder.lower(), {})
        key = uuid.uuid4().hex
        messages[key] = _Stored(parse_message(data))
        return key


class MemoryContactsAdapter(ContactsAdapter[NoSettings]):
    """An address book in a list, with the local address book's matching and upserts."""

    name = "memory_contacts"
    config_model = NoSettings

    def __init__(
        self,
        config: NoSettings | None = None,
        env: AdapterEnv | None = None,
        contacts: list[Contact] | None = None,
    ) -> None:
        super().__init__(config or NoSettings(), _env("contacts", env))
        self.contacts: list[Contact] = list(contacts or [])

    async def find_contacts(self, params: ContactQuery, ctx: CallContext) -> ContactList:
        """Contacts whose name, address or relation matches, best first."""
        return ContactList(contacts=rank_contacts(self.contacts, params.query, params.limit))

    async def add_contact(self, params: Contact, ctx: CallContext) -> Contact:
        """Add a contact, or update the one with the same address (else the same name)."""
        found = best_match(params, self.contacts)
        if found is None:
            self.contacts.append(params)
            return params
        self.contacts[found] = merge_contact(self.contacts[found], params)
        return self.contacts[found]
