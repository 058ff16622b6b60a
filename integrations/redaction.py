"""Keep secrets out of every log line, error message, output and stored record.

Secret values are registered when the configuration (or the credential
store) resolves them; `redact` is the one masking function: it replaces each
registered value, by exact value, in any string (inside mappings, sequences
and exceptions too) with ``***``. Keys that name secrets are blanked in log
events whatever their value. A secret shorter than `MIN_SECRET_CHARS` cannot
be masked safely (``abc`` would blank every word holding those letters), so
the places that load secrets refuse it (`short_secret_problem`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import MutableMapping
from typing import Any

__all__ = [
    "MIN_SECRET_CHARS",
    "SECRET_KEYS",
    "redact",
    "redact_event",
    "register_secret",
    "short_secret_problem",
]

SECRET_KEYS = re.compile(r"pass(word)?|secret|token|api_?key|authorization|credential", re.I)
MIN_SECRET_CHARS = 4
_MASK = "***"
_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None


def short_secret_problem(value: str) -> str | None:
    """Why `value` cannot be used as a secret (too short to mask), or None; empty means unset."""
    if 0 < len(value) < MIN_SECRET_CHARS:
        return f"the secret is shorter than {MIN_SECRET_CHARS} characters, too short to be masked in output"
    return None


def register_secret(value: str | None) -> None:
    """Remember a secret so that it is masked wherever it would appear.

    Raises `ValueError` for a secret too short to mask: callers check with
    `short_secret_problem` first and report it in their own terms.
    """
    global _pattern
    if not value:
        return
    if problem := short_secret_problem(value):
        raise ValueError(problem)
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
