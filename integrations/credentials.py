"""An encrypted store for the secrets adapters need: passwords and OAuth tokens.

The store is one file, ``credentials.enc`` under the data directory, holding a
Fernet-encrypted JSON document keyed by service name. The key comes from
``AUTOMATE_SECRET_KEY`` (a Fernet key) or, when that is unset, from
``secret.key`` beside the store, created on first use readable by its owner
only. Every secret read out of the store is registered with
`integrations.redaction` so that it is masked wherever it might be printed.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from pydantic import BaseModel, Field, SecretStr, ValidationError

from automate.integrations.errors import AuthError, AutomationError
from automate.integrations.files import private_dir
from automate.integrations.model import Model
from automate.integrations.redaction import register_secret, short_secret_problem

__all__ = [
    "KEY_ENV",
    "CredentialStore",
    "CredentialStoreError",
    "OAuthToken",
    "ServiceCredentials",
    "service_password",
]

KEY_ENV = "AUTOMATE_SECRET_KEY"
STORE_FILE = "credentials.enc"
KEY_FILE = "secret.key"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL, not a secret
_GENERATE = 'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'


class CredentialStoreError(AutomationError):
    """The credential store cannot be opened, decrypted or written."""


class OAuthToken(Model):
    """An OAuth 2 authorisation: access token, refresh token and where to refresh it."""

    token: SecretStr | None = None
    refresh_token: SecretStr | None = None
    token_uri: str = GOOGLE_TOKEN_URI
    client_id: str
    client_secret: SecretStr | None = None
    scopes: list[str] = Field(default_factory=list)
    expiry: datetime | None = None
    refresh_error: str | None = None

    def secret_values(self) -> list[str]:
        """Every secret value in this token, for redaction."""
        fields = (self.token, self.refresh_token, self.client_secret)
        return [value.get_secret_value() for value in fields if value is not None]


class ServiceCredentials(Model):
    """What the store holds for one service."""

    password: SecretStr | None = None
    oauth: OAuthToken | None = None
    updated: datetime | None = None


class _Document(Model):
    services: dict[str, ServiceCredentials] = Field(default_factory=dict)


class CredentialStore:
    """Per-service passwords and OAuth tokens, encrypted at rest with Fernet."""

    def __init__(self, data_dir: Path, env: Mapping[str, str] | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / STORE_FILE
        self.key_path = self.data_dir / KEY_FILE
        self._env = os.environ if env is None else env
        self._lock = threading.Lock()
        self._fernet: Fernet | None = None

    # -- reading ---------------------------------------------------------

    def get(self, service: str) -> ServiceCredentials | None:
        """Everything stored for `service`, or None; every secret is registered for redaction."""
        entry = self._load().services.get(service)
        if entry is not None:
            _register(entry, f"{self.path}: {service}")
        return entry

    def password(self, service: str) -> SecretStr | None:
        """The stored password of `service`, or None."""
        entry = self.get(service)
        return entry.password if entry else None

    def token(self, service: str) -> OAuthToken | None:
        """The stored OAuth token of `service`, or None."""
        entry = self.get(service)
        return entry.oauth if entry else None

    def services(self) -> list[str]:
        """The names of every service with something stored."""
        return sorted(self._load().services)

    # -- writing ---------------------------------------------------------

    def set_password(self, service: str, password: str) -> None:
        """Store (or replace) the password of `service`."""
        if not password:
            raise CredentialStoreError("refusing to store an empty password")
        if problem := short_secret_problem(password):
            raise CredentialStoreError(f"refusing to store the password of {service}: {problem}")
        register_secret(password)
        self._update(service, password=SecretStr(password))

    def set_token(self, service: str, token: OAuthToken) -> None:
        """Store (or replace) the OAuth token of `service`."""
        for value in token.secret_values():
            register_secret(value)
        self._update(service, oauth=token)

    def delete(self, service: str) -> bool:
        """Forget everything stored for `service`; whether there was anything."""
        with self._lock:
            document = self._load()
            existed = document.services.pop(service, None) is not None
            if existed:
                self._save(document)
            return existed

    def _update(self, service: str, **changes: Any) -> None:
        with self._lock:
            document = self._load()
            current = document.services.get(service) or ServiceCredentials()
            changes["updated"] = datetime.now(UTC)
            document.services[service] = current.model_copy(update=changes)
            self._save(document)

    # -- the file and the key -------------------------------------------

    def _load(self) -> _Document:
        if not self.path.exists():
            return _Document()
        try:
            blob = self.path.read_bytes()
        except OSError as exc:
            raise CredentialStoreError(f"cannot read credential store {self.path}: {exc.strerror}") from None
        try:
            plain = self._cipher().decrypt(blob)
        except InvalidToken:
            raise CredentialStoreError(
                f"cannot decrypt credential store {self.path}: the key "
                f"({self._key_source()}) is not the one it was written with"
            ) from None
        try:
            return _Document.model_validate(json.loads(plain))
        except (ValueError, ValidationError):
            raise CredentialStoreError(f"credential store {self.path} is damaged") from None

    def _save(self, document: _Document) -> None:
        payload = json.dumps(_reveal(document), separators=(",", ":")).encode()
        blob = self._cipher().encrypt(payload)
        private_dir(self.data_dir)
        temp = self.path.with_suffix(".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self.path)

    def _key_source(self) -> str:
        return f"${KEY_ENV}" if self._env.get(KEY_ENV) else str(self.key_path)

    def _cipher(self) -> Fernet:
        if self._fernet is None:
            self._fernet = Fernet(self._key())
        return self._fernet

    def _key(self) -> bytes:
        configured = self._env.get(KEY_ENV)
        if configured:
            return _checked_key(configured.strip().encode(), f"${KEY_ENV}")
        if self.key_path.exists():
            mode = stat.S_IMODE(self.key_path.stat().st_mode)
            if mode & 0o077:
                raise CredentialStoreError(
                    f"key file {self.key_path} is readable by others (mode {mode:04o}); "
                    f"run: chmod 600 {self.key_path}"
                )
            return _checked_key(self.key_path.read_bytes().strip(), str(self.key_path))
        if self.path.exists():
            raise CredentialStoreError(
                f"credential store {self.path} exists but its key is missing: set ${KEY_ENV} "
                f"or restore {self.key_path}"
            )
        return self._create_key_file()

    def _create_key_file(self) -> bytes:
        key = Fernet.generate_key()
        private_dir(self.data_dir)
        try:
            fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            # Another process created it between our check and now: use theirs.
            return _checked_key(self.key_path.read_bytes().strip(), str(self.key_path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(key + b"\n")
        return key


def service_password(
    data_dir: Path, service: str, configured: SecretStr | None, *, username: str | None
) -> str | None:
    """A service's password: from its settings, else the store; None when nobody logs in.

    Raises `AuthError` naming the command that fixes it when a username is set
    and no password is found (or the store cannot be read).
    """
    if configured is not None:
        return configured.get_secret_value()
    if username is None:
        return None
    try:
        stored = CredentialStore(data_dir).password(service)
    except CredentialStoreError as exc:
        raise AuthError(f"cannot read the password for {service}: {exc}", service=service) from None
    if stored is None:
        raise AuthError(
            f"no password for {service}: run `automate auth set {service}` "
            "or set `password: ${ENV_VAR}` in its settings",
            service=service,
        )
    return stored.get_secret_value()


def _checked_key(key: bytes, source: str) -> bytes:
    try:
        Fernet(key)
    except ValueError:
        raise CredentialStoreError(
            f"{source} is not a valid key (32 url-safe base64-encoded bytes); make one with: {_GENERATE}"
        ) from None
    return key


def _register(entry: ServiceCredentials, where: str) -> None:
    """Register the entry's secrets; one too short to be masked is refused, naming `where`."""
    values = [entry.password.get_secret_value()] if entry.password is not None else []
    values += entry.oauth.secret_values() if entry.oauth is not None else []
    for value in values:
        if problem := short_secret_problem(value):
            raise CredentialStoreError(f"{where}: {problem}; store it again with `automate auth`")
        register_secret(value)


def _reveal(model: BaseModel) -> Any:
    """The JSON form of a model with its secrets in clear, for encryption only."""

    def walk(value: Any) -> Any:
        if isinstance(value, SecretStr):
            return value.get_secret_value()
        if isinstance(value, BaseModel):
            return {name: walk(getattr(value, name)) for name in type(value).model_fields}
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, datetime):
            return value.isoformat()
        return value

    return walk(model)
