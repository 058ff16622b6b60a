"""What mail adapters take and return, whatever the service behind them.

Header values are validated here, before any adapter sees them: a control
character in a subject or a name, raw or inside an RFC 2047 encoded word
(header injection), or an address that does not parse, is rejected by the
model itself. Attachments are their bytes, never paths: an adapter reads no
local file on a caller's word (`integrations.email.attachments` reads files
under the person's rules).
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address as _HeaderAddress
from email.utils import parseaddr
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, field_validator, model_validator

from automate.integrations.email.compose import control_character, decoded
from automate.integrations.model import Model

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "Address",
    "Attachment",
    "BodyText",
    "FolderList",
    "HeaderText",
    "MailMessage",
    "MessageList",
    "MessageQuery",
    "MessageRef",
    "MessageSummary",
    "OutgoingMessage",
    "SentMessage",
    "check_body",
    "check_header",
]

MAX_BODY = 1_000_000
# The common limit of mail providers; larger mail would bounce anyway.
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024


def check_header(value: str, what: str) -> str:
    """Reject a control character (a line break would inject headers), raw or once decoded."""
    found = control_character(value) or control_character(decoded(value))
    if found is not None:
        raise ValueError(f"{what} must not contain line breaks or control characters (found {found!r})")
    return value


def check_body(value: str) -> str:
    """Reject control characters in a text body other than tab and line ends."""
    found = control_character(value.replace("\r", "").replace("\n", ""))
    if found is not None:
        raise ValueError(f"the body must not contain control characters (found {found!r})")
    return value


def _one_line(value: str) -> str:
    return check_header(value, "the text")


HeaderText = Annotated[str, AfterValidator(_one_line)]
"""Text that ends up in a header line: no line break or control character, raw or encoded."""

BodyText = Annotated[str, AfterValidator(check_body)]
"""A text body: no control characters but tabs and line ends."""


class Address(Model):
    """A mailbox: an address and an optional display name."""

    email: str = Field(min_length=3, max_length=320)
    name: str | None = Field(None, max_length=200)

    @field_validator("email")
    @classmethod
    def _parses(cls, value: str) -> str:
        check_header(value, "address")
        _, parsed = parseaddr(value)
        if parsed != value.strip() or "@" not in parsed:
            raise ValueError(f"not an email address: {value!r}")
        local, _, domain = parsed.rpartition("@")
        try:
            _HeaderAddress(username=local, domain=domain)
        except (ValueError, IndexError) as exc:
            raise ValueError(f"not an email address: {value!r}") from exc
        if not local or not domain or " " in parsed:
            raise ValueError(f"not an email address: {value!r}")
        return parsed

    @field_validator("name")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return None if value is None else check_header(value, "name")

    def formatted(self) -> str:
        """The address as a header shows it."""
        return _formatted(self.name or "", self.email)


@lru_cache(maxsize=1024)
def _formatted(name: str, email: str) -> str:
    # Formatting parses the address again; a burst of mail repeats the same few.
    return str(_HeaderAddress(display_name=name, addr_spec=email))


class Attachment(Model):
    """A file sent with a message: its name, MIME type and contents."""

    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(
        "application/octet-stream", pattern=r"^[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*$", max_length=255
    )
    data: bytes = Field(max_length=MAX_ATTACHMENT_BYTES)

    @field_validator("filename")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if "/" in value or "\\" in value:
            raise ValueError("an attachment's name must not contain a path")
        return check_header(value, "an attachment's name")


class OutgoingMessage(Model):
    """A message to send."""

    sender: Address | None = None
    to: list[Address] = Field(min_length=1, max_length=100)
    cc: list[Address] = Field(default_factory=list, max_length=100)
    bcc: list[Address] = Field(default_factory=list, max_length=100)
    subject: HeaderText = Field("", max_length=998)
    body: BodyText = Field("", max_length=MAX_BODY)
    in_reply_to: HeaderText | None = None
    attachments: list[Attachment] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _within_budget(self) -> OutgoingMessage:
        total = sum(len(a.data) for a in self.attachments)
        if total > MAX_ATTACHMENT_BYTES:
            raise ValueError(f"attachments total {total} bytes, more than {MAX_ATTACHMENT_BYTES}")
        return self


class SentMessage(Model):
    """A message the service accepted."""

    message_id: str
    recipients: list[str]
    subject: str
    sent_at: datetime
    location: str | None = None


class MessageQuery(Model):
    """Which messages to find; every given criterion must hold."""

    folder: str = "INBOX"
    sender: str | None = None
    subject: str | None = None
    text: str | None = None
    since: AwareDatetime | None = None
    before: AwareDatetime | None = None
    unread_only: bool = False
    limit: int = Field(20, ge=1, le=500)


class MessageRef(Model):
    """Names one message in a folder."""

    id: str = Field(min_length=1, max_length=500)
    folder: str = "INBOX"


class MessageSummary(MessageRef):
    """What a listing shows of a message."""

    message_id: str | None = None
    sender: str = ""
    to: list[str] = Field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    unread: bool = False


class MailMessage(MessageSummary):
    """A whole message: headers, text body and attachment names."""

    cc: list[str] = Field(default_factory=list)
    body: str = ""
    attachments: list[str] = Field(default_factory=list)


class MessageList(Model):
    """Messages, newest first."""

    messages: list[MessageSummary] = Field(default_factory=list)


class FolderList(Model):
    """Folder names."""

    folders: list[str] = Field(default_factory=list)
