"""Benchmark the time-expression parser against gold records, side by side with peers.

Usage: python tests/bench/bench_time.py --gold FILE [--predictions OUT] [--groups even|odd|all]

Records are JSON lines with `id`, `text`, `ref` (naive ISO wall time) and, when scored,
`kind`, `start`, `end`, `grain`, `section`. A prediction is right when its start (and end,
for intervals) equals the gold value truncated to the gold grain; a `none` record is right
when nothing is predicted. Sections `latent` and `diff` are not scored. Records without
answers are predicted and written but not scored.

Naive reference times are given the UTC offset of `--ref-offset` (default -02:00, the zone
the corpus was resolved in: "8:00 PST" is 14:00 there); outputs are written as wall time
in that zone, without offset, like the gold.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from automate.runtime.nlu.time import TimeValue, parse_time
from automate.runtime.nlu.time.grains import truncate

SKIPPED_SECTIONS = {"latent", "diff"}
# Every parser gets these (none from the gold data) before timing starts, so the numbers
# are per-phrase costs at steady state rather than first-use costs of code and caches.
WARM_UP = (
    "tomorrow at 3pm",
    "next friday",
    "in 2 hours",
    "from 3 to 5pm",
    "march 4th 2016",
    "every monday at 9",
    "new year's eve",
    "11/30/1982",
    "after 5pm",
    "this weekend",
    "friday afternoon",
    "next month",
    "at 7",
    "noon",
    "two days after tomorrow",
    "july 4th",
    "5 minutes ago",
    "between 2 and 4pm on friday",
    "end of the year",
    "2pm",
)
Prediction = tuple[datetime | None, datetime | None, str | None]


def _offset(text: str) -> timezone:
    sign = -1 if text.startswith("-") else 1
    hours, minutes = text.lstrip("+-").split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def _naive(moment: datetime | None, zone: timezone) -> datetime | None:
    return moment.astimezone(zone).replace(tzinfo=None) if moment is not None else None


@dataclass(frozen=True)
class System:
    """A parser under test: `call` is timed, `convert` (to naive wall times) is not."""

    name: str
    aware: bool  # given the reference with its UTC offset, or naive
    call: Callable[[str, datetime], Any]
    convert: Callable[[Any], Prediction]


def _ours(zone: timezone) -> System:
    def convert(value: TimeValue | None) -> Prediction:
        if value is None:
            return None, None, None
        return _naive(value.start, zone), _naive(value.end, zone), value.grain

    return System("runtime.nlu.time", True, parse_time, convert)


def _is_scored(record: dict[str, object]) -> bool:
    return "kind" in record and record.get("section") not in SKIPPED_SECTIONS


def _gold(record: dict[str, object], key: str) -> datetime | None:
    raw = record.get(key)
    if raw is None:
        return None
    return truncate(datetime.fromisoformat(str(raw)), record["grain"])  # type: ignore[arg-type]


def correct(record: dict[str, object], pred: Prediction, lenient: bool = False) -> bool:
    """The README's rule; `lenient` also truncates the prediction (for grainless peers)."""
    start, end, _grain = pred
    if record["kind"] == "none":
        return start is None and end is None
    grain = record["grain"]
    if lenient:
        start = truncate(start, grain) if start is not None else None  # type: ignore[arg-type]
        end = truncate(end, grain) if end is not None else None  # type: ignore[arg-type]
    if start != _gold(record, "start"):
        return False
    return record["kind"] != "interval" or end == _gold(record, "end")


