"""SIGKILL `automate run` at random points 50 times, resume each run, and count the damage.

    python tests/bench/bench_crash.py [--runs 50] [--seed 1] [--no-peers] [-v]

Each run of a three-step probe workflow (book an event, mail an invite and a
note) is killed once and then run again with the same run id: first on the
embedded calendar and Maildir, then (unless --no-peers) on a real Radicale
CalDAV server and an aiosmtpd SMTP server on loopback. The last line is
``runs=… lost=… duplicate_events=… duplicate_emails=…`` over both passes;
re-sends that reused the same Message-ID (one message to the reader: the
kill fell between the server's acceptance and our record) are counted on
the lines above.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.runtime.crash_harness import CrashReport, Peers, crash_runs

SUMMED = ("runs", "lost", "duplicate_events", "duplicate_emails", "missing_effects")


def main() -> int:
    """Run the passes and print their figures, then the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-peers", action="store_true", help="only the embedded calendar and Maildir")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    say = print if args.verbose else None
    with tempfile.TemporaryDirectory(prefix="bench-crash-") as base:
        root = Path(base)
        passes = [
            _pass("embedded", lambda: crash_runs(root / "embedded", args.runs, seed=args.seed, say=say))
        ]
        if not args.no_peers:
            passes.append(_pass("radicale+aiosmtpd", lambda: _with_peers(root / "peers", args, say)))
    total = CrashReport()
    for report in passes:
        for name in SUMMED:
            setattr(total, name, getattr(total, name) + getattr(report, name))
    print(total.line())
    return 0 if total.lost == total.duplicate_events == total.missing_effects == 0 else 1


def _pass(name: str, run: Callable[[], CrashReport]) -> CrashReport:
    began = time.monotonic()
    report = run()
    for problem in report.problems:
        print(f"{name}: problem: {problem}")
    print(
        f"{name}: killed inside a run {report.killed_mid_run} (in-doubt steps repeated with their key "
        f"{report.in_doubt_retries}), finished before the kill {report.finished_before_kill}, "
        f"missing effects {report.missing_effects}, same-Message-ID re-sends {report.same_id_resends}, "
        f"{time.monotonic() - began:.0f} s"
    )
    print(f"{name}: {report.line()}")
    return report


def _with_peers(base: Path, args: argparse.Namespace, say: Any) -> CrashReport:
    from tests.peers.radicale import running_radicale
    from tests.peers.smtp import SmtpPeer

    with running_radicale(base / "radicale") as radicale, SmtpPeer(mode="plain") as smtp:
        peers = Peers(
            caldav_url=radicale.url,
            caldav_user=radicale.username,
            caldav_password=radicale.password,
            caldav_storage=radicale.storage,
            smtp_port=smtp.port,
            smtp_messages=lambda: [m.content for m in smtp.messages],
        )
        return crash_runs(base, args.runs, seed=args.seed, say=say, peers=peers)


if __name__ == "__main__":
    sys.exit(main())
