"""ListsAgent on the embedded SQLite lists store, through a real IntegrationManager."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import pytest

from automate.agents.base import ActionContext
from automate.agents.lists import (
    AddItemParams,
    ListChange,
    ListsAgent,
    ListView,
    RemoveItemParams,
    ShowListParams,
)
from automate.integrations.config import AppConfig
from automate.integrations.email.base import NoParams
from automate.integrations.errors import InvalidRequest, NeedsClarification, NotFound
from automate.integrations.lists.models import CreatedList, ListContents, ListOverview, ListRef
from automate.integrations.manager import IntegrationManager
from automate.integrations.testing import app_config
from automate.runtime.result import TaskStatus
from automate.runtime.runtime import Runtime
from tests.conftest import NOW


@pytest.fixture
async def agent(home: Path) -> AsyncIterator[ListsAgent]:
    """A lists agent whose service is the local adapter under a temporary home."""
    config = app_config(
        {"lists": {"adapter": "local_lists", "settings": {"path": "lists/l.sqlite3"}}},
        home=home,
        settings={"timezone": "Europe/Lisbon"},
    )
    async with IntegrationManager.from_config(config, ListsAgent.requires) as manager:
        yield ListsAgent(manager, config.settings)


@pytest.fixture
async def runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    """The embedded defaults on a temporary home, the clock stopped at NOW."""
    async with Runtime(local_config, now=fixed_now) as rt:
        yield rt


async def fill(runtime: Runtime, lists: dict[str, list[str]]) -> None:
    """Put items on lists through the runtime's lists agent, each in a run of its own."""
    for name, items in lists.items():
        for item in items:
            await runtime.agent(ListsAgent).run(
                "add_item", {"list": name, "item": item}, ActionContext(now=NOW)
            )


async def contents(runtime: Runtime) -> dict[str, list[str]]:
    """Every list and its items, read back from the store."""
    manager = runtime.agent(ListsAgent).manager
    overview = await manager.call("lists", "list_lists", NoParams(), expect=ListOverview)
    held = {}
    for summary in overview.lists:
        listed = await manager.call("lists", "get_list", ListRef(list=summary.name), expect=ListContents)
        held[summary.name] = [i.text for i in listed.items]
    return held


def ctx(step: str = "s1", run: str = "run-1") -> ActionContext:
    """An action context for one step of one run."""
    return ActionContext(run_id=run, step_id=step, now=NOW)


async def add(agent: ListsAgent, step: str, list_: str, item: str | None = None) -> ListChange:
    """Add through the agent's validated entry point."""
    out = await agent.run("add_item", {"list": list_, "item": item}, ctx(step))
    assert isinstance(out, ListChange)
    return out


def stored(home: Path) -> list[tuple[str, str]]:
    """(list key, item text) of every stored item, in order of adding."""
    db = sqlite3.connect(home / "lists" / "l.sqlite3")
    return db.execute("SELECT list_key, text FROM items ORDER BY rowid").fetchall()


class TestAddItem:
    """Adding items and creating lists."""

    async def test_adds_to_a_new_list(self, agent: ListsAgent, home: Path) -> None:
        """An item on an unknown list creates the list and lands in the configured file."""
        change = await add(agent, "s1", "Grocery list", "milk")
        assert (change.outcome, change.list, change.count) == ("item_added", "Grocery", 1)
        assert stored(home) == [("grocery", "milk")]
        assert agent.say("add_item", change) == "Added milk to Grocery (1 item)."

    async def test_retried_step_adds_once(self, agent: ListsAgent, home: Path) -> None:
        """Running the same step twice (same idempotency key) adds the item once."""
        await agent.add_item(AddItemParams(list="todo", item="taxes"), ctx())
        again = await agent.add_item(AddItemParams(list="todo", item="taxes"), ctx())
        assert again.outcome == "item_present" and again.count == 1
        assert stored(home) == [("todo", "taxes")]

    async def test_item_already_there_is_not_doubled(self, agent: ListsAgent, home: Path) -> None:
        """The same item in another case, from another step, stays one item."""
        await add(agent, "a", "grocery", "Milk")
        change = await add(agent, "b", "GROCERY", "milk")
        assert change.outcome == "item_present"
        assert agent.say("add_item", change) == "Milk is already on grocery (1 item)."
        assert stored(home) == [("grocery", "Milk")]

    async def test_no_item_creates_the_list(self, agent: ListsAgent) -> None:
        """Without an item the list is created; a second time it already exists."""
        first = await add(agent, "a", "Packing")
        second = await add(agent, "b", "packing list")
        assert (first.outcome, second.outcome) == ("list_created", "list_exists")
        view = await agent.show_list(ShowListParams(), ctx())
        assert [(s.name, s.count) for s in view.lists] == [("Packing", 0)]

    @pytest.mark.parametrize(
        ("params", "problem"),
        [
            ({"list": "todo\r\nBcc: x", "item": "a"}, "one line"),
            ({"list": "todo", "item": "x" * 501}, "at most 500"),
            ({"item": "milk"}, "list"),
        ],
    )
    async def test_bad_params_are_invalid_requests(
        self, agent: ListsAgent, params: dict[str, str], problem: str
    ) -> None:
        """Line breaks, oversized items and a missing list are refused clearly."""
        with pytest.raises(InvalidRequest, match=problem):
            await agent.run("add_item", params, ctx())


