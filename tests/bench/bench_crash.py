"""SIGKILL `automate run` at random points 50 times, resume each run, and count the damage.

    python tests/bench/bench_crash.py [--runs 50] [--seed 1]

Each run of a three-step probe workflow (book an event on the embedded
calendar, mail an invite and a note through the embedded Maildir) is killed
once and then run again with the same run id. The last line is
``runs=… lost=… duplicate_events=… duplicate_emails=…``; re-sends that reused
the same Message-ID (harmless: one message) are counted on the line above.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.runtime.crash_harness import crash_runs


def main() -> int:
    """Run the bench and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-crash-") as base:
        report = crash_runs(Path(base), args.runs, seed=args.seed, say=print if args.verbose else None)
    for problem in report.problems:
        print(f"problem: {problem}")
    print(
        f"killed inside a run: {report.killed_mid_run} (in-doubt steps repeated with their key: "
        f"{report.in_doubt_retries}), finished before the kill: "
        f"{report.finished_before_kill}, missing effects: {report.missing_effects}, "
        f"same-Message-ID re-sends: {report.same_id_resends}, {time.monotonic() - began:.0f} s"
    )
    print(report.line())
    return 0 if report.lost == report.duplicate_events == report.missing_effects == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
