"""How fast `automate` starts, measured against a bare interpreter in the same run.

Runs `automate --help` and one task on the embedded defaults (in a fresh
temporary data directory) several times, prints the medians as ratios to
`python -c pass`, and lists any heavy client library the task imported
(Google, Anthropic, LangChain, MCP, Temporal must not be).

    python tests/bench/bench_startup.py [--runs N]

Last line: help_s=… task_s=… python_s=… heavy_imports=none
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def automate_command() -> list[str]:
    """The installed console script, or the module when run from a checkout."""
    script = Path(sys.executable).parent / "automate"
    return [str(script)] if script.exists() else [sys.executable, "-m", "main"]


def timed(command: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time of `runs` executions, after one warm-up."""
    subprocess.run(command, env=env, capture_output=True, check=False)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, check=False)
        samples.append(time.perf_counter() - start)
        if done.returncode not in (0, 3):
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(samples)


def heavy_imports(env: dict[str, str]) -> list[str]:
    """Heavy modules imported by one task, read from `python -X importtime`."""
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            f"import sys; sys.argv=['automate', {TASK!r}]; import main; main.main(sys.argv[1:])",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    found = set()
    for line in done.stderr.splitlines():
        if "|" not in line:
            continue
        name = line.rsplit("|", 1)[1].strip()
        if any(name == h or name.startswith(h + ".") for h in HEAVY):
            found.add(name.split(".")[0])
    return sorted(found)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=11, help="timed runs per command (default 11)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "AUTOMATE_HOME": home, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        env.pop("AUTOMATE_CONFIG", None)
        # An installed package has its bytecode compiled; let the warm-up run write it here too.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        python_s = timed([sys.executable, "-c", "pass"], env, args.runs)
        help_s = timed([*automate_command(), "--help"], env, args.runs)
        task_s = timed([*automate_command(), TASK], env, args.runs)
        heavy = heavy_imports(env)
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
