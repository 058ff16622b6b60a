"""The params and outputs of the email agent's actions."""

from __future__ import annotations

from pathlib import Path

from pydantic import AwareDatetime, Field

from automate.integrations.email.models import MAX_BODY, BodyText, HeaderText
from automate.integrations.model import Model

__all__ = ["FindContactParams", "ReadEmailParams", "SearchEmailParams", "SendEmailParams"]


class SendEmailParams(Model):
    """A message to send. Recipients are addresses, contact names or relations."""

    to: list[HeaderText] = Field(
        min_length=1, max_length=100, description="Recipients: addresses, names or relations."
    )
    cc: list[HeaderText] = Field(
        default_factory=list, max_length=100, description="Copied recipients, as `to`."
    )
    subject: HeaderText | None = Field(
        None, max_length=998, description="Defaults to the body's first words."
    )
    body: BodyText = Field("", max_length=MAX_BODY, description="The message text.")
    attachments: list[Path] = Field(
        default_factory=list,
        max_length=20,
        description="Files to attach: from a tool or the API, only inside mail.attachment_dirs.",
    )


class SearchEmailParams(Model):
    """Which messages to find; every criterion given must hold."""

    sender: str | None = Field(None, max_length=320, description="An address or a contact's name.")
    subject: str | None = Field(None, max_length=500, description="Words the subject contains.")
    text: str | None = Field(None, max_length=500, description="Words the subject or body contains.")
    since: AwareDatetime | None = Field(None, description="Only messages received at or after this time.")
    before: AwareDatetime | None = Field(None, description="Only messages received before this time.")
    unread_only: bool = Field(False, description="Only messages not read yet.")
    folder: str = Field("INBOX", description="The mailbox folder to search.")
    limit: int = Field(20, ge=1, le=500, description="How many messages to return at most.")


class ReadEmailParams(Model):
    """Which message to read: its id, or the newest one matching a search."""

    id: str | None = Field(None, description="The message's id, as a search returned it.")
    folder: str = Field("INBOX", description="The mailbox folder the message is in.")
    search: SearchEmailParams | None = Field(
        None, description="Read the newest message matching this search."
    )
    mark_read: bool = Field(True, description="Mark the message read once fetched.")


class FindContactParams(Model):
    """A name, address or relation to look up."""

    query: str = Field(min_length=1, max_length=200, description="A name, address or relation ('my sister').")
