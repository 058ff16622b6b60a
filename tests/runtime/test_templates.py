"""The one template language of plans and workflows: paths, defaults, braces, conditions, references."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from automate.integrations.errors import InvalidRequest
from automate.runtime.templates import (
    MAX_TEXT,
    STEP_PARTS,
    Ref,
    Template,
    TemplateSyntaxError,
    compile_condition,
    compile_value,
    references,
    refs_in,
    render,
)

PIECES = [
    "{",
    "}",
    "{{",
    "}}",
    "s1",
    "s2",
    ".",
    "output",
    "params",
    "message",
    "x",
    "0",
    " ",
    "|",
    '"',
    "null",
]
SCOPE = {
    "inputs": {"title": "Sync", "count": 2, "none": None},
    "find": {"output": {"slots": [{"start": "2026-11-25T09:00:00+00:00"}]}},
}


class TestTemplates:
    def test_a_whole_template_keeps_the_value_type(self) -> None:
        """A string that is one template becomes the value itself, not its text."""
        assert render(compile_value("{inputs.count}"), SCOPE) == 2
        assert render(compile_value("{find.output.slots}"), SCOPE) == SCOPE["find"]["output"]["slots"]  # type: ignore[index]

    def test_templates_inside_text_become_text(self) -> None:
        """Templates inside longer text are replaced by their text; lists by JSON."""
        compiled = compile_value("{inputs.title} x{inputs.count} at {find.output.slots.0.start}")
        assert render(compiled, SCOPE) == "Sync x2 at 2026-11-25T09:00:00+00:00"

    def test_doubled_braces_are_literal(self) -> None:
        """'{{' and '}}' stand for braces and are not templates."""
        compiled = compile_value("{{not a template}} {inputs.title}")
        assert render(compiled, SCOPE) == "{not a template} Sync"
        assert compile_value("{{x}}") == "{x}"

    def test_a_default_fills_a_missing_or_null_value(self) -> None:
        """`| literal` is used when the path has nothing or holds null."""
        assert render(compile_value('{inputs.missing | "Weekly"}'), SCOPE) == "Weekly"
        assert render(compile_value("{inputs.none | 5}"), SCOPE) == 5
        assert render(compile_value("{find.output.slots.3.start | null}"), SCOPE) is None

    def test_a_default_with_braces_and_bars_in_quotes(self) -> None:
        """A quoted default may hold '}' and '|'."""
        assert render(compile_value('{inputs.x | "a}|b"}'), SCOPE) == "a}|b"

    def test_a_missing_path_without_default_is_a_clear_error(self) -> None:
        """A path with no value and no default names the path."""
        with pytest.raises(InvalidRequest, match=r"\{find.output.slots.5.start\}: nothing at '5'"):
            render(compile_value("{find.output.slots.5.start}"), SCOPE)

    def test_a_rendered_value_is_never_read_again(self) -> None:
        """Text that a template puts in stays as it came, even when it looks like a template."""
        scope = {"inputs": {"title": "{find.output.slots}"}, "find": {"output": {"slots": ["secret"]}}}
        assert render(compile_value("x {inputs.title}"), scope) == "x {find.output.slots}"
        assert render(compile_value("{inputs.title}"), scope) == "{find.output.slots}"

    def test_nested_params_are_compiled_and_refs_listed(self) -> None:
        """Dicts and lists are walked; every ref is reported."""
        compiled = compile_value({"to": ["{inputs.title}"], "n": 3, "body": "x {inputs.count}"})
        assert [r.path for r in refs_in(compiled)] == [("inputs", "title"), ("inputs", "count")]
        assert isinstance(compiled["to"][0], Template)

    @pytest.mark.parametrize(
        "text",
        [
            "{",
            "}",
            "{inputs.title",
            "{ }",
            "{1abc}",
            "{a..b}",
            "{a.b c}",
            "{a | nope}",
            '{a | "x}',
            "{a | [1]}",
            "{a | {}}",
            "{a{b}}",
            "{__import__('os')}",
            "{a.b()}",
        ],
    )
    def test_malformed_templates_are_refused(self, text: str) -> None:
        """Anything that is not a path with an optional JSON literal is a syntax error."""
        with pytest.raises(TemplateSyntaxError):
            compile_value(text)


class TestConditions:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("{find.output.slots}", True),
            ("not {find.output.slots}", False),
            ("{inputs.count} == 2", True),
            ('{inputs.title} != "Sync"', False),
            ("{inputs.none}", False),
            (True, True),
            (False, False),
        ],
    )
    def test_conditions_evaluate_against_the_scope(self, text: str | bool, expected: bool) -> None:
        """Truth, negation and (in)equality with a literal."""
        assert compile_condition(text)(SCOPE) is expected

    @pytest.mark.parametrize("text", ["inputs.x", "{a} > 3", "{a} == ", "{a} or {b}", 3])
    def test_other_conditions_are_refused(self, text: object) -> None:
        """A condition is only a template, maybe negated, maybe compared with a literal."""
        with pytest.raises(TemplateSyntaxError):
            compile_condition(text)

    def test_a_condition_ref_is_listed(self) -> None:
        """The condition's path is reported for load-time checks."""
        assert list(refs_in(compile_condition("{a.b}"))) == [Ref(("a", "b"))]


class TestReferences:
    def test_step_references_in_nested_params_are_found(self) -> None:
        """Every step read through output, params or message is named, in dicts and lists."""
        value = {"body": "{s1.output.title} at {s2.params.start}", "to": ["{s3.message}"], "n": 1}
        assert references(value) == {"s1", "s2", "s3"}

    def test_a_stray_brace_neither_hides_nor_makes_a_reference(self) -> None:
        """Malformed braces around a real reference still leave the reference found."""
        assert references("if (x) { y } then {s1.output.title}") == {"s1"}
        assert references("{ 5 } and } and {") == set()

    def test_paths_that_read_no_step_are_not_references(self) -> None:
        """Inputs-like paths, single names and escaped braces name no step."""
        assert references("{hello} {inputs.title} {s1.outputs.x} {{s2.output.x}}") == set()

    def test_text_too_long_to_parse_names_no_step(self) -> None:
        """Text over the parse limit is simply read as no reference, not an error."""
        assert references("{s1.output.title}" + "x" * MAX_TEXT) == set()

    @given(text=st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
    def test_well_formed_text_names_the_steps_it_reads(self, text: str) -> None:
        """Any text is read without error; for text that parses, exactly its step reads are named."""
        found = references(text)
        try:
            compiled = compile_value(text)
        except TemplateSyntaxError:
            return
        reads = {r.path[0] for r in refs_in(compiled) if len(r.path) > 1 and r.path[1] in STEP_PARTS}
        assert found == reads
