"""Mail requests done as asked: who the message goes to, its subject and its body.

Sends run through the runtime on the embedded defaults and the test reads the Maildir
`mail/sent/` back; searches and reads are checked on the routed params.
"""

from __future__ import annotations

import mailbox
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from email.header import decode_header, make_header
from email.utils import getaddresses
from typing import Any

import pytest

from automate.agents.email import EmailAgent
from automate.integrations.config import AppConfig
from automate.integrations.contacts.models import Contact
from automate.runtime.plan import Plan
from automate.runtime.result import TaskStatus
from automate.runtime.router.base import RouteContext
from automate.runtime.router.rules import RuleRouter
from automate.runtime.runtime import Runtime
from tests.conftest import NOW, ZONE
from tests.runtime.router.test_rules_outcomes import READ

CONTEXT = RouteContext(now=NOW, timezone=ZONE)
PEOPLE = (
    Contact(name="Kim Nunes", email="kim@example.org"),
    Contact(name="Lee Ramos", email="lee@example.net"),
)


@dataclass(frozen=True)
class Sent:
    """One message read back from the sent folder."""

    to: list[str]
    cc: list[str]
    subject: str
    body: str


@pytest.fixture
async def runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    async with Runtime(local_config, now=fixed_now) as rt:
        for person in PEOPLE:
            await rt.agent(EmailAgent).add_contact(person, READ)
        yield rt


async def sent_one(runtime: Runtime, text: str) -> Sent:
    """Run a request, insist it was done, and read back the one message it sent."""
    result = await runtime.handle(text)
    assert result.status == TaskStatus.DONE, (text, result.status, result.message)
    folder = mailbox.Maildir(runtime.config.home / "mail" / "sent", create=False)
    messages = list(folder)
    assert len(messages) == 1, messages
    message = messages[0]
    payload = message.get_payload(decode=True)
    return Sent(
        to=sorted(a for _, a in getaddresses(message.get_all("To", []))),
        cc=sorted(a for _, a in getaddresses(message.get_all("Cc", []))),
        subject=str(make_header(decode_header(str(message["Subject"])))),
        body=payload.decode() if isinstance(payload, bytes) else "",
    )


def routed(text: str) -> tuple[str, dict[str, Any]]:
    """The one step a request routes to, as "agent.action" and its params."""
    plan = RuleRouter().route(text, CONTEXT)
    assert isinstance(plan, Plan), plan
    assert len(plan.steps) == 1, plan.steps
    step = plan.steps[0]
    return f"{step.agent}.{step.action}", step.params


class TestRecipients:
    @pytest.mark.parametrize(
        ("text", "to", "said"),
        [
            # an address in what the message says is not a recipient
            (
                "mail kim@example.org saying ask lee@example.net for the keys",
                "kim",
                "lee@example.net for the keys",
            ),
            # a request of "you" still names whom it addresses; "to say" opens the body
            ("could you email kim to say the door code is 4410", "kim", "the door code is 4410"),
            # letting someone know by email is a message to them, not a search
            ("let lee know by email that the boiler is fixed", "lee", "the boiler is fixed"),
        ],
    )
    async def test_the_person_addressed_receives_what_follows(
        self, runtime: Runtime, text: str, to: str, said: str
    ) -> None:
        """The one person the request addresses receives the message, whose body is the rest."""
        mail = await sent_one(runtime, text)
        assert mail.to == [next(p.email for p in PEOPLE if p.name.lower().startswith(to))]
        assert said in mail.body

    async def test_dropping_someone_a_line_writes_to_them(self, runtime: Runtime) -> None:
        """ "shoot lee a quick note saying …" is a message to lee, not a removal from a list."""
        mail = await sent_one(runtime, "shoot lee a quick note saying the van is back")
        assert mail.to == ["lee@example.net"]
        assert "the van is back" in mail.body

    async def test_people_named_in_the_message_are_not_recipients(self, runtime: Runtime) -> None:
        """ "say hello to the family from me": the family is in the text, not among the recipients."""
        mail = await sent_one(runtime, "email lee saying say hello to the family from me")
        assert (mail.to, mail.cc) == (["lee@example.net"], [])

    async def test_cc_copies_the_people_after_it(self, runtime: Runtime) -> None:
        """ "email kim and cc lee": kim receives it, lee is copied, "cc" is nobody."""
        mail = await sent_one(runtime, "email kim and cc lee saying the plan changed")
        assert (mail.to, mail.cc) == (["kim@example.org"], ["lee@example.net"])
        assert "the plan changed" in mail.body

    async def test_a_name_before_a_bracketed_address_names_that_address(self, runtime: Runtime) -> None:
        """ "Zoë Müller <zoe@…>" is one recipient, the address, not a contact to look up."""
        mail = await sent_one(runtime, "email Zoë Müller <zoe@example.com> saying the parcel came")
        assert mail.to == ["zoe@example.com"]


