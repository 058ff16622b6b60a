"""The operations every address-book adapter offers."""

from __future__ import annotations

from abc import abstractmethod

from automate.integrations.adapter import Adapter, CallContext, ConfigT, operation
from automate.integrations.contacts.models import Contact, ContactList, ContactQuery

__all__ = ["ContactsAdapter"]


class ContactsAdapter(Adapter[ConfigT]):
    """An address book."""

    @operation(idempotent=True)
    @abstractmethod
    async def find_contacts(self, params: ContactQuery, ctx: CallContext) -> ContactList:
        """Contacts whose name, address or relation matches, best first."""

    @operation(idempotent=True)
    @abstractmethod
    async def add_contact(self, params: Contact, ctx: CallContext) -> Contact:
        """Add a contact, or update the one with the same address or name."""
