"""Composing: the same bytes as the standard library writes, and no check skipped."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.policy import EmailPolicy
from typing import Any

import pytest

from automate.integrations.email.compose import COMPOSE_POLICY, header_line
from automate.integrations.email.models import Address, Attachment, OutgoingMessage
from automate.integrations.email.rfc5322 import compose_bytes, compose_message
from automate.integrations.errors import InvalidRequest

HEADERS = {
    "From": "Zé Ninguém Com Um Nome Bastante Comprido <ze@example.org>",
    "To": ", ".join(f"Pessoa Número {i} <p{i}@example.org>" for i in range(12)),
    "Subject": "Olá — reunião sobre orçamento e planeamento do trimestre " * 3,
    "Message-ID": "<0f1e2d3c@automate.test>",
}


def build(chosen: policy.Policy) -> EmailMessage:
    """A message with long, non-ASCII headers, a body and an attachment."""
    msg = EmailMessage(policy=chosen)
    for name, value in HEADERS.items():
        msg[name] = value
    msg.set_content("Até já\n" * 3)
    msg.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="relatório.pdf")
    return msg


# A subject that decodes to a line break and two headers of the attacker's, then a forged body.
EVIL_SUBJECT = "=?utf-8?q?Invoice=0D=0AReply-To:_a=40evil.test=0D=0ABcc:_b=40evil.test=0D=0A=0D=0AForged?="


class UnfixedRefolding(EmailPolicy):
    """Folds as CPython did before the fix for CVE-2024-6923: encoded words decoded and written raw.

    The value reaches folding as given (no header object has decoded it and
    could be checked); folding then decodes its RFC 2047 words and writes the
    text as it comes, line breaks included.
    """

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        """Keep the value as it was set."""
        return name, value

    def fold_binary(self, name: str, value: Any) -> bytes:
        """``name: decoded text`` and the line end, nothing escaped."""
        text = str(make_header(decode_header(str(value))))
        return f"{name}: {text}{self.linesep}".encode()


UNFIXED = UnfixedRefolding(linesep="\r\n")


class TestHeaderLine:
    """`header_line` writes one header line, whatever the email package would fold."""

    def test_the_reproduction_injects(self) -> None:
        """The unfixed refolding, left alone, turns the encoded subject into the attacker's headers."""
        folded = UNFIXED.fold_binary("Subject", EVIL_SUBJECT)
        assert folded.startswith(b"Subject: Invoice\r\nReply-To: a@evil.test\r\nBcc: b@evil.test\r\n\r\n")

    def test_refused_under_the_unfixed_refolding(self) -> None:
        """Through a policy that refolds as unfixed CPython does, the encoded injection is an error."""
        with pytest.raises(ValueError, match="break into other header lines"):
            header_line(UNFIXED, "Subject", EVIL_SUBJECT)

    def test_refused_under_the_running_python(self) -> None:
        """With the policy SMTP uses, the decoded control characters are refused before folding."""
        with pytest.raises(ValueError, match="control character"):
            header_line(COMPOSE_POLICY, "Subject", EVIL_SUBJECT)

    def test_harmless_encoded_words_pass(self) -> None:
        """An encoded word without control characters is written, under either folding."""
        assert header_line(UNFIXED, "Subject", "=?utf-8?q?Ol=C3=A1?=") == "Subject: Olá\r\n".encode()
        assert (
            header_line(COMPOSE_POLICY, "Subject", "=?utf-8?q?Ol=C3=A1?=")
            == b"Subject: =?utf-8?q?Ol=C3=A1?=\r\n"
        )

    def test_folded_lines_pass(self) -> None:
        """A long header folded onto continuation lines is still one header."""
        line = header_line(COMPOSE_POLICY, "Subject", "word " * 30)
        assert line.count(b"\r\n") > 1 and all(row[:1] == b" " for row in line.split(b"\r\n")[1:-1])


class TestComposePolicy:
    """`COMPOSE_POLICY` remembers headers without changing what is written."""

    def test_writes_what_the_smtp_policy_writes(self) -> None:
        """Every message, written again and again, matches policy.SMTP byte for byte."""
        for _ in range(3):  # later rounds are served from the remembered headers
            msg = build(COMPOSE_POLICY)
            written = msg.as_bytes(policy=COMPOSE_POLICY)
            assert written == msg.as_bytes(policy=policy.SMTP)
            assert b"\r\n" in written and b"=?utf-8?" in written

    def test_line_breaks_are_still_refused(self) -> None:
        """A header value with CR/LF is refused, even when the same name was remembered."""
        EmailMessage(policy=COMPOSE_POLICY)["Subject"] = "fine"
        with pytest.raises(ValueError, match="linefeed or carriage return"):
            EmailMessage(policy=COMPOSE_POLICY)["Subject"] = "hi\r\nBcc: victim@example.org"


NOW = datetime(2026, 11, 21, 16, 5, 9, 123456, tzinfo=UTC)
MID = "<0f1e2d3c@automate.test>"
UTF8_POLICY = COMPOSE_POLICY.clone(utf8=True)
ME = Address(email="me@automate.test", name="Me")


def outgoing(**fields: Any) -> OutgoingMessage:
    """A message from Me to Ana, with `fields` changed."""
    base: dict[str, Any] = {"sender": ME, "to": [Address(email="ana@example.org")], "body": "Hi\n"}
    return OutgoingMessage(**{**base, **fields})


