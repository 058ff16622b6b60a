"""How a service's configuration maps onto Temporal: queues, timeouts, retry policy, worker config."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from automate.integrations.config import AppConfig, ExecutorSettings, load_config
from automate.integrations.errors import ConfigError
from automate.runtime.executor import FlowStep
from automate.runtime.runtime import Runtime
from automate.runtime.store.models import RunRecord, RunStatus, StepRecord, StepStatus
from automate.runtime.temporal.activities import RunActivities, step_service
from automate.runtime.temporal.records import record_from_json, record_to_json
from automate.runtime.temporal.worker import worker_config
from automate.runtime.temporal.workflow import step_options

SETTINGS = ExecutorSettings(kind="temporal", task_queue_prefix="t", heartbeat_seconds=4)


class TestStepOptions:
    def test_agent_step_runs_on_its_first_service_queue(self, local_config: AppConfig) -> None:
        """A scheduler step uses the calendar's queue, timeout (per required service) and retry policy."""
        runtime = Runtime(local_config)
        options = RunActivities(runtime, local_config, SETTINGS).options(
            FlowStep(id="s1", target="scheduler.create_event", params={})
        )
        calendar = local_config.integrations.services["calendar"]
        assert step_service(runtime, "scheduler.create_event") == "calendar"
        assert options["queue"] == "t-svc-calendar"
        assert options["start_to_close"] == calendar.timeout * 2  # scheduler requires calendar and contacts
        assert options["maximum_attempts"] == calendar.retry.attempts
        assert options["backoff_coefficient"] == calendar.retry.multiplier
        assert options["heartbeat"] == 4

    def test_options_become_activity_arguments(self, local_config: AppConfig) -> None:
        """The description turns into Temporal's timeouts and RetryPolicy."""
        runtime = Runtime(local_config)
        described = RunActivities(runtime, local_config, SETTINGS).options(
            FlowStep(id="s1", target="outbox.send_message", params={}, on_failure="retry", attempts=7)
        )
        kwargs = step_options(described)
        assert kwargs["task_queue"] == "t-svc-outbox"
        assert kwargs["start_to_close_timeout"] == timedelta(seconds=10)
        assert kwargs["retry_policy"].maximum_attempts == 7
        assert kwargs["retry_policy"].maximum_interval == timedelta(seconds=1)

    def test_unknown_target_runs_on_the_runs_queue(self, local_config: AppConfig) -> None:
        """A step with no service behind it is polled from the run queue."""
        runtime = Runtime(local_config)
        options = RunActivities(runtime, local_config, SETTINGS).options(FlowStep("s1", "nothing.here", {}))
        assert options["queue"] == "t-runs"


class TestWorkerConfig:
    def test_services_retry_nothing_in_process(self, local_config: AppConfig) -> None:
        """Inside a worker every service makes one attempt: Temporal does the retrying."""
        flat = worker_config(local_config)
        assert {s.retry.attempts for s in flat.integrations.services.values()} == {1}
        assert (
            flat.integrations.services["calendar"].rate_limit
            == local_config.integrations.services["calendar"].rate_limit
        )


class TestRecords:
    def test_round_trip(self) -> None:
        """A run record survives the trip through JSON."""
        record = RunRecord(
            "r1",
            "task",
            "book",
            {"plan": {}},
            status=RunStatus.DONE,
            created_at=1.0,
            steps=[StepRecord("r1", "s1", 0, "scheduler.create_event", status=StepStatus.DONE, attempts=2)],
        )
        assert record_from_json(record_to_json(record)) == record


class TestExecutorSettings:
    def test_api_key_must_be_an_env_reference(self, tmp_path: Path) -> None:
        """A literal Temporal API key in settings.yaml is refused; a reference is resolved."""
        (tmp_path / "settings.yaml").write_text("executor:\n  kind: temporal\n  api_key: abc123\n")
        with pytest.raises(ConfigError, match=r"executor\.api_key"):
            load_config(tmp_path, env={})
        (tmp_path / "settings.yaml").write_text("executor:\n  kind: temporal\n  api_key: ${TEMPORAL_KEY}\n")
        executor = load_config(tmp_path, env={"TEMPORAL_KEY": "key-1"}).settings.executor
        assert executor.kind == "temporal" and executor.api_key is not None
        assert executor.api_key.get_secret_value() == "key-1"

    def test_bad_queue_prefix_is_refused(self, tmp_path: Path) -> None:
        """A task queue prefix with spaces is a config error naming the key."""
        (tmp_path / "settings.yaml").write_text("executor:\n  task_queue_prefix: 'a b'\n")
        with pytest.raises(ConfigError, match=r"executor\.task_queue_prefix"):
            load_config(tmp_path, env={})
