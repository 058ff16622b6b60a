"""``automate auth …``: sign in to Google, store a service's password, show credential states.

    automate auth google [--client-secrets FILE] [--no-browser]
    automate auth set SERVICE
    automate auth status

Everything lands in the encrypted credential store under the data directory
(see `integrations.credentials`); nothing secret is ever printed.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

from automate.integrations.config import AppConfig, ServiceConfig, load_config
from automate.integrations.credentials import CredentialStore, CredentialStoreError
from automate.integrations.errors import AuthError
from automate.integrations.google_auth import (
    CALENDAR_SCOPES,
    GOOGLE_SERVICE,
    CredentialState,
    run_installed_app_flow,
    token_state,
)
from automate.integrations.redaction import redact
from automate.integrations.registry import adapter_class
from automate.runtime.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE

__all__ = ["auth_google", "auth_set", "auth_status", "cmd_auth", "credential_states", "run_auth"]

Prompt = Callable[[str], str]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="automate auth", description="store credentials, encrypted")
    sub = parser.add_subparsers(dest="action", required=True, metavar="google | set SERVICE | status")
    google = sub.add_parser("google", help="sign in to Google (opens a browser, or prints the URL)")
    google.add_argument(
        "--client-secrets",
        type=Path,
        metavar="FILE",
        help="the OAuth client file (JSON) from Google Cloud console",
    )
    google.add_argument("--no-browser", action="store_true", help="print the URL instead of opening it")
    google.add_argument("--port", type=int, default=0, help="loopback port for the redirect (default: any)")
    setter = sub.add_parser("set", help="store the password of a service (asked, not echoed)")
    setter.add_argument("service", help="the service name in integrations_config.yaml")
    sub.add_parser("status", help="show whether each credential is valid, expiring or broken")
    return parser


def cmd_auth(args: argparse.Namespace) -> int:
    """`automate auth ...`: the words after `auth` are this module's own command line."""
    return run_auth(list(args.auth_args), config_dir=args.config)


def run_auth(
    argv: list[str],
    *,
    config_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    prompt: Prompt = getpass.getpass,
    out: TextIO | None = None,
) -> int:
    """Run one ``automate auth`` subcommand; returns the exit status."""
    out = out or sys.stdout
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    config = load_config(config_dir, env=env)
    store = CredentialStore(config.home, env)
    try:
        if args.action == "google":
            return auth_google(
                config,
                store,
                client_secrets=args.client_secrets,
                open_browser=not args.no_browser,
                port=args.port,
                out=out,
            )
        if args.action == "set":
            return auth_set(config, store, args.service, prompt=prompt, out=out)
        return auth_status(config, store, out=out)
    except (CredentialStoreError, AuthError) as exc:
        print(f"automate: {redact(str(exc))}", file=out)
        return EXIT_FAILED


def auth_google(
    config: AppConfig,
    store: CredentialStore,
    *,
    client_secrets: Path | None = None,
    open_browser: bool = True,
    port: int = 0,
    out: TextIO,
) -> int:
    """Run Google's installed-app consent flow and store the token encrypted."""
    secrets = client_secrets or _client_secrets_setting(config)
    if secrets is None:
        print(
            "automate: no Google OAuth client file. Create an OAuth client of type 'Desktop app' in "
            "Google Cloud console, download its JSON, then run `automate auth google "
            "--client-secrets FILE` (or set `client_secrets:` in the google_calendar service settings).",
            file=out,
        )
        return EXIT_USAGE
    secrets = secrets.expanduser()
    if not secrets.is_absolute():
        secrets = config.home / secrets
    if not secrets.is_file():
        print(f"automate: OAuth client file {secrets} does not exist", file=out)
        return EXIT_USAGE
    token = run_installed_app_flow(secrets, scopes=CALENDAR_SCOPES, open_browser=open_browser, port=port)
    store.set_token(GOOGLE_SERVICE, token)
    print(f"Signed in to Google; the token is stored encrypted in {store.path}.", file=out)
    return EXIT_OK


def auth_set(config: AppConfig, store: CredentialStore, service: str, *, prompt: Prompt, out: TextIO) -> int:
    """Ask for a service's password (without echo) and store it encrypted."""
    if service not in config.integrations.services:
        known = ", ".join(sorted(config.integrations.services)) or "none"
        print(f"note: {service!r} is not configured yet (configured: {known}); storing anyway.", file=out)
    password = prompt(f"Password for {service}: ")
    if not password:
        print("automate: no password given; nothing stored", file=out)
        return EXIT_USAGE
    store.set_password(service, password)
    print(f"Stored the password for {service} (encrypted, in {store.path}).", file=out)
    return EXIT_OK


def auth_status(config: AppConfig, store: CredentialStore, *, out: TextIO) -> int:
    """Print each credential's state and the command that fixes a broken one."""
    states = credential_states(config, store)
    if not states:
        print("No service needs credentials; nothing stored.", file=out)
        return EXIT_OK
    for state in states:
        mark = "ok  " if state.usable else "FIX "
        print(f"{mark} {state.service:<14} {state.status:<14} {state.describe()}", file=out)
    return EXIT_OK if all(state.usable for state in states) else EXIT_FAILED


def credential_states(config: AppConfig, store: CredentialStore) -> list[CredentialState]:
    """The state of every credential the configuration uses or the store holds."""
    states: dict[str, CredentialState] = {}
    for name, service in config.integrations.services.items():
        if not service.enabled:
            continue
        settings = _settings(service)
        if settings is None:
            continue
        token_entry = getattr(settings, "credentials", None)
        if service.adapter == "google_calendar" and isinstance(token_entry, str):
            states.setdefault(token_entry, token_state(store.token(token_entry), service=token_entry))
        elif getattr(settings, "username", None) and "password" in type(settings).model_fields:
            states[name] = _password_state(name, settings, store)
    for name in store.services():
        if name not in states:
            entry = store.get(name)
            if entry is not None and entry.oauth is not None:
                states[name] = token_state(entry.oauth, service=name)
            else:
                states[name] = CredentialState(
                    service=name, status="valid", detail="password stored (no configured service uses it)"
                )
    return [states[name] for name in sorted(states)]


def _password_state(name: str, settings: Any, store: CredentialStore) -> CredentialState:
    if settings.password is not None:
        return CredentialState(service=name, status="valid", detail="password from the environment")
    if store.password(name) is not None:
        return CredentialState(service=name, status="valid", detail="password stored (encrypted)")
    return CredentialState(
        service=name, status="missing", detail="no password", fix=f"automate auth set {name}"
    )


def _settings(service: ServiceConfig) -> Any:
    try:
        return adapter_class(service.adapter).config_model.model_validate(service.settings)
    except (KeyError, ValueError):
        return None


def _client_secrets_setting(config: AppConfig) -> Path | None:
    for service in config.integrations.services.values():
        value = service.settings.get("client_secrets") if service.adapter == "google_calendar" else None
        if value:
            return Path(str(value))
    return None
