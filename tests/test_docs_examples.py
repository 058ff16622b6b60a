"""Every example in README.md and docs/: Python runs as written, config files load, shell lines match the CLI.

Each ```python block is saved to a file and run with this interpreter in a fresh
directory, on a fresh HOME with fresh XDG directories, as a reader would run it:
it must exit 0, print something, and write nothing to stderr. A block may be
marked by an HTML comment on the lines before it:

- ``<!-- example: file=PATH -->`` on a YAML block saves that block as PATH in
  the directory where the document's Python blocks run (for an example that
  reads a config file the document shows);
- ``<!-- example: needs=serve -->`` on a Python block starts ``automate serve``
  on a free loopback port first, as the API tests do, and gives the example
  its address and token as ``AUTOMATE_API_URL`` and ``AUTOMATE_API_TOKEN``.

A YAML block whose first line names the file it is (``# ~/.config/automate/
settings.yaml``, ``…/integrations_config.yaml``, ``…/workflows/NAME.yaml``)
is loaded as that file, with every ``${VAR}`` it references set.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
FENCE = re.compile(
    r"(?P<marks>(?:<!--\s*example:[^>]*-->\s*\n\s*)*)```(?P<lang>\w*)\n(?P<body>.*?)\n\s*```", re.S
)
MARK = re.compile(r"<!--\s*example:(?P<pairs>[^>]*)-->")
SHELLS = {"sh", "console", "bash"}
CONFIG_FILE = re.compile(
    r"^# \S*/(?P<name>settings\.yaml|integrations_config\.yaml|workflows/[\w-]+\.ya?ml)(?:\s.*)?\n"
)
# The environment variables a reader's shell would pass on besides HOME: the fixed clock the
# suite runs under (tests/conftest.py), so an example's "tomorrow" is the same day every run.
PASSED_ON = ("PATH", "LANG", "AUTOMATE_NOW")


@dataclass(frozen=True)
class Block:
    """One fenced block of a document."""

    doc: Path
    line: int
    lang: str
    body: str
    marks: dict[str, str]

    @property
    def name(self) -> str:
        """Where the block is, as `file:line`."""
        return f"{self.doc.relative_to(ROOT)}:{self.line}"


def blocks(doc: Path) -> list[Block]:
    """Every fenced block of `doc` with the marks written before it."""
    text = doc.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        marks = dict(
            pair.split("=", 1) for mark in MARK.finditer(match["marks"]) for pair in mark["pairs"].split()
        )
        line = text.count("\n", 0, match.start("lang")) + 1
        found.append(Block(doc, line, match["lang"], match["body"], marks))
    return found


ALL = [block for doc in DOCS for block in blocks(doc)]
PYTHON = [block for block in ALL if block.lang == "python"]
CONFIGS = [block for block in ALL if block.lang == "yaml" and CONFIG_FILE.match(block.body)]


@contextmanager
def serve_peer(tmp_path: Path) -> Iterator[dict[str, str]]:
    """`automate serve` on the embedded defaults and a fresh data directory, while the example runs."""
    from tests.runtime.api.harness import TOKEN, start_serve, stop_serve

    config = tmp_path / "serve-config"
    config.mkdir()
    served = start_serve(config, tmp_path / "serve-home", tmp_path / "serve.log")
    try:
        yield {"AUTOMATE_API_URL": served.url, "AUTOMATE_API_TOKEN": TOKEN}
    finally:
        stop_serve(served)


PEERS = {"serve": serve_peer}


def run_example(block: Block, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Save `block` as a file and run it as `python example.py` on a fresh HOME, with the peer it needs."""
    needs = block.marks.get("needs")
    if needs is None:
        return run_file(block, tmp_path, {})
    assert needs in PEERS, f"{block.name}: no peer {needs!r} (known: {', '.join(PEERS)})"
    with PEERS[needs](tmp_path) as peer_env:
        return run_file(block, tmp_path, peer_env)


