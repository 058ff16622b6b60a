"""Adapters by name, imported only when a configuration names them.

Keeping import paths as strings keeps start-up fast: the Google client is
imported only by a configuration that uses the Google adapter. Host apps add
their own adapters with `register_adapter`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from automate.integrations.adapter import Adapter

__all__ = ["adapter_class", "adapter_names", "register_adapter"]

_PATHS: dict[str, str] = {
    "anthropic": "automate.integrations.anthropic:AnthropicAdapter",
    "http": "automate.integrations.http:HttpAdapter",
    "local_calendar": "automate.integrations.calendar.local:LocalCalendarAdapter",
    "local_mail": "automate.integrations.email.local:LocalMailAdapter",
    "local_contacts": "automate.integrations.contacts.local:LocalContactsAdapter",
    "local_reminders": "automate.integrations.reminders.local:LocalRemindersAdapter",
    "local_lists": "automate.integrations.lists.local:LocalListsAdapter",
    "memory_calendar": "automate.integrations.fakes:MemoryCalendarAdapter",
    "memory_mail": "automate.integrations.fakes:MemoryMailAdapter",
    "memory_contacts": "automate.integrations.fakes:MemoryContactsAdapter",
    "caldav": "automate.integrations.calendar.caldav:CalDAVAdapter",
    "google_calendar": "automate.integrations.calendar.google:GoogleCalendarAdapter",
    "smtp": "automate.integrations.email.smtp:SmtpAdapter",
    "imap": "automate.integrations.email.imap:ImapAdapter",
}
_LOADED: dict[str, type[Adapter[Any]]] = {}


def register_adapter(name: str, target: str | type[Adapter[Any]]) -> None:
    """Make an adapter available to configs under `name` (a class or ``"module:Class"``)."""
    if isinstance(target, str):
        _PATHS[name] = target
        _LOADED.pop(name, None)
    else:
        _LOADED[name] = target


def adapter_names() -> list[str]:
    """Every adapter name a config may use."""
    return sorted(set(_PATHS) | set(_LOADED))


def adapter_class(name: str) -> type[Adapter[Any]]:
    """The adapter class for `name`; `KeyError` with a helpful message if unknown."""
    if name in _LOADED:
        return _LOADED[name]
    if name not in _PATHS:
        raise KeyError(f"unknown adapter {name!r} (known: {', '.join(adapter_names())})")
    module_name, _, class_name = _PATHS[name].partition(":")
    cls: type[Adapter[Any]] = getattr(import_module(module_name), class_name)
    _LOADED[name] = cls
    return cls
