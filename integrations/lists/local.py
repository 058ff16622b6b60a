"""Lists kept in a SQLite file under the data directory: no account needed."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from automate.integrations.adapter import AdapterEnv, CallContext, CheckResult
from automate.integrations.config import StrictModel
from automate.integrations.email.base import NoParams
from automate.integrations.errors import IntegrationError, NotFound
from automate.integrations.ids import event_uid
from automate.integrations.lists.base import ListsAdapter
from automate.integrations.lists.models import (
    AddedItem,
    CreatedList,
    DeletedList,
    ItemDraft,
    ItemList,
    ItemQuery,
    ItemRef,
    ListContents,
    ListItem,
    ListOverview,
    ListRef,
    ListSummary,
    RemovedItem,
    item_key,
    list_key,
)
from automate.integrations.sqlite_store import SqliteStore, resolve_path

__all__ = ["LocalListsAdapter", "LocalListsConfig"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS lists (
    key     TEXT PRIMARY KEY,  -- the normalised name (see integrations.lists.models)
    name    TEXT NOT NULL,     -- as first written, for display
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    id       TEXT PRIMARY KEY,
    list_key TEXT NOT NULL,
    text     TEXT NOT NULL,
    text_key TEXT NOT NULL,
    created  TEXT NOT NULL,
    UNIQUE (list_key, text_key)
);
"""
_ITEMS = (
    "SELECT items.id, lists.name AS list, items.text, items.created"
    " FROM items JOIN lists ON lists.key = items.list_key"
)
_SUMMARIES = (
    "SELECT lists.name, count(items.id) AS count FROM lists LEFT JOIN items ON items.list_key = lists.key"
)


class LocalListsConfig(StrictModel):
    """Where the lists file lives (relative paths are under the data directory)."""

    path: Path = Path("lists.sqlite3")


