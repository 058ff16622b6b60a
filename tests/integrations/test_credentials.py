"""The encrypted credential store, and secrets kept out of logs and errors end to end."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import structlog
from cryptography.fernet import Fernet
from pydantic import SecretStr

from automate.integrations.calendar.models import EventDraft, TimeRange
from automate.integrations.config import load_config
from automate.integrations.credentials import KEY_ENV, CredentialStore, CredentialStoreError, OAuthToken
from automate.integrations.errors import AuthError
from automate.integrations.manager import IntegrationManager
from automate.integrations.redaction import redact
from tests.integrations.contracts import at
from tests.peers.google_calendar import (
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    FakeGoogleCalendar,
    running_google_calendar,
)
from tests.peers.radicale import running_radicale

CLIENT_SECRET = "GOCSPX-store-test-secret"


def token(uri: str = "http://127.0.0.1:9/token") -> OAuthToken:
    """A Google token with every secret field set."""
    return OAuthToken(
        token=SecretStr(ACCESS_TOKEN),
        refresh_token=SecretStr(REFRESH_TOKEN),
        token_uri=uri,
        client_id="client.apps.googleusercontent.com",
        client_secret=SecretStr(CLIENT_SECRET),
        scopes=["https://www.googleapis.com/auth/calendar"],
    )


def mode(path: Path) -> int:
    """The permission bits of a file."""
    return stat.S_IMODE(path.stat().st_mode)


class TestCredentialStore:
    """Round trips, encryption at rest, key handling and clear errors."""

    def test_password_and_token_round_trip_through_a_new_store(self, tmp_path: Path) -> None:
        """What one store writes, another store on the same directory reads back."""
        CredentialStore(tmp_path, env={}).set_password("imap", "hunter2-imap")
        CredentialStore(tmp_path, env={}).set_token("google", token())
        again = CredentialStore(tmp_path, env={})
        password, stored = again.password("imap"), again.token("google")
        assert password is not None and password.get_secret_value() == "hunter2-imap"
        assert stored is not None and stored.refresh_token is not None
        assert stored.refresh_token.get_secret_value() == REFRESH_TOKEN
        assert stored.scopes == ["https://www.googleapis.com/auth/calendar"]
        assert again.services() == ["google", "imap"]

    def test_file_is_encrypted_and_private(self, tmp_path: Path) -> None:
        """The store holds no secret in clear, and both it and the key file are mode 0600."""
        store = CredentialStore(tmp_path, env={})
        store.set_password("smtp", "clear-text-never")
        store.set_token("google", token())
        blob = store.path.read_bytes()
        for secret in ("clear-text-never", ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET):
            assert secret.encode() not in blob
        assert mode(store.path) == 0o600
        assert mode(store.key_path) == 0o600

    def test_key_from_the_environment_is_used_and_no_key_file_is_written(self, tmp_path: Path) -> None:
        """With AUTOMATE_SECRET_KEY set, that key encrypts and no key file appears."""
        env = {KEY_ENV: Fernet.generate_key().decode()}
        CredentialStore(tmp_path, env=env).set_password("smtp", "env-keyed-pass")
        assert not (tmp_path / "secret.key").exists()
        plain = Fernet(env[KEY_ENV].encode()).decrypt((tmp_path / "credentials.enc").read_bytes())
        assert b"env-keyed-pass" in plain

    def test_wrong_key_gives_a_clear_error(self, tmp_path: Path) -> None:
        """Reading with another key says the key is not the one the store was written with."""
        CredentialStore(tmp_path, env={KEY_ENV: Fernet.generate_key().decode()}).set_password(
            "smtp", "sealed-pass"
        )
        other = CredentialStore(tmp_path, env={KEY_ENV: Fernet.generate_key().decode()})
        with pytest.raises(CredentialStoreError, match="not the one it was written with") as caught:
            other.password("smtp")
        assert "sealed-pass" not in str(caught.value)

    def test_malformed_key_says_how_to_make_one(self, tmp_path: Path) -> None:
        """A key that is not a Fernet key is refused with the command that makes a good one."""
        store = CredentialStore(tmp_path, env={KEY_ENV: "correct horse battery staple"})
        with pytest.raises(CredentialStoreError, match=r"Fernet\.generate_key"):
            store.set_password("smtp", "whatever-pass")

    def test_key_file_readable_by_others_is_refused(self, tmp_path: Path) -> None:
        """A key file with group/other permissions is refused with the chmod that fixes it."""
        CredentialStore(tmp_path, env={}).set_password("smtp", "perm-pass")
        os.chmod(tmp_path / "secret.key", 0o644)
        with pytest.raises(CredentialStoreError, match="chmod 600"):
            CredentialStore(tmp_path, env={}).password("smtp")

    def test_store_without_its_key_is_refused(self, tmp_path: Path) -> None:
        """If the key file is lost, the store is not silently replaced by a new key."""
        CredentialStore(tmp_path, env={}).set_password("smtp", "orphan-pass")
        (tmp_path / "secret.key").unlink()
        with pytest.raises(CredentialStoreError, match="key is missing"):
            CredentialStore(tmp_path, env={}).password("smtp")
        assert not (tmp_path / "secret.key").exists()

    def test_damaged_store_is_reported(self, tmp_path: Path) -> None:
        """A truncated store file is an error naming the file, not a crash."""
        store = CredentialStore(tmp_path, env={})
        store.set_password("smtp", "soon-damaged")
        store.path.write_bytes(store.path.read_bytes()[:20])
        with pytest.raises(CredentialStoreError, match=r"credentials\.enc"):
            CredentialStore(tmp_path, env={}).services()

    def test_read_secrets_are_registered_for_redaction(self, tmp_path: Path) -> None:
        """Once read from the store, a secret is masked wherever it is printed."""
        CredentialStore(tmp_path, env={}).set_password("caldav", "redact-me-9137")
        # A fresh store (another process, say) reads it and registers it.
        CredentialStore(tmp_path, env={}).password("caldav")
        assert redact("login failed for redact-me-9137") == "login failed for ***"

    def test_a_password_too_short_to_mask_is_refused(self, tmp_path: Path) -> None:
        """Storing a three-character password is refused, and nothing is written."""
        store = CredentialStore(tmp_path, env={})
        with pytest.raises(CredentialStoreError, match="shorter than 4 characters"):
            store.set_password("smtp", "abc")
        assert store.services() == []

    def test_delete_forgets_a_service(self, tmp_path: Path) -> None:
        """delete removes a service's entry and says whether there was one."""
        store = CredentialStore(tmp_path, env={})
        store.set_password("smtp", "forget-me-pass")
        assert (store.delete("smtp"), store.delete("smtp")) == (True, False)
        assert store.services() == []

    def test_empty_password_is_refused(self, tmp_path: Path) -> None:
        """Storing an empty password is an error, not a silent blank credential."""
        with pytest.raises(CredentialStoreError):
            CredentialStore(tmp_path, env={}).set_password("smtp", "")


