"""The embedded address book: contacts in a SQLite file under the data directory.

Matching is shared with the in-memory address book: a query matches a whole
name, any word of a name by prefix, an address, or a relation ("sister"),
case-insensitively, and the best kind of match comes first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from automate.integrations.adapter import AdapterEnv, CallContext, CheckResult
from automate.integrations.config import StrictModel
from automate.integrations.contacts.base import ContactsAdapter
from automate.integrations.contacts.models import Contact, ContactList, ContactQuery
from automate.integrations.sqlite_store import SqliteStore, resolve_path

__all__ = [
    "LocalContactsAdapter",
    "LocalContactsConfig",
    "best_match",
    "merge_contact",
    "rank_contacts",
    "same_person",
    "score",
]

SCHEMA = """
CREATE TABLE IF NOT EXISTS contacts (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    email        TEXT,
    relation     TEXT,
    phone        TEXT,
    name_key     TEXT NOT NULL,   -- lower-cased copies: SQLite's lower() is ASCII-only
    email_key    TEXT UNIQUE,
    relation_key TEXT,
    updated      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS contacts_by_name ON contacts (name_key);
CREATE INDEX IF NOT EXISTS contacts_by_relation ON contacts (relation_key);
"""


class LocalContactsConfig(StrictModel):
    """Where the address book file lives (relative paths are under the data directory)."""

    path: Path = Path("contacts.sqlite3")


def _norm(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def score(contact: Contact, query: str) -> int:
    """How well `contact` matches `query` (0: not at all; higher is better)."""
    q = _norm(query)
    if not q:
        return 0
    name, email, relation = _norm(contact.name), _norm(contact.email), _norm(contact.relation)
    words = name.split()
    checks = [
        (100, name == q),
        (95, bool(email) and email == q),
        (90, bool(relation) and relation == q),
        (80, name.startswith(q)),
        (70, all(any(w.startswith(part) for w in words) for part in q.split())),
        (60, bool(email) and (email.startswith(q) or email.partition("@")[0].startswith(q))),
        (50, bool(relation) and any(w.startswith(q) for w in relation.split())),
    ]
    return next((points for points, hit in checks if hit), 0)


def rank_contacts(contacts: Iterable[Contact], query: str, limit: int) -> list[Contact]:
    """The contacts matching `query`, best first (then by name), at most `limit`."""
    scored = [(score(c, query), c) for c in contacts]
    hits = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], _norm(s[1].name), s[1].email or ""))
    return [contact for _, contact in hits[:limit]]


def same_person(new: Contact, old: Contact) -> int:
    """How surely `new` describes `old`: 2 same address, 1 same name and no clash, 0 different."""
    if new.email and old.email:
        return 2 if _norm(new.email) == _norm(old.email) else 0
    return 1 if _norm(new.name) == _norm(old.name) else 0


def best_match(new: Contact, candidates: Sequence[Contact]) -> int | None:
    """The index of the candidate `new` updates (the first surest one), or None."""
    sureness = [same_person(new, old) for old in candidates]
    best = max(sureness, default=0)
    return sureness.index(best) if best else None


def merge_contact(old: Contact, new: Contact) -> Contact:
    """`old` updated with every field `new` gives (the stored address keeps its spelling)."""
    changes = new.model_dump(exclude_none=True)
    if old.email and "email" in changes:
        changes["email"] = old.email
    return old.model_copy(update=changes)


def _row(conn: sqlite3.Connection, contact: Contact, row_id: int | None) -> None:
    values = {
        "id": row_id,
        "name": contact.name,
        "email": contact.email,
        "relation": contact.relation,
        "phone": contact.phone,
        "name_key": _norm(contact.name),
        "email_key": _norm(contact.email) or None,
        "relation_key": _norm(contact.relation) or None,
        "updated": datetime.now(UTC).isoformat(),
    }
    conn.execute(
        "INSERT INTO contacts (id, name, email, relation, phone, name_key, email_key, relation_key, updated)"
        " VALUES (:id, :name, :email, :relation, :phone, :name_key, :email_key, :relation_key, :updated)"
        " ON CONFLICT(id) DO UPDATE SET name=:name, email=:email, relation=:relation, phone=:phone,"
        " name_key=:name_key, email_key=:email_key, relation_key=:relation_key, updated=:updated",
        values,
    )


def _contact(row: sqlite3.Row) -> Contact:
    return Contact(name=row["name"], email=row["email"], relation=row["relation"], phone=row["phone"])


class LocalContactsAdapter(ContactsAdapter[LocalContactsConfig]):
    """An address book in a local SQLite file."""

    name = "local_contacts"
    config_model = LocalContactsConfig

    def __init__(self, config: LocalContactsConfig, env: AdapterEnv) -> None:
        super().__init__(config, env)
        self.path = resolve_path(config.path, env.data_dir)
        self._store = SqliteStore(self.path, SCHEMA)

    async def find_contacts(self, params: ContactQuery, ctx: CallContext) -> ContactList:
        """Contacts whose name, address or relation matches, best first."""
        # Every kind of match contains the query's first word; let SQL narrow to those rows.
        first = _norm(params.query).split()[0] if _norm(params.query) else ""

        def query(conn: sqlite3.Connection) -> list[Contact]:
            rows = conn.execute(
                "SELECT * FROM contacts WHERE instr(name_key, :w) OR instr(email_key, :w)"
                " OR instr(relation_key, :w)",
                {"w": first},
            )
            return rank_contacts((_contact(r) for r in rows), params.query, params.limit)

        return ContactList(contacts=await self._store.run(query))

    async def add_contact(self, params: Contact, ctx: CallContext) -> Contact:
        """Add a contact, or update the one with the same address (else the same name)."""

        def upsert(conn: sqlite3.Connection) -> Contact:
            rows = conn.execute(
                "SELECT * FROM contacts WHERE email_key = :email OR name_key = :name ORDER BY id",
                {"email": _norm(params.email) or None, "name": _norm(params.name)},
            ).fetchall()
            found = best_match(params, [_contact(r) for r in rows])
            if found is not None:
                merged = merge_contact(_contact(rows[found]), params)
                _row(conn, merged, rows[found]["id"])
                return merged
            _row(conn, params, None)
            return params

        return await self._store.run(upsert)

    async def check(self) -> CheckResult:
        """Open the address book and say where it is and how many contacts it holds."""
        ok, detail = await self._store.status("contacts", "contacts")
        return self.report(ok, detail)

    async def aclose(self) -> None:
        """Close the database connection."""
        await self._store.close()
