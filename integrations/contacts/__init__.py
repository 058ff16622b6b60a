"""Address books: find and add contacts."""

from automate.integrations.contacts.base import ContactsAdapter
from automate.integrations.contacts.models import Contact, ContactList, ContactQuery

__all__ = ["Contact", "ContactList", "ContactQuery", "ContactsAdapter"]
