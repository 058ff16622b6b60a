"""Tests for the configuration loader: one clear error per problem, env secrets, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from automate.integrations import registry
from automate.integrations.adapter import Adapter, CallContext, operation
from automate.integrations.config import RateLimitConfig, RetryConfig, StrictModel, load_config
from automate.integrations.errors import ConfigError
from automate.integrations.redaction import redact
from automate.integrations.testing import EchoParams, EchoResult


class TokenSettings(StrictModel):
    """Settings of a service that needs a secret."""

    url: str
    token: SecretStr


class TokenAdapter(Adapter[TokenSettings]):
    """An adapter whose settings include a secret token."""

    name = "token_echo"
    config_model = TokenSettings

    @operation(idempotent=True)
    async def echo(self, params: EchoParams, ctx: CallContext) -> EchoResult:
        """Repeat the text."""
        return EchoResult(text=params.text, attempt=ctx.attempt, idempotency_key=None)


@pytest.fixture(autouse=True)
def token_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._LOADED, "token_echo", TokenAdapter)


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "config"
    directory.mkdir()
    return directory


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


def load_error(user_dir: Path, env: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as raised:
        load_config(user_dir, env=env or {}, home=user_dir.parent / "home")
    return raised.value


TOKEN_SERVICE = """\
services:
  api:
    adapter: token_echo
    settings:
      url: ${API_URL:-http://127.0.0.1:9}
      token: ${API_TOKEN}
"""


class TestLoadConfig:
    def test_yaml_syntax_error_names_file_line_key_and_problem(self, user_dir: Path) -> None:
        """An unclosed bracket is one ConfigError with file:line, the enclosing key path and the problem."""
        path = write(
            user_dir,
            "integrations_config.yaml",
            "services:\n  calendar:\n    adapter: local_calendar\n    retry: {attempts: 3\n  mail:\n",
        )
        error = load_error(user_dir)
        assert error.file == f"{path}:4"
        assert error.key == "services.calendar.retry"
        assert error.problem.startswith("invalid YAML: expected ',' or '}'")
        assert str(error).startswith(f"{path}:4: services.calendar.retry: invalid YAML")

    def test_bad_indentation_points_at_the_offending_line(self, user_dir: Path) -> None:
        """A mis-indented key is reported at its own line and under its parent keys."""
        path = write(
            user_dir,
            "integrations_config.yaml",
            "services:\n  calendar:\n    adapter: local_calendar\n    timeout: 3\n   retry: 4\n",
        )
        error = load_error(user_dir)
        assert (error.file, error.key) == (f"{path}:5", "services.calendar.retry")

    def test_unknown_key_names_file_line_and_key_path(self, user_dir: Path) -> None:
        """A misspelt policy key is one ConfigError naming the line and the full key path."""
        path = write(
            user_dir,
            "integrations_config.yaml",
            "services:\n  calendar:\n    adapter: local_calendar\n    retry:\n"
            "      attempts: 3\n      atempts: 4\n",
        )
        error = load_error(user_dir)
        assert (error.file, error.key, error.problem) == (
            f"{path}:6",
            "services.calendar.retry.atempts",
            "unknown key",
        )

    def test_unknown_settings_key_is_reported_in_the_settings_file(self, user_dir: Path) -> None:
        """An unknown key in settings.yaml names that file and its line."""
        path = write(user_dir, "settings.yaml", "scheduler:\n  proposals: 3\n  colour: red\n")
        error = load_error(user_dir)
        assert (error.file, error.key, error.problem) == (f"{path}:3", "scheduler.colour", "unknown key")

    def test_env_references_resolve_and_secrets_are_registered(self, user_dir: Path) -> None:
        """${VAR} and ${VAR:-default} resolve from the environment; resolved secrets get masked."""
        write(user_dir, "integrations_config.yaml", TOKEN_SERVICE)
        config = load_config(user_dir, env={"API_TOKEN": "tok-env-0123456789"}, home=user_dir.parent / "home")
        settings = TokenSettings.model_validate(config.integrations.services["api"].settings)
        assert settings.url == "http://127.0.0.1:9"
        assert settings.token.get_secret_value() == "tok-env-0123456789"
        assert redact("Bearer tok-env-0123456789") == "Bearer ***"

    def test_a_literal_secret_is_rejected(self, user_dir: Path) -> None:
        """A secret written into the file instead of an ${ENV} reference is refused."""
        path = write(
            user_dir,
            "integrations_config.yaml",
            TOKEN_SERVICE.replace("${API_TOKEN}", "plain-text-token"),
        )
        error = load_error(user_dir)
        assert (error.file, error.key) == (f"{path}:6", "services.api.settings.token")
        assert "${ENV_VAR} references" in error.problem
        assert "plain-text-token" not in str(error)

    def test_missing_env_var_for_an_enabled_service_is_an_error(self, user_dir: Path) -> None:
        """An enabled service whose secret variable is unset fails to load, naming the variable."""
        write(user_dir, "integrations_config.yaml", TOKEN_SERVICE)
        error = load_error(user_dir)
        assert error.key == "services.api.settings.token"
        assert error.problem == "environment variable API_TOKEN is not set"

    def test_missing_env_var_for_a_disabled_service_is_fine(self, user_dir: Path) -> None:
        """A disabled service may reference variables that are not set."""
        write(
            user_dir,
            "integrations_config.yaml",
            TOKEN_SERVICE.replace("adapter: token_echo", "adapter: token_echo\n    enabled: false").replace(
                "${API_TOKEN}", "${API_TOKEN:-}"
            ),
        )
        config = load_config(user_dir, env={}, home=user_dir.parent / "home")
        assert not config.integrations.services["api"].enabled

    def test_user_directory_replaces_a_service_block_and_merges_settings(self, user_dir: Path) -> None:
        """A user's service block replaces the shipped one whole; a settings key overrides just itself."""
        write(
            user_dir,
            "integrations_config.yaml",
            "services:\n  calendar:\n    adapter: local_calendar\n    timeout: 5\n"
            "    settings: {path: mine.sqlite3}\n",
        )
        write(user_dir, "settings.yaml", "timezone: Europe/Lisbon\nscheduler:\n  proposals: 5\n")
        config = load_config(user_dir, env={}, home=user_dir.parent / "home")
        calendar = config.integrations.services["calendar"]
        assert calendar.timeout == 5
        assert calendar.retry == RetryConfig()  # the shipped retry block went with the block
        assert str(calendar.settings["path"]) == "mine.sqlite3"
        assert "outbox" in config.integrations.services  # other shipped blocks stay
        assert config.settings.timezone == "Europe/Lisbon"
        assert config.settings.scheduler.proposals == 5
        assert config.settings.scheduler.slot_step_minutes == 30  # merged, not replaced
        assert config.sources[-1] == user_dir / "settings.yaml"

    def test_an_adapter_that_cannot_be_imported_is_a_config_error(
        self, user_dir: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A known adapter whose module is missing is reported as a config problem, not a crash."""
        monkeypatch.setitem(registry._PATHS, "ghost", "automate.integrations.no_such_module:Ghost")
        path = write(user_dir, "integrations_config.yaml", "services:\n  spooky:\n    adapter: ghost\n")
        error = load_error(user_dir)
        assert (error.file, error.key) == (f"{path}:3", "services.spooky.adapter")
        assert "cannot be loaded" in error.problem

    def test_unknown_adapter_lists_the_known_ones(self, user_dir: Path) -> None:
        """An adapter name nobody registered is refused with the list of known names."""
        write(user_dir, "integrations_config.yaml", "services:\n  x:\n    adapter: nonesuch\n")
        error = load_error(user_dir)
        assert error.key == "services.x.adapter"
        assert "unknown adapter 'nonesuch'" in error.problem
        assert "local_calendar" in error.problem


class TestConfigDirectories:
    def test_the_xdg_directory_is_read_when_nothing_is_named(self, tmp_path: Path) -> None:
        """With no --config and no AUTOMATE_CONFIG, $XDG_CONFIG_HOME/automate overrides the defaults."""
        (tmp_path / "automate").mkdir()
        (tmp_path / "automate" / "settings.yaml").write_text("timezone: Asia/Tokyo\n")
        config = load_config(env={"XDG_CONFIG_HOME": str(tmp_path)}, home=tmp_path / "home")
        assert config.settings.timezone == "Asia/Tokyo"

    def test_a_named_directory_wins_over_the_xdg_one(self, tmp_path: Path) -> None:
        """AUTOMATE_CONFIG is used instead of the XDG directory."""
        for name, zone in (("automate", "Asia/Tokyo"), ("mine", "Europe/Paris")):
            (tmp_path / name).mkdir()
            (tmp_path / name / "settings.yaml").write_text(f"timezone: {zone}\n")
        env = {"XDG_CONFIG_HOME": str(tmp_path), "AUTOMATE_CONFIG": str(tmp_path / "mine")}
        assert load_config(env=env, home=tmp_path / "home").settings.timezone == "Europe/Paris"


class TestShortSecrets:
    def test_a_service_secret_too_short_to_mask_is_refused_at_load(self, user_dir: Path) -> None:
        """A three-character token is one ConfigError naming the file, line, key and problem."""
        path = write(user_dir, "integrations_config.yaml", TOKEN_SERVICE)
        error = load_error(user_dir, env={"API_TOKEN": "abc"})
        assert (error.file, error.key) == (f"{path}:6", "services.api.settings.token")
        assert "shorter than 4 characters" in error.problem and "abc" not in str(error)

    def test_a_settings_secret_too_short_to_mask_is_refused_at_load(self, user_dir: Path) -> None:
        """A two-character API token in settings.yaml is refused, naming settings.yaml and server.token."""
        path = write(user_dir, "settings.yaml", "server:\n  token: ${AUTOMATE_API_TOKEN}\n")
        error = load_error(user_dir, env={"AUTOMATE_API_TOKEN": "xy"})
        assert (error.file, error.key) == (f"{path}:2", "server.token")
        assert "too short to be masked" in error.problem

    def test_a_four_character_secret_loads_and_is_masked(self, user_dir: Path) -> None:
        """The shortest accepted secret is masked wherever it is printed."""
        write(user_dir, "integrations_config.yaml", TOKEN_SERVICE)
        load_config(user_dir, env={"API_TOKEN": "q7#z"}, home=user_dir.parent / "home")
        assert redact("refused q7#z for you") == "refused *** for you"


class TestRateLimitConfig:
    @pytest.mark.parametrize("value", ["0", "-5", ".inf", ".nan", "100000"])
    def test_a_bad_max_retry_after_is_one_clear_error(self, user_dir: Path, value: str) -> None:
        """max_retry_after must be a finite positive number of seconds, at most a day."""
        write(
            user_dir,
            "integrations_config.yaml",
            f"services:\n  cal:\n    adapter: local_calendar\n    rate_limit: {{max_retry_after: {value}}}\n",
        )
        error = load_error(user_dir)
        assert error.key == "services.cal.rate_limit.max_retry_after"
        assert "\n" not in str(error)

    def test_unset_burst_is_a_window_of_the_whole_requests(self) -> None:
        """Without burst, `requests` calls may start per `per_seconds` window (whole calls, at least one)."""
        assert (RateLimitConfig(requests=50).capacity, RateLimitConfig(requests=50).window) == (50, 1.0)
        fractional = RateLimitConfig(requests=2.5, per_seconds=1)
        assert (fractional.capacity, fractional.window) == (2, pytest.approx(0.8))
        assert RateLimitConfig(requests=0.5, per_seconds=1).window == 2.0

    def test_a_set_burst_is_a_token_bucket(self) -> None:
        """With burst set there is no window: the bucket holds `burst` tokens; pauses cap at 300 s."""
        config = RateLimitConfig(requests=50, burst=5)
        assert (config.capacity, config.window, config.max_retry_after) == (5, None, 300.0)
