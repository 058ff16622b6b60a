"""Loading workflow files: every reference is checked, errors name file, line and step."""

from __future__ import annotations

from pathlib import Path

import pytest

from automate.integrations.config import AppConfig
from automate.runtime.workflows import (
    Catalog,
    Targets,
    WorkflowError,
    load_workflow,
    parse_workflow,
    targets_for,
)
from automate.runtime.workflows.catalog import workflow_dirs

GOOD = """\
name: meet
inputs:
  who: {type: email}
steps:
  - id: find
    uses: scheduler.find_free_slots
    params: {start: "{time.now}", end: "{time.week_end}"}
  - id: book
    uses: scheduler.create_event
    needs: [find]
    when: "{find.output.slots}"
    params:
      start: "{find.output.slots.0.start}"
      attendees: ["{inputs.who}"]
  - id: tell
    uses: email.send_email
    needs: [book]
    params: {to: ["{inputs.who}"], body: "{book.output.title} at {find.output.slots.0.end}"}
"""


@pytest.fixture
def targets(local_config: AppConfig) -> Targets:
    return targets_for(local_config)


def broken(targets: Targets, text: str) -> WorkflowError:
    with pytest.raises(WorkflowError) as caught:
        parse_workflow(text, file="flow.yaml", targets=targets)
    return caught.value


class TestLoader:
    def test_a_good_workflow_loads_with_its_steps(self, targets: Targets) -> None:
        """A valid file gives compiled steps with their targets, needs and conditions."""
        workflow = parse_workflow(GOOD, file="flow.yaml", targets=targets)
        assert workflow.name == "meet"
        assert [(s.id, s.target, s.needs) for s in workflow.steps] == [
            ("find", "scheduler.find_free_slots", ()),
            ("book", "scheduler.create_event", ("find",)),
            ("tell", "email.send_email", ("book",)),
        ]
        assert workflow.steps[1].when is not None

    def test_a_path_the_output_model_cannot_have_names_file_line_and_step(self, targets: Targets) -> None:
        """`{find.output.slot}` (not `slots`) is refused at load, pointing at the line."""
        error = broken(targets, GOOD.replace("{find.output.slots.0.start}", "{find.output.slot.0.start}"))
        assert (error.file, error.line, error.step) == ("flow.yaml", 13, "book")
        assert "has no field 'slot'" in str(error) and str(error).startswith(
            "flow.yaml: line 13, step 'book'"
        )

    def test_a_path_into_a_scalar_is_refused(self, targets: Targets) -> None:
        """Going below a text field of the output model is an error."""
        error = broken(targets, GOOD.replace("{book.output.title}", "{book.output.title.x}"))
        assert error.step == "tell" and "is a str" in str(error)

    def test_a_list_needs_a_number(self, targets: Targets) -> None:
        """A list in the output is indexed by number only."""
        error = broken(targets, GOOD.replace("slots.0.start", "slots.first.start"))
        assert "is a list" in str(error)

    def test_an_unknown_step_is_refused(self, targets: Targets) -> None:
        """A template naming no step (nor inputs, trigger, time, user) is an error."""
        error = broken(targets, GOOD.replace("{book.output.title}", "{booking.output.title}"))
        assert error.step == "tell" and "no step or name 'booking'" in str(error)

    def test_a_step_referenced_before_it_can_have_run_is_refused(self, targets: Targets) -> None:
        """Using a step that is not among the needs (transitively) is an error."""
        error = broken(targets, GOOD.replace("needs: [find]\n", "needs: []\n"))
        assert error.step == "book" and "may not have run yet" in str(error)

    def test_transitive_needs_count(self, targets: Targets) -> None:
        """`tell` may use `find` because it needs `book`, which needs `find`."""
        assert parse_workflow(GOOD, file="f", targets=targets).steps[2].needs == ("book",)

    def test_unknown_inputs_and_names_are_refused(self, targets: Targets) -> None:
        """An undeclared input, an unknown time key, and an unknown root are errors."""
        assert "no input 'whom'" in str(
            broken(targets, GOOD.replace('["{inputs.who}"]', '["{inputs.whom}"]', 1))
        )
        assert "time offers" in str(broken(targets, GOOD.replace("{time.now}", "{time.yesterday}")))

    def test_an_unknown_action_or_param_is_refused(self, targets: Targets) -> None:
        """`uses` must name an existing action; params must be ones it takes."""
        error = broken(targets, GOOD.replace("scheduler.create_event", "scheduler.create_meeting"))
        assert error.line == 9 and "has no action 'create_meeting'" in str(error)
        error = broken(targets, GOOD.replace("attendees:", "guests:"))
        assert error.line == 14 and "takes no param 'guests'" in str(error)

    def test_needs_must_exist_and_not_loop(self, targets: Targets) -> None:
        """Unknown needs and cycles are load errors."""
        assert "needs unknown step 'nope'" in str(
            broken(targets, GOOD.replace("needs: [find]", "needs: [nope]"))
        )
        looped = GOOD.replace(
            '    params: {start: "{time.now}"', '    needs: [tell]\n    params: {start: "{time.now}"'
        )
        assert "go round in a circle" in str(broken(targets, looped))

    def test_duplicate_step_ids_are_refused(self, targets: Targets) -> None:
        """Two steps with one id is an error on the second."""
        error = broken(targets, GOOD.replace("id: tell", "id: book"))
        assert "a second step with id 'book'" in str(error) and error.line == 15

    def test_schema_errors_name_the_step(self, targets: Targets) -> None:
        """A bad `on_failure` is reported with the step and its line."""
        error = broken(targets, GOOD.replace("needs: [book]", "needs: [book]\n    on_failure: explode"))
        assert error.step == "tell" and error.line == 18 and "on_failure" in str(error)

    def test_yaml_errors_give_a_line(self, targets: Targets) -> None:
        """Malformed YAML is a load error with its line."""
        error = broken(targets, "name: x\nsteps: [\n  - id: a\n")
        assert "not valid YAML" in str(error) and error.line is not None

    def test_aliases_and_python_tags_are_refused(self, targets: Targets) -> None:
        """Anchors/aliases and Python object tags never load."""
        assert "aliases" in str(broken(targets, "a: &x [1]\nb: *x\n"))
        assert "not valid YAML" in str(broken(targets, "name: !!python/object/apply:os.system ['true']\n"))

    def test_json_files_load_with_lines(self, targets: Targets, tmp_path: Path) -> None:
        """A .json workflow loads, and its errors also carry a line."""
        path = tmp_path / "w.json"
        path.write_text('{"name": "j",\n "steps": [\n  {"id": "a", "uses": "scheduler.nope"}]}')
        with pytest.raises(WorkflowError) as caught:
            load_workflow(path, targets)
        assert caught.value.line == 3

    def test_an_oversized_file_is_refused(self, targets: Targets, tmp_path: Path) -> None:
        """Files over the size limit are not parsed."""
        path = tmp_path / "big.yaml"
        path.write_text("# " + "x" * 300_000)
        with pytest.raises(WorkflowError, match="larger than"):
            load_workflow(path, targets)


class TestShippedWorkflows:
    def test_the_examples_load(self, local_config: AppConfig) -> None:
        """Every shipped example workflow passes the loader's checks."""
        catalog = Catalog.scan(workflow_dirs(), targets_for(local_config))
        assert catalog.errors == []
        assert {"daily_agenda", "meeting_request"} <= set(catalog.workflows)
