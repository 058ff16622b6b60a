"""Lists: named lists of items (groceries, todo), and the adapters that keep them."""

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
)

__all__ = [
    "AddedItem",
    "CreatedList",
    "DeletedList",
    "ItemDraft",
    "ItemList",
    "ItemQuery",
    "ItemRef",
    "ListContents",
    "ListItem",
    "ListOverview",
    "ListRef",
    "ListSummary",
    "ListsAdapter",
    "RemovedItem",
]
