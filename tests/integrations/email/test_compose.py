"""The composing policy: the same bytes as the standard SMTP policy, and no check skipped."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage

import pytest

from integrations.email.compose import COMPOSE_POLICY

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
