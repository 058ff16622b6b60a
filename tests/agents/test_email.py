"""EmailAgent on the embedded Maildir and address book."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from automate.agents.base import ActionContext
from automate.agents.email import EmailAgent
from automate.agents.email_models import (
    FindContactParams,
    ReadEmailParams,
    SearchEmailParams,
    SendEmailParams,
)
from automate.integrations.config import AppConfig
from automate.integrations.contacts.models import Contact
from automate.integrations.errors import NeedsClarification
from automate.runtime.runtime import Runtime
from tests.conftest import NOW


@pytest.fixture
async def email(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[EmailAgent]:
    async with Runtime(local_config, now=fixed_now) as rt:
        yield rt.agent(EmailAgent)


def ctx(step: str = "s1", run: str = "run-1") -> ActionContext:
    return ActionContext(run_id=run, step_id=step, now=NOW)


def sent_files(home: Path) -> list[Path]:
    return [p for sub in ("new", "cur") for p in (home / "mail" / "sent" / sub).glob("*")]


class TestSendEmail:
    async def test_writes_one_well_formed_message(self, email: EmailAgent, home: Path) -> None:
        """Sending writes exactly one RFC 5322 message to the sent folder."""
        sent = await email.send_email(
            SendEmailParams(to=["ana@example.com"], body="the report is ready"), ctx()
        )
        files = sent_files(home)
        assert len(files) == 1
        message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
        assert message["To"] == "ana@example.com"
        assert message["From"] == "Me <me@localhost>"
        assert message["Subject"] == "The report is ready" == sent.subject
        assert message["Message-ID"] == sent.message_id
        assert message.get_content().strip() == "the report is ready"

    async def test_retry_sends_once(self, email: EmailAgent, home: Path) -> None:
        """The same step sent twice leaves one message with one Message-ID."""
        first = await email.send_email(SendEmailParams(to=["ana@example.com"], body="hi"), ctx())
        again = await email.send_email(SendEmailParams(to=["ana@example.com"], body="hi"), ctx())
        assert first.message_id == again.message_id
        assert len(sent_files(home)) == 1

    async def test_names_resolve_through_contacts(self, email: EmailAgent) -> None:
        """A contact's name or relation is enough to address a message."""
        await email.add_contact(Contact(name="Rita", email="rita@example.com", relation="sister"), ctx("c"))
        sent = await email.send_email(SendEmailParams(to=["my sister"], body="hello"), ctx())
        assert sent.recipients == ["rita@example.com"]

    async def test_unknown_name_asks_for_the_address(self, email: EmailAgent, home: Path) -> None:
        """A name with no known address gets a question and sends nothing."""
        with pytest.raises(NeedsClarification, match="email address of Bob"):
            await email.send_email(SendEmailParams(to=["Bob"], body="hello"), ctx())
        assert sent_files(home) == []


class TestReading:
    async def test_search_and_read_the_sent_folder(self, email: EmailAgent) -> None:
        """Sent mail can be found by subject and read back."""
        await email.send_email(
            SendEmailParams(to=["ana@example.com"], subject="Agenda", body="1. budget"), ctx()
        )
        found = await email.search_email(SearchEmailParams(folder="sent", subject="agenda"), ctx())
        assert [m.subject for m in found.messages] == ["Agenda"]
        message = await email.read_email(ReadEmailParams(search=SearchEmailParams(folder="sent")), ctx())
        assert "1. budget" in message.body

    async def test_find_contact_by_relation(self, email: EmailAgent) -> None:
        """Contacts are found by relation as well as by name."""
        await email.add_contact(Contact(name="Rita", email="rita@example.com", relation="sister"), ctx())
        found = await email.find_contact(FindContactParams(query="my sister"), ctx())
        assert [c.name for c in found.contacts] == ["Rita"]
