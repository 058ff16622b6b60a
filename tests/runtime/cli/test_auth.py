"""`automate auth`: store a password, sign in to Google (real OAuth flow, local token endpoint), status."""

from __future__ import annotations

import io
import json
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from automate.integrations.credentials import CredentialStore
from automate.runtime.cli.auth import run_auth
from tests.peers.google_calendar import FakeGoogleCalendar, running_google_calendar


def write_config(directory: Path, services: str) -> Path:
    """A user config directory holding `services` as its integrations_config.yaml."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "integrations_config.yaml").write_text("services:\n" + services)
    return directory


CALDAV = "  calendar:\n    adapter: caldav\n    settings: {url: 'http://127.0.0.1:5232/', username: alice}\n"


class TestAuthSetAndStatus:
    """`auth set SERVICE` stores a password without printing it; `auth status` reports states."""

    def test_set_stores_the_password_encrypted_and_never_prints_it(self, tmp_path: Path) -> None:
        """The prompted password lands in the store, and the output does not contain it."""
        config = write_config(tmp_path / "config", CALDAV)
        env = {"AUTOMATE_HOME": str(tmp_path / "home")}
        out = io.StringIO()
        code = run_auth(
            ["set", "calendar"], config_dir=config, env=env, prompt=lambda _: "typed-secret-314", out=out
        )
        stored = CredentialStore(tmp_path / "home", env).password("calendar")
        assert code == 0
        assert stored is not None and stored.get_secret_value() == "typed-secret-314"
        assert "typed-secret-314" not in out.getvalue()
        assert "Stored the password for calendar" in out.getvalue()

    def test_status_names_the_command_for_a_missing_password(self, tmp_path: Path) -> None:
        """A CalDAV service with no password anywhere is reported with `automate auth set calendar`."""
        config = write_config(tmp_path / "config", CALDAV)
        env = {"AUTOMATE_HOME": str(tmp_path / "home")}
        out = io.StringIO()
        code = run_auth(["status"], config_dir=config, env=env, out=out)
        assert code == 1
        assert "missing" in out.getvalue() and "automate auth set calendar" in out.getvalue()
        run_auth(["set", "calendar"], config_dir=config, env=env, prompt=lambda _: "now-set-pass", out=out)
        after = io.StringIO()
        assert run_auth(["status"], config_dir=config, env=env, out=after) == 0
        assert "password stored" in after.getvalue()

    def test_empty_password_is_not_stored(self, tmp_path: Path) -> None:
        """An empty answer stores nothing and exits with a usage status."""
        env = {"AUTOMATE_HOME": str(tmp_path / "home")}
        code = run_auth(["set", "smtp"], env=env, prompt=lambda _: "", out=io.StringIO())
        assert code == 2
        assert CredentialStore(tmp_path / "home", env).services() == []

    def test_unknown_subcommand_is_a_usage_error(self, tmp_path: Path) -> None:
        """An unknown subcommand exits 2."""
        assert run_auth(["frobnicate"], env={"AUTOMATE_HOME": str(tmp_path)}, out=io.StringIO()) == 2


class TestAuthGoogle:
    """`auth google` runs the installed-app flow and stores the token it gets."""

    def test_without_client_secrets_explains_where_to_get_them(self, tmp_path: Path) -> None:
        """With no client file anywhere, the message says how to make one and exits 2."""
        out = io.StringIO()
        code = run_auth(["google"], env={"AUTOMATE_HOME": str(tmp_path)}, out=out)
        assert code == 2 and "--client-secrets" in out.getvalue()

    def test_flow_prints_the_url_and_stores_the_token(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With no browser the consent URL is printed; the redirect's code becomes a stored token."""
        # oauthlib refuses plain-http token endpoints unless told this is a test.
        monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
        with running_google_calendar(FakeGoogleCalendar()) as fake:
            secrets = tmp_path / "client.json"
            secrets.write_text(
                json.dumps(
                    {
                        "installed": {
                            "client_id": "cli-test.apps.googleusercontent.com",
                            "client_secret": "GOCSPX-cli-test",
                            "auth_uri": f"{fake.base_url}/o/oauth2/auth",
                            "token_uri": fake.token_uri,
                            "redirect_uris": ["http://localhost"],
                        }
                    }
                )
            )
            fake.auth_codes.add("4/consent-code")
            env = {"AUTOMATE_HOME": str(tmp_path / "home")}
            out = io.StringIO()
            result: list[int] = []
            worker = threading.Thread(
                target=lambda: result.append(
                    run_auth(["google", "--client-secrets", str(secrets), "--no-browser"], env=env, out=out)
                )
            )
            worker.start()
            url = _printed_url(capsys)
            query = parse_qs(urlsplit(url).query)
            redirect = query["redirect_uri"][0]
            with urllib.request.urlopen(
                f"{redirect}?state={query['state'][0]}&code=4/consent-code"
            ) as answer:
                page = answer.read().decode()
            worker.join(timeout=10)
        token = CredentialStore(tmp_path / "home", env).token("google")
        assert result == [0] and "signed in" in page
        assert query["client_id"] == ["cli-test.apps.googleusercontent.com"]
        assert token is not None and token.refresh_token is not None
        assert token.refresh_token.get_secret_value() in fake.refresh_tokens
        assert token.token_uri == fake.token_uri and token.client_id.startswith("cli-test")
        assert "GOCSPX-cli-test" not in out.getvalue()


def _printed_url(capsys: pytest.CaptureFixture[str], within: float = 10.0) -> str:
    """Wait for the flow to print its consent URL and return it."""
    seen = ""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        seen += capsys.readouterr().out
        for word in seen.split():
            if word.startswith("http") and "redirect_uri" in word:
                return word
        time.sleep(0.02)
    raise AssertionError(f"no consent URL printed: {seen!r}")
