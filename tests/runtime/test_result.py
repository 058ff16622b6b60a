"""The result of a request as `--json` prints it: a versioned contract, checked on every action."""

from __future__ import annotations

import json
import mailbox
import re
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from automate.integrations.config import AppConfig
from automate.integrations.redaction import redact
from automate.runtime.result import (
    EXIT_CODES,
    SCHEMA_VERSION,
    StepResult,
    TaskResult,
    TaskStatus,
    schema_text,
)
from automate.runtime.runtime import Runtime, builtin_agents

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCHEMA_FILE = DOCS / "json-output.schema.json"
REGENERATE = (
    ".venv/bin/python -c 'from automate.runtime.result import schema_text; print(schema_text(), end=\"\")'"
    " > docs/json-output.schema.json"
)
# One session on the embedded defaults: each request may use what an earlier one made.
SAMPLES: list[tuple[str, bool]] = [
    ("schedule a meeting with ana@example.com tomorrow at 3pm called Project sync", False),
    ("what's on my calendar tomorrow", False),
    ("when am i free tomorrow", False),
    ("move the project sync to friday at 4pm", False),
    ("cancel the project sync", False),
    ("add ana@example.com as a contact named Ana Silva", False),
    ("what is Ana's email address", False),
    ("email Ana saying the report is ready", False),
    ("search my email for budget", False),
    ("read my latest email", False),
    ("read the email about the holidays", False),
    ("remind me to call mum at 6pm", False),
    ("what are my reminders", False),
    ("cancel the reminder to call mum", False),
    ("add milk to my shopping list", False),
    ("show my shopping list", False),
    ("remove milk from my shopping list", False),
    (
        "schedule a meeting with ana@example.com tomorrow at 5pm at Café Lisboa and email her the address",
        False,
    ),
    ("remind me to stretch at 5pm", True),
    ("schedule a meeting with Bob", False),
    ("what's the weather", False),
]


def as_printed(result: TaskResult) -> dict[str, Any]:
    """What `automate --json` prints for `result`: the JSON dump with secrets masked."""
    data: dict[str, Any] = json.loads(json.dumps(redact(result.model_dump(mode="json"))))
    return data


def deliver_budget_mail(home: Path) -> None:
    """One message in the embedded inbox, so reading mail has something to read."""
    message = EmailMessage()
    message["From"] = "Bruno <bruno@example.org>"
    message["To"] = "me@example.com"
    message["Subject"] = "Budget review"
    message["Date"] = "Mon, 23 Nov 2026 09:00:00 +0000"
    message["Message-ID"] = "<budget@example.org>"
    message.set_content("The numbers for next year.")
    (home / "mail").mkdir(exist_ok=True)
    mailbox.Maildir(home / "mail" / "inbox", create=True).add(message)


@pytest.fixture
def validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))


@pytest.fixture
async def printed(
    local_config: AppConfig, fixed_now: Callable[[], datetime]
) -> list[tuple[str, dict[str, Any]]]:
    """Every sample request's result as `--json` prints it."""
    deliver_budget_mail(local_config.home)
    outputs = []
    async with Runtime(local_config, now=fixed_now) as rt:
        for text, dry_run in SAMPLES:
            outputs.append((text, as_printed(await rt.handle(text, dry_run=dry_run))))
    return outputs


class TestJsonSchema:
    def test_the_committed_schema_is_the_generated_one(self) -> None:
        """docs/json-output.schema.json is exactly what the result model generates."""
        assert SCHEMA_FILE.read_text() == schema_text(), f"regenerate it: {REGENERATE}"

    def test_the_schema_is_valid_and_carries_its_version(self, validator: Draft202012Validator) -> None:
        """The schema is valid JSON Schema and pins schema_version to the current version."""
        Draft202012Validator.check_schema(validator.schema)
        assert validator.schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION

    @pytest.mark.parametrize(
        ("change", "problem"),
        [
            ({"run_id": None}, "None is not of type 'string'"),
            ({"schema_version": SCHEMA_VERSION + 1}, "was expected"),
            ({"status": "finished"}, "is not one of"),
            ({"steps": []}, "should be non-empty"),
            ({"status": "needs_clarification", "question": None}, "None is not of type 'string'"),
            ({"status": "declined"}, "is expected to be empty"),
        ],
    )
    def test_a_result_breaking_the_contract_is_refused(
        self, validator: Draft202012Validator, change: dict[str, Any], problem: str
    ) -> None:
        """A wrong type, version or status, or a field its status must fill, fails validation."""
        step = StepResult(
            id="s1", agent="lists", action="show_list", params={}, status=TaskStatus.DONE, output={}
        )
        done = TaskResult(
            status=TaskStatus.DONE,
            text="x",
            message="ok",
            run_id="r1",
            agent="lists",
            action="show_list",
            params={},
            steps=[step],
        )
        errors = [e.message for e in validator.iter_errors({**as_printed(done), **change})]
        assert any(problem in e for e in errors), errors
        assert list(validator.iter_errors(as_printed(done))) == []

    def test_a_missing_key_is_refused(self, validator: Draft202012Validator) -> None:
        """Every key is always printed, so a result without one breaks the contract."""
        declined = as_printed(TaskResult(status=TaskStatus.DECLINED, text="x", message="no"))
        del declined["options"]
        assert [e.message for e in validator.iter_errors(declined)] == ["'options' is a required property"]


class TestJsonContract:
    async def test_every_sample_result_matches_the_schema(
        self, printed: list[tuple[str, dict[str, Any]]], validator: Draft202012Validator
    ) -> None:
        """Each request's --json result, whatever its status, validates against the committed schema."""
        problems = [
            f"{text!r}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
            for text, data in printed
            for e in validator.iter_errors(data)
        ]
        assert problems == []

    async def test_the_samples_cover_every_action_and_status(
        self, printed: list[tuple[str, dict[str, Any]]]
    ) -> None:
        """The samples reach every action of every built-in agent and end in every status."""
        reached = {(s["agent"], s["action"]) for _, data in printed for s in data["steps"]}
        actions = {(agent.name, name) for agent in builtin_agents() for name in agent.actions}
        assert actions - reached == set()
        assert {data["status"] for _, data in printed} == {s.value for s in TaskStatus}


class TestJsonDocs:
    def test_every_field_is_documented(self) -> None:
        """docs/json-output.md names every field of the result and of its steps."""
        text = (DOCS / "json-output.md").read_text()
        fields = [*TaskResult.model_fields, *(f"steps[].{name}" for name in StepResult.model_fields)]
        assert [f for f in fields if f"`{f}`" not in text] == []

    def test_the_documented_exit_statuses_are_the_real_ones(self) -> None:
        """The status table in docs/json-output.md gives each status its real exit status."""
        text = (DOCS / "json-output.md").read_text()
        rows = dict(re.findall(r"^\| `(\w+)` \| (\d) \|", text, re.M))
        assert rows == {status.value: str(code) for status, code in EXIT_CODES.items()}
