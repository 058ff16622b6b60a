"""The operations every lists adapter offers."""

from __future__ import annotations

from abc import abstractmethod

from automate.integrations.adapter import Adapter, CallContext, ConfigT, operation
from automate.integrations.email.base import NoParams
from automate.integrations.lists.models import (
    AddedItem,
    CreatedList,
    DeletedList,
    ItemDraft,
    ItemList,
    ItemQuery,
    ItemRef,
    ListContents,
    ListOverview,
    ListRef,
    RemovedItem,
)

__all__ = ["ListsAdapter"]


class ListsAdapter(Adapter[ConfigT]):
    """Named lists of items (groceries, todo, packing), matched by normalised name.

    `add_item` must be safe to repeat with the same idempotency key: the item's
    id comes from the key, and an item already on the list (same text, any
    case) is returned instead of being added twice.
    """

    @operation(idempotent=True)
    @abstractmethod
    async def create_list(self, params: ListRef, ctx: CallContext) -> CreatedList:
        """Create an empty list, or return the one that already has this name."""

    @operation(idempotent=False)
    @abstractmethod
    async def add_item(self, params: ItemDraft, ctx: CallContext) -> AddedItem:
        """Put an item on a list, creating the list when needed."""

    @operation(idempotent=True)
    @abstractmethod
    async def get_list(self, params: ListRef, ctx: CallContext) -> ListContents:
        """One list with its items; `NotFound` if there is no such list."""

    @operation(idempotent=True)
    @abstractmethod
    async def list_lists(self, params: NoParams, ctx: CallContext) -> ListOverview:
        """Every list with its item count."""

    @operation(idempotent=True)
    @abstractmethod
    async def find_items(self, params: ItemQuery, ctx: CallContext) -> ItemList:
        """Items whose text holds every word, on one list (`NotFound` if none such) or any."""

    @operation(idempotent=True)
    @abstractmethod
    async def remove_item(self, params: ItemRef, ctx: CallContext) -> RemovedItem:
        """Take an item off its list; removing one already gone is not an error."""

    @operation(idempotent=True)
    @abstractmethod
    async def delete_list(self, params: ListRef, ctx: CallContext) -> DeletedList:
        """Delete a list and its items; deleting one that does not exist is not an error."""
