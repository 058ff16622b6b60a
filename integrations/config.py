"""Configuration: YAML files loaded into frozen pydantic models.

Two files make a configuration: ``integrations_config.yaml`` (one block per
service: adapter, policies, settings) and ``settings.yaml`` (the person's time
zone, working hours, router policy). The shipped defaults live in the
``configs`` package; a user's own directory (``--config DIR`` or
``AUTOMATE_CONFIG``) overrides them: a service block there replaces the shipped
block of the same name, and every other mapping is merged key by key.

Secrets are never written in a file: a setting typed ``SecretStr`` must be a
``${ENV_VAR}`` reference, resolved from the environment when the config loads
(in a service's settings and in ``settings.yaml`` alike), and registered for
redaction. In ``settings.yaml`` a reference to an unset variable leaves the
secret unset, so a command that does not need it still runs.
"""

from __future__ import annotations

import math
import os
import re
import typing
from collections.abc import Callable, Mapping
from datetime import datetime, time
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from automate.integrations.clock import pinned_now
from automate.integrations.errors import ConfigError
from automate.integrations.model import Model

__all__ = [
    "AppConfig",
    "BreakerConfig",
    "ExecutorSettings",
    "IntegrationsConfig",
    "MailSettings",
    "RateLimitConfig",
    "RetryConfig",
    "RouterPolicy",
    "SchedulerSettings",
    "ServerSettings",
    "ServiceConfig",
    "Settings",
    "StrictModel",
    "WebhookSettings",
    "config_dirs",
    "data_home",
    "load_config",
]

INTEGRATIONS_FILE = "integrations_config.yaml"
SETTINGS_FILE = "settings.yaml"
# libyaml's safe loader when PyYAML has it: several times faster at start-up.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ENV_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?\}$")