def run_file(block: Block, tmp_path: Path, extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `block` saved as example.py in a fresh directory with a fresh HOME and XDG directories."""
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir(parents=True)
    for other in blocks(block.doc):
        if "file" in other.marks:
            target = work / other.marks["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(other.body + "\n", encoding="utf-8")
    (work / "example.py").write_text(block.body + "\n", encoding="utf-8")
    env = {name: os.environ[name] for name in PASSED_ON if name in os.environ}
    env |= {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "example.py"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=120,
        check=False,
    )


@cache
def help_text(*words: str) -> str:
    """`automate WORDS… --help`, or "" when those words are not a command."""
    done = subprocess.run(
        [sys.executable, "-m", "automate.main", *words, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout if done.returncode == 0 else ""


def commands() -> set[str]:
    """The command words `automate --help` lists."""
    listing = help_text().split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]
    return {line.split()[0] for line in listing.splitlines() if line.strip() and line.strip()[0] != '"'}


def shell_invocations(program: str) -> list[tuple[str, list[str]]]:
    """Each `program …` command of the shell examples, as (where, its arguments)."""
    found = []
    for block in ALL:
        if block.lang not in SHELLS:
            continue
        for offset, raw in enumerate(block.body.splitlines(), start=1):
            if not re.search(rf"(?<![\w-]){program}\s", raw):
                continue
            lexer = shlex.shlex(raw.strip().removeprefix("$ "), posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            command: list[str] = []
            for word in [*lexer, ";"]:
                if word in {"&&", "||", "|", ";", "&"}:
                    if command and Path(command[0]).name == program:
                        found.append((f"{block.name}+{offset}", command[1:]))
                    command = []
                else:
                    command.append(word)
    return found


def where_of(value: object) -> str:
    """A test id: the `file:line+offset` of a shell line (its arguments add nothing)."""
    return value if isinstance(value, str) else ""


class TestPythonExamples:
    @pytest.mark.parametrize("block", PYTHON, ids=lambda b: b.name)
    def test_runs_as_written(self, block: Block, tmp_path: Path) -> None:
        """The example exits 0, prints its result and writes nothing to stderr."""
        done = run_example(block, tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        assert done.stdout.strip()

    def test_readme_embedding_prints_the_result_and_nothing_else(self, tmp_path: Path) -> None:
        """The README's example prints one line, keeping its data under the XDG data directory."""
        (block,) = [b for b in PYTHON if b.doc.name == "README.md"]
        done = run_example(block, tmp_path)
        assert done.returncode == 0, done.stderr
        assert len(done.stdout.splitlines()) == 1, done.stdout
        assert done.stderr == ""
        assert (tmp_path / "home" / ".local" / "share" / "automate" / "runs.sqlite3").is_file()
        assert not (tmp_path / "home" / ".config").exists()

    def test_every_document_with_python_is_found(self) -> None:
        """The README and docs/embedding.md both hold Python examples, so none is silently skipped."""
        assert {ROOT / "README.md", ROOT / "docs" / "embedding.md"} <= {b.doc for b in PYTHON}

    def test_file_marks_name_yaml_blocks(self) -> None:
        """Only YAML blocks are saved as files, at relative paths inside the example's directory."""
        marked = [b for b in ALL if "file" in b.marks]
        assert all(b.lang == "yaml" and not Path(b.marks["file"]).is_absolute() for b in marked)
        assert all(".." not in Path(b.marks["file"]).parts for b in marked)


class TestConfigExamples:
    @pytest.mark.parametrize("block", CONFIGS, ids=lambda b: b.name)
    def test_loads_as_the_file_it_names(self, block: Block, tmp_path: Path) -> None:
        """A documented settings, integrations or workflow file loads and validates as written."""
        from automate.integrations.config import load_config
        from automate.runtime.workflows import load_workflow, targets_for

        match = CONFIG_FILE.match(block.body)
        assert match is not None
        target = tmp_path / "config" / match["name"]
        target.parent.mkdir(parents=True)
        target.write_text(block.body + "\n", encoding="utf-8")
        env = {name: "a-value-of-sixteen-chars" for name in re.findall(r"\$\{(\w+)", block.body)}
        config = load_config(tmp_path / "config", env={"HOME": str(tmp_path), **env}, home=tmp_path / "home")
        if target.parent.name == "workflows":
            assert load_workflow(target, targets_for(config)).name == target.stem

    def test_the_named_files_are_found(self) -> None:
        """The README's settings and workflow files are among the checked ones, so the match works."""
        assert {"settings.yaml", "meeting_request.yaml"} <= {
            Path(str(CONFIG_FILE.match(b.body)["name"])).name for b in CONFIGS if b.doc.name == "README.md"
        }


class TestShellExamples:
    @pytest.mark.parametrize(("where", "args"), shell_invocations("automate"), ids=where_of)
    def test_matches_the_cli(self, where: str, args: list[str]) -> None:
        """A command word is one `automate --help` lists, and every option is one that command takes."""
        words = [a for a in args[:2] if not a.startswith("-") and " " not in a]
        if words:
            assert words[0] in commands(), f"{where}: automate has no command {words[0]!r}"
        # the options of the command and of its subcommand (`auth google --client-secrets`)
        text = help_text() + "".join(help_text(*words[:n]) for n in range(1, len(words) + 1))
        options = [a.split("=", 1)[0] for a in args if a.startswith("--")]
        assert [o for o in options if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text)] == []

    @pytest.mark.parametrize(("where", "args"), shell_invocations("pip"), ids=where_of)
    def test_pip_installs_the_distribution_name(self, where: str, args: list[str]) -> None:
        """`pip install` names automate-agents (or a checkout), never PyPI's unrelated `automate`."""
        names = [re.split(r"[\[<>=!~ ]", a, maxsplit=1)[0] for a in args[1:] if not a.startswith("-")]
        assert "automate" not in names, where
