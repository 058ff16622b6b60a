"""The SQLite lists adapter, on real files under a temporary directory."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from automate.integrations.adapter import AdapterEnv, CallContext
from automate.integrations.email.base import NoParams
from automate.integrations.errors import NotFound
from automate.integrations.lists.local import LocalListsAdapter, LocalListsConfig
from automate.integrations.lists.models import ItemDraft, ItemQuery, ItemRef, ListRef, display_name, list_key

CTX = CallContext()


@pytest.fixture
async def adapter(tmp_path: Path) -> AsyncIterator[LocalListsAdapter]:
    """A local lists adapter writing under tmp_path."""
    made = LocalListsAdapter(LocalListsConfig(), AdapterEnv("lists", tmp_path))
    yield made
    await made.aclose()


class TestListNames:
    """How list names are normalised."""

    @pytest.mark.parametrize("name", ["Grocery List", "grocery", "  GROCERY   list ", "grocery LIST"])
    def test_spellings_of_one_list_share_a_key(self, name: str) -> None:
        """Case, spacing and a trailing ' list' do not make a different list."""
        assert list_key(name) == "grocery"

    def test_other_words_make_other_lists(self) -> None:
        """'groceries' is not guessed to be 'grocery'."""
        assert list_key("groceries") != list_key("grocery")

    def test_a_list_called_list_keeps_its_name(self) -> None:
        """A name that is only 'list' is not emptied."""
        assert display_name("List") == "List"

    def test_line_breaks_are_rejected(self) -> None:
        """A list name or item with a line break is refused."""
        with pytest.raises(ValidationError, match="one line"):
            ListRef(list="todo\r\nx")
        with pytest.raises(ValidationError, match="one line"):
            ItemDraft(list="todo", item="milk\n")

    def test_oversized_item_is_rejected(self) -> None:
        """An item longer than 500 characters is refused."""
        with pytest.raises(ValidationError, match="at most 500"):
            ItemDraft(list="todo", item="x" * 501)


class TestLocalListsAdapter:
    """Creating lists, adding, finding and removing items in a SQLite file."""

    async def test_add_creates_the_list_and_writes_rows(
        self, adapter: LocalListsAdapter, tmp_path: Path
    ) -> None:
        """Adding to an unknown list creates it; both are rows in lists.sqlite3."""
        added = await adapter.add_item(ItemDraft(list="Grocery list", item=" milk "), CallContext("r/s1"))
        db = sqlite3.connect(tmp_path / "lists.sqlite3")
        assert db.execute("SELECT key, name FROM lists").fetchall() == [("grocery", "Grocery")]
        assert db.execute("SELECT id, text FROM items").fetchall() == [(added.item.id, "milk")]
        assert added.new and added.list.count == 1 and added.item.list == "Grocery"

    async def test_same_key_adds_once(self, adapter: LocalListsAdapter) -> None:
        """Repeating an add with the same idempotency key returns the first item."""
        first = await adapter.add_item(ItemDraft(list="todo", item="Call Ana"), CallContext("r/s1"))
        again = await adapter.add_item(ItemDraft(list="todo", item="Call Ana"), CallContext("r/s1", 2))
        assert again.item.id == first.item.id and not again.new
        assert (await adapter.get_list(ListRef(list="todo"), CTX)).items == [first.item]

    async def test_same_text_is_not_added_twice(self, adapter: LocalListsAdapter) -> None:
        """An item already on the list (any case) is returned, not duplicated."""
        await adapter.add_item(ItemDraft(list="grocery", item="Milk"), CallContext("a"))
        repeat = await adapter.add_item(ItemDraft(list="GROCERY", item="milk"), CallContext("b"))
        assert not repeat.new and repeat.item.text == "Milk" and repeat.list.count == 1

    async def test_create_list_is_idempotent(self, adapter: LocalListsAdapter) -> None:
        """Creating a list twice makes one list and says the second time it existed."""
        first = await adapter.create_list(ListRef(list="Packing"), CTX)
        second = await adapter.create_list(ListRef(list="packing list"), CTX)
        assert first.new and not second.new
        overview = await adapter.list_lists(NoParams(), CTX)
        assert [(s.name, s.count) for s in overview.lists] == [("Packing", 0)]

    async def test_get_list_keeps_order_of_adding(self, adapter: LocalListsAdapter) -> None:
        """Items come back oldest first."""
        for n, item in enumerate(["eggs", "bread", "apples"]):
            await adapter.add_item(ItemDraft(list="grocery", item=item), CallContext(f"k{n}"))
        contents = await adapter.get_list(ListRef(list="grocery"), CTX)
        assert [i.text for i in contents.items] == ["eggs", "bread", "apples"]

    async def test_unknown_list_names_the_known_ones(self, adapter: LocalListsAdapter) -> None:
        """Reading a list that does not exist is NotFound, naming the lists there are."""
        await adapter.create_list(ListRef(list="todo"), CTX)
        with pytest.raises(NotFound, match=r"no list named 'chores' \(lists: todo\)"):
            await adapter.get_list(ListRef(list="chores"), CTX)

    async def test_find_items_across_and_within_lists(self, adapter: LocalListsAdapter) -> None:
        """Items holding the words are found on every list, or only on the one named."""
        await adapter.add_item(ItemDraft(list="grocery", item="oat milk"), CallContext("a"))
        await adapter.add_item(ItemDraft(list="party", item="Milk chocolate"), CallContext("b"))
        await adapter.add_item(ItemDraft(list="party", item="balloons"), CallContext("c"))
        everywhere = await adapter.find_items(ItemQuery(text="MILK"), CTX)
        on_party = await adapter.find_items(ItemQuery(text="milk", list="party list"), CTX)
        assert [(i.list, i.text) for i in everywhere.items] == [
            ("grocery", "oat milk"),
            ("party", "Milk chocolate"),
        ]
        assert [i.text for i in on_party.items] == ["Milk chocolate"]

    async def test_remove_item(self, adapter: LocalListsAdapter) -> None:
        """A removed item is gone from its list; removing it again says it did not exist."""
        added = await adapter.add_item(ItemDraft(list="todo", item="taxes"), CTX)
        removed = await adapter.remove_item(ItemRef(id=added.item.id), CTX)
        assert removed.existed and removed.list is not None
        assert (removed.list.name, removed.list.count) == ("todo", 0)
        assert not (await adapter.remove_item(ItemRef(id=added.item.id), CTX)).existed
        assert (await adapter.get_list(ListRef(list="todo"), CTX)).items == []

    async def test_delete_list_removes_its_items(self, adapter: LocalListsAdapter, tmp_path: Path) -> None:
        """Deleting a list removes it and its items, and leaves other lists alone."""
        await adapter.add_item(ItemDraft(list="todo", item="a"), CallContext("1"))
        await adapter.add_item(ItemDraft(list="todo", item="b"), CallContext("2"))
        await adapter.add_item(ItemDraft(list="grocery", item="c"), CallContext("3"))
        deleted = await adapter.delete_list(ListRef(list="TODO"), CTX)
        again = await adapter.delete_list(ListRef(list="todo"), CTX)
        assert (deleted.name, deleted.existed, deleted.items) == ("todo", True, 2)
        assert not again.existed
        db = sqlite3.connect(tmp_path / "lists.sqlite3")
        assert db.execute("SELECT text FROM items").fetchall() == [("c",)]

    async def test_check_counts_lists(self, adapter: LocalListsAdapter) -> None:
        """check() is ok and says how many lists the file holds."""
        await adapter.create_list(ListRef(list="todo"), CTX)
        result = await adapter.check()
        assert result.ok and "(1 list)" in result.detail

    async def test_unusable_file_fails_the_check(self, tmp_path: Path) -> None:
        """A path that is a directory makes check() say not ok, instead of raising."""
        (tmp_path / "taken").mkdir()
        broken = LocalListsAdapter(LocalListsConfig(path=Path("taken")), AdapterEnv("lists", tmp_path))
        result = await broken.check()
        assert not result.ok and "taken" in result.detail
