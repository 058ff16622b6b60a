"""The email policy messages are composed with: SMTP's, remembering headers it parsed and folded.

The standard `email` package parses every header value set on an
`EmailMessage` (making a new header class for each one) and folds it again
each time the message is written. A burst of mail repeats most headers --
the same From, often the same To, and the Content-Type,
Content-Transfer-Encoding and MIME-Version that `set_content` adds -- so
keeping parsed header objects (never changed once made) and their folded
form makes composing and writing a message about three times cheaper. No
check is skipped: a value with a line break is refused before the registry
is asked, and the output is byte for byte what ``policy.SMTP`` writes.

Every header line is written by `header_line`, which refuses what would break
out of its header whatever the Python version: a value whose decoded text
(RFC 2047 encoded words decoded, as the email package reads them) holds a
control character, and any written line with a CR or LF that does not end it
or fold it. CPython before the fix for CVE-2024-6923 (3.11.7 is one) decodes
``=?utf-8?q?Hi=0D=0ABcc:_x=40y?=`` and refolds it with a raw CRLF; here
that is an error.

`header_line` and `text_content` go further for mail that is only written,
never read back (what SMTP sends): plain short headers and a plain ASCII body
are written straight to bytes, with no header object at all, and everything
else is left to the policy -- the same bytes either way.
"""

from __future__ import annotations

import re
import sys
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

__all__ = [
    "COMPOSE_POLICY",
    "ComposePolicy",
    "RememberingHeaderRegistry",
    "control_character",
    "decoded",
    "header_line",
    "text_content",
]


class RememberingHeaderRegistry(HeaderRegistry):
    """A header registry that builds each header class once and keeps recent parsed headers."""

    def __init__(self, maxsize: int = 2048) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}
        self._made = lru_cache(maxsize=maxsize)(self._make)

    def __getitem__(self, name: str) -> Any:
        key = name.lower()
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = super().__getitem__(name)
        return found

    def __call__(self, name: str, value: str) -> Any:
        return self._made(name, value)

    def _make(self, name: str, value: str) -> Any:
        return self[name](name, value)


class ComposePolicy(EmailPolicy):
    """`EmailPolicy` that keeps the folded bytes of recently written headers."""

    def fold_binary(self, name: str, value: str) -> bytes:
        """The header line as bytes, folded once per policy, name and value."""
        return _fold_binary(self, name, value)


@lru_cache(maxsize=4096)
def _fold_binary(policy: ComposePolicy, name: str, value: str) -> bytes:
    # Folding depends only on the policy (immutable), the name and the value's text.
    return EmailPolicy.fold_binary(policy, name, value)


# SMTP's settings (CRLF line ends, 78-column folding) with the remembering registry.
COMPOSE_POLICY = ComposePolicy(linesep="\r\n", header_factory=RememberingHeaderRegistry())


# -- writing without the object model ------------------------------------------------
#
# A message the SMTP adapter sends is written once and never read back, so
# building an `EmailMessage` only to flatten it again is wasted work: the
# header lines and a plain text body can be written directly. That is done
# only where the result is known to be exactly what the policy would write
# (tests compare the two byte for byte); anything else -- non-ASCII, a line
# that needs folding, odd spacing, something that looks like an encoded word
# -- goes through the policy as before.

# Printable ASCII words separated by single spaces: written as given by every policy.
_PLAIN = re.compile(r"[!-~]+(?: [!-~]+)*")
# No header carries these once decoded: C0 controls but tab, DEL, C1 controls, and the
# Unicode line and paragraph separators (where text tools break lines too).
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def control_character(text: str) -> str | None:
    """The first control character in `text` (tab is none), or None."""
    found = _CONTROL.search(text)
    return None if found is None else found.group()


def decoded(value: str) -> str:
    """`value` as the email package reads an unstructured header: encoded words decoded."""
    return str(COMPOSE_POLICY.header_factory("X-Decoded", value))


def header_line(policy: EmailPolicy, name: str, value: str) -> bytes:
    """The header line ``name: value`` (with its line end) exactly as `policy` writes it.

    A value with a line break, or whose decoded text has a control character,
    raises `ValueError`, as does a written line that would not be one header.
    """
    if (
        len(name) + len(value) + 2 <= (policy.max_line_length or sys.maxsize)
        and "=?" not in value
        and _PLAIN.fullmatch(value) is not None
    ):
        return f"{name}: {value}{policy.linesep}".encode("ascii")
    _, header = policy.header_store_parse(name, value)
    found = control_character(str(header))
    if found is not None:
        raise ValueError(f"the {name} header holds the control character {found!r} once decoded")
    return _one_header(name, policy.fold_binary(name, header), policy.linesep.encode("ascii"))


def _one_header(name: str, line: bytes, linesep: bytes) -> bytes:
    """`line`, if its only line ends are its last and folds (before a space or tab)."""
    rows = line.removesuffix(linesep).split(linesep)
    if (
        not line.endswith(linesep)
        or any(b"\r" in row or b"\n" in row for row in rows)
        or any(row[:1] not in (b" ", b"\t") for row in rows[1:])
    ):
        raise ValueError(f"the {name} header would break into other header lines")
    return line


def text_content(policy: EmailPolicy, body: str) -> bytes:
    """The MIME headers and body of a text/plain message holding `body`, as `policy` writes them."""
    if body.isascii():
        lines = body.encode("ascii").splitlines()
        limit = policy.max_line_length or sys.maxsize
        if all(len(line) <= limit for line in lines):
            # Short ASCII lines travel as 7bit: the headers never change, the lines get CRLF.
            linesep = policy.linesep.encode("ascii")
            return _text_headers(policy) + linesep.join(lines) + linesep
    content = EmailMessage(policy=policy)
    content.set_content(body)
    return content.as_bytes(policy=policy)


@lru_cache(maxsize=8)
def _text_headers(policy: EmailPolicy) -> bytes:
    # Asked of the standard library once per policy rather than written out here.
    content = EmailMessage(policy=policy)
    content.set_content("")
    head, separator, _ = content.as_bytes(policy=policy).partition(policy.linesep.encode("ascii") * 2)
    return head + separator
