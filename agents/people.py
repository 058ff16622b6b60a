"""Turning the people a request names into addresses, through the address book."""

from __future__ import annotations

from dataclasses import dataclass

from automate.integrations.contacts.models import ContactList, ContactQuery
from automate.integrations.email.models import Address
from automate.integrations.manager import IntegrationManager

__all__ = ["Person", "resolve_people"]

_POSSESSIVES = ("my ", "our ", "the ")


@dataclass(frozen=True)
class Person:
    """Someone a request named: the words used, and the contact they resolved to, if any."""

    said: str
    name: str | None
    email: str | None


async def resolve_people(manager: IntegrationManager, people: list[str]) -> list[Person]:
    """Resolve names, relations ("my sister") and addresses; unknown names keep no address."""
    resolved = []
    for said in people:
        said = said.strip()
        if not said:
            continue
        if "@" in said:
            address = Address(email=said)
            resolved.append(Person(said, None, address.email))
            continue
        query = said.lower()
        for prefix in _POSSESSIVES:
            query = query.removeprefix(prefix)
        found = await manager.call(
            "contacts", "find_contacts", ContactQuery(query=query, limit=1), expect=ContactList
        )
        if found.contacts:
            contact = found.contacts[0]
            resolved.append(Person(said, contact.name, contact.email))
        else:
            resolved.append(Person(said, said, None))
    return resolved
