"""What list adapters take and return, and how list names are matched.

List names are matched predictably: case-insensitively, trimmed, inner runs
of spaces collapsed, and a trailing " list" dropped, so "Grocery List",
"grocery" and " GROCERY  list " name one list. Nothing cleverer ("groceries"
is another list), so a person can always tell which list a name means.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from automate.integrations.model import Model
from automate.integrations.reminders.models import one_line

__all__ = [
    "AddedItem",
    "CreatedList",
    "DeletedList",
    "ItemDraft",
    "ItemList",
    "ItemQuery",
    "ItemRef",
    "ItemText",
    "ListContents",
    "ListItem",
    "ListName",
    "ListOverview",
    "ListRef",
    "ListSummary",
    "RemovedItem",
    "display_name",
    "item_key",
    "item_text",
    "list_key",
]

_SPACES = re.compile(r"\s+")
_LIST_SUFFIX = re.compile(r"\s+list$", re.IGNORECASE)


def display_name(name: str) -> str:
    """A list name as shown: trimmed, spaces collapsed, a trailing " list" dropped."""
    name = _SPACES.sub(" ", one_line(name, "list name"))
    return _LIST_SUFFIX.sub("", name) or name


def list_key(name: str) -> str:
    """The key two names share when they name the same list."""
    return display_name(name).casefold()


def item_key(text: str) -> str:
    """The key two item texts share when they are the same item on a list."""
    return _SPACES.sub(" ", text.strip()).casefold()


def item_text(value: str) -> str:
    """An item as stored: one line, trimmed, inner spaces collapsed."""
    return _SPACES.sub(" ", one_line(value, "item"))


ListName = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(display_name)]
"""A list's name as shown (see `display_name`); `list_key` of it finds the list."""
ItemText = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(item_text)]
"""An item's text as stored (see `item_text`)."""


class ListRef(Model):
    """Names one list (any case, with or without a trailing " list")."""

    list: ListName


class ItemDraft(ListRef):
    """An item to put on a list (the list is created if it does not exist)."""

    item: ItemText
    id: str | None = Field(None, min_length=1, max_length=255)


class ListItem(Model):
    """An item on a list."""

    id: str
    list: str
    text: str
    created: datetime | None = None


class ListSummary(Model):
    """A list's name and how many items it holds."""

    name: str
    count: int = Field(ge=0)


class CreatedList(Model):
    """A list after `create_list`; `new` is false when it already existed."""

    list: ListSummary
    new: bool


class AddedItem(Model):
    """An item after `add_item`; `new` is false when the list already held it."""

    item: ListItem
    list: ListSummary
    new: bool


class ListContents(Model):
    """One list and its items, oldest first."""

    name: str
    items: list[ListItem] = Field(default_factory=list)


class ListOverview(Model):
    """Every list with its item count, by name."""

    lists: list[ListSummary] = Field(default_factory=list)


class ItemQuery(Model):
    """Items whose text holds every word of `text`, on one list or on any."""

    text: ItemText
    list: ListName | None = None


class ItemList(Model):
    """Items found, by list then age."""

    items: list[ListItem] = Field(default_factory=list)


class ItemRef(Model):
    """Names one item by its id."""

    id: str = Field(min_length=1, max_length=255)


class RemovedItem(Model):
    """The outcome of removing an item: `existed` is false when it was already gone."""

    id: str
    existed: bool
    list: ListSummary | None = Field(None, description="The item's list afterwards, if it existed.")


class DeletedList(Model):
    """The outcome of deleting a list: `existed` is false when there was none; `items` removed."""

    name: str
    existed: bool
    items: int = 0
