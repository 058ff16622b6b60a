"""The `server:` block of settings.yaml: defaults, secrets as ${ENV} references, redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from automate.integrations.config import load_config
from automate.integrations.errors import ConfigError
from automate.integrations.redaction import redact


def settings(directory: Path, text: str) -> Path:
    """Write a settings.yaml into `directory`."""
    directory.mkdir(exist_ok=True)
    (directory / "settings.yaml").write_text(text)
    return directory


class TestServerSettings:
    def test_the_shipped_defaults_listen_on_loopback_with_the_token_from_the_environment(
        self, home: Path
    ) -> None:
        """Shipped: 127.0.0.1:8765, 1 MiB bodies, no hooks, token = $AUTOMATE_API_TOKEN."""
        server = load_config(env={"AUTOMATE_API_TOKEN": "shipped-token-123"}, home=home).settings.server
        assert (server.host, server.port, server.max_body_bytes, server.webhooks) == (
            "127.0.0.1",
            8765,
            1_048_576,
            {},
        )
        assert server.token is not None and server.token.get_secret_value() == "shipped-token-123"

    def test_an_unset_token_variable_leaves_the_token_unset(self, home: Path) -> None:
        """Without the variable the config still loads (a task needs no token); the token is None."""
        assert load_config(env={}, home=home).settings.server.token is None

    def test_a_literal_secret_is_a_config_error_naming_the_key_and_line(
        self, tmp_path: Path, home: Path
    ) -> None:
        """A token or hook secret written in the file is refused, with file, line and key path."""
        directory = settings(
            tmp_path / "c", "server:\n  webhooks:\n    h:\n      workflow: w\n      secret: hunter22\n"
        )
        with pytest.raises(ConfigError) as caught:
            load_config(directory, env={}, home=home)
        assert caught.value.key == "server.webhooks.h.secret"
        assert caught.value.file.endswith("settings.yaml:5")
        assert "${ENV_VAR}" in caught.value.problem
        token_dir = settings(tmp_path / "d", "server:\n  token: plain-token\n")
        with pytest.raises(ConfigError, match="never literal"):
            load_config(token_dir, env={}, home=home)

    def test_resolved_secrets_are_masked_everywhere(self, tmp_path: Path, home: Path) -> None:
        """The token and each hook secret, once loaded, are registered for redaction."""
        directory = settings(
            tmp_path / "c",
            "server:\n  token: ${TOK}\n  webhooks:\n    h:\n      workflow: w\n"
            "      secret: ${SEC:-fallback-secret-xyz}\n",
        )
        server = load_config(directory, env={"TOK": "token-value-4567"}, home=home).settings.server
        assert server.webhooks["h"].secret is not None
        assert server.webhooks["h"].secret.get_secret_value() == "fallback-secret-xyz"
        assert redact("a token-value-4567 b fallback-secret-xyz") == "a *** b ***"

    def test_bad_values_are_config_errors(self, tmp_path: Path, home: Path) -> None:
        """A port out of range, a tiny body limit or a hook name with a slash are refused."""
        for text, key in (
            ("server:\n  port: 70000\n", "server.port"),
            ("server:\n  max_body_bytes: 10\n", "server.max_body_bytes"),
            ("server:\n  webhooks:\n    a/b: {workflow: w}\n", "server.webhooks"),
        ):
            with pytest.raises(ConfigError) as caught:
                load_config(settings(tmp_path / "c", text), env={}, home=home)
            assert caught.value.key == key
