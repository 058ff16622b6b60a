"""`automate serve`: the command starts the server, refuses to start without a token, stays lazy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.runtime.api.harness import ROOT, TOKEN, start_serve
from tests.test_startup import PROBE

WEB = ("fastapi", "uvicorn", "starlette")


def run_main(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run main.py with `args` in a fresh interpreter."""
    environment = {**os.environ, "AUTOMATE_HOME": str(home), **(env or {})}
    environment.pop("AUTOMATE_CONFIG", None)
    environment.pop("AUTOMATE_API_TOKEN", None) if env is None else None
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
        cwd=ROOT,
    )


class TestServeCommand:
    def test_help_and_a_local_task_import_no_web_framework(self, home: Path) -> None:
        """`automate --help` and a task on the embedded defaults load neither FastAPI nor uvicorn."""
        code = PROBE.replace("{heavy}", repr(set(WEB)))
        for args in (["--help"], ["add milk to my shopping list"]):
            done = run_main(home, "-c", code, *args)
            assert json.loads(done.stdout.strip().splitlines()[-1]) == [], args

    def test_help_lists_serve(self, home: Path) -> None:
        """The command list in `automate --help` includes serve."""
        done = run_main(home, "-m", "automate.main", "--help")
        assert "serve" in done.stdout and "--host, --port" in done.stdout

    def test_serve_refuses_to_start_without_a_token(self, home: Path) -> None:
        """With AUTOMATE_API_TOKEN unset, serve exits 2 with a config error naming the variable."""
        done = run_main(home, "-m", "automate.main", "serve", "--port", "9")
        assert done.returncode == 2
        assert "server.token" in done.stderr and "AUTOMATE_API_TOKEN" in done.stderr

    def test_serve_answers_on_loopback_and_stops_cleanly(self, api_config_dir: Path, home: Path) -> None:
        """The served API checks the token, runs a task, and exits 0 on SIGTERM."""
        served = start_serve(api_config_dir, home, home / "serve.log")
        try:
            refused = httpx.get(f"{served.url}/api/runs", timeout=5)
            done = httpx.post(
                f"{served.url}/api/tasks",
                json={"text": "add figs to my shopping list", "wait": True},
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=10,
            )
        finally:
            served.process.send_signal(signal.SIGTERM)
            code = served.process.wait(15)
        assert refused.status_code == 401
        assert done.json()["status"] == "done"
        assert code == 0
        assert "serving http://127.0.0.1:" in (home / "serve.log").read_text()
