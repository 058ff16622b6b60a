"""The command's log sink: levels, formats, secrets never rendered, and logging put back afterwards."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from automate.integrations.errors import AuthError
from automate.integrations.manager import IntegrationManager
from automate.integrations.redaction import register_secret
from automate.integrations.registry import register_adapter
from automate.integrations.testing import FakeClock, ScriptedAdapter, app_config
from automate.runtime.cli.logs import configure_logging, logging_for

SECRET = "hunter2-logs-secret"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


def render(level: str = "debug", *, as_json: bool = False) -> tuple[io.StringIO, structlog.BoundLogger]:
    stream = io.StringIO()
    configure_logging(level, json=as_json, stream=stream)
    return stream, structlog.get_logger("test")


class TestConfigureLogging:
    def test_registered_secrets_never_reach_the_text_output(self) -> None:
        """A secret inside a message, a field or a nested value is masked in console output."""
        register_secret(SECRET)
        stream, log = render()
        log.warning("service_called", message=f"bad token {SECRET}", nested={"url": f"x?k={SECRET}"})
        output = stream.getvalue()
        assert "service_called" in output
        assert SECRET not in output
        assert "***" in output

    def test_secret_named_keys_are_blanked_in_json(self) -> None:
        """A key that names a secret is blanked whatever its value, in JSON lines."""
        stream, log = render(as_json=True)
        log.info("adapter_started", token="not-registered-value", service="calendar")
        event = json.loads(stream.getvalue())
        assert event["token"] == "***"
        assert event["service"] == "calendar"
        assert event["level"] == "info"

    def test_tracebacks_are_redacted_too(self) -> None:
        """A secret carried by an exception's message is masked in the rendered traceback."""
        register_secret(SECRET)
        stream, log = render(as_json=True)
        try:
            raise RuntimeError(f"login failed with {SECRET}")
        except RuntimeError:
            log.exception("login_failed")
        output = stream.getvalue()
        assert "RuntimeError" in output
        assert SECRET not in output

    def test_level_filters_quieter_events(self) -> None:
        """At the default warning level, info events are dropped and warnings kept."""
        stream, log = render("warning")
        log.info("service_called", outcome="ok")
        log.warning("service_called", outcome="retrying")
        lines = stream.getvalue().splitlines()
        assert len(lines) == 1
        assert "retrying" in lines[0]

    def test_unknown_level_is_refused(self) -> None:
        """A misspelt level is a clear error, not silence."""
        with pytest.raises(ValueError, match="unknown log level 'loud'"):
            configure_logging("loud")

    def test_other_packages_records_are_masked_too(self) -> None:
        """A stdlib record from another package that carries a secret reaches the sink masked."""
        register_secret(SECRET)
        stream, _ = render("info")
        logging.getLogger("some.client").warning("retrying https://x.test/?key=%s", SECRET)
        output = stream.getvalue()
        assert "retrying https://x.test/?key=***" in output
        assert SECRET not in output

    def test_a_second_call_replaces_the_first_sink(self) -> None:
        """Configuring twice leaves one sink: nothing is written twice or to the old stream."""
        first, _ = render("info")
        second, log = render("info")
        log.info("run_started")
        assert first.getvalue() == ""
        assert second.getvalue().count("run_started") == 1


class TestLoggingFor:
    def test_logging_is_put_back_as_it_was(self) -> None:
        """After the block, the root logger and structlog are what they were before it."""
        root = logging.getLogger()
        handlers, level = root.handlers[:], root.level
        stream = io.StringIO()
        with logging_for("debug", stream=stream):
            assert structlog.is_configured()
            structlog.get_logger("test").debug("inside")
        assert "inside" in stream.getvalue()
        assert root.handlers == handlers and root.level == level
        assert not structlog.is_configured()

    def test_an_application_structlog_configuration_is_restored(self) -> None:
        """A structlog configuration made before the block is the one in force after it."""
        processors = [structlog.processors.JSONRenderer()]
        structlog.configure(processors=processors)
        with logging_for("info", stream=io.StringIO()):
            assert structlog.get_config()["processors"] is not processors
        assert structlog.get_config()["processors"] is processors


class TestManagerLogRedaction:
    async def test_an_adapter_error_carrying_a_secret_is_masked_in_the_attempt_event(
        self, tmp_path: Path
    ) -> None:
        """The service_called event for a failed attempt never renders a registered secret."""
        register_secret(SECRET)
        register_adapter("scripted", ScriptedAdapter)
        stream, _ = render("info", as_json=True)
        manager = IntegrationManager.from_config(
            app_config({"echo": {"adapter": "scripted"}}, home=tmp_path), clock=FakeClock()
        )
        adapter = manager.adapter("echo")
        assert isinstance(adapter, ScriptedAdapter)
        adapter.fail_next(AuthError(f"rejected password {SECRET}"))
        with pytest.raises(AuthError):
            await manager.call("echo", "echo", {"text": "x"})
        events = [json.loads(line) for line in stream.getvalue().splitlines()]
        called = [e for e in events if e["event"] == "service_called"]
        assert called[0]["outcome"] == "failed"
        assert called[0]["message"] == "rejected password ***"
        assert SECRET not in stream.getvalue()
