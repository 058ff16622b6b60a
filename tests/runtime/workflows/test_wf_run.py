"""Running workflows on the embedded defaults: inputs, conditions, outputs, resume."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import pytest

from automate.integrations.config import AppConfig
from automate.integrations.errors import InvalidRequest
from automate.runtime.runtime import Runtime
from automate.runtime.store import EventType, MemoryRunStore, RunStatus, StepStatus
from automate.runtime.workflows import Workflow, load_workflow, parse_workflow, run_workflow, targets_for
from automate.runtime.workflows.catalog import workflow_dirs
from automate.runtime.workflows.flow import coerce_inputs, time_scope
from tests.conftest import NOW


@pytest.fixture
async def runtime(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> AsyncIterator[Runtime]:
    async with Runtime(local_config, now=fixed_now, store=MemoryRunStore()) as rt:
        yield rt


def shipped(name: str, config: AppConfig) -> Workflow:
    directory = workflow_dirs()[0]
    return load_workflow(Path(directory) / f"{name}.yaml", targets_for(config))


class TestRunWorkflow:
    async def test_meeting_request_books_the_first_free_slot_and_mails_the_invite(
        self, runtime: Runtime, local_config: AppConfig
    ) -> None:
        """The shipped example finds a slot, books it, and sends the invite naming it."""
        record = await run_workflow(
            runtime,
            shipped("meeting_request", local_config),
            {"attendee": "ana@example.com", "title": "Project sync"},
        )
        assert record.status is RunStatus.DONE
        assert [s.status for s in record.steps] == [StepStatus.DONE] * 3
        slot = record.step("find").output["slots"][0]  # type: ignore[index]
        assert record.step("book").params["start"] == slot["start"]  # type: ignore[index]
        assert datetime.fromisoformat(slot["start"]) > NOW
        invite = record.step("invite")
        assert invite.params is not None and invite.params["subject"] == "Invitation: Project sync"
        assert record.step("book").output["uid"] in invite.params["body"]  # type: ignore[index]
        assert invite.output is not None and invite.output["recipients"] == ["ana@example.com"]

    async def test_daily_agenda_mails_today_to_yourself(
        self, runtime: Runtime, local_config: AppConfig
    ) -> None:
        """The agenda example lists today and mails the listing to the configured user."""
        record = await run_workflow(runtime, shipped("daily_agenda", local_config))
        assert record.status is RunStatus.DONE
        mail = record.step("mail")
        assert mail.params is not None and mail.params["to"] == ["me@localhost"]
        assert mail.params["subject"] == "Agenda for 2026-11-24"
        assert "Nothing on your calendar then." in mail.params["body"]

    async def test_a_false_condition_skips_booking_and_mailing(
        self, runtime: Runtime, local_config: AppConfig
    ) -> None:
        """With no free slot (a weekend window), nothing is booked and nothing is sent."""
        data = shipped("meeting_request", local_config).data
        data["steps"][0]["params"].update(start="2026-11-28T00:00:00+00:00", end="2026-11-29T23:00:00+00:00")
        workflow = parse_workflow(
            json.dumps(data), file="m.json", targets=targets_for(local_config), as_json=True
        )
        record = await run_workflow(runtime, workflow, {"attendee": "ana@example.com"})
        assert record.status is RunStatus.DONE
        assert [s.status for s in record.steps] == [StepStatus.DONE, StepStatus.SKIPPED, StepStatus.SKIPPED]

    async def test_bad_inputs_are_refused_before_anything_runs(
        self, runtime: Runtime, local_config: AppConfig
    ) -> None:
        """A missing, unknown or ill-typed input is a clear error and no run is recorded."""
        workflow = shipped("meeting_request", local_config)
        with pytest.raises(InvalidRequest, match="'attendee' is required"):
            await run_workflow(runtime, workflow, {})
        with pytest.raises(InvalidRequest, match="unknown input"):
            await run_workflow(runtime, workflow, {"attendee": "a@b.c", "colour": "red"})
        with pytest.raises(InvalidRequest, match="not an email"):
            await run_workflow(runtime, workflow, {"attendee": "ana\r\nBcc: x@evil"})
        with pytest.raises(InvalidRequest, match="duration_minutes"):
            await run_workflow(runtime, workflow, {"attendee": "a@b.c", "duration_minutes": "soon"})
        assert runtime.store.list_runs() == []

    def test_inputs_are_coerced_to_their_types(self, local_config: AppConfig) -> None:
        """Text from the command line becomes the declared type; defaults fill the rest."""
        workflow = shipped("meeting_request", local_config)
        assert coerce_inputs(workflow, {"attendee": "a@b.c", "duration_minutes": "45"}) == {
            "attendee": "a@b.c",
            "title": "Catch-up",
            "duration_minutes": 45,
        }

    async def test_a_crashed_workflow_run_resumes_from_its_stored_spec(
        self, runtime: Runtime, local_config: AppConfig
    ) -> None:
        """A run left unfinished is rebuilt from the store and finishes with one booking."""
        workflow = shipped("meeting_request", local_config)
        original = runtime.call
        calls: list[str] = []

        async def crash_on_invite(target, params, ctx):  # type: ignore[no-untyped-def]
            calls.append(target)
            if target == "email.send_email" and calls.count(target) == 1:
                raise KeyboardInterrupt  # the process dies here
            return await original(target, params, ctx)

        runtime.call = crash_on_invite  # type: ignore[method-assign]
        with pytest.raises(KeyboardInterrupt):
            await run_workflow(runtime, workflow, {"attendee": "ana@example.com"}, run_id="wf1")
        assert runtime.store.unfinished() == ["wf1"]
        record = await runtime.resume("wf1")
        assert record.status is RunStatus.DONE
        assert calls == [
            "scheduler.find_free_slots",
            "scheduler.create_event",
            "email.send_email",
            "email.send_email",
        ]
        started = [e for e in runtime.store.events("wf1") if e.type is EventType.STEP_STARTED]
        assert [e.step_id for e in started] == ["find", "book", "invite", "invite"]

    def test_time_scope_uses_wall_clock_midnights_across_dst(self) -> None:
        """The day's end on a DST change day is the next local midnight, not 24 hours later."""
        from zoneinfo import ZoneInfo

        scope = time_scope(datetime(2026, 3, 29, 10, 0, tzinfo=ZoneInfo("Europe/Lisbon")))
        assert scope["day_start"] == "2026-03-29T00:00:00+00:00"
        assert scope["day_end"] == "2026-03-30T00:00:00+01:00"
