"""Webhooks: a signed delivery to `POST /hooks/{name}` starts that hook's workflow once.

A delivery is signed with HMAC-SHA256 of its raw body under the hook's
secret, sent as ``X-Automate-Signature: sha256=<hex>`` (GitHub's
``X-Hub-Signature-256`` is read too). The signature is checked in constant
time before the body is parsed; an unsigned or wrongly signed delivery
starts nothing. ``X-Automate-Delivery`` (or ``X-GitHub-Delivery``) names
the delivery: the run id is derived from it, so a retried delivery finds its
run instead of starting another, in this process or after a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from automate.integrations.config import WebhookSettings
from automate.integrations.errors import ConfigError
from automate.runtime.workflows.loader import Workflow

__all__ = [
    "DELIVERY_HEADERS",
    "SIGNATURE_HEADERS",
    "Hook",
    "delivery_run_id",
    "hooks_from_settings",
    "sign",
    "signature_valid",
]

SIGNATURE_HEADERS = ("x-automate-signature", "x-hub-signature-256")
DELIVERY_HEADERS = ("x-automate-delivery", "x-github-delivery")
_DELIVERY = re.compile(r"^[\x21-\x7e]{1,200}$")  # printable ASCII, no spaces, CR or LF
_IDS = uuid.UUID("0b7f8a52-3c1e-4c5e-9a57-1d2e6f4b9c30")


@dataclass(frozen=True)
class Hook:
    """A configured webhook: its name, its workflow, and the secret deliveries are signed with."""

    name: str
    workflow: Workflow
    secret: bytes


def sign(secret: bytes, body: bytes) -> str:
    """The signature header value for `body`: ``sha256=<hex digest>``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def signature_valid(secret: bytes, body: bytes, header: str | None) -> bool:
    """Whether `header` is the body's signature (compared in constant time)."""
    if not header:
        return False
    return hmac.compare_digest(header.strip().encode(), sign(secret, body).encode())


def delivery_id_problem(delivery: str) -> str | None:
    """Why a delivery id cannot be used, or None."""
    if not _DELIVERY.match(delivery):
        return "the delivery id must be 1-200 printable ASCII characters without spaces"
    return None


def delivery_run_id(hook: str, delivery: str) -> str:
    """The run a delivery starts: the same for every retry of it."""
    return uuid.uuid5(_IDS, f"{hook}\n{delivery}").hex


def hooks_from_settings(
    webhooks: Mapping[str, WebhookSettings], workflows: Mapping[str, Workflow]
) -> dict[str, Hook]:
    """Check each configured hook (its workflow exists and is webhook-triggered, it has a secret)."""
    hooks = {}
    for name, settings in webhooks.items():
        key = f"server.webhooks.{name}"
        workflow = workflows.get(settings.workflow)
        if workflow is None:
            known = ", ".join(sorted(workflows)) or "none"
            raise ConfigError("settings.yaml", key, f"no workflow {settings.workflow!r} (known: {known})")
        if workflow.spec.trigger.kind != "webhook":
            raise ConfigError(
                "settings.yaml",
                key,
                f"workflow {workflow.name!r} has trigger {workflow.spec.trigger.kind!r}; a hook needs"
                " `trigger: webhook`",
            )
        if settings.secret is None:
            raise ConfigError("settings.yaml", f"{key}.secret", "the hook's secret variable is not set")
        secret = settings.secret.get_secret_value().encode()
        if len(secret) < 16:
            raise ConfigError("settings.yaml", f"{key}.secret", "a hook secret needs at least 16 characters")
        hooks[name] = Hook(name=name, workflow=workflow, secret=secret)
    return hooks
