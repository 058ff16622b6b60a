"""The runtime on the executor: every request is a recorded run, and a crashed one resumes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from automate.integrations.config import AppConfig
from automate.runtime.plan import Plan, Routing, Step
from automate.runtime.result import TaskStatus
from automate.runtime.router.base import RouteContext
from automate.runtime.runtime import Runtime
from automate.runtime.store import EventType, MemoryRunStore, RunStatus, StepStatus
from tests.runtime.test_runtime import TOMORROW_3PM as AT
from tests.runtime.test_runtime import events_tomorrow


class OneRouting:
    """A router that always gives the same routing."""

    def __init__(self, routing: Routing) -> None:
        self.routing = routing

    def route(self, text: str, context: RouteContext) -> Routing:
        return self.routing


def book_and_mail() -> Plan:
    return Plan(
        text="book and mail",
        steps=[
            Step(
                id="s1",
                agent="scheduler",
                action="create_event",
                params={"start": AT.isoformat(), "attendees": ["ana@example.com"], "title": "Sync"},
            ),
            Step(
                id="s2",
                agent="email",
                action="send_email",
                needs=["s1"],
                params={"to": ["ana@example.com"], "subject": "Booked", "body": "{s1.output.uid}"},
            ),
        ],
    )


@pytest.fixture
def make(local_config: AppConfig, fixed_now: Callable[[], datetime]) -> Callable[[MemoryRunStore], Runtime]:
    return lambda store: Runtime(local_config, router=OneRouting(book_and_mail()), now=fixed_now, store=store)


class TestRuntimeRuns:
    async def test_a_request_is_recorded_as_a_run(self, make: Callable[[MemoryRunStore], Runtime]) -> None:
        """handle() leaves a finished run with both steps, their keys and the event log."""
        store = MemoryRunStore()
        async with make(store) as rt:
            result = await rt.handle("book and mail")
        assert result.status is TaskStatus.DONE and result.run_id is not None
        record = store.get_run(result.run_id)
        assert record is not None and (record.kind, record.name, record.status) == (
            "task",
            "book and mail",
            RunStatus.DONE,
        )
        assert [(s.step_id, s.idempotency_key) for s in record.steps] == [
            ("s1", f"{result.run_id}/s1"),
            ("s2", f"{result.run_id}/s2"),
        ]
        assert [e.type for e in store.events(result.run_id)] == [
            EventType.RUN_STARTED,
            EventType.STEP_STARTED,
            EventType.STEP_COMPLETED,
            EventType.STEP_STARTED,
            EventType.STEP_COMPLETED,
            EventType.RUN_COMPLETED,
        ]

    async def test_a_request_killed_mid_run_resumes_without_booking_twice(
        self, make: Callable[[MemoryRunStore], Runtime]
    ) -> None:
        """Dying inside the mail step, then resuming, books one event and sends one mail."""
        store = MemoryRunStore()
        async with make(store) as rt:
            original = rt.call
            mails = 0

            async def dies_in_mail(target: str, params: Any, ctx: Any) -> Any:
                nonlocal mails
                if target == "email.send_email":
                    mails += 1
                    if mails == 1:
                        await original(target, params, ctx)  # the mail went out…
                        raise KeyboardInterrupt  # …and the process died before recording it
                return await original(target, params, ctx)

            rt.call = dies_in_mail  # type: ignore[method-assign]
            with pytest.raises(KeyboardInterrupt):
                await rt.handle("book and mail")
            (run_id,) = store.unfinished()
            record = await rt.resume(run_id)
            assert record.status is RunStatus.DONE
            assert [s.status for s in record.steps] == [StepStatus.DONE, StepStatus.DONE]
            booked = await events_tomorrow(rt)
            sent = await rt.execute(
                Plan(
                    text="find",
                    steps=[
                        Step(
                            id="s1",
                            agent="email",
                            action="search_email",
                            params={"folder": "sent", "subject": "Booked"},
                        )
                    ],
                )
            )
        assert booked == [AT]
        assert sent.output is not None and len(sent.output["messages"]) == 1
