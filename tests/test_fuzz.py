"""2,000 random requests, really run on the embedded defaults: none is an "internal error" or a crash.

The requests are composed by a seeded generator from small vocabularies
(verbs, objects, times, names, addresses, list items, punctuation, Unicode,
long strings), so a failure names a reproducible request. Every one runs for
real (not a dry run) through one Runtime on a temporary data directory with
the clock stopped at NOW, in-process.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from automate.integrations.config import AppConfig
from automate.runtime.result import TaskResult
from automate.runtime.runtime import Runtime

RUNS = 2000
SEED = 20261124

VERBS = [
    "schedule", "book", "set up", "add", "put", "remind me to", "send an email to", "email", "write to",
    "message", "tell", "what's on", "show", "list", "find", "cancel", "move", "delete", "reschedule",
    "search my mail for", "read", "check", "create", "save", "note", "buy", "call", "when am I free",
    "find a free slot for", "is", "what is", "",
]  # fmt: skip
OBJECTS = [
    "a meeting", "a call", "lunch", "the dentist", "standup", "a 1:1", "my calendar", "my agenda",
    "my shopping list", "the groceries list", "a reminder", "an event", "my inbox", "the report",
    "the contract", "a review", "mum", "the team", "a flight", "the invoice", "my tasks", "it", "",
]  # fmt: skip
TIMES = [
    "tomorrow at 3pm", "today", "tonight", "at noon", "friday 10:00", "next monday", "next week",
    "in 2 hours", "in 90 minutes", "on 2026-12-01", "on 25/12", "on 12/25", "3pm-4pm", "from 9am to 5pm",
    "for 30 minutes", "for 2 hours", "every monday", "at 25:99", "on 31 february", "at 0am", "yesterday",
    "last friday", "in 100 years", "at 3", "at half past ten", "this evening", "mid-morning", "eod",
    "on the 3rd", "in -5 minutes", "at 10:00 UTC", "at 9 CET", "1999-01-01T00:00:00Z", "",
]  # fmt: skip
NAMES = [
    "Ana", "Bruno", "Dr. Smith", "José Álvarez", "李雷", "O'Brien", "Zoë", "Ana and Bruno", "María-José",
    "the CEO", "@ana", "mum", "Mr. Robert'); DROP TABLE runs;--", "Ana, Bruno, and 李雷", "",
]  # fmt: skip
ADDRESSES = [
    "ana@example.com", "bruno@example.org", "a@b", "bad@", "@nowhere", "x@y..z", '"quoted"@example.org',
    "ana@example.com,bruno@example.org", "ana@example.com\r\nBcc: evil@example.com", "üser@exämple.org",
    "ana+tag@example.com", "a" * 300 + "@example.com", "<ana@example.com>", "mailto:ana@example.com",
]  # fmt: skip
ITEMS = [
    "milk", "eggs and bread", "2 kg of flour", "coffee ☕", "", "milk, eggs, butter", "'quoted item'",
    "item with\nnewline", "tab\there", "a" * 500, "🍎🍌🍇", "-", "100%", "$5 worth of apples",
]  # fmt: skip
PUNCTUATION = [*"!?.,;:'\"()[]{}<>/\\|@#$%^&*~`+=_-", "...", "?!", " - ", " -- ", "’", "“”", "«»"]
UNICODE = [
    "café", "naïve", "日本語", "مرحبا", "שלום", "Ελληνικά", "😀", "👩‍👩‍👧", "e\u0301", "\u200b", "\u200e",
    "\ufeff", "\u00a0", "ﬁ", "Ⅻ", "𝕳𝖊𝖑𝖑𝖔", "\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\u2028", "\ud800",
]  # fmt: skip
CONNECTORS = ["with", "to", "for", "about", "saying", "and", "then", "at", "on", "subject", "body:", ""]


def compose(rng: random.Random) -> str:
    """One request: a few vocabulary pieces in a plausible order, sometimes mangled."""
    parts = [rng.choice(VERBS), rng.choice(OBJECTS)]
    for pool in (NAMES, ADDRESSES, TIMES, ITEMS):
        if rng.random() < 0.5:
            parts += [rng.choice(CONNECTORS), rng.choice(pool)]
    if rng.random() < 0.15:
        rng.shuffle(parts)
    for _ in range(rng.choice((0, 0, 1, 2, 4))):
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(PUNCTUATION + UNICODE))
    text = " ".join(p for p in parts if p)
    roll = rng.random()
    if roll < 0.03:
        text = text + " " + rng.choice(ITEMS + NAMES) * rng.randrange(50, 400)
    elif roll < 0.06:
        text = text.upper()
    elif roll < 0.08:
        text = "".join(rng.choice((c, c.upper(), c + c)) for c in text)
    elif roll < 0.10:
        text = rng.choice(("", " ", "\n", "?", "\x00", "the", "and and and"))
    return text


def requests(count: int, seed: int = SEED) -> list[str]:
    """The same `count` requests for the same seed."""
    rng = random.Random(seed)
    return [compose(rng) for _ in range(count)]


class TestFuzz:
    def test_the_generator_is_reproducible_and_varied(self) -> None:
        """One seed gives the same requests; they are mostly distinct and reach every vocabulary."""
        first, again = requests(RUNS), requests(RUNS)
        assert first == again
        assert len(set(first)) > RUNS * 0.9
        joined = "\n".join(first)
        for pool in (VERBS, OBJECTS, TIMES, NAMES, ADDRESSES, ITEMS, UNICODE):
            assert all(word in joined for word in pool if word), pool

    async def test_random_requests_never_end_in_an_internal_error(
        self, local_config: AppConfig, fixed_now: Callable[[], datetime]
    ) -> None:
        """2,000 real runs: every one returns a result, and no result says "internal error"."""
        failures: list[tuple[str, str]] = []
        statuses: set[str] = set()
        async with Runtime(local_config, now=fixed_now) as runtime:
            for text in requests(RUNS):
                try:
                    result: TaskResult = await runtime.handle(text)
                except Exception as exc:  # the point of the test: none may escape
                    failures.append((text, f"raised {type(exc).__name__}: {exc}"))
                    continue
                statuses.add(result.status.value)
                if "internal error" in result.message.lower():
                    failures.append((text, result.message))
        assert failures == [], "\n".join(f"{t!r}: {m}" for t, m in failures[:20])
        assert {"done", "declined"} <= statuses, statuses
