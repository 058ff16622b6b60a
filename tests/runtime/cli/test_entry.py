"""`main`: usage errors, undecodable arguments, a closed output pipe, and -v, as a person meets them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from automate.runtime.cli import main
from automate.runtime.cli.entry import EXIT_PIPE_CLOSED


def command(home: Path, config: Path, *args: str | bytes, **kwargs: object) -> subprocess.Popen[bytes]:
    """`python -m automate.main ARGS` on a temporary home and config; arguments may be raw bytes."""
    env = {**os.environ, "AUTOMATE_HOME": str(home), "AUTOMATE_CONFIG": str(config), "NO_COLOR": "1"}
    return subprocess.Popen([sys.executable, "-m", "automate.main", *args], env=env, **kwargs)  # type: ignore[call-overload]


def finished(process: subprocess.Popen[bytes]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, (out or b"").decode(), (err or b"").decode()


class TestMain:
    def test_show_without_a_run_id_is_a_usage_error(
        self,
        monkeypatch: pytest.MonkeyPatch,
        home: Path,
        user_config: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A bare `automate show` exits 2 asking for RUN_ID; it is not read as a request."""
        monkeypatch.setenv("AUTOMATE_HOME", str(home))
        monkeypatch.setenv("AUTOMATE_CONFIG", str(user_config))
        assert main(["show"]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert "the following arguments are required: RUN_ID" in captured.err
        assert list(home.iterdir()) == []

    def test_help_returns_zero(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`--help` prints the help and returns 0 instead of raising SystemExit."""
        assert main(["--help"]) == 0
        assert capsys.readouterr().out.startswith("usage: automate")

    def test_bytes_that_are_not_utf8_are_refused_in_one_line(self, home: Path, user_config: Path) -> None:
        """A request with a stray \\xff byte exits 2 with one line showing the byte, and stores nothing."""
        code, out, err = finished(
            command(
                home, user_config, b"add \xff milk to my list", stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        )
        assert (code, out) == (2, "")
        assert err.splitlines() == [
            "automate: the argument 'add \\\\xff milk to my list' is not UTF-8 text "
            "(check the encoding of your terminal or script); nothing was done"
        ]
        assert list(home.iterdir()) == []

    def test_a_reader_that_left_gets_no_traceback(self, home: Path, user_config: Path) -> None:
        """`--json` output into a pipe whose reader has gone (`| head`) ends quietly with status 141."""
        read_end, write_end = os.pipe()
        os.close(read_end)  # the reader is gone before the first byte: every write hits a closed pipe
        try:
            code, _, err = finished(
                command(home, user_config, "agents", "--json", stdout=write_end, stderr=subprocess.PIPE)
            )
        finally:
            os.close(write_end)
        assert (code, err) == (EXIT_PIPE_CLOSED, "")

    def test_verbose_logs_the_calls_to_stderr(self, home: Path, user_config: Path) -> None:
        """`-v` shows each service call on stderr; without it stderr stays empty; the answer is on stdout."""
        code, out, err = finished(
            command(
                home,
                user_config,
                "add milk to my shopping list",
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
        assert code == 0 and err == "" and "milk" in out
        code, out, err = finished(
            command(
                home,
                user_config,
                "-v",
                "add eggs to my shopping list",
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
        assert code == 0 and "eggs" in out
        assert "[info     ] service_called" in err and "service=lists" in err
        assert "service_called" not in out
