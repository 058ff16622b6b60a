"""What address-book adapters take and return."""

from __future__ import annotations

from pydantic import Field, field_validator

from automate.integrations.email.models import Address, check_header
from automate.integrations.model import Model

__all__ = ["Contact", "ContactList", "ContactQuery"]


class Contact(Model):
    """A person: a name, an address, and how they relate to the user ("sister")."""

    name: str = Field(min_length=1, max_length=200, description="The person's name.")
    email: str | None = Field(None, max_length=320, description="Their email address.")
    relation: str | None = Field(None, max_length=100, description="How they relate to you, e.g. 'sister'.")
    phone: str | None = Field(None, max_length=50, description="Their phone number.")

    @field_validator("email")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        return None if value is None else Address(email=value).email

    @field_validator("name", "relation")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return None if value is None else check_header(value, "contact field")


class ContactQuery(Model):
    """A name, an address or a relation to look up (case-insensitive, prefix match)."""

    query: str = Field(min_length=1, max_length=200)
    limit: int = Field(10, ge=1, le=100)


class ContactList(Model):
    """Contacts, best match first."""

    contacts: list[Contact] = Field(default_factory=list)