class StrictModel(Model):
    """Frozen and closed: an unknown key is an error, not a silent typo."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RateLimitConfig(StrictModel):
    """`requests` per `per_seconds`: a sliding window, or a token bucket bursting up to `burst`.

    Unset `burst` means what the words say: at most `requests` calls start in
    any `per_seconds` window (a whole burst may start at once). With `burst`
    set, at most ``burst + rate * w`` calls start in any window of *w* seconds.
    `max_retry_after` caps the pause a server may ask for (``Retry-After``).
    """

    requests: float = Field(10.0, gt=0, allow_inf_nan=False)
    per_seconds: float = Field(1.0, gt=0, allow_inf_nan=False)
    burst: int | None = Field(None, ge=1)
    max_retry_after: float = Field(300.0, gt=0, le=86400, allow_inf_nan=False)

    @property
    def rate(self) -> float:
        """Tokens added per second."""
        return self.requests / self.per_seconds

    @property
    def capacity(self) -> float:
        """Most calls that may start at once: `burst`, else the whole requests (at least one)."""
        return float(self.burst) if self.burst is not None else float(max(1, math.floor(self.requests)))

    @property
    def window(self) -> float | None:
        """With `burst` unset, the window in which at most `capacity` calls start (else `None`)."""
        return None if self.burst is not None else self.capacity / self.rate


class RetryConfig(StrictModel):
    """Exponential backoff with jitter, bounded by attempts and a total deadline."""

    attempts: int = Field(3, ge=1, le=100)
    initial_backoff: float = Field(0.5, ge=0)
    max_backoff: float = Field(30.0, ge=0)
    multiplier: float = Field(2.0, ge=1)
    jitter: Literal["full", "none"] = "full"
    deadline: float | None = Field(120.0, gt=0)


class BreakerConfig(StrictModel):
    """Open after `failure_threshold` consecutive failures; probe after `reset_timeout`."""

    failure_threshold: int = Field(5, ge=1)
    reset_timeout: float = Field(30.0, gt=0)


class ServiceConfig(StrictModel):
    """One service: which adapter reaches it, under which policies, with which settings."""

    adapter: str
    enabled: bool = True
    rate_limit: RateLimitConfig = RateLimitConfig()
    retry: RetryConfig = RetryConfig()
    timeout: float = Field(30.0, gt=0)
    circuit_breaker: BreakerConfig = BreakerConfig()
    settings: dict[str, Any] = Field(default_factory=dict)


class IntegrationsConfig(StrictModel):
    """Every configured service, by the name agents use to call it."""

    services: dict[str, ServiceConfig] = Field(default_factory=dict)


RouterPolicy = Literal["rules", "llm", "hybrid"]
"""How requests are understood: the rules only, Claude (rules as fallback), or rules then Claude."""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class WorkingHours(StrictModel):
    """The hours in which the scheduler proposes meetings."""

    start: time = time(9, 0)
    end: time = time(17, 0)
    days: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")

    def is_working_day(self, weekday: int) -> bool:
        """Whether a `date.weekday()` number is a working day."""
        return WEEKDAYS[weekday] in self.days


class SchedulerSettings(StrictModel):
    """How the scheduler books: meeting length, slot granularity, working hours."""

    default_duration_minutes: int = Field(30, ge=1, le=24 * 60)
    slot_step_minutes: int = Field(30, ge=5, le=240)
    proposals: int = Field(3, ge=1, le=10)
    working_hours: WorkingHours = WorkingHours()


class UserSettings(StrictModel):
    """Who the person is: used as the sender of mail and the organiser of events."""

    name: str = "Me"
    email: str = "me@localhost"


class MailSettings(StrictModel):
    """How mail is sent: the folders tools and the API may attach files from (none by default)."""

    attachment_dirs: tuple[Path, ...] = ()

    @field_validator("attachment_dirs")
    @classmethod
    def _absolute(cls, value: tuple[Path, ...]) -> tuple[Path, ...]:
        folders = tuple(folder.expanduser() for folder in value)
        for folder in folders:
            if not folder.is_absolute():
                raise ValueError(f"{folder} must be an absolute path (or start with ~)")
        return folders


class WebhookSettings(StrictModel):
    """One webhook: the workflow it starts and the secret its deliveries are signed with."""

    workflow: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
    secret: SecretStr | None = None


class ServerSettings(StrictModel):
    """`automate serve`: where it listens, its bearer token, body limit and webhooks."""

    host: str = "127.0.0.1"
    port: int = Field(8765, ge=0, le=65535)
    token: SecretStr | None = None
    max_body_bytes: int = Field(1_048_576, ge=1024, le=64 * 1_048_576)
    webhooks: dict[str, WebhookSettings] = Field(default_factory=dict)

    @field_validator("webhooks")
    @classmethod
    def _hook_names(cls, value: dict[str, WebhookSettings]) -> dict[str, WebhookSettings]:
        for name in value:
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name):
                raise ValueError(f"webhook name {name!r} must be 1-64 letters, digits, _ or -")
        return value


class RunSettings(StrictModel):
    """How long the run history is kept."""

    retention_days: float | None = Field(30.0, gt=0)


class ExecutorSettings(StrictModel):
    """Where runs execute: in this process (`local`) or as Temporal workflows on workers (`temporal`)."""

    kind: Literal["local", "temporal"] = "local"
    address: str = Field("127.0.0.1:7233", min_length=3, max_length=255)
    namespace: str = Field("default", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$")
    task_queue_prefix: str = Field("automate", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    tls: bool = False
    tls_server_ca: Path | None = None
    tls_client_cert: Path | None = None
    tls_client_key: Path | None = None
    api_key: SecretStr | None = None
    heartbeat_seconds: float = Field(10.0, gt=0, le=3600)


class Settings(StrictModel):
    """The person's preferences and the runtime's behaviour."""

    timezone: str = "local"
    user: UserSettings = UserSettings()
    mail: MailSettings = MailSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    runs: RunSettings = RunSettings()
    router: RouterPolicy = "rules"
    router_dry_run: bool = Field(
        False, description="Ask Claude even while only planning (--dry-run); off: the rules plan."
    )
    server: ServerSettings = ServerSettings()
    executor: ExecutorSettings = ExecutorSettings()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value != "local":
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from exc
        return value

    @cached_property
    def tzinfo(self) -> ZoneInfo:
        """The configured zone; ``local`` follows ``TZ`` or the system's zone."""
        return ZoneInfo(self.timezone) if self.timezone != "local" else _local_zone()


