"""The SQLite reminders adapter, on real files under a temporary directory."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from automate.integrations.adapter import AdapterEnv, CallContext
from automate.integrations.errors import NotFound
from automate.integrations.reminders.local import LocalRemindersAdapter, LocalRemindersConfig
from automate.integrations.reminders.models import (
    ReminderDraft,
    ReminderQuery,
    ReminderRef,
    next_occurrence,
    normalise_rrule,
)

LISBON = ZoneInfo("Europe/Lisbon")
MONDAY_9 = datetime(2026, 3, 23, 9, 0, tzinfo=LISBON)


@pytest.fixture
async def adapter(tmp_path: Path) -> AsyncIterator[LocalRemindersAdapter]:
    """A local reminders adapter writing under tmp_path."""
    made = LocalRemindersAdapter(LocalRemindersConfig(), AdapterEnv("reminders", tmp_path))
    yield made
    await made.aclose()


def draft(text: str, start: datetime, rrule: str | None = None) -> ReminderDraft:
    """A draft in the Lisbon zone."""
    return ReminderDraft(text=text, start=start, rrule=rrule, timezone="Europe/Lisbon")


class TestReminderModels:
    """Validation of reminder text and recurrence rules."""

    def test_rrule_is_normalised(self) -> None:
        """A lower-case rule with an RRULE: prefix comes back canonical."""
        assert normalise_rrule("rrule:freq=weekly;byday=mo") == "FREQ=WEEKLY;BYDAY=MO"

    @pytest.mark.parametrize(
        ("rule", "problem"),
        [
            ("BYHOUR=9", "needs a FREQ"),
            ("FREQ=DAILY;BYHOUR=25", "not a valid rrule"),
            ("FREQ=DAILY;FOO=1", "not a valid rrule"),
            ("FREQ=MINUTELY", "too frequent"),
            ("FREQ=DAILY\r\nDTSTART:20260101T000000Z", "one line"),
            ("FREQ=DAILY;UNTIL=20260101T000000", "UTC"),
        ],
    )
    def test_bad_rules_are_rejected(self, rule: str, problem: str) -> None:
        """Rules that do not parse, fire too often or smuggle lines are refused with a reason."""
        with pytest.raises(ValidationError, match=problem):
            draft("stretch", MONDAY_9, rule)

    def test_text_must_be_one_line(self) -> None:
        """Reminder text with a line break is refused."""
        with pytest.raises(ValidationError, match="one line"):
            draft("call\nmom", MONDAY_9)

    def test_daily_rule_keeps_wall_clock_across_dst(self) -> None:
        """A daily 9:00 reminder in Lisbon still fires at 9:00 local after the clocks change."""
        after_change = datetime(2026, 3, 30, 0, 0, tzinfo=UTC)  # DST began on 29 March
        due = next_occurrence(MONDAY_9, "FREQ=DAILY", "Europe/Lisbon", after_change)
        assert due is not None
        assert due.astimezone(LISBON).hour == 9
        assert due.utcoffset() == timedelta(hours=1)

    def test_one_off_in_the_past_has_no_next(self) -> None:
        """A one-off reminder never fires again once its time has passed."""
        assert next_occurrence(MONDAY_9, None, "UTC", MONDAY_9 + timedelta(seconds=1)) is None


class TestLocalRemindersAdapter:
    """Storing, listing and deleting reminders in a SQLite file."""

    async def test_insert_writes_a_row_in_the_configured_file(
        self, adapter: LocalRemindersAdapter, tmp_path: Path
    ) -> None:
        """An inserted reminder is a row in reminders.sqlite3 under the data directory."""
        stored = await adapter.insert_reminder(draft("water plants", MONDAY_9), CallContext("run/s1"))
        rows = (
            sqlite3.connect(tmp_path / "reminders.sqlite3")
            .execute("SELECT id, text FROM reminders")
            .fetchall()
        )
        assert rows == [(stored.id, "water plants")]
        assert stored.due == MONDAY_9

    async def test_same_key_stores_once(self, adapter: LocalRemindersAdapter) -> None:
        """Repeating an insert with the same idempotency key returns the first reminder."""
        first = await adapter.insert_reminder(draft("pay rent", MONDAY_9), CallContext("run/s1"))
        again = await adapter.insert_reminder(draft("pay rent", MONDAY_9), CallContext("run/s1", attempt=2))
        other = await adapter.insert_reminder(draft("pay rent", MONDAY_9), CallContext("run/s2"))
        listed = await adapter.list_reminders(ReminderQuery(), CallContext())
        assert again.id == first.id != other.id
        assert sorted(r.id for r in listed.reminders) == sorted([first.id, other.id])

    async def test_range_holds_one_offs_and_next_occurrence_of_recurring(
        self, adapter: LocalRemindersAdapter
    ) -> None:
        """A range holds one-off reminders inside it and each recurring one at its next time."""
        ctx = CallContext()
        await adapter.insert_reminder(draft("dentist", MONDAY_9 + timedelta(days=3)), ctx)
        await adapter.insert_reminder(draft("old", MONDAY_9 - timedelta(days=3)), ctx)
        weekly = await adapter.insert_reminder(draft("standup", MONDAY_9, "FREQ=WEEKLY;BYDAY=MO"), ctx)
        window = ReminderQuery(start=MONDAY_9 + timedelta(days=1), end=MONDAY_9 + timedelta(days=14))
        listed = (await adapter.list_reminders(window, ctx)).reminders
        assert [(r.text, r.due) for r in listed] == [
            ("dentist", MONDAY_9 + timedelta(days=3)),
            ("standup", MONDAY_9 + timedelta(days=7)),
        ]
        assert listed[1].id == weekly.id and listed[1].start == MONDAY_9

    async def test_finished_recurrence_is_not_listed(self, adapter: LocalRemindersAdapter) -> None:
        """A rule whose COUNT is used up before the range is left out."""
        ctx = CallContext()
        await adapter.insert_reminder(draft("pills", MONDAY_9, "FREQ=DAILY;COUNT=2"), ctx)
        assert (
            await adapter.list_reminders(ReminderQuery(start=MONDAY_9 + timedelta(days=5)), ctx)
        ).reminders == []

    async def test_text_filter_needs_every_word(self, adapter: LocalRemindersAdapter) -> None:
        """Only reminders whose text holds every query word (any case) match."""
        ctx = CallContext()
        await adapter.insert_reminder(draft("Call Mom about Sunday", MONDAY_9), ctx)
        await adapter.insert_reminder(draft("call the bank", MONDAY_9), ctx)
        found = await adapter.list_reminders(ReminderQuery(text="mom CALL"), ctx)
        assert [r.text for r in found.reminders] == ["Call Mom about Sunday"]

    async def test_get_and_delete(self, adapter: LocalRemindersAdapter) -> None:
        """A reminder can be read by id, deleted once, and is then NotFound."""
        ctx = CallContext()
        stored = await adapter.insert_reminder(draft("renew passport", MONDAY_9), ctx)
        assert (await adapter.get_reminder(ReminderRef(id=stored.id), ctx)).text == "renew passport"
        assert (await adapter.delete_reminder(ReminderRef(id=stored.id), ctx)).existed is True
        assert (await adapter.delete_reminder(ReminderRef(id=stored.id), ctx)).existed is False
        with pytest.raises(NotFound):
            await adapter.get_reminder(ReminderRef(id=stored.id), ctx)

    async def test_zone_survives_the_round_trip(self, adapter: LocalRemindersAdapter, tmp_path: Path) -> None:
        """A reminder read back by a fresh adapter is in the zone it was set in."""
        await adapter.insert_reminder(draft("tea", MONDAY_9), CallContext("k"))
        fresh = LocalRemindersAdapter(LocalRemindersConfig(), AdapterEnv("reminders", tmp_path))
        listed = (await fresh.list_reminders(ReminderQuery(), CallContext())).reminders
        await fresh.aclose()
        assert listed[0].start.tzinfo == LISBON and listed[0].start == MONDAY_9

    async def test_check_reports_the_file(self, adapter: LocalRemindersAdapter) -> None:
        """check() is ok and names the file and how many reminders it holds."""
        await adapter.insert_reminder(draft("tea", MONDAY_9), CallContext("k"))
        result = await adapter.check()
        assert result.ok and "1 reminder)" in result.detail

    async def test_unusable_file_fails_the_check(self, tmp_path: Path) -> None:
        """A path that is a directory makes check() say not ok, instead of raising."""
        (tmp_path / "taken").mkdir()
        broken = LocalRemindersAdapter(
            LocalRemindersConfig(path=Path("taken")), AdapterEnv("reminders", tmp_path)
        )
        result = await broken.check()
        assert not result.ok and "taken" in result.detail
