"""The workflow loader under random input: load errors only, never a crash or code execution."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from automate.integrations.config import AppConfig
from automate.integrations.errors import InvalidRequest
from automate.runtime.templates import TemplateSyntaxError, compile_value, render
from automate.runtime.workflows import Targets, WorkflowError, parse_workflow, targets_for

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
USES = [
    "scheduler.create_event",
    "scheduler.list_events",
    "email.send_email",
    "calendar.insert_event",
    "nope.nothing",
    "scheduler.fly",
    "x",
]
PIECES = [
    "{",
    "}",
    "{{",
    "}}",
    "|",
    '"',
    ".",
    "0",
    "a",
    "inputs",
    "trigger",
    "data",
    "time",
    "now",
    "s1",
    "s2",
    "output",
    "params",
    "message",
    "slots",
    "events",
    "title",
    " ",
    "null",
    "not ",
    "==",
    "__import__('os').system('touch /tmp/pwned')",
    "!!python/object",
    "\\",
    "\n",
]

template_text = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), template_text, st.text(max_size=20)
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["to", "start", "end", "body", "title", "x"]), inner, max_size=4),
    ),
    max_leaves=12,
)
steps = st.fixed_dictionaries(
    {"id": st.sampled_from(["s1", "s2", "s3", "inputs", "1bad"]), "uses": st.sampled_from(USES)},
    optional={
        "params": st.dictionaries(
            st.sampled_from(["start", "end", "to", "body", "title", "query", "nope"]), values, max_size=4
        ),
        "needs": st.lists(st.sampled_from(["s1", "s2", "s3", "zz"]), max_size=3),
        "when": st.one_of(st.booleans(), template_text),
        "on_failure": st.sampled_from(["stop", "continue", "retry", "explode"]),
    },
)
workflows = st.fixed_dictionaries(
    {"name": st.sampled_from(["w", "bad name", ""]), "steps": st.lists(steps, max_size=4)},
    optional={
        "inputs": st.dictionaries(
            st.sampled_from(["a", "b", "who"]),
            st.fixed_dictionaries({"type": st.sampled_from(["string", "integer", "email", "list", "blob"])}),
            max_size=2,
        ),
        "trigger": st.one_of(st.sampled_from(["manual", "cron", "event"]), values),
    },
)
SENTINEL = Path("/tmp/pwned")


@pytest.fixture
def targets(local_config: AppConfig) -> Targets:
    return targets_for(local_config)


def load_or_refuse(text: str, targets: Targets, *, as_json: bool = False) -> None:
    try:
        parse_workflow(text, file="fuzz", targets=targets, as_json=as_json)
    except WorkflowError as exc:
        assert exc.file == "fuzz" and str(exc)


class TestLoaderFuzz:
    @FUZZ
    @given(text=st.text(max_size=300))
    def test_any_text_is_a_workflow_or_a_load_error(self, targets: Targets, text: str) -> None:
        """Arbitrary text never raises anything but a WorkflowError."""
        load_or_refuse(text, targets)
        load_or_refuse(text, targets, as_json=True)

    @FUZZ
    @given(data=workflows)
    def test_random_workflow_shapes_load_or_fail_cleanly(
        self, targets: Targets, data: dict[str, Any]
    ) -> None:
        """Workflow-shaped data with random values and templates, as YAML and JSON."""
        load_or_refuse(yaml.safe_dump(data), targets)
        load_or_refuse(json.dumps(data), targets, as_json=True)
        assert not SENTINEL.exists()

    @FUZZ
    @given(
        text=template_text, scope=st.dictionaries(st.sampled_from(["inputs", "s1", "a"]), values, max_size=3)
    )
    def test_templates_parse_or_fail_and_render_or_miss(self, text: str, scope: dict[str, Any]) -> None:
        """A template either is refused at parse time or renders / reports a missing path."""
        try:
            compiled = compile_value(text)
        except TemplateSyntaxError:
            return
        with contextlib.suppress(InvalidRequest):
            render(compiled, scope)
        assert not SENTINEL.exists()

    @pytest.mark.parametrize(
        "payload",
        [
            "name: !!python/object/apply:os.system ['touch /tmp/pwned']\nsteps: []\n",
            "!!python/object/new:os.system [touch /tmp/pwned]",
            "name: w\nsteps:\n  - {id: a, uses: scheduler.list_events,"
            " params: {start: \"{__import__('os')}\"}}\n",
        ],
    )
    def test_code_in_a_file_is_never_run(self, targets: Targets, payload: str) -> None:
        """Python tags and code-looking templates are load errors, and nothing executes."""
        with pytest.raises(WorkflowError):
            parse_workflow(payload, file="fuzz", targets=targets)
        assert not SENTINEL.exists()
