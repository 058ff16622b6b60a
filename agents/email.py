"""EmailAgent: sends, searches and reads mail, and keeps the address book."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from automate.agents.base import ActionContext, Agent, action
from automate.agents.email_models import (
    FindContactParams,
    ReadEmailParams,
    SearchEmailParams,
    SendEmailParams,
)
from automate.agents.people import Person, resolve_people
from automate.agents.wording import moment
from automate.integrations.contacts.models import Contact, ContactList, ContactQuery
from automate.integrations.email.attachments import read_attachments
from automate.integrations.email.models import (
    Address,
    MailMessage,
    MessageList,
    MessageQuery,
    MessageRef,
    MessageSummary,
    OutgoingMessage,
    SentMessage,
)
from automate.integrations.errors import ActionError, NeedsClarification

__all__ = ["EmailAgent"]

SUBJECT_WORDS = 8
SUBJECT_CHARS = 78


class EmailAgent(Agent):
    """Owns mail: the outbox, the mailbox and the address book."""

    name = "email"
    description = (
        "Handles your email: sends messages to people or addresses, searches and reads "
        "your mailbox, and looks up or adds contacts in your address book."
    )
    requires = ("outbox", "mailbox", "contacts")

    @action(
        "Send an email to people (names from your contacts) or addresses.", side_effect=True, open_world=True
    )
    async def send_email(self, params: SendEmailParams, ctx: ActionContext) -> SentMessage:
        """Send one message; recipients without a known address get a question.

        Files are read here, not by the adapter: those the person named on the
        command line wherever they are, any other only inside ``mail.attachment_dirs``.
        """
        to = await self._addresses(params.to)
        cc = await self._addresses(params.cc)
        allowed = self.settings.mail.attachment_dirs
        attachments = await asyncio.to_thread(
            read_attachments, params.attachments, allowed=allowed, named=ctx.named_files
        )
        user = self.settings.user
        message = OutgoingMessage(
            sender=Address(email=user.email, name=user.name),
            to=to,
            cc=cc,
            subject=params.subject or _subject_from(params.body),
            body=params.body,
            attachments=attachments,
        )
        return await self.manager.call(
            "outbox", "send_message", message, idempotency_key=ctx.idempotency_key, expect=SentMessage
        )

    @action("Search your mailbox by sender, subject, words, dates or unread.", side_effect=False)
    async def search_email(self, params: SearchEmailParams, ctx: ActionContext) -> MessageList:
        """Messages matching every criterion given, newest first."""
        sender = params.sender
        if sender and "@" not in sender:
            person = (await resolve_people(self.manager, [sender]))[0]
            sender = person.email or sender
        query = MessageQuery(
            folder=params.folder,
            sender=sender,
            subject=params.subject,
            text=params.text,
            since=params.since,
            before=params.before,
            unread_only=params.unread_only,
            limit=params.limit,
        )
        return await self.manager.call("mailbox", "search_messages", query, expect=MessageList)

    @action(
        "Read one message: by id, or the newest one matching a search.",
        side_effect=False,
        read_only=False,  # marks the message read
        idempotent=True,
    )
    async def read_email(self, params: ReadEmailParams, ctx: ActionContext) -> MailMessage:
        """Fetch a whole message and mark it read."""
        ref = MessageRef(id=params.id, folder=params.folder) if params.id else None
        if ref is None:
            found = await self.search_email(params.search or SearchEmailParams(limit=1), ctx)
            if not found.messages:
                raise ActionError("No message matches that search.")
            ref = MessageRef(id=found.messages[0].id, folder=found.messages[0].folder)
        message = await self.manager.call("mailbox", "get_message", ref, expect=MailMessage)
        if params.mark_read and message.unread:
            await self.manager.call("mailbox", "mark_read", ref, expect=MessageSummary)
        return message

    @action("Look up a contact by name, address or relation.", side_effect=False)
    async def find_contact(self, params: FindContactParams, ctx: ActionContext) -> ContactList:
        """Contacts matching the query, best first."""
        query = ContactQuery(query=params.query.lower().removeprefix("my ").strip() or params.query)
        return await self.manager.call("contacts", "find_contacts", query, expect=ContactList)

    @action(
        "Add a contact to your address book (or update the one with that address).",
        side_effect=True,
        destructive=True,
        idempotent=True,
    )
    async def add_contact(self, params: Contact, ctx: ActionContext) -> Contact:
        """Store a contact."""
        return await self.manager.call(
            "contacts", "add_contact", params, idempotency_key=ctx.idempotency_key, expect=Contact
        )

    def say(self, action_name: str, output: BaseModel) -> str:
        """One sentence for a person about an action's outcome."""
        if isinstance(output, SentMessage):
            return f"Sent '{output.subject}' to {', '.join(output.recipients)}"
        if isinstance(output, MessageList):
            if not output.messages:
                return "No messages found."
            lines = "; ".join(f"{m.sender}: {m.subject}" for m in output.messages[:5])
            more = f" (and {len(output.messages) - 5} more)" if len(output.messages) > 5 else ""
            return f"{len(output.messages)} message(s): {lines}{more}"
        if isinstance(output, MailMessage):
            when = f" ({moment(output.date, self.tz)})" if output.date else ""
            return f"From {output.sender}{when}: {output.subject}\n\n{output.body}"
        if isinstance(output, ContactList):
            if not output.contacts:
                return "No contact found."
            return "; ".join(_contact_line(c) for c in output.contacts)
        if isinstance(output, Contact):
            return f"Saved contact {_contact_line(output)}"
        return "Done."

    async def _addresses(self, people: list[str]) -> list[Address]:
        resolved = await resolve_people(self.manager, people)
        unknown = [p for p in resolved if p.email is None]
        if unknown:
            raise NeedsClarification(_ask_address(unknown), slot="to")
        return [Address(email=p.email or "", name=p.name) for p in resolved]


def _subject_from(body: str) -> str:
    words = body.split()
    if not words:
        return "(no subject)"
    subject = " ".join(words[:SUBJECT_WORDS])
    if len(words) > SUBJECT_WORDS or len(subject) > SUBJECT_CHARS:
        subject = subject[: SUBJECT_CHARS - 1] + "…"  # a subject is one short line
    return subject[:1].upper() + subject[1:]


def _ask_address(unknown: list[Person]) -> str:
    names = " and ".join(p.said for p in unknown)
    return f"What is the email address of {names}?"


def _contact_line(contact: Contact) -> str:
    parts = [contact.name]
    if contact.email:
        parts.append(f"<{contact.email}>")
    if contact.relation:
        parts.append(f"({contact.relation})")
    return " ".join(parts)