class TestShowList:
    """Showing one list or all of them."""

    async def test_one_list_in_order(self, agent: ListsAgent) -> None:
        """A named list shows its items oldest first."""
        for step, item in enumerate(["eggs", "bread", "apples"]):
            await add(agent, f"s{step}", "grocery", item)
        view = await agent.run("show_list", {"list": "Grocery List"}, ctx())
        assert isinstance(view, ListView)
        assert view.name == "grocery" and [i.text for i in view.items] == [
            "eggs",
            "bread",
            "apples",
        ]
        assert agent.say("show_list", view) == "grocery: eggs, bread, apples"

    async def test_all_lists_with_counts(self, agent: ListsAgent) -> None:
        """Without a name, every list is shown with its count."""
        await add(agent, "a", "todo", "taxes")
        await add(agent, "b", "grocery", "milk")
        await add(agent, "c", "grocery", "eggs")
        view = await agent.show_list(ShowListParams(), ctx())
        assert agent.say("show_list", view) == "Your lists: grocery (2), todo (1)"

    async def test_empty_named_list_and_no_lists(self, agent: ListsAgent) -> None:
        """An empty list and having no lists both read as sentences."""
        assert agent.say("show_list", await agent.show_list(ShowListParams(), ctx())) == (
            "You have no lists yet."
        )
        await add(agent, "a", "packing")
        view = await agent.show_list(ShowListParams(list="packing"), ctx())
        assert agent.say("show_list", view) == "Your packing list is empty."

    async def test_a_name_spelt_with_other_separators_is_the_stored_list(
        self, agent: ListsAgent, home: Path
    ) -> None:
        """ "to do" and "todo" mean the stored "to-do" list: shown, added to and removed from there."""
        await add(agent, "a", "to-do", "taxes")
        view = await agent.show_list(ShowListParams(list="to do"), ctx())
        assert view.name == "to-do" and [i.text for i in view.items] == ["taxes"]
        await add(agent, "b", "todo", "rent")
        await agent.run("remove_item", {"list": "To Do", "item": "taxes"}, ctx("c"))
        assert stored(home) == [("to-do", "rent")]

    async def test_two_lists_alike_are_not_guessed_between(self, agent: ListsAgent) -> None:
        """When "to-do" and "to_do" both exist (made by another client), "to do" names neither."""
        await add(agent, "a", "to-do", "taxes")
        await agent.manager.call("lists", "create_list", ListRef(list="to_do"), expect=CreatedList)
        with pytest.raises(NotFound, match="no list named 'to do'"):
            await agent.show_list(ShowListParams(list="to do"), ctx())

    async def test_unknown_list_names_the_known_ones(self, agent: ListsAgent) -> None:
        """Showing a list that does not exist is NotFound naming the lists there are."""
        await add(agent, "a", "todo", "taxes")
        with pytest.raises(NotFound, match=r"no list named 'chores' \(lists: todo\)"):
            await agent.show_list(ShowListParams(list="chores"), ctx())


