"""Keep secrets out of every log line, error message and output.

Secret values are registered when the configuration (or the credential
store) resolves them; `redact` replaces any registered value, in any string,
with ``***``. Keys that name secrets are blanked whatever their value.
"""

from __future__ import annotations

import re
import threading
from collections.abc import MutableMapping
from typing import Any

__all__ = ["SECRET_KEYS", "redact", "redact_event", "register_secret"]

SECRET_KEYS = re.compile(r"pass(word)?|secret|token|api_?key|authorization|credential", re.I)
_MASK = "***"
_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None


def register_secret(value: str | None) -> None:
    """Remember a secret so that it is masked wherever it would appear."""
    global _pattern
    if not value or len(value) < 4:
        return
    with _lock:
        if value not in _secrets:
            _secrets.add(value)
            ordered = sorted(_secrets, key=len, reverse=True)
            _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def redact(value: Any) -> Any:
    """Mask registered secrets inside strings, mappings and sequences."""
    pattern = _pattern
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(_MASK, value)
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact(v) for v in value)
    if isinstance(value, BaseException):
        return pattern.sub(_MASK, str(value))
    return value


def redact_event(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """A structlog processor: blank secret-named keys, mask registered values."""
    for key, value in list(event.items()):
        if SECRET_KEYS.search(key) and value is not None:
            event[key] = _MASK
        else:
            event[key] = redact(value)
    return event