class TestSecretsStayOutOfLogsAndErrors:
    """A run that uses every stored secret leaves none of them in logs, errors or checks."""

    async def test_no_secret_in_captured_logs_errors_or_checks(self, tmp_path: Path) -> None:
        """CalDAV and Google calls through the manager (ok, refresh, auth failure) never leak a secret."""
        home, config_dir = tmp_path / "home", tmp_path / "config"
        config_dir.mkdir()
        good, bad = "caldav-good-5521", "caldav-wrong-7730"
        with (
            running_radicale(tmp_path / "radicale", password=good) as radicale,
            running_google_calendar(FakeGoogleCalendar()) as fake,
        ):
            (config_dir / "integrations_config.yaml").write_text(
                "services:\n"
                "  calendar:\n"
                "    adapter: caldav\n"
                f"    settings: {{url: '{radicale.url}', username: {radicale.username}, calendar: Work,"
                " allow_plaintext_auth: true}\n"
                "  calendar_bad:\n"
                "    adapter: caldav\n"
                "    retry: {attempts: 2, initial_backoff: 0.01, max_backoff: 0.01}\n"
                f"    settings: {{url: '{radicale.url}', username: {radicale.username},"
                " allow_plaintext_auth: true}\n"
                "  gcal:\n"
                "    adapter: google_calendar\n"
                f"    settings: {{api_endpoint: '{fake.api_endpoint}'}}\n"
            )
            store = CredentialStore(home)
            store.set_password("calendar", good)
            store.set_password("calendar_bad", bad)
            store.set_token("google", token(fake.token_uri))
            fake.valid_tokens.discard(ACCESS_TOKEN)  # forces a refresh with every OAuth secret
            config = load_config(config_dir, env={}, home=home)
            errors: list[str] = []
            draft = EventDraft(title="Planning", start=at(9), end=at(10))
            window = TimeRange(start=at(0), end=at(23))
            with structlog.testing.capture_logs() as logs:
                async with IntegrationManager.from_config(config) as manager:
                    await manager.call("calendar", "insert_event", draft, idempotency_key="r/1")
                    await manager.call("gcal", "insert_event", draft, idempotency_key="r/1")
                    await manager.call("gcal", "list_events", window)
                    try:
                        await manager.call("calendar_bad", "list_events", window)
                    except AuthError as exc:
                        errors.append(str(exc))
                        errors.append(repr(exc.__cause__))
                    checks = await manager.check()
            refreshed = sorted(fake.valid_tokens - {ACCESS_TOKEN})
        secrets = [good, bad, ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET, *refreshed]
        captured = repr(logs) + repr(errors) + repr([c.model_dump() for c in checks])
        assert refreshed and errors and logs
        assert any(e.get("outcome") != "ok" for e in logs)  # the auth failure was logged
        for secret in secrets:
            assert secret not in captured
