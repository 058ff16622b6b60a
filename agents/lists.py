"""ListsAgent: keeps named lists (groceries, todo, packing) and their items."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from automate.agents.base import ActionContext, Agent, action
from automate.agents.matching import Clue, WordQuery, words
from automate.integrations.email.base import NoParams
from automate.integrations.errors import ActionError, NeedsClarification, NotFound
from automate.integrations.lists.models import (
    AddedItem,
    CreatedList,
    DeletedList,
    ItemDraft,
    ItemRef,
    ItemText,
    ListContents,
    ListItem,
    ListName,
    ListOverview,
    ListRef,
    ListSummary,
    RemovedItem,
    item_key,
    list_key,
)
from automate.integrations.model import Model

__all__ = [
    "AddItemParams",
    "ListChange",
    "ListView",
    "ListsAgent",
    "RemoveItemParams",
    "ShowListParams",
]

SERVICE = "lists"
_SEPARATORS = re.compile(r"[\W_]+")
MAX_CHOICES = 10
Outcome = Literal["list_created", "list_exists", "item_added", "item_present", "item_removed", "list_deleted"]


class AddItemParams(Model):
    """An item to put on a list; without an item, the list itself is created."""

    list: ListName = Field(description="The list's name, e.g. 'grocery'.")
    item: ItemText | None = Field(None, description="The item to add; none creates an empty list.")


class ShowListParams(Model):
    """Which list to show; without one, every list with its item count."""

    list: ListName | None = Field(None, description="The list to show; none shows every list.")


class RemoveItemParams(Model):
    """What to remove: an item (from the list given, or whichever holds it), or a whole list."""

    list: ListName | None = Field(
        None, description="The list to remove from, or to delete when no item is given."
    )
    item: ItemText | None = Field(
        None, description="The item to remove, from whichever list holds it if none is named."
    )

    @model_validator(mode="after")
    def _something(self) -> RemoveItemParams:
        if self.list is None and self.item is None:
            raise ValueError("say which item to remove, or which list to delete")
        return self


class ListChange(Model):
    """What a change did: the outcome, the list, the item, and the list's item count after it.

    For a deleted list, `count` is how many items it held.
    """

    outcome: Outcome
    list: str
    item: ListItem | None = None
    count: int = Field(ge=0)


class ListView(Model):
    """Lists with their counts, and the items of the one list asked for (if any)."""

    name: str | None = Field(None, description="The list shown, when one was asked for.")
    lists: list[ListSummary] = Field(default_factory=list)
    items: list[ListItem] = Field(default_factory=list)


class ListsAgent(Agent):
    """Owns lists: adds and removes items, never adds the same item twice."""

    name = "lists"
    description = (
        "Keeps your lists (groceries, todo, packing…): adds items or creates a list, "
        "shows one list or all of them, and removes items or whole lists."
    )
    requires = (SERVICE,)

    @action(
        "Add an item to a list (creating it), or create an empty list.", side_effect=True, idempotent=True
    )
    async def add_item(self, params: AddItemParams, ctx: ActionContext) -> ListChange:
        """Put the item on the list, or make the list; an item already there is left alone."""
        key = ctx.idempotency_key
        params = params.model_copy(update={"list": await self._spelt_as_stored(params.list)})
        if params.item is None:
            made = await self.manager.call(
                SERVICE,
                "create_list",
                ListRef(list=params.list),
                idempotency_key=key,
                expect=CreatedList,
            )
            outcome: Outcome = "list_created" if made.new else "list_exists"
            return ListChange(outcome=outcome, list=made.list.name, count=made.list.count)
        added = await self.manager.call(
            SERVICE,
            "add_item",
            ItemDraft(list=params.list, item=params.item),
            idempotency_key=key,
            expect=AddedItem,
        )
        outcome = "item_added" if added.new else "item_present"
        return ListChange(outcome=outcome, list=added.list.name, item=added.item, count=added.list.count)

    @action("Show one list's items, or every list with how many items it has.", side_effect=False)
    async def show_list(self, params: ShowListParams, ctx: ActionContext) -> ListView:
        """The named list and its items, or an overview of all lists."""
        if params.list is None:
            overview = await self.manager.call(SERVICE, "list_lists", NoParams(), expect=ListOverview)
            return ListView(lists=overview.lists)
        contents = await self._contents(await self._spelt_as_stored(params.list))
        summary = ListSummary(name=contents.name, count=len(contents.items))
        return ListView(name=contents.name, lists=[summary], items=contents.items)

    @action(
        "Remove an item from a list (or from whichever list holds it), or delete a list.",
        side_effect=True,
        destructive=True,
        idempotent=True,
    )
    async def remove_item(self, params: RemoveItemParams, ctx: ActionContext) -> ListChange:
        """Take the one matching item off its list, or delete the named list; ask when unsure."""
        if params.list is not None:
            params = params.model_copy(update={"list": await self._spelt_as_stored(params.list)})
        if params.item is not None:
            return await self._remove(params.item, params.list, ctx)
        if params.list is not None:
            return await self._delete_list(params.list, ctx)
        raise ActionError("Say which item to remove, or which list to delete.")

    def say(self, action_name: str, output: BaseModel) -> str:
        """One sentence for a person about an action's outcome."""
        if isinstance(output, ListChange):
            return _say_change(output)
        if isinstance(output, ListView):
            if output.name is not None:
                if not output.items:
                    return f"Your {output.name} list is empty."
                return f"{output.name}: " + ", ".join(i.text for i in output.items)
            if not output.lists:
                return "You have no lists yet."
            return "Your lists: " + ", ".join(f"{s.name} ({s.count})" for s in output.lists)
        return "Done."

    async def _spelt_as_stored(self, name: str) -> str:
        """The existing list a name means when only its spaces or hyphens differ ("to do", "to-do")."""
        lists = (await self.manager.call(SERVICE, "list_lists", NoParams(), expect=ListOverview)).lists
        if any(list_key(s.name) == list_key(name) for s in lists):
            return name
        alike = [s.name for s in lists if _letters(s.name) == _letters(name)]
        return alike[0] if len(alike) == 1 else name

    async def _contents(self, name: str) -> ListContents:
        return await self.manager.call(SERVICE, "get_list", ListRef(list=name), expect=ListContents)

    async def _delete_list(self, name: str, ctx: ActionContext) -> ListChange:
        """Delete a list that exists; `NotFound` (naming the lists there are) otherwise."""
        contents = await self._contents(name)
        deleted = await self.manager.call(
            SERVICE,
            "delete_list",
            ListRef(list=contents.name),
            idempotency_key=ctx.idempotency_key,
            expect=DeletedList,
        )
        return ListChange(outcome="list_deleted", list=deleted.name, count=deleted.items)

    async def _remove(self, text: str, list_name: str | None, ctx: ActionContext) -> ListChange:
        """Remove the one item `text` names from `list_name` (or from whichever list holds it)."""
        item = await self._locate(text, list_name)
        removed = await self.manager.call(
            SERVICE,
            "remove_item",
            ItemRef(id=item.id),
            idempotency_key=ctx.idempotency_key,
            expect=RemovedItem,
        )
        count = removed.list.count if removed.list is not None else 0
        return ListChange(outcome="item_removed", list=item.list, item=item, count=count)

    async def _locate(self, text: str, list_name: str | None) -> ListItem:
        """The one item `text` names: the items its words fit best ("eggs" is "egg").

        Without a list, every list is searched: the item is taken from the one list holding it,
        and the person is asked which list when several do.
        """
        items = await self._items(list_name)
        query = WordQuery(text)
        if query.names_nothing:  # words such as "the" tell no item apart: only the very text will do
            candidates = [i for i in items if item_key(i.text) == item_key(text)]
        else:
            candidates = query.best(items, lambda i: [Clue(i.text)])
        if not candidates:
            where = f"your {list_name} list" if list_name else "any list"
            raise NotFound(f"There is no '{text}' on {where}.", service=SERVICE, operation="remove_item")
        if len(candidates) > 1:
            options = [f"'{i.text}' on {i.list}" for i in candidates[:MAX_CHOICES]]
            one_item = len({tuple(words(i.text)) for i in candidates}) == 1
            raise NeedsClarification(
                "Which do you mean: " + "; ".join(options) + "?", slot="list" if one_item else "item"
            )
        return candidates[0]

    async def _items(self, list_name: str | None) -> list[ListItem]:
        """The items on the list named (`NotFound` naming the lists there are), or on every list."""
        if list_name is not None:
            return (await self._contents(list_name)).items
        overview = await self.manager.call(SERVICE, "list_lists", NoParams(), expect=ListOverview)
        return [
            item
            for summary in overview.lists
            if summary.count
            for item in (await self._contents(summary.name)).items
        ]


def _letters(name: str) -> str:
    """A list name without its separators, to tell "to do" and "to-do" are one spelling."""
    return _SEPARATORS.sub("", list_key(name))


def _say_change(change: ListChange) -> str:
    """'Added milk to grocery (3 items).' and the like."""
    items = f"{change.count} item{'s' if change.count != 1 else ''}"
    text = change.item.text if change.item is not None else ""
    return {
        "list_created": f"Created the {change.list} list.",
        "list_exists": f"You already have a {change.list} list ({items}).",
        "item_added": f"Added {text} to {change.list} ({items}).",
        "item_present": f"{text} is already on {change.list} ({items}).",
        "item_removed": f"Removed {text} from {change.list} ({items} left).",
        "list_deleted": f"Deleted the {change.list} list ({items}).",
    }[change.outcome]
