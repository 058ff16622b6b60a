"""The embedded SQLite address book: the shared contract plus what is on disk."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from automate.integrations.adapter import AdapterEnv, CallContext
from automate.integrations.contacts.local import LocalContactsAdapter, merge_contact, rank_contacts, score
from automate.integrations.contacts.models import Contact, ContactQuery
from tests.integrations.contracts import ContactsContract


def make_adapter(data_dir: Path) -> LocalContactsAdapter:
    """A local address book storing under `data_dir`."""
    config = LocalContactsAdapter.config_model(path="people/contacts.sqlite3")
    return LocalContactsAdapter(config, AdapterEnv(service="contacts", data_dir=data_dir))


def rows(path: Path) -> list[tuple[str, str | None, str | None]]:
    """The (name, email, relation) rows of an address book file, read with sqlite3."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT name, email, relation FROM contacts ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture
async def adapter(tmp_path: Path) -> AsyncIterator[LocalContactsAdapter]:
    """A local address book on an empty file."""
    contacts = make_adapter(tmp_path)
    yield contacts
    await contacts.aclose()


class TestLocalContactsContract(ContactsContract):
    """The local address book passes the contacts contract."""


class TestLocalContactsAdapter:
    """What the local address book stores and how it upserts."""

    async def test_contacts_are_rows_in_a_real_sqlite_file(
        self, adapter: LocalContactsAdapter, tmp_path: Path
    ) -> None:
        """Adding and upserting leaves one row per person in the file."""
        await adapter.add_contact(Contact(name="Ana", email="ana@example.org"), CallContext())
        await adapter.add_contact(
            Contact(name="Ana Silva", email="ana@example.org", relation="sister"), CallContext()
        )
        await adapter.add_contact(Contact(name="Bruno"), CallContext())
        assert rows(tmp_path / "people" / "contacts.sqlite3") == [
            ("Ana Silva", "ana@example.org", "sister"),
            ("Bruno", None, None),
        ]

    async def test_same_name_different_addresses_are_two_people(
        self, adapter: LocalContactsAdapter, tmp_path: Path
    ) -> None:
        """Two contacts sharing a name but not an address are kept apart."""
        await adapter.add_contact(Contact(name="Ana", email="ana@work.example"), CallContext())
        await adapter.add_contact(Contact(name="Ana", email="ana@home.example"), CallContext())
        found = await adapter.find_contacts(ContactQuery(query="ana"), CallContext())
        assert sorted(c.email or "" for c in found.contacts) == ["ana@home.example", "ana@work.example"]

    async def test_address_added_to_a_nameonly_contact(
        self, adapter: LocalContactsAdapter, tmp_path: Path
    ) -> None:
        """A contact known only by name gains the address given later, without a duplicate."""
        await adapter.add_contact(Contact(name="Zé", relation="uncle"), CallContext())
        await adapter.add_contact(Contact(name="ZÉ", email="ze@example.org"), CallContext())
        assert rows(tmp_path / "people" / "contacts.sqlite3") == [("ZÉ", "ze@example.org", "uncle")]

    async def test_non_ascii_names_match_case_insensitively(self, adapter: LocalContactsAdapter) -> None:
        """Accented capitals match their lower-case query (SQLite's lower() would not)."""
        await adapter.add_contact(Contact(name="Érica Ávila", email="e@example.org"), CallContext())
        found = await adapter.find_contacts(ContactQuery(query="ávi"), CallContext())
        assert [c.name for c in found.contacts] == ["Érica Ávila"]

    async def test_check_reports_the_path(self, adapter: LocalContactsAdapter, tmp_path: Path) -> None:
        """check() opens the file and names it."""
        result = await adapter.check()
        assert result.ok is True
        assert str(tmp_path / "people" / "contacts.sqlite3") in result.detail


class TestMatching:
    """The matching rules shared by every embedded address book."""

    def test_kinds_of_match_are_ordered(self) -> None:
        """Exact name > exact address > relation > name prefix > word prefix > address prefix."""
        ana = Contact(name="Ana Silva", email="asilva@example.org", relation="sister")
        assert score(ana, "ana silva") == 100
        assert score(ana, "ASILVA@example.org") == 95
        assert score(ana, "Sister") == 90
        assert score(ana, "ana s") == 80
        assert score(ana, "silva") == 70
        assert score(ana, "asil") == 60
        assert score(ana, "sis") == 50
        assert score(ana, "bruno") == 0
        assert score(ana, "   ") == 0

    def test_rank_breaks_ties_by_name_and_limits(self) -> None:
        """Equal scores are ordered by name, and only `limit` are kept."""
        people = [Contact(name=n) for n in ("Ana Rita", "Ana Maria", "Bruno")]
        assert [c.name for c in rank_contacts(people, "ana", 5)] == ["Ana Maria", "Ana Rita"]
        assert [c.name for c in rank_contacts(people, "ana", 1)] == ["Ana Maria"]

    def test_merge_keeps_unknown_fields_and_stored_address(self) -> None:
        """Fields the update leaves out stay; the stored address keeps its spelling."""
        old = Contact(name="Ana", email="Ana@Example.org", phone="1")
        merged = merge_contact(old, Contact(name="Ana Silva", email="ana@example.org"))
        assert merged == Contact(name="Ana Silva", email="Ana@Example.org", phone="1")
