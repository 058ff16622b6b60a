"""How fast `automate` starts, measured against a bare interpreter in the same run.

What a person gets from the README's first command is measured: a virtual
environment with `pip install .` and nothing else (test extras change start-up:
schemathesis brings rich, which structlog imports when present). The
environment is built once in the user's cache directory and reused; `--python PATH`
measures another interpreter's environment instead (e.g. the test venv).

Runs `automate --help` and one task on the embedded defaults (in a fresh
temporary data directory) several times, prints the medians and their ratios
to `python -c pass` of the same interpreter, and lists any heavy client library
the task imported (Google, Anthropic, LangChain, MCP, Temporal must not be).

    python tests/bench/bench_startup.py [--runs N] [--python PATH] [--rebuild]

Last line: help_s=… task_s=… python_s=… heavy_imports=none
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "automate" / "bench-startup-venv"
HEAVY = (
    "googleapiclient",
    "google.auth",
    "google_auth_oauthlib",
    "anthropic",
    "langchain",
    "langchain_core",
    "mcp",
    "temporalio",
    "httplib2",
)
TASK = "what's on my calendar tomorrow"


def user_install(rebuild: bool) -> Path:
    """A venv with the project installed as the README installs it; built on first use."""
    python = VENV / "bin" / "python"
    if rebuild and VENV.exists():
        shutil.rmtree(VENV)
    if not python.exists():
        print(f"building {VENV} (pip install . — once)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT)], check=True)
    return python


def timed(command: list[str], env: dict[str, str], runs: int, cwd: str) -> float:
    """Median wall time of `runs` executions, after one warm-up."""
    subprocess.run(command, env=env, capture_output=True, check=False, cwd=cwd)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, check=False, cwd=cwd)
        samples.append(time.perf_counter() - start)
        if done.returncode not in (0, 3):
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(samples)


def heavy_imports(python: Path, env: dict[str, str], cwd: str) -> list[str]:
    """Heavy modules imported by one task, read from `python -X importtime`."""
    done = subprocess.run(
        [str(python), "-X", "importtime", "-c", f"from automate import main; main.main([{TASK!r}])"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )
    found = set()
    for line in done.stderr.splitlines():
        name = line.rsplit("|", 1)[1].strip() if "|" in line else ""
        if any(name == h or name.startswith(h + ".") for h in HEAVY):
            found.add(name.split(".")[0])
    return sorted(found)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=11, help="timed runs per command (default 11)")
    parser.add_argument("--python", type=Path, help="measure this interpreter's environment instead")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the user-install venv first")
    args = parser.parse_args()
    python = args.python or user_install(args.rebuild)
    automate = python.parent / "automate"
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "AUTOMATE_HOME": home}
        env.pop("AUTOMATE_CONFIG", None)
        # An installed package has its bytecode compiled; let the warm-up run write it here too.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        python_s = timed([str(python), "-c", "pass"], env, args.runs, home)
        help_s = timed([str(automate), "--help"], env, args.runs, home)
        task_s = timed([str(automate), TASK], env, args.runs, home)
        heavy = heavy_imports(python, env, home)
    print(f"environment         {python.parent.parent}")
    print(f"python -c pass      {python_s * 1000:7.1f} ms")
    print(f"automate --help     {help_s * 1000:7.1f} ms  ({help_s / python_s:.1f}x python)")
    print(f"automate '{TASK}'  {task_s * 1000:7.1f} ms  ({task_s / python_s:.1f}x python)")
    print(f"heavy imports: {', '.join(heavy) or 'none'}")
    print(
        f"help_s={help_s:.3f} task_s={task_s:.3f} python_s={python_s:.3f} "
        f"heavy_imports={','.join(heavy) or 'none'}"
    )


if __name__ == "__main__":
    main()
