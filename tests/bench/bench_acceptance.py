"""Run the acceptance corpus and print the share passed per agent and overall.

    python tests/bench/bench_acceptance.py [--failures] [--only ID_PREFIX]

The same runner as tests/acceptance/test_acceptance.py: each case on a fresh
embedded-defaults runtime, clock stopped at Tuesday 2026-11-24 10:00 Lisbon.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.acceptance.runner import NOW, load_cases, report, run_corpus


def main() -> int:
    """Print the table (and with --failures every failing case); exit 1 if any case failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="list every failing case with its reason")
    parser.add_argument("--only", default="", help="run only the cases whose id starts with this")
    args = parser.parse_args()
    cases = [case for case in load_cases() if case.id.startswith(args.only)]
    began = time.perf_counter()
    verdicts = asyncio.run(run_corpus(cases))
    print(f"acceptance corpus, clock stopped at {NOW.isoformat()}")
    print(report(verdicts, failures=args.failures, seconds=time.perf_counter() - began))
    return 0 if all(v.passed for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
