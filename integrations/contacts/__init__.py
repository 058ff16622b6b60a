"""Address books: find and add contacts."""

from integrations.contacts.base import ContactsAdapter
from integrations.contacts.models import Contact, ContactList, ContactQuery

__all__ = ["Contact", "ContactList", "ContactQuery", "ContactsAdapter"]
