"""Start-up stays light: no heavy client library is imported for help or a local task."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("googleapiclient", "google.auth", "anthropic", "langchain_core", "mcp", "temporalio", "httplib2")

PROBE = """
import json, sys
from automate import main
try:
    main.main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy})))
"""


def imported(home: Path, *args: str) -> list[str]:
    roots = sorted({h.split(".")[0] for h in HEAVY})
    code = PROBE.replace("{heavy}", repr(set(roots)))
    env = {**os.environ, "AUTOMATE_HOME": str(home)}
    env.pop("AUTOMATE_CONFIG", None)
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


class TestStartup:
    def test_help_imports_no_heavy_client(self, home: Path) -> None:
        """`automate --help` loads none of Google, Anthropic, LangChain, MCP or Temporal."""
        assert imported(home, "--help") == []

    def test_local_task_imports_no_heavy_client(self, home: Path) -> None:
        """A task on the embedded defaults loads none of them either."""
        assert imported(home, "what's on my calendar tomorrow") == []
