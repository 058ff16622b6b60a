"""Deterministic identifiers derived from idempotency keys.

A side-effecting step carries an idempotency key (``run_id/step_id``); every
adapter turns it into the service's own identifier the same way, so a retried
or resumed step names the same event or message and the service (or our own
store) recognises the repeat. Without a key, a fresh random id is used.
"""

from __future__ import annotations

import uuid

__all__ = ["NAMESPACE", "event_uid", "message_id"]

# Fixed forever: changing it would give old keys new ids and double retried work.
NAMESPACE = uuid.UUID("5b0f7c1e-3c4a-5e8e-9a51-6d1f2b7c9e40")


def _hex(key: str | None) -> str:
    return (uuid.uuid5(NAMESPACE, key) if key else uuid.uuid4()).hex


def event_uid(key: str | None = None) -> str:
    """A calendar UID for `key` (32 lowercase hex digits, valid for iCalendar and Google ids)."""
    return _hex(key)


def message_id(key: str | None, domain: str) -> str:
    """An RFC 5322 Message-ID ``<hex@domain>`` for `key`."""
    if not domain or any(ch in domain for ch in "<>@ \r\n\t"):
        raise ValueError(f"not a usable Message-ID domain: {domain!r}")
    return f"<{_hex(key)}@{domain}>"