class AppConfig(StrictModel):
    """A whole loaded configuration and where each part came from."""

    integrations: IntegrationsConfig
    settings: Settings
    home: Path
    sources: tuple[Path, ...] = ()
    now: datetime | None = Field(None, description="The instant AUTOMATE_NOW stops the clock at (tests).")


def _local_zone() -> ZoneInfo:
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            target = os.path.realpath("/etc/localtime")
            name = target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
        except OSError:
            name = ""
        if not name and Path("/etc/timezone").is_file():
            name = Path("/etc/timezone").read_text().strip()
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def data_home(env: Mapping[str, str] | None = None) -> Path:
    """Where data lives: ``AUTOMATE_HOME``, else the XDG data directory."""
    env = os.environ if env is None else env
    if env.get("AUTOMATE_HOME"):
        return Path(env["AUTOMATE_HOME"]).expanduser()
    xdg = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg).expanduser() / "automate"


def _shipped_dir() -> Path:
    from automate import configs

    return Path(configs.__file__).resolve().parent


def config_dirs(user_dir: Path | None, env: Mapping[str, str] | None = None) -> list[Path]:
    """The shipped defaults first, then the user's directory.

    The user's directory is `user_dir` (``--config``), else ``AUTOMATE_CONFIG``,
    else the XDG config directory (``~/.config/automate``) when it exists.
    """
    env = os.environ if env is None else env
    chosen = user_dir or (Path(env["AUTOMATE_CONFIG"]) if env.get("AUTOMATE_CONFIG") else None)
    dirs = [_shipped_dir()]
    if chosen is None:
        xdg = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config").expanduser() / "automate"
        return [*dirs, xdg] if xdg.is_dir() else dirs
    chosen = chosen.expanduser()
    if not chosen.is_dir():
        raise ConfigError(str(chosen), "", "config directory does not exist")
    return [*dirs, chosen]


def load_config(
    user_dir: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> AppConfig:
    """Load, merge and validate the configuration; raise one `ConfigError` if it is wrong."""
    env = dict(os.environ if env is None else env)
    dirs = config_dirs(user_dir, env)
    integrations: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    sources: list[Path] = []
    for directory in dirs:
        for name, target in ((INTEGRATIONS_FILE, integrations), (SETTINGS_FILE, settings)):
            path = directory / name
            if path.is_file():
                raw = _read_yaml(path)
                _merge(target, raw, replace_under="services" if target is integrations else None)
                sources.append(path)
    integrations_model = _validate(IntegrationsConfig, integrations, sources, INTEGRATIONS_FILE)
    services = {
        name: _with_resolved_settings(name, service, env, _source_of(sources, INTEGRATIONS_FILE))
        for name, service in integrations_model.services.items()
    }
    settings_file = _source_of(sources, SETTINGS_FILE)
    _resolve_secret_refs(Settings, settings, env, settings, (), settings_file)
    validated_settings = _validate(Settings, settings, sources, SETTINGS_FILE)
    _register_secrets(
        validated_settings, lambda loc: _with_line(_file_for(settings, loc, settings_file), loc), ()
    )
    return AppConfig(
        integrations=IntegrationsConfig(services=services),
        settings=validated_settings,
        home=home or data_home(env),
        sources=tuple(sources),
        now=pinned_now(env),
    )


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "", f"cannot be read ({exc})") from exc
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader, in C when available
    except yaml.YAMLError:
        try:  # the pure-Python parser words its errors better; only broken files pay for it
            yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise _yaml_error(path, text, exc) from exc
        raise
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(str(path), "", "the top level must be a mapping of keys to values")
    _remember_lines(path, text)
    return {"__file__": str(path), **data}


_KEY_LINE = re.compile(r"""^(\s*)(?:-\s+)?("[^"]*"|'[^']*'|[^\s#:'"][^:#]*?)\s*:(?:\s|$)""")


