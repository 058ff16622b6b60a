"""The operations mail adapters offer: sending, and reading a mailbox."""

from __future__ import annotations

import re
from abc import abstractmethod

from pydantic import Field, field_validator

from automate.integrations.adapter import Adapter, CallContext, ConfigT, operation
from automate.integrations.config import StrictModel
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
from automate.integrations.model import Model

__all__ = ["MailReader", "MailSender", "MessageIdConfig", "NoParams"]


class MessageIdConfig(StrictModel):
    """The domain of the Message-IDs a mail adapter makes."""

    domain: str = Field("automate.local", min_length=1, max_length=253)

    @field_validator("domain")
    @classmethod
    def _hostname(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9.-]+", value):
            raise ValueError(f"not a domain name: {value!r}")
        return value


class NoParams(Model):
    """For operations that take nothing."""


class MailSender(Adapter[ConfigT]):
    """Sends mail. The Message-ID comes from the idempotency key, so a retry is recognisable."""

    @operation(idempotent=False)
    @abstractmethod
    async def send_message(self, params: OutgoingMessage, ctx: CallContext) -> SentMessage:
        """Send one message."""


class MailReader(Adapter[ConfigT]):
    """Reads a mailbox: search, fetch, mark read, list folders."""

    @operation(idempotent=True)
    @abstractmethod
    async def search_messages(self, params: MessageQuery, ctx: CallContext) -> MessageList:
        """Messages matching every given criterion, newest first."""

    @operation(idempotent=True)
    @abstractmethod
    async def get_message(self, params: MessageRef, ctx: CallContext) -> MailMessage:
        """One whole message; `NotFound` if it is not there."""

    @operation(idempotent=True)
    @abstractmethod
    async def mark_read(self, params: MessageRef, ctx: CallContext) -> MessageSummary:
        """Flag a message as seen."""

    @operation(idempotent=True)
    @abstractmethod
    async def list_folders(self, params: NoParams, ctx: CallContext) -> FolderList:
        """The mailbox's folders."""
