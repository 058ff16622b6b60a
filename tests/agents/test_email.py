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
from automate.integrations.config import AppConfig, MailSettings
from automate.integrations.contacts.models import Contact
from automate.integrations.errors import NeedsClarification
from automate.runtime.result import TaskStatus
from automate.runtime.runtime import Runtime
from automate.runtime.tools.calls import AgentCalls, RuntimeCalls, ToolOutcome
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


def with_attachment_dirs(config: AppConfig, *folders: Path) -> AppConfig:
    """`config` with `folders` allowed for attachments from tools and the API."""
    settings = config.settings.model_copy(update={"mail": MailSettings(attachment_dirs=folders)})
    return config.model_copy(update={"settings": settings})


class TestSendEmailAttachments:
    """Which files a message may carry depends on who asked."""

    async def send_as_tool(
        self, config: AppConfig, now: Callable[[], datetime], **arguments: object
    ) -> ToolOutcome:
        """Call email__send_email as the MCP server does (`RuntimeCalls.call`, the tools' one call path)."""
        async with Runtime(config, now=now) as rt:
            message = {"to": ["ana@example.com"], "body": "see attached", **arguments}
            return await RuntimeCalls(rt).call("email__send_email", message)

    async def test_a_tool_cannot_mail_out_etc_passwd(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime], home: Path
    ) -> None:
        """/etc/passwd as an MCP tool's attachment is an error in one sentence, and nothing is sent."""
        outcome = await self.send_as_tool(local_config, fixed_now, attachments=["/etc/passwd"])
        assert outcome.is_error and outcome.data["status"] == TaskStatus.FAILED.value
        assert "/etc/passwd" in outcome.message and "mail.attachment_dirs" in outcome.message
        assert "\n" not in outcome.message
        assert sent_files(home) == []

    async def test_an_agent_tool_cannot_either(self, email: EmailAgent, home: Path) -> None:
        """Called straight on the agent (LangChain's agent tools), /etc/passwd is refused the same way."""
        outcome = await AgentCalls(email, now=lambda: NOW).call(
            "email__send_email", {"to": ["ana@example.com"], "attachments": ["/etc/passwd"]}
        )
        assert outcome.is_error and "mail.attachment_dirs" in outcome.message
        assert sent_files(home) == []

    async def test_a_tool_attaches_from_an_allowed_folder(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime], home: Path, tmp_path: Path
    ) -> None:
        """A file inside mail.attachment_dirs travels with the message; one outside it does not."""
        shared = tmp_path / "shared"
        shared.mkdir()
        (shared / "agenda.pdf").write_bytes(b"%PDF-1.4 agenda")
        config = with_attachment_dirs(local_config, shared)
        outside = await self.send_as_tool(config, fixed_now, attachments=["/etc/passwd"])
        assert outside.is_error and "not inside" in outside.message
        inside = await self.send_as_tool(config, fixed_now, attachments=[str(shared / "agenda.pdf")])
        assert not inside.is_error, inside.message
        (stored,) = sent_files(home)
        message = message_from_bytes(stored.read_bytes(), policy=policy.default)
        assert [(p.get_filename(), p.get_content()) for p in message.iter_attachments()] == [
            ("agenda.pdf", b"%PDF-1.4 agenda")
        ]

    async def test_files_named_by_the_person_go_anywhere(
        self, email: EmailAgent, home: Path, tmp_path: Path
    ) -> None:
        """A file the person named on the command line is attached though no folder is allowed."""
        notes = tmp_path / "notes.txt"
        notes.write_text("hello")
        named = ActionContext(run_id="run-1", step_id="s1", now=NOW, named_files=frozenset({notes}))
        await email.send_email(SendEmailParams(to=["ana@example.com"], body="x", attachments=[notes]), named)
        (stored,) = sent_files(home)
        (part,) = message_from_bytes(stored.read_bytes(), policy=policy.default).iter_attachments()
        assert part.get_filename() == "notes.txt"


class TestSendEmailInput:
    """Bad text in a request is a one-line failure, never an internal error."""

    @pytest.mark.parametrize(
        "text",
        [
            "email ana@example.com saying hello \x07 there",
            "email ana@example.com about =?utf-8?q?Invoice=0D=0ABcc:_evil=40x.com?= saying hi",
        ],
        ids=["bell-in-body", "encoded-crlf-in-subject"],
    )
    async def test_control_characters_fail_in_one_line(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime], home: Path, text: str
    ) -> None:
        """A control character in the body or (encoded) in the subject fails the request, naming the field."""
        async with Runtime(local_config, now=fixed_now) as rt:
            result = await rt.handle(text)
        assert result.status is TaskStatus.FAILED
        assert result.message.startswith("email.send_email: ") and "control characters" in result.message
        assert "\n" not in result.message and "internal error" not in result.message
        assert sent_files(home) == []

    async def test_a_long_first_word_makes_a_short_subject(self, email: EmailAgent) -> None:
        """A subject taken from a body of one long word is cut to one short line, not refused."""
        sent = await email.send_email(SendEmailParams(to=["ana@example.com"], body="y" * 1200), ctx())
        assert len(sent.subject) == 78 and sent.subject.endswith("…")


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
