"""The calendar models: what no adapter may be handed."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from automate.integrations.calendar.models import Attendee
from automate.integrations.config import AppConfig
from automate.integrations.errors import InvalidRequest
from automate.integrations.manager import IntegrationManager

INJECTIONS = [
    {"name": "Ana\r\nATTENDEE:mailto:eve@evil.test"},
    {"email": "ana@example.org\r\nATTENDEE:mailto:eve@evil.test"},
    {"name": "=?utf-8?q?Ana=0D=0ABcc:_eve=40evil.test?="},
    {"name": "Ana\x00"},
]


class TestAttendee:
    """`Attendee` keeps a name and an address on one line."""

    @pytest.mark.parametrize("fields", INJECTIONS, ids=["crlf-name", "crlf-address", "encoded", "nul"])
    def test_control_characters_are_refused(self, fields: dict[str, str]) -> None:
        """A line break or control character, raw or encoded, in a name or address is a validation error."""
        with pytest.raises(ValidationError, match="must not contain line breaks or control characters"):
            Attendee(**fields)

    def test_ordinary_attendees_pass(self) -> None:
        """Names beyond ASCII, with commas and quotes, and plain addresses are kept as given."""
        kept = Attendee(name='Zé "Ana" Silva, PhD', email="ana@example.org")
        assert (kept.name, kept.email) == ('Zé "Ana" Silva, PhD', "ana@example.org")

    @pytest.mark.parametrize("fields", INJECTIONS[:2], ids=["crlf-name", "crlf-address"])
    async def test_a_raw_insert_event_call_fails_in_one_line(
        self, local_config: AppConfig, fields: dict[str, Any]
    ) -> None:
        """A raw calendar.insert_event (what a workflow or API step makes) is one InvalidRequest line."""
        event = {
            "title": "Sync",
            "start": "2026-12-08T10:00:00+00:00",
            "end": "2026-12-08T11:00:00+00:00",
            "attendees": [fields],
        }
        async with IntegrationManager.from_config(local_config, ["calendar"]) as manager:
            with pytest.raises(
                InvalidRequest, match=r"attendees\.0\.(name|email): .*control characters"
            ) as caught:
                await manager.call("calendar", "insert_event", event, idempotency_key="raw-1")
        assert "\n" not in str(caught.value)