def _run(
    records: list[dict[str, object]], systems: list[System], zone: timezone
) -> list[tuple[list[Prediction], list[float]]]:
    """Each record once per system (its first call for that phrase), timing only the call.

    Systems take turns on every record, in alternating order, so a busy machine slows
    them alike.
    """
    naive = [datetime.fromisoformat(str(r["ref"])) for r in records]
    aware = [ref.replace(tzinfo=zone) for ref in naive]
    texts = [str(r["text"]) for r in records]
    for system in systems:
        for phrase in WARM_UP:
            system.call(phrase, aware[0] if system.aware else naive[0])
    raws: list[list[Any]] = [[] for _ in systems]
    micros: list[list[float]] = [[] for _ in systems]
    clock = time.perf_counter_ns
    order = list(enumerate(systems))
    for i, text in enumerate(texts):
        # Who goes first alternates, so neither always follows the other's cache traffic.
        for k, system in order if i % 2 == 0 else order[::-1]:
            ref = aware[i] if system.aware else naive[i]
            t0 = clock()
            raw = system.call(text, ref)
            micros[k].append((clock() - t0) / 1000)
            raws[k].append(raw)
    return [([system.convert(raw) for raw in raws[k]], micros[k]) for k, system in enumerate(systems)]


def _steady(records: list[dict[str, object]], systems: list[System], zone: timezone) -> list[float]:
    """Per system, the median over records of the best of 5 back-to-back calls: the cost
    once code and data are hot, a steadier figure than single first calls."""
    medians = []
    for system in systems:
        best = []
        for record in records:
            ref = datetime.fromisoformat(str(record["ref"]))
            ref = ref.replace(tzinfo=zone) if system.aware else ref
            text = str(record["text"])
            runs = []
            for _ in range(5):
                t0 = time.perf_counter_ns()
                system.call(text, ref)
                runs.append((time.perf_counter_ns() - t0) / 1000)
            best.append(min(runs))
        medians.append(statistics.median(best))
    return medians


def _share(hits: Iterable[bool]) -> tuple[float, int]:
    items = list(hits)
    return (sum(items) / len(items) if items else float("nan")), len(items)


def _report(
    name: str,
    records: list[dict[str, object]],
    preds: list[Prediction],
    micros: list[float],
    lenient: bool = False,
) -> dict[str, float]:
    scored = [(r, p) for r, p in zip(records, preds, strict=True) if _is_scored(r)]
    overall, n = _share(correct(r, p, lenient) for r, p in scored)
    median = statistics.median(micros)
    p95 = statistics.quantiles(micros, n=20)[-1] if len(micros) > 1 else micros[0]
    print(f"== {name}: accuracy {overall:.1%} of {n} scored; median {median:.0f} us, p95 {p95:.0f} us")
    by_kind: dict[str, list[bool]] = defaultdict(list)
    by_grain: dict[str, list[bool]] = defaultdict(list)
    for record, pred in scored:
        hit = correct(record, pred, lenient)
        by_kind[str(record["kind"])].append(hit)
        if record["kind"] != "none":
            by_grain[str(record["grain"])].append(hit)
    print(
        "   per kind:  " + ", ".join(f"{k} {_share(v)[0]:.1%} ({len(v)})" for k, v in sorted(by_kind.items()))
    )
    print(
        "   per grain: "
        + ", ".join(f"{g} {_share(v)[0]:.1%} ({len(v)})" for g, v in sorted(by_grain.items()))
    )
    return {
        "accuracy": overall,
        "intervals": _share(by_kind.get("interval", []))[0],
        "none_rejected": _share(by_kind.get("none", []))[0],
        "median_us": median,
        "p95_us": p95,
    }


def _instant(got: datetime | None) -> Prediction:
    return (got.replace(tzinfo=None) if got else None), None, None


def _dateparser() -> System | None:
    try:
        import dateparser
    except ImportError:
        return None

    def call(text: str, ref: datetime) -> datetime | None:
        settings = {"RELATIVE_BASE": ref, "PREFER_DATES_FROM": "future"}
        return dateparser.parse(text, settings=settings)  # type: ignore[no-any-return]

    return System("dateparser", False, call, _instant)


def _parsedatetime() -> System | None:
    try:
        import parsedatetime
    except ImportError:
        return None
    cal = parsedatetime.Calendar(version=parsedatetime.VERSION_CONTEXT_STYLE)

    def call(text: str, ref: datetime) -> datetime | None:
        got, ctx = cal.parseDT(text, sourceTime=ref)
        return got if ctx.hasDateOrTime else None  # type: ignore[no-any-return]

    return System("parsedatetime", False, call, _instant)


