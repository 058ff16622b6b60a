"""Mail services: sending and reading, and the adapters that do them."""

from automate.integrations.email.base import MailReader, MailSender, NoParams
from automate.integrations.email.models import (
    Address,
    Attachment,
    FolderList,
    MailMessage,
    MessageList,
    MessageQuery,
    MessageRef,
    MessageSummary,
    OutgoingMessage,
    SentMessage,
)

__all__ = [
    "Address",
    "Attachment",
    "FolderList",
    "MailMessage",
    "MailReader",
    "MailSender",
    "MessageList",
    "MessageQuery",
    "MessageRef",
    "MessageSummary",
    "NoParams",
    "OutgoingMessage",
    "SentMessage",
]