def _yaml_error(path: Path, text: str, exc: yaml.YAMLError) -> ConfigError:
    """One error for a YAML syntax problem: file and line, the enclosing key path, the problem."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    context = getattr(exc, "context", None) or ""
    # For an unclosed bracket or quote, where it opened says more than where parsing gave up.
    unclosed = context_mark is not None and ("flow" in context or "quoted" in context)
    mark = context_mark if unclosed else problem_mark or context_mark
    if mark is None:
        return ConfigError(str(path), "", f"invalid YAML: {exc}")
    problem = getattr(exc, "problem", None) or str(exc)
    detail = f"invalid YAML: {problem}"
    if problem_mark is not None:
        detail += f" (line {problem_mark.line + 1}, column {problem_mark.column + 1})"
    if context and context_mark is not None:
        detail += f", {context} at line {context_mark.line + 1}"
    return ConfigError(f"{path}:{mark.line + 1}", _key_path_at(text, mark.line), detail)


def _key_path_at(text: str, line: int) -> str:
    """The dotted key path that a (possibly unparsable) line of YAML sits under."""
    keys: list[str] = []
    indent = float("inf")
    for candidate in reversed(text.splitlines()[: line + 1]):
        match = _KEY_LINE.match(candidate)
        if match and len(match.group(1)) < indent:
            keys.append(match.group(2).strip("'\""))
            indent = len(match.group(1))
            if indent == 0:
                break
    return ".".join(reversed(keys))


_LINES: dict[str, dict[tuple[str, ...], int]] = {}


def _remember_lines(path: Path, text: str) -> None:
    """Map each key path of a YAML file to its line, for error messages."""
    lines: dict[tuple[str, ...], int] = {}

    def walk(node: yaml.Node, prefix: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                path_ = (*prefix, str(key.value))
                lines[path_] = key.start_mark.line + 1
                walk(value, path_)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines[(*prefix, str(index))] = item.start_mark.line + 1
                walk(item, (*prefix, str(index)))

    root = yaml.compose(text, Loader=_SAFE_LOADER)
    if root is not None:
        walk(root, ())
    _LINES[str(path)] = lines


def _merge(target: dict[str, Any], source: dict[str, Any], *, replace_under: str | None) -> None:
    """Merge `source` into `target`; blocks under `replace_under` replace whole."""
    for key, value in source.items():
        if key == "__file__":
            continue
        owner = target.setdefault("__files__", {})
        owner[key] = source.get("__file__", "")
        if key == replace_under and isinstance(value, dict):
            block = target.setdefault(key, {})
            if not isinstance(block, dict):
                target[key] = block = {}
            block.update(value)
            for name in value:
                owner[f"{key}.{name}"] = source.get("__file__", "")
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], {"__file__": source.get("__file__", ""), **value}, replace_under=None)
        else:
            target[key] = value


def _strip_meta(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _strip_meta(v) for k, v in data.items() if k not in ("__file__", "__files__")}
    return data


def _file_for(data: dict[str, Any], loc: tuple[str, ...], fallback: str) -> str:
    """The file that last set the top of a key path."""
    files = data.get("__files__", {})
    for depth in (2, 1):
        key = ".".join(loc[:depth])
        if key in files:
            return str(files[key])
    return fallback


def _validate(model: type[StrictModel], data: dict[str, Any], sources: list[Path], name: str) -> Any:
    try:
        return model.model_validate(_strip_meta(data))
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        loc = tuple(str(part) for part in first["loc"])
        file = _file_for(data, loc, _source_of(sources, name))
        raise ConfigError(_with_line(file, loc), ".".join(loc), _problem(first, len(errors))) from None


def _with_line(file: str, loc: tuple[str, ...]) -> str:
    lines = _LINES.get(file, {})
    for depth in range(len(loc), 0, -1):
        if loc[:depth] in lines:
            return f"{file}:{lines[loc[:depth]]}"
    return file


def _problem(error: Any, count: int) -> str:
    if error["type"] == "extra_forbidden":
        text = "unknown key"
    elif error["type"] == "missing":
        text = "required key is missing"
    else:
        text = str(error["msg"])
        if "input" in error and not isinstance(error["input"], dict | list):
            text += f" (got {error['input']!r})"
    return text + (f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else "")


def _source_of(sources: list[Path], name: str) -> str:
    matching = [str(path) for path in sources if path.name == name]
    return matching[-1] if matching else name


def _with_resolved_settings(
    name: str, service: ServiceConfig, env: Mapping[str, str], file: str
) -> ServiceConfig:
    """Check the adapter exists and its settings validate; resolve ``${ENV}`` secrets."""
    from automate.integrations.registry import adapter_class

    key = f"services.{name}"
    try:
        cls = adapter_class(service.adapter)
    except KeyError as exc:
        raise ConfigError(
            _with_line(file, ("services", name, "adapter")), f"{key}.adapter", str(exc.args[0])
        ) from None
    except ImportError as exc:
        # A known adapter whose module (or its client library) is missing.
        raise ConfigError(
            _with_line(file, ("services", name, "adapter")),
            f"{key}.adapter",
            f"adapter {service.adapter!r} cannot be loaded ({exc})",
        ) from None
    settings = dict(service.settings)
    secret_fields = {
        field
        for field, info in cls.config_model.model_fields.items()
        if info.annotation is not None and "SecretStr" in str(info.annotation)
    }
    for field, value in list(settings.items()):
        if isinstance(value, str) and (match := _ENV_REF.match(value)):
            variable, default = match.groups()
            resolved = env.get(variable, default)
            if resolved is None:
                if not service.enabled:
                    settings.pop(field)
                    continue
                raise ConfigError(
                    _with_line(file, ("services", name, "settings", field)),
                    f"{key}.settings.{field}",
                    f"environment variable {variable} is not set",
                )
            settings[field] = resolved
        elif field in secret_fields and value is not None:
            raise ConfigError(
                _with_line(file, ("services", name, "settings", field)),
                f"{key}.settings.{field}",
                "secrets must be ${ENV_VAR} references, never literal values",
            )
    try:
        validated = cls.config_model.model_validate(settings)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ("services", name, "settings", *(str(p) for p in first["loc"]))
        raise ConfigError(_with_line(file, loc), ".".join(loc), _problem(first, len(exc.errors()))) from None
    _register_secrets(validated, partial(_with_line, file), ("services", name, "settings"))
    return service.model_copy(update={"settings": validated.model_dump()})


def _register_secrets(model: BaseModel, at: Callable[[tuple[str, ...]], str], loc: tuple[str, ...]) -> None:
    """Register every secret in a model (nested models and mappings of models included).

    A secret too short to be masked is a `ConfigError`; `at(loc)` names the
    file (and line) that set the key at `loc`.
    """
    from automate.integrations.redaction import register_secret, short_secret_problem

    for field, value in model.__dict__.items():
        items = value.items() if isinstance(value, dict) else ((None, value),)
        for key, item in items:
            where = (*loc, field) if key is None else (*loc, field, str(key))
            if isinstance(item, SecretStr):
                secret = item.get_secret_value()
                if problem := short_secret_problem(secret):
                    raise ConfigError(at(where), ".".join(where), problem)
                register_secret(secret)
            elif isinstance(item, BaseModel):
                _register_secrets(item, at, where)


def _resolve_secret_refs(
    model: type[BaseModel],
    data: dict[str, Any],
    env: Mapping[str, str],
    root: dict[str, Any],
    loc: tuple[str, ...],
    fallback: str,
) -> None:
    """Resolve the ``${ENV}`` references of `model`'s secret fields in raw `data`, in place.

    A literal secret is an error; a reference to an unset variable (with no
    default) drops the key, leaving the secret unset.
    """
    for field, info in model.model_fields.items():
        if field not in data:
            continue
        value, where = data[field], (*loc, field)
        nested = _model_in(info.annotation)
        if "SecretStr" in str(info.annotation):
            if value is None:
                continue
            match = _ENV_REF.match(value) if isinstance(value, str) else None
            if match is None:
                file = _with_line(_file_for(root, where, fallback), where)
                raise ConfigError(
                    file, ".".join(where), "secrets must be ${ENV_VAR} references, never literal values"
                )
            resolved = env.get(match.group(1), match.group(2))
            if resolved is None:
                del data[field]
            else:
                data[field] = resolved
        elif nested is not None and isinstance(value, dict):
            if typing.get_origin(info.annotation) is dict:
                for key, item in value.items():
                    if isinstance(item, dict) and key not in ("__file__", "__files__"):
                        _resolve_secret_refs(nested, item, env, root, (*where, str(key)), fallback)
            else:
                _resolve_secret_refs(nested, value, env, root, where, fallback)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field holds directly or as the values of a mapping, if any."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None
