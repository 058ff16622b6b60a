"""Route SLURP-format requests and score intents, declines and slots.

    python tests/bench/bench_router.py --data ../shared/data/slurp_dev.jsonl [--predictions OUT]
        [--router rules|llm] [--ids all|even|odd|R/M]
        [--recorded FILE | --record FILE]   (with --router llm)

`--router llm` asks Claude through the `anthropic` service: with `--recorded FILE` a local
server replays answers recorded earlier (no key, no network: ready for CI); without it the
real API is called with ANTHROPIC_API_KEY (never in CI), and `--record FILE` saves each
answer for later replays. Claude's plan is scored by the intent of its first step; it has
no slot spans, so slot figures are the rules' only.

Records need `id` and `text`; with `intent`/`scenario`/`entities` they are scored.
The gold intent of a record whose label lost its scenario ("query") is rebuilt as
scenario_action. Slot texts are compared lower-cased with SLURP's split possessive
("today 's") joined back ("today's").
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from automate.runtime.router.base import RouteContext

IN_SCOPE = frozenset({"calendar", "email", "alarm", "lists"})
REF = datetime(2026, 11, 18, 9, 0, tzinfo=ZoneInfo("UTC"))

Prediction = tuple[str, list[dict[str, str]]]


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _rules_predictor() -> Callable[[str, RouteContext], Prediction]:
    from automate.runtime.router.rules import RuleRouter

    router = RuleRouter()

    def predict(text: str, context: RouteContext) -> Prediction:
        _, analysis = router.route_analyzed(text, context)
        slots = [{"type": s.type, "text": s.text} for s in analysis.slots]
        return analysis.label, slots

    return predict


def _llm_predictor(recorded: Path | None, record: Path | None) -> Callable[[str, RouteContext], Prediction]:
    """Claude's plan per request, replayed from `recorded` or asked for real (saved to `record`)."""
    import asyncio
    import atexit
    import contextlib
    import os
    import tempfile

    from automate.integrations.anthropic import MessageReply
    from automate.integrations.config import load_config
    from automate.integrations.manager import IntegrationManager
    from automate.runtime.cli.logs import configure_logging
    from automate.runtime.nlu.intents.table import spec_for_action
    from automate.runtime.plan import Plan
    from automate.runtime.router.llm import ClaudeRouter, LLMRouter
    from automate.runtime.router.rules import RuleRouter
    from automate.runtime.router.tools import Toolbox
    from automate.runtime.runtime import builtin_agents

    configure_logging("warning")
    stack = contextlib.ExitStack()
    atexit.register(stack.close)
    env = dict(os.environ)
    config_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    base_url, limit = "", "{requests: 40, per_seconds: 60, burst: 2}"
    if recorded is not None:
        from tests.peers.anthropic_api import running_anthropic

        server = stack.enter_context(running_anthropic())
        server.replay({row["text"]: row["response"] for row in _records(recorded)})
        base_url, env["ANTHROPIC_API_KEY"] = f"\n      base_url: {server.url}", "recorded"
        limit = "{requests: 10000, per_seconds: 1}"
    (config_dir / "integrations_config.yaml").write_text(
        "services:\n  anthropic:\n    adapter: anthropic\n"
        "    retry: {attempts: 4, initial_backoff: 2, max_backoff: 30, deadline: 120}\n"
        f"    timeout: 60\n    rate_limit: {limit}\n"
        f"    settings:\n      api_key: ${{ANTHROPIC_API_KEY:-}}{base_url}\n"
    )
    config = load_config(config_dir, env=env, home=config_dir)
    manager = IntegrationManager.from_config(config, ["anthropic"])
    claude = ClaudeRouter(Toolbox.of_agents(builtin_agents()), manager)
    router = LLMRouter(RuleRouter(), claude)
    loop = asyncio.new_event_loop()
    stack.callback(loop.close)
    stack.callback(lambda: loop.run_until_complete(manager.aclose()))
    saved = stack.enter_context(record.open("a", encoding="utf-8")) if record is not None else None

    def predict(text: str, context: RouteContext) -> Prediction:
        routing = loop.run_until_complete(router.aroute(text, context))
        if saved is not None and claude.last_reply is not None and not routing.notes:
            saved.write(json.dumps({"text": text, "response": _message(claude.last_reply)}) + "\n")
        if not isinstance(routing, Plan):
            return "none", []
        step = routing.steps[0]
        spec = spec_for_action(step.agent, step.action)
        return (spec.label if spec else "none"), []

    def _message(reply: MessageReply) -> dict[str, Any]:
        turn = reply.as_assistant_turn()
        return {
            "id": reply.id,
            "type": "message",
            "role": "assistant",
            "model": reply.model,
            "content": turn["content"],
            "stop_reason": reply.stop_reason,
            "stop_sequence": None,
            "usage": reply.usage.model_dump(),
        }

    return predict


ROUTERS: dict[str, Callable[..., Callable[[str, RouteContext], Prediction]]] = {
    "rules": _rules_predictor,
    "llm": _llm_predictor,
}