def through_the_object_model(params: OutgoingMessage, chosen: policy.Policy) -> bytes:
    """What the standard library writes for `params`, Bcc removed: the reference."""
    msg = compose_message(params, MID, NOW)
    del msg["Bcc"]
    return msg.as_bytes(policy=chosen)


ASCII_PIECES = ["a", "Bench", " ", "(x)", '"q"', ",", ";", "<", "@", "\\", "=", "?"]
ODD_PIECES = ["  ", "\t", "=?", "?=", "é", "—", "日本"]


def random_text(rng: random.Random, length: int, pieces: list[str]) -> str:
    """Text of `length` pieces drawn from `pieces`."""
    return "".join(rng.choice(pieces) for _ in range(length))


SUBJECTS = [
    "",
    "Agenda",
    " leading",
    "trailing ",
    "two  spaces",
    "tab\there",
    "=?utf-8?q?Ol=C3=A1?=",
    "Olá, reunião",
    "x" * 60,
    *("y" * n for n in range(66, 72)),  # either side of the 78-column limit
    "word " * 30,
]
NAMES = [None, "Ana Silva", "Silva, Ana", 'A "B" C', "Ana (work)", "O'Neil", "Zé Ninguém", "x" * 70]
BODIES = ["", "\n", "Hi", "1. numbers\n2. plans\n" * 5, "a\r\nb\rc\n", "z" * 78, "z" * 79, "Até já\n"]


class TestComposeBytes:
    """`compose_bytes` writes exactly what the standard library writes, with no Bcc."""

    @pytest.mark.parametrize("chosen", [COMPOSE_POLICY, UTF8_POLICY], ids=["ascii", "utf8"])
    def test_same_bytes_as_the_object_model(self, chosen: policy.Policy) -> None:
        """Subjects, names and bodies, plain or not, short or folded: byte for byte the same."""
        assert isinstance(chosen, EmailPolicy)
        cases = [outgoing(subject=subject) for subject in SUBJECTS]
        cases += [outgoing(to=[Address(email="ana@example.org", name=name)]) for name in NAMES]
        cases += [outgoing(body=body) for body in BODIES]
        cases.append(
            outgoing(
                to=[Address(email=f"p{i}@example.org", name=f"Pessoa {i}") for i in range(12)],
                cc=[Address(email="cc@example.org", name="Côpia")],
                bcc=[Address(email="hidden@example.org")],
                in_reply_to="<parent@example.org>",
            )
        )
        for case in cases:
            assert compose_bytes(case, MID, NOW, policy=chosen) == through_the_object_model(case, chosen)

    def test_same_bytes_for_random_text(self) -> None:
        """Four hundred random subjects and display names (ASCII, then odder) give the same bytes."""
        rng = random.Random(5322)
        for round_ in range(400):
            pieces = ASCII_PIECES if round_ % 2 else ASCII_PIECES + ODD_PIECES
            name = random_text(rng, rng.randrange(1, 12), pieces).strip() or None
            case = outgoing(
                subject=random_text(rng, rng.randrange(0, 30), pieces),
                to=[Address(email="ana@example.org", name=name)],
            )
            assert compose_bytes(case, MID, NOW) == through_the_object_model(case, COMPOSE_POLICY)

    def test_same_bytes_with_attachments(self) -> None:
        """With files attached (same MIME boundary drawn), the bytes match too."""
        report = Attachment(filename="relatório.pdf", content_type="application/pdf", data=b"%PDF-1.4 fake")
        case = outgoing(subject="Olá", attachments=[report], bcc=[Address(email="b@example.org")])
        random.seed(11)
        ours = compose_bytes(case, MID, NOW)
        random.seed(11)
        assert ours == through_the_object_model(case, COMPOSE_POLICY)

    def test_the_stdlib_parser_reads_it_back(self) -> None:
        """Parsed by the standard library, the headers say what the message said, and no Bcc."""
        case = outgoing(
            sender=Address(email="ze@example.org", name="Zé Ninguém"),
            cc=[Address(email="cc@example.org", name="Silva, Ana")],
            bcc=[Address(email="hidden@example.org")],
            subject="Orçamento — trimestre",
            in_reply_to="<parent@example.org>",
        )
        msg = message_from_bytes(compose_bytes(case, MID, NOW), policy=policy.default)
        assert msg["From"] == "Zé Ninguém <ze@example.org>"
        assert msg["To"] == "ana@example.org"
        assert msg["Cc"] == '"Silva, Ana" <cc@example.org>'
        assert msg["Subject"] == "Orçamento — trimestre"
        assert msg["Message-ID"] == MID and msg["In-Reply-To"] == msg["References"] == "<parent@example.org>"
        assert msg["Date"].datetime == NOW.replace(microsecond=0)
        assert "Bcc" not in msg and "hidden" not in msg.as_string()
        assert msg.get_content().splitlines() == ["Hi"]

    def test_line_breaks_are_refused(self) -> None:
        """A subject, name or reference with CR/LF, raw or encoded (validation skipped), is InvalidRequest."""
        evil_name = Address.model_construct(email="ana@example.org", name="Ana\r\nBcc: victim@example.org")
        for evil in [
            {"subject": "hi\r\nBcc: victim@example.org"},
            {"to": [evil_name]},
            {"in_reply_to": "<a>\nBcc: v@example.org"},
            {"subject": EVIL_SUBJECT},
        ]:
            with pytest.raises(InvalidRequest):
                compose_bytes(OutgoingMessage.model_construct(**{**dict(outgoing()), **evil}), MID, NOW)