def _write(path: Path, records: list[dict[str, object]], preds: list[Prediction]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record, (start, end, grain) in zip(records, preds, strict=True):
            out.write(
                json.dumps(
                    {
                        "id": record.get("id"),
                        "text": record["text"],
                        "start": start.isoformat() if start else None,
                        "end": end.isoformat() if end else None,
                        "grain": grain,
                    }
                )
                + "\n"
            )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the last line printed is a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", required=True, type=Path)
    parser.add_argument("--predictions", type=Path)
    parser.add_argument(
        "--groups",
        choices=("all", "even", "odd"),
        default="all",
        help="keep records whose `group` id is even (development) or odd (held out)",
    )
    parser.add_argument("--ref-offset", default="-02:00", help="UTC offset given to naive refs")
    parser.add_argument("--no-peers", action="store_true", help="skip dateparser/parsedatetime")
    args = parser.parse_args(argv)
    zone = _offset(args.ref_offset)
    records = [
        json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    for record in records:
        record.setdefault("ref", datetime.now().replace(microsecond=0).isoformat())
    if args.groups != "all":
        parity = 0 if args.groups == "even" else 1
        records = [r for r in records if int(r.get("group", 0)) % 2 == parity]
    if not records:
        print("no records")
        return 1
    scoring = any(_is_scored(r) for r in records)
    peers = [] if args.no_peers or not scoring else [_parsedatetime(), _dateparser()]
    systems = [_ours(zone), *(peer for peer in peers if peer is not None)]
    # Parsers of like speed take turns on each record; a much slower one (dateparser)
    # runs on its own, since its work between our calls would flush the CPU caches.
    fast = [s for s in systems if s.name != "dateparser"]
    results = _run(records, fast, zone)
    if len(fast) < len(systems):
        results += _run(records, [s for s in systems if s.name == "dateparser"], zone)
    systems = fast + [s for s in systems if s.name == "dateparser"]
    order = {"runtime.nlu.time": 0, "dateparser": 1, "parsedatetime": 2}
    paired = sorted(zip(systems, results, strict=True), key=lambda item: order[item[0].name])
    systems, results = [s for s, _ in paired], [r for _, r in paired]
    preds, micros = results[0]
    if args.predictions:
        _write(args.predictions, records, preds)
    if not scoring:
        median = statistics.median(micros)
        print(f"predicted {len(records)} records (no answers to score); median {median:.0f} us")
        return 0
    ours = _report(systems[0].name, records, preds, micros)
    summary = {
        k: f"{v:.3f}" if k in ("accuracy", "intervals", "none_rejected") else f"{v:.0f}"
        for k, v in ours.items()
    }
    for system, (peer_preds, peer_micros) in zip(systems[1:], results[1:], strict=True):
        name = system.name
        title = f"{name} (prediction truncated to the gold grain)"
        got = _report(title, records, peer_preds, peer_micros, lenient=True)
        print(
            f"   ratio: ours/{name} accuracy {ours['accuracy'] / max(got['accuracy'], 1e-9):.2f}x,"
            f" median time {ours['median_us'] / got['median_us']:.3g}x"
        )
        summary[f"{name}_median_us"] = f"{got['median_us']:.0f}"
    fast = [system for system in systems if system.name != "dateparser"]
    steady = dict(zip((system.name for system in fast), _steady(records, fast, zone), strict=True))
    print(
        "== steady state (median of the best of 5 back-to-back calls per phrase): "
        + ", ".join(f"{name} {value:.0f} us" for name, value in steady.items())
    )
    summary["steady_median_us"] = f"{steady[systems[0].name]:.0f}"
    if "parsedatetime" in steady:
        # Keep parsedatetime's first-call median last on the line, as documented.
        last = summary.pop("parsedatetime_median_us")
        summary["parsedatetime_steady_median_us"] = f"{steady['parsedatetime']:.0f}"
        summary["parsedatetime_median_us"] = last
    print(" ".join(f"{k}={v}" for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