def _gold_intent(record: dict[str, Any]) -> str:
    intent = str(record["intent"])
    if "_" not in intent and "scenario" in record:
        return f"{record['scenario']}_{record.get('action', intent)}"
    return intent


def _norm(text: str) -> str:
    return " ".join(text.lower().replace(" 's", "'s").split())


class Score:
    """Running counts for intents, declines and slots."""

    def __init__(self) -> None:
        self.in_scope = self.in_scope_right = self.out_scope = self.declined = 0
        self.tp = self.fp = self.fn = 0
        self.confusions: Counter[tuple[str, str]] = Counter()

    def add(self, record: dict[str, Any], intent: str, slots: list[dict[str, str]]) -> None:
        """Score one prediction against its record."""
        scenario = str(record.get("scenario") or _gold_intent(record).split("_")[0])
        gold = _gold_intent(record)
        if scenario not in IN_SCOPE:
            self.out_scope += 1
            self.declined += intent == "none"
            if intent != "none":
                self.confusions[(gold, intent)] += 1
            return
        self.in_scope += 1
        self.in_scope_right += intent == gold
        if intent != gold:
            self.confusions[(gold, intent)] += 1
        want = Counter((e["type"], _norm(e["text"])) for e in record.get("entities", []))
        got = Counter((s["type"], _norm(s["text"])) for s in slots)
        hit = sum((want & got).values())
        self.tp += hit
        self.fp += sum(got.values()) - hit
        self.fn += sum(want.values()) - hit

    def summary(self) -> dict[str, float]:
        """Accuracy, decline share and slot P/R/F1."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "intent_acc": self.in_scope_right / self.in_scope if self.in_scope else 0.0,
            "oos_declined": self.declined / self.out_scope if self.out_scope else 0.0,
            "slot_p": precision,
            "slot_r": recall,
            "slot_f1": f1,
        }


def _selected(record_id: int, ids: str) -> bool:
    """Whether a record belongs to the split named by `--ids`."""
    if ids == "all":
        return True
    remainder, modulus = {"even": (0, 2), "odd": (1, 2)}.get(ids) or tuple(map(int, ids.split("/")))
    return record_id % modulus == remainder


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the figures and a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--predictions", type=Path)
    parser.add_argument("--router", choices=sorted(ROUTERS), default="rules")
    parser.add_argument(
        "--ids", default="all", help="all, even, odd, or R/M for ids with id %% M == R (held-out splits)"
    )
    parser.add_argument("--errors", action="store_true", help="print each misrouted request")
    parser.add_argument("--recorded", type=Path, help="--router llm: replay these recorded answers")
    parser.add_argument("--record", type=Path, help="--router llm with a real key: save each answer here")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    predict = _rules_predictor() if args.router == "rules" else _llm_predictor(args.recorded, args.record)
    import_ms = (time.perf_counter() - started) * 1000
    context = RouteContext(now=REF, timezone=ZoneInfo("UTC"))
    # The first request loads the time grammar; it is reported apart from the per-request figures.
    started = time.perf_counter()
    predict("remind me tomorrow at 9am", context)
    first_ms = (time.perf_counter() - started) * 1000
    score = Score()
    timings: list[float] = []
    scored = 0
    out = args.predictions.open("w", encoding="utf-8") if args.predictions else None
    try:
        for record in _records(args.data):
            if not _selected(int(record["id"]), args.ids):
                continue
            text = str(record["text"])
            begin = time.perf_counter()
            intent, slots = predict(text, context)
            timings.append((time.perf_counter() - begin) * 1e6)
            if out is not None:
                row = {"id": record["id"], "text": text, "intent": intent, "slots": slots}
                out.write(json.dumps(row) + "\n")
            if "intent" in record:
                scored += 1
                score.add(record, intent, slots)
                gold = _gold_intent(record)
                if (
                    args.errors
                    and intent != gold
                    and (record.get("scenario") in IN_SCOPE or intent != "none")
                ):
                    print(f"  {gold:>20} -> {intent:<20} {text}")
    finally:
        if out is not None:
            out.close()
    median = statistics.median(timings) if timings else 0.0
    p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) >= 20 else median
    print(
        f"records={len(timings)} scored={scored} router={args.router} "
        f"load_ms={import_ms:.1f} first_request_ms={first_ms:.1f}"
    )
    if not scored:
        print(f"p95_us={p95:.1f}")
        print(f"intent_acc=n/a oos_declined=n/a slot_f1=n/a median_us={median:.1f}")
        return 0
    figures = score.summary()
    print(f"in-scope records: {score.in_scope}  out-of-scope records: {score.out_scope}")
    print(
        f"slots: precision={figures['slot_p']:.3f} recall={figures['slot_r']:.3f} "
        f"(tp={score.tp} fp={score.fp} fn={score.fn})"
    )
    print("most frequent confusions (gold -> predicted):")
    for (gold, got), count in score.confusions.most_common(8):
        print(f"  {count:4d}  {gold} -> {got}")
    print(f"p95_us={p95:.1f}")
    print(
        f"intent_acc={figures['intent_acc']:.3f} oos_declined={figures['oos_declined']:.3f} "
        f"slot_f1={figures['slot_f1']:.3f} median_us={median:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
