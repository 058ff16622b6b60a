"""Deterministic ids from idempotency keys."""

from __future__ import annotations

import re

import pytest

from automate.integrations.ids import event_uid, message_id


class TestEventUid:
    """Calendar UIDs derived from keys."""

    def test_same_key_same_uid_different_key_different_uid(self) -> None:
        """A key always gives the same UID; another key gives another."""
        assert event_uid("run-1/step-1") == event_uid("run-1/step-1")
        assert event_uid("run-1/step-1") != event_uid("run-1/step-2")

    def test_uid_is_hex_usable_as_a_google_event_id(self) -> None:
        """The UID is 32 lowercase hex digits (inside Google's base32hex alphabet)."""
        assert re.fullmatch(r"[0-9a-f]{32}", event_uid("k"))

    def test_no_key_gives_a_fresh_uid(self) -> None:
        """Without a key, each call gives a new UID."""
        assert event_uid(None) != event_uid(None)
        assert event_uid("") != event_uid("")


class TestMessageId:
    """RFC 5322 Message-IDs derived from keys."""

    def test_same_key_same_id_in_angle_brackets(self) -> None:
        """A key gives the same ``<hex@domain>`` every time."""
        first = message_id("run-1/step-1", "example.org")
        assert first == message_id("run-1/step-1", "example.org")
        assert re.fullmatch(r"<[0-9a-f]{32}@example\.org>", first)
        assert first != message_id("run-1/step-2", "example.org")

    def test_no_key_gives_a_fresh_id(self) -> None:
        """Without a key, each call gives a new Message-ID."""
        assert message_id(None, "example.org") != message_id(None, "example.org")

    @pytest.mark.parametrize("domain", ["", "a b", "x@y", "evil\r\nBcc: z", "<x>"])
    def test_unusable_domain_is_refused(self, domain: str) -> None:
        """A domain that would break the header raises ValueError."""
        with pytest.raises(ValueError, match="domain"):
            message_id("k", domain)