class TestSubjectAndBody:
    async def test_a_quoted_subject_is_kept_as_written(self, runtime: Runtime) -> None:
        """The words in quotes are the subject, question mark and all, and the body follows."""
        mail = await sent_one(
            runtime, 'mail kim with the subject "Still on for Friday?" saying bring the maps'
        )
        assert mail.subject == "Still on for Friday?"
        assert "bring the maps" in mail.body

    async def test_a_quoted_body_after_a_quoted_subject(self, runtime: Runtime) -> None:
        """A quoted subject ends at its quote, so the quoted body after it is not swallowed."""
        mail = await sent_one(runtime, 'email lee with the subject "rota" and the body "you are on sunday"')
        assert (mail.subject, mail.body.strip()) == ("rota", "you are on sunday")

    async def test_a_subject_then_say(self, runtime: Runtime) -> None:
        """ "with subject X and say Y": X is the subject and Y the body."""
        mail = await sent_one(runtime, "send an email to kim with subject parking and say use the back gate")
        assert mail.subject == "parking"
        assert "use the back gate" in mail.body

    async def test_a_colon_opens_the_body(self, runtime: Runtime) -> None:
        """ "email kim and lee: …": everyone before the colon receives what follows it."""
        mail = await sent_one(runtime, "email kim and lee: the bus leaves at noon!")
        assert mail.to == ["kim@example.org", "lee@example.net"]
        assert mail.body.strip() == "the bus leaves at noon!"

    async def test_asking_if_is_the_body(self, runtime: Runtime) -> None:
        """ "asking if …" says what the message asks; nothing is left to ask the person."""
        mail = await sent_one(runtime, "write an email to lee asking if the van is free on monday")
        assert "the van is free on monday" in mail.body

    async def test_the_topic_of_the_body_does_not_decline_the_request(self, runtime: Runtime) -> None:
        """A message about a taxi is still mail: what it says picks no other topic."""
        mail = await sent_one(runtime, "email kim that the taxi comes at 6")
        assert "the taxi comes at 6" in mail.body

    async def test_an_over_long_derived_subject_becomes_a_short_one(self, runtime: Runtime) -> None:
        """A subject taken from a long "about …" fits one header line; its words go in the body."""
        topic = " ".join(["the quarterly numbers of the northern region"] * 30)
        mail = await sent_one(runtime, f"email kim about {topic}")
        assert len(mail.subject) <= 78
        assert topic in " ".join(mail.body.split())


class TestFinding:
    @pytest.mark.parametrize(
        ("text", "action", "search"),
        [
            ("open the message from the water company", "read_email", {"sender": "water company"}),
            ("show me the rent email", "read_email", {"text": "rent"}),
            ("read the newest email from kim", "read_email", {"sender": "kim"}),
            ("find the email about the rent", "search_email", {"text": "rent"}),
            ("what did kim say about the ferry", "read_email", {"sender": "kim", "text": "ferry"}),
            ("look for mail with boiler service in the subject", "search_email", {"text": "boiler service"}),
            (
                "has anything come from rent@landlord.example",
                "search_email",
                {"sender": "rent@landlord.example"},
            ),
        ],
    )
    def test_what_a_search_looks_for(self, text: str, action: str, search: dict[str, str]) -> None:
        """A sender said by words or address and the words a message holds, not "the" or "newest"."""
        name, params = routed(text)
        assert name == f"email.{action}"
        assert (params.get("search", params) if action == "read_email" else params) == search


class TestContacts:
    @pytest.mark.parametrize(
        ("text", "action", "params"),
        [
            ("who is lee@example.net", "find_contact", {"query": "lee@example.net"}),
            ("do i have kim in my address book", "find_contact", {"query": "kim"}),
            ("what's lee's email", "find_contact", {"query": "lee"}),
            ("what is my sister's email", "find_contact", {"query": "sister"}),
            (
                "save ola@example.com as Ola Berg in my address book",
                "add_contact",
                {"email": "ola@example.com", "name": "Ola Berg"},
            ),
        ],
    )
    def test_the_address_book_is_asked_or_written(
        self, text: str, action: str, params: dict[str, str]
    ) -> None:
        """An address asked about, someone's address asked for, a name looked up in the address
        book, a name given "as" to an address."""
        assert routed(text) == (f"email.{action}", params)