class LocalListsAdapter(ListsAdapter[LocalListsConfig]):
    """Lists in one SQLite file: a table of lists and a table of items."""

    name = "local_lists"
    config_model = LocalListsConfig

    def __init__(self, config: LocalListsConfig, env: AdapterEnv) -> None:
        super().__init__(config, env)
        self.path = resolve_path(config.path, env.data_dir)
        self.store = SqliteStore(self.path, SCHEMA)

    async def create_list(self, params: ListRef, ctx: CallContext) -> CreatedList:
        """Create an empty list unless one with the same normalised name exists."""

        def create(conn: sqlite3.Connection) -> CreatedList:
            new = _ensure_list(conn, params.list)
            return CreatedList(list=_summary(conn, params.list), new=new)

        return await self.store.run(create)

    async def add_item(self, params: ItemDraft, ctx: CallContext) -> AddedItem:
        """Add an item under an id derived from the idempotency key; a repeat returns it."""
        # One key, one id: a retried add meets its own row instead of adding one.
        item_id = params.id or event_uid(ctx.idempotency_key)
        key = list_key(params.list)

        def add(conn: sqlite3.Connection) -> AddedItem:
            _ensure_list(conn, params.list)
            existing = conn.execute(
                _ITEMS + " WHERE items.id = ? OR (items.list_key = ? AND items.text_key = ?)",
                (item_id, key, item_key(params.item)),
            ).fetchone()
            if existing is None:
                conn.execute(
                    "INSERT INTO items (id, list_key, text, text_key, created) VALUES (?, ?, ?, ?, ?)",
                    (item_id, key, params.item, item_key(params.item), _now()),
                )
            row = existing or conn.execute(_ITEMS + " WHERE items.id = ?", (item_id,)).fetchone()
            summary = _summary(conn, params.list)
            return AddedItem(item=_item(row), list=summary, new=existing is None)

        return await self.store.run(add)

    async def get_list(self, params: ListRef, ctx: CallContext) -> ListContents:
        """One list and its items, oldest first; `NotFound` if there is no such list."""

        def read(conn: sqlite3.Connection) -> ListContents:
            name = self._existing(conn, params.list)
            rows = conn.execute(
                _ITEMS + " WHERE items.list_key = ? ORDER BY items.rowid", (list_key(name),)
            ).fetchall()
            return ListContents(name=name, items=[_item(row) for row in rows])

        return await self.store.run(read)

    async def list_lists(self, params: NoParams, ctx: CallContext) -> ListOverview:
        """Every list with its item count, by name."""

        def read(conn: sqlite3.Connection) -> ListOverview:
            rows = conn.execute(_SUMMARIES + " GROUP BY lists.key ORDER BY lists.key").fetchall()
            return ListOverview(lists=[ListSummary(name=r["name"], count=r["count"]) for r in rows])

        return await self.store.run(read)

    async def find_items(self, params: ItemQuery, ctx: CallContext) -> ItemList:
        """Items holding every word of the query (any case), by list then age."""
        words = item_key(params.text).split()

        def find(conn: sqlite3.Connection) -> ItemList:
            if params.list is not None:
                name = self._existing(conn, params.list)
                rows = conn.execute(
                    _ITEMS + " WHERE items.list_key = ? ORDER BY items.rowid", (list_key(name),)
                ).fetchall()
            else:
                rows = conn.execute(_ITEMS + " ORDER BY lists.key, items.rowid").fetchall()
            return ItemList(items=[_item(r) for r in rows if all(w in item_key(r["text"]) for w in words)])

        return await self.store.run(find)

    async def remove_item(self, params: ItemRef, ctx: CallContext) -> RemovedItem:
        """Take an item off its list; one already gone reports `existed=False`."""

        def remove(conn: sqlite3.Connection) -> RemovedItem:
            row = conn.execute(_ITEMS + " WHERE items.id = ?", (params.id,)).fetchone()
            if row is None:
                return RemovedItem(id=params.id, existed=False)
            conn.execute("DELETE FROM items WHERE id = ?", (params.id,))
            return RemovedItem(id=params.id, existed=True, list=_summary(conn, row["list"]))

        return await self.store.run(remove)

    async def delete_list(self, params: ListRef, ctx: CallContext) -> DeletedList:
        """Delete a list and every item on it; one that does not exist reports `existed=False`."""
        key = list_key(params.list)

        def delete(conn: sqlite3.Connection) -> DeletedList:
            row = conn.execute("SELECT name FROM lists WHERE key = ?", (key,)).fetchone()
            items = conn.execute("DELETE FROM items WHERE list_key = ?", (key,)).rowcount
            conn.execute("DELETE FROM lists WHERE key = ?", (key,))
            name = row["name"] if row is not None else params.list
            return DeletedList(name=name, existed=row is not None, items=items)

        return await self.store.run(delete)

    async def check(self) -> CheckResult:
        """Ready when the file can be opened and read."""
        try:
            overview = await self.list_lists(NoParams(), CallContext())
        except IntegrationError as exc:
            return self.report(False, str(exc))
        count = len(overview.lists)
        return self.report(True, f"{self.path} ({count} list{'s' if count != 1 else ''})")

    async def aclose(self) -> None:
        """Close the SQLite connection."""
        await self.store.close()

    def _existing(self, conn: sqlite3.Connection, name: str) -> str:
        """The stored name of a list; `NotFound` naming the lists there are."""
        row = conn.execute("SELECT name FROM lists WHERE key = ?", (list_key(name),)).fetchone()
        if row is not None:
            return str(row["name"])
        known = [r["name"] for r in conn.execute("SELECT name FROM lists ORDER BY key")]
        there = f" (lists: {', '.join(known)})" if known else " (there are no lists yet)"
        raise NotFound(f"no list named '{name}'{there}", service=self.env.service)


def _ensure_list(conn: sqlite3.Connection, name: str) -> bool:
    """Create the list if needed; True when it was created now."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO lists (key, name, created) VALUES (?, ?, ?)",
        (list_key(name), name, _now()),
    )
    return cursor.rowcount > 0


def _summary(conn: sqlite3.Connection, name: str) -> ListSummary:
    row = conn.execute(_SUMMARIES + " WHERE lists.key = ?", (list_key(name),)).fetchone()
    return ListSummary(name=row["name"], count=row["count"])


def _item(row: sqlite3.Row) -> ListItem:
    created = datetime.fromisoformat(row["created"])
    return ListItem(id=row["id"], list=row["list"], text=row["text"], created=created)


def _now() -> str:
    return datetime.now(UTC).isoformat()
