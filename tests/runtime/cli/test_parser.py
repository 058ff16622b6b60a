"""The command grammar: which words are a command, and a help that lists every command."""

from __future__ import annotations

import pytest

from automate.runtime.cli.parser import COMMANDS, parse


def help_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        parse(list(argv))
    assert exit_.value.code == 0
    return capsys.readouterr().out


class TestParse:
    def test_a_command_name_first_is_that_command(self) -> None:
        """`history -n 3` is the history command with its option, not a request."""
        args = parse(["history", "-n", "3"])
        assert (args.command, args.limit) == ("history", 3)

    def test_other_words_are_a_request(self) -> None:
        """Plain words are the task, joined later; options after them still apply."""
        args = parse(["add", "milk", "to", "my", "list", "--dry-run"])
        assert (args.command, args.text, args.dry_run) == ("task", ["add", "milk", "to", "my", "list"], True)

    @pytest.mark.parametrize(
        ("argv", "command"),
        [
            (["show", "3f9a01c2"], "show"),
            (["show", "my", "agenda", "tomorrow"], "task"),
            (["show", "latest"], "task"),
        ],
    )
    def test_show_is_a_command_only_before_a_run_id(self, argv: list[str], command: str) -> None:
        """`show` followed by a hex run id is the command; followed by other words, a request."""
        assert parse(argv).command == command

    def test_show_alone_is_a_usage_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A bare `show` is the command without its RUN_ID: exit 2 with argparse's message."""
        with pytest.raises(SystemExit) as exit_:
            parse(["show"])
        assert exit_.value.code == 2
        assert "RUN_ID" in capsys.readouterr().err

    def test_no_arguments_print_the_help_and_exit_2(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`automate` alone explains itself and exits with the usage status."""
        with pytest.raises(SystemExit) as exit_:
            parse([])
        assert exit_.value.code == 2
        assert "commands:" in capsys.readouterr().out


class TestHelp:
    def test_help_has_a_line_for_every_command(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Each command appears in `--help` at the start of its own line, with its summary."""
        lines = help_text(capsys, "--help").splitlines()
        start = lines.index("commands:")
        listed = [
            line.split()[0] for line in lines[start + 1 :] if line.startswith("  ") and len(line.split()) > 1
        ]
        assert listed == ['"TEXT"', *COMMANDS]
        for command in COMMANDS.values():
            assert any(line.startswith(f"  {command.usage} ") and command.summary in line for line in lines)

    @pytest.mark.parametrize("name", sorted(COMMANDS))
    def test_every_listed_command_answers_its_own_help(
        self, capsys: pytest.CaptureFixture[str], name: str
    ) -> None:
        """`automate NAME --help` works for each command in the list and describes it."""
        assert COMMANDS[name].summary in help_text(capsys, name, "--help")
