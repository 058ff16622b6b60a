"""The shared calendar contract, run against a real Radicale and the Google Calendar v3 wire format."""

from __future__ import annotations

import pytest

from automate.integrations.calendar.caldav import CalDAVAdapter
from automate.integrations.calendar.google import GoogleCalendarAdapter
from tests.integrations.contracts import CalendarContract


class TestCalDAVCalendarContract(CalendarContract):
    """The CalDAV adapter passes the calendar contract against Radicale."""

    @pytest.fixture
    def adapter(self, caldav: CalDAVAdapter) -> CalDAVAdapter:
        """A CalDAV adapter on an empty Radicale calendar."""
        return caldav


class TestGoogleCalendarContract(CalendarContract):
    """The Google adapter (the real client library) passes the contract against the local server."""

    @pytest.fixture
    def adapter(self, google: GoogleCalendarAdapter) -> GoogleCalendarAdapter:
        """A Google Calendar adapter on the local server's empty primary calendar."""
        return google