class TestRemoveItem:
    """Removing items and deleting lists."""

    async def test_item_without_list_is_found_on_its_list(self, agent: ListsAgent, home: Path) -> None:
        """An item named without a list is removed from the one list holding it."""
        await add(agent, "a", "grocery", "milk")
        await add(agent, "b", "todo", "taxes")
        change = await agent.run("remove_item", {"item": "MILK"}, ctx("c"))
        assert isinstance(change, ListChange)
        assert (change.outcome, change.list, change.count) == ("item_removed", "grocery", 0)
        assert stored(home) == [("todo", "taxes")]

    async def test_exact_match_wins_over_partial(self, agent: ListsAgent, home: Path) -> None:
        """'milk' removes the item 'milk', not 'oat milk' on the same list."""
        await add(agent, "a", "grocery", "oat milk")
        await add(agent, "b", "grocery", "milk")
        change = await agent.remove_item(RemoveItemParams(list="grocery", item="milk"), ctx("c"))
        assert change.item is not None and change.item.text == "milk"
        assert stored(home) == [("grocery", "oat milk")]

    async def test_item_on_several_lists_asks_which(self, agent: ListsAgent, home: Path) -> None:
        """The same item on two lists raises a question naming both lists; nothing is removed."""
        await add(agent, "a", "grocery", "milk")
        await add(agent, "b", "party", "milk")
        with pytest.raises(NeedsClarification) as caught:
            await agent.remove_item(RemoveItemParams(item="milk"), ctx("c"))
        assert caught.value.slot == "list"
        assert caught.value.question == "Which do you mean: 'milk' on grocery; 'milk' on party?"
        assert len(stored(home)) == 2

    async def test_partial_matches_ask_which_item(self, agent: ListsAgent) -> None:
        """Words matching several items (none exactly) ask which item."""
        await add(agent, "a", "grocery", "oat milk")
        await add(agent, "b", "grocery", "soy milk")
        with pytest.raises(NeedsClarification) as caught:
            await agent.remove_item(RemoveItemParams(list="grocery", item="milk"), ctx("c"))
        assert caught.value.slot == "item"

    async def test_missing_item_is_not_found(self, agent: ListsAgent) -> None:
        """An item no list holds is NotFound, saying where it looked."""
        await add(agent, "a", "grocery", "milk")
        with pytest.raises(NotFound, match=r"There is no 'bread' on your grocery list\."):
            await agent.remove_item(RemoveItemParams(list="grocery", item="bread"), ctx("c"))
        with pytest.raises(NotFound, match=r"There is no 'bread' on any list\."):
            await agent.remove_item(RemoveItemParams(item="bread"), ctx("c"))

    async def test_list_without_item_deletes_the_list(self, agent: ListsAgent, home: Path) -> None:
        """Naming only a list deletes it and its items, and says how many went."""
        await add(agent, "a", "todo", "taxes")
        await add(agent, "b", "todo", "dentist")
        await add(agent, "c", "grocery", "milk")
        change = await agent.remove_item(RemoveItemParams(list="TODO list"), ctx("d"))
        assert agent.say("remove_item", change) == "Deleted the todo list (2 items)."
        assert stored(home) == [("grocery", "milk")]
        view = await agent.show_list(ShowListParams(), ctx())
        assert [s.name for s in view.lists] == ["grocery"]

    async def test_deleting_an_unknown_list_is_not_found(self, agent: ListsAgent) -> None:
        """Deleting a list that does not exist is NotFound, not a silent success."""
        with pytest.raises(NotFound, match="no list named 'chores' \\(there are no lists yet\\)"):
            await agent.remove_item(RemoveItemParams(list="chores"), ctx())

    async def test_remove_needs_something(self, agent: ListsAgent) -> None:
        """A remove naming neither item nor list is refused before any call."""
        with pytest.raises(InvalidRequest, match="say which item"):
            await agent.run("remove_item", {}, ctx())

    async def test_an_item_named_without_its_list_leaves_the_one_list_holding_it(
        self, runtime: Runtime
    ) -> None:
        """'remove the eggs from the list' takes 'egg' off shopping, the one list holding it."""
        await fill(runtime, {"shopping": ["milk", "egg"], "todo": ["fix the bike"]})
        removing = runtime.agent(ListsAgent)
        change = await removing.run("remove_item", {"item": "the eggs"}, ActionContext(now=NOW))
        assert isinstance(change, ListChange) and change.list == "shopping"
        assert await contents(runtime) == {"shopping": ["milk"], "todo": ["fix the bike"]}

    async def test_an_item_on_several_lists_asks_which_list(self, runtime: Runtime) -> None:
        """'eggs' held by two lists asks which, naming both, and removes nothing."""
        await fill(runtime, {"shopping": ["egg"], "party": ["Eggs"]})
        with pytest.raises(NeedsClarification) as caught:
            await runtime.agent(ListsAgent).run("remove_item", {"item": "eggs"}, ActionContext(now=NOW))
        assert caught.value.slot == "list"
        assert "on party" in caught.value.question and "on shopping" in caught.value.question
        assert await contents(runtime) == {"party": ["Eggs"], "shopping": ["egg"]}

    async def test_an_item_the_list_lacks_a_word_of_is_not_removed(self, runtime: Runtime) -> None:
        """'remove oat milk from my shopping list' fails when the list holds only 'milk'."""
        await fill(runtime, {"shopping": ["milk"]})
        result = await runtime.handle("remove oat milk from my shopping list")
        assert result.status is TaskStatus.FAILED
        assert "There is no 'oat milk' on your shopping list." in result.message
        assert await contents(runtime) == {"shopping": ["milk"]}


class TestDescription:
    """How the agent presents itself to the router and help."""

    def test_describes_its_actions(self) -> None:
        """The agent lists its three actions with the param names the router uses."""
        info = ListsAgent.describe()
        assert info.name == "lists" and info.requires == ["lists"]
        actions = {a.name: a for a in info.actions}
        assert {name: a.side_effect for name, a in actions.items()} == {
            "add_item": True,
            "show_list": False,
            "remove_item": True,
        }
        assert set(actions["remove_item"].params_schema["properties"]) == {"list", "item"}
