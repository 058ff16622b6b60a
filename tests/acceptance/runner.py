"""Run the acceptance corpus: everyday requests against what a careful person expects to happen.

Each case (``cases/*.yaml``) runs on a fresh embedded-defaults runtime — a
temporary home, the clock stopped at NOW (Tuesday 2026-11-24 10:00) in
Europe/Lisbon — after its ``setup`` is created through the agents' own
actions. The verdict compares the outcome, not the plan alone: the status,
the steps run, the params that matter, and what is stored afterwards (events
read back from the local calendar, list items, reminders, contacts, sent
mail in the Maildir). Whatever a case does not mention must be left as the
setup made it. Multi-turn cases answer questions through the follow-up path
the chat loop uses.

Case format (times are local, ``YYYY-MM-DD HH:MM``)::

    - id: sch-001
      text: book the dentist on friday at 9
      setup: {events: [{title: Gym, start: 2026-11-27 08:00, end: 2026-11-27 09:00}]}
      expect:
        status: done                              # sets the exit status (done 0, failed 1, asked 3,
                                                  # declined 4); or a list a careful person accepts
        steps: [scheduler.create_event]           # or {do: agent.action, params: {…}}
        events: [{title: Gym, start: …}, {title_has: dentist, start: 2026-11-27 09:00, end: …}]
        lists: {shopping: [milk]}                 # every list and its items
        reminders: [{text: call mom, at: …, rrule: FREQ=…}]
        contacts: [{name: Ana Silva, email: ana@example.com}]
        sent: [{to: [ana@example.com], subject: …, body_has: […]}]
        says: [words the answer must contain]

A chat case has ``turns: [{say: …, expect: {status, steps, says}}]`` and the
final stored state in its ``expect``.
"""

from __future__ import annotations

import mailbox
import os
import re
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from automate.agents.base import ActionContext
from automate.integrations.config import load_config
from automate.runtime.followup import answer
from automate.runtime.plan import Routing
from automate.runtime.result import TaskResult, TaskStatus
from automate.runtime.router.base import TaskRouter
from automate.runtime.runtime import Runtime

__all__ = ["CASES", "NOW", "ZONE", "Case", "Verdict", "load_cases", "report", "run_corpus", "shares"]

CASES = Path(__file__).parent / "cases"
ZONE = ZoneInfo("Europe/Lisbon")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZONE)
# Wide enough for every date a case names; the calendar is read back over it.
EVER = (datetime(2025, 1, 1, tzinfo=ZONE), datetime(2029, 1, 1, tzinfo=ZONE))
STATE_KEYS = ("events", "lists", "reminders", "contacts", "sent")
_MINUTE = "%Y-%m-%d %H:%M"
_FOLD = re.compile(r"[^\w@.+:-]+")
# Every store syncs each write to disk; the homes are thrown away after their case, so they
# live in memory where the machine offers it (the corpus runs in a third of the time).
_SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


class Mismatch(Exception):
    """A case's outcome differs from what it expects; the message says how, in one line."""


@dataclass(frozen=True)
class Case:
    """One request (or conversation), what to create first, and the outcome expected."""

    id: str
    agent: str
    source: str
    expect: dict[str, Any]
    text: str | None = None
    turns: list[dict[str, Any]] = field(default_factory=list)
    setup: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """How one case went: passed or not, with a one-line reason when not."""

    case: Case
    passed: bool
    reason: str = ""


def load_cases(directory: Path = CASES) -> list[Case]:
    """Every case of every file, in file order; a file's `setup` applies to each of its cases."""
    cases: list[Case] = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        shared = data.get("setup") or {}
        for raw in data["cases"]:
            expect = raw.get("expect") or {}
            steps = [_step_name(s) for s in expect.get("steps") or []]
            group = raw.get("agent") or (steps[0].split(".")[0] if steps else None) or data.get("agent")
            cases.append(
                Case(
                    id=str(raw["id"]),
                    agent=str(group or path.stem),
                    source=path.name,
                    expect=expect,
                    text=raw.get("text"),
                    turns=list(raw.get("turns") or []),
                    setup=_merged(shared, raw.get("setup") or {}),
                )
            )
    return cases


def _merged(shared: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key in {*shared, *own}:
        a, b = shared.get(key), own.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            merged[key] = {**a, **b}
        elif isinstance(a, list) and isinstance(b, list):
            merged[key] = a + b
        else:
            merged[key] = b if key in own else a
    return merged


async def run_corpus(cases: Iterable[Case] | None = None) -> list[Verdict]:
    """Run every case, each on its own fresh runtime; the router (stateless) is built once."""
    router: TaskRouter | None = None
    verdicts: list[Verdict] = []
    with tempfile.TemporaryDirectory(prefix="automate-acceptance-", dir=_SCRATCH) as root:
        for number, case in enumerate(load_cases() if cases is None else cases):
            home = Path(root) / f"{number:04d}"
            try:
                async with _runtime(home, router) as runtime:
                    router = runtime.router
                    await _check(case, runtime)
                verdicts.append(Verdict(case, True))
            except Mismatch as exc:
                verdicts.append(Verdict(case, False, str(exc)))
            except Exception as exc:  # a crash is a failed case with its reason, not a stopped corpus
                verdicts.append(Verdict(case, False, f"crashed: {type(exc).__name__}: {_line(str(exc))}"))
    return verdicts


def _runtime(home: Path, router: TaskRouter | None) -> Runtime:
    config_dir = home / "config"
    config_dir.mkdir(parents=True)
    (config_dir / "settings.yaml").write_text(f"timezone: {ZONE.key}\n")
    config = load_config(config_dir, env={}, home=home / "data")
    fixed: Callable[[], datetime] = lambda: NOW  # noqa: E731
    return Runtime(config, now=fixed, router=router)


async def _check(case: Case, runtime: Runtime) -> None:
    await _set_up(runtime, case.setup)
    before = await _state(runtime)
    if case.turns:
        await _converse(case, runtime)
    else:
        assert case.text is not None, f"{case.id}: a case needs text or turns"
        result = await runtime.handle(case.text)
        _check_result(case.expect, result, required=True)
    after = await _state(runtime)
    for key in STATE_KEYS:
        if key in case.expect:
            _compare_state(key, case.expect[key], after[key])
        elif after[key] != before[key]:
            raise Mismatch(f"{key} changed though the case expects them untouched: {_show(after[key])}")


async def _converse(case: Case, runtime: Runtime) -> None:
    """The chat loop without its confirmation prompt: a reply to a question goes to `answer`."""
    pending: TaskResult | None = None
    for number, turn in enumerate(case.turns, 1):
        said = str(turn["say"])
        routing: Routing
        if pending is None:
            routing = await runtime.aplan(said)
        else:
            routing = answer(pending, said, runtime.router, runtime.route_context())
        result = await runtime.execute(routing)
        try:
            _check_result(turn.get("expect") or {}, result, required=False)
        except Mismatch as exc:
            raise Mismatch(f"turn {number} ({said!r}): {exc}") from None
        pending = result if result.status is TaskStatus.NEEDS_CLARIFICATION else None


def _check_result(expect: Mapping[str, Any], result: TaskResult, *, required: bool) -> None:
    said = _line(result.message)
    status = expect.get("status")
    allowed = status if isinstance(status, list) else [status]
    if (status is not None or required) and result.status.value not in allowed:
        raise Mismatch(f"status {result.status.value}, expected {' or '.join(map(str, allowed))}: {said}")
    wanted = expect.get("steps")
    if wanted is not None or (required and status == "done"):
        got = [f"{s.agent}.{s.action}" for s in result.steps]
        names = [_step_name(s) for s in wanted or []]
        if got != names:
            raise Mismatch(f"steps {got}, expected {names}: {said}")
        for step, spec in zip(result.steps, wanted or [], strict=True):
            if isinstance(spec, dict):
                _compare_params(f"{step.agent}.{step.action}", spec.get("params") or {}, step.params)
    for words in expect.get("says") or []:
        if _fold(str(words)) not in _fold(result.message):
            raise Mismatch(f"the answer lacks {words!r}: {said}")


def _step_name(spec: str | Mapping[str, Any]) -> str:
    return spec if isinstance(spec, str) else str(spec["do"])


def _compare_params(step: str, wanted: Mapping[str, Any], got: Mapping[str, Any]) -> None:
    for key, value in wanted.items():
        actual = got.get(key)
        if _value(value) != _value(actual):
            raise Mismatch(f"{step} param {key}={_show(_value(actual))}, expected {_show(_value(value))}")


def _value(value: Any) -> Any:
    """A param as a person compares it: times in local minutes, text folded, lists unordered."""
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, list):
        return sorted(str(_value(v)) for v in value)
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items() if v not in (None, [], "")}
    if isinstance(value, datetime | date):
        return _local(value)
    text = str(value)
    try:
        return _local(datetime.fromisoformat(text))
    except ValueError:
        return _fold(text)


def _local(moment: datetime | date) -> str:
    if not isinstance(moment, datetime):
        return moment.isoformat()
    aware = moment if moment.tzinfo else moment.replace(tzinfo=ZONE)
    return aware.astimezone(ZONE).strftime(_MINUTE)


def _fold(text: str) -> str:
    """Text compared without case, surrounding punctuation or extra spaces."""
    return _FOLD.sub(" ", text.casefold()).strip()


def _words(text: Any) -> set[str]:
    return set(_fold(str(text)).split())


def _line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _show(value: Any) -> str:
    return _line(repr(value), 240)


# --- setup: created through the agents' own actions (mail is delivered into the Maildir) ---


async def _set_up(runtime: Runtime, setup: Mapping[str, Any]) -> None:
    agents = runtime.agents
    for contact in setup.get("contacts") or []:
        await agents["email"].run("add_contact", contact, _setting_up())
    for event in setup.get("events") or []:
        params = {**event, "start": _aware(event["start"]), "allow_conflict": True}
        if "end" in event:
            params["end"] = _aware(event["end"])
        await agents["scheduler"].run("create_event", params, _setting_up())
    for name, items in (setup.get("lists") or {}).items():
        for item in items or [None]:
            await agents["lists"].run("add_item", {"list": name, "item": item}, _setting_up())
    for reminder in setup.get("reminders") or []:
        at = reminder.get("at")
        params = {**reminder, "at": _aware(at) if at is not None else None}
        await agents["reminders"].run("set_reminder", params, _setting_up())
    if setup.get("inbox"):
        _deliver(runtime.config.home / "mail" / "inbox", setup["inbox"])


def _setting_up() -> ActionContext:
    """A context of its own for each setup action (a run id of its own: no shared idempotency key)."""
    return ActionContext(now=NOW)


def _aware(value: Any) -> str:
    moment = value if isinstance(value, datetime) else datetime.strptime(str(value), _MINUTE)
    return moment.replace(tzinfo=ZONE).isoformat()


def _deliver(folder: Path, messages: Iterable[Mapping[str, Any]]) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(folder, create=True)
    for number, spec in enumerate(messages):
        message = EmailMessage()
        message["From"] = spec["from"]
        message["To"] = spec.get("to", "me@localhost")
        message["Subject"] = spec["subject"]
        message["Date"] = format_datetime(datetime.strptime(str(spec["date"]), _MINUTE).replace(tzinfo=ZONE))
        message["Message-ID"] = f"<acceptance-{number}@localhost>"
        message.set_content(spec.get("body", ""))
        entry = mailbox.MaildirMessage(message)
        if spec.get("read"):
            entry.set_subdir("cur")
            entry.set_flags("S")
        box.add(entry)


# --- state: what is stored, read back from the services ---


async def _state(runtime: Runtime) -> dict[str, Any]:
    scheduler = runtime.agents["scheduler"].manager
    start, end = (moment.isoformat() for moment in EVER)
    found = await scheduler.call("calendar", "list_events", {"start": start, "end": end})
    events = sorted(
        (
            {
                "title": e.title,
                "start": _local(e.start),
                "end": _local(e.end),
                "attendees": sorted(_fold(a.email or a.name or "") for a in e.attendees),
                "names": sorted(_fold(a.name or "") for a in e.attendees),
            }
            for e in getattr(found, "events", [])
        ),
        key=lambda e: (e["start"], e["title"]),
    )
    lists_manager = runtime.agents["lists"].manager
    overview = await lists_manager.call("lists", "list_lists", {})
    lists: dict[str, list[str]] = {}
    for summary in getattr(overview, "lists", []):
        contents = await lists_manager.call("lists", "get_list", {"list": summary.name})
        lists[_fold(summary.name)] = sorted(_fold(i.text) for i in getattr(contents, "items", []))
    stored = await runtime.agents["reminders"].manager.call("reminders", "list_reminders", {})
    reminders = sorted(
        (
            {"text": _fold(r.text), "at": _local(r.start), "rrule": r.rrule}
            for r in getattr(stored, "reminders", [])
        ),
        key=lambda r: (r["at"], r["text"]),
    )
    home = runtime.config.home
    return {
        "events": events,
        "lists": lists,
        "reminders": reminders,
        "contacts": _contacts(home / "contacts.sqlite3"),
        "sent": _sent(home / "mail" / "sent"),
    }


def _contacts(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT name, email, relation FROM contacts ORDER BY id").fetchall()
    return [{"name": _fold(n), "email": _fold(e or ""), "relation": _fold(r or "")} for n, e, r in rows]


def _sent(folder: Path) -> list[dict[str, Any]]:
    if not folder.exists():
        return []
    sent = []
    for message in mailbox.Maildir(folder, create=False):
        body = message.get_payload(decode=True) if not message.is_multipart() else None
        if message.is_multipart():
            parts = [p for p in message.walk() if p.get_content_type() == "text/plain"]
            body = parts[0].get_payload(decode=True) if parts else b""
        sent.append(
            {
                "to": sorted(_fold(a) for _, a in getaddresses(message.get_all("To", []))),
                "cc": sorted(_fold(a) for _, a in getaddresses(message.get_all("Cc", []))),
                "subject": str(message.get("Subject", "")),
                "body": body.decode("utf-8", "replace") if isinstance(body, bytes) else "",
            }
        )
    return sorted(sent, key=lambda m: (m["to"], m["subject"]))


# --- comparing stored state with what a case expects ---


def _compare_state(key: str, wanted: Any, got: Any) -> None:
    if key == "lists":
        want = {_fold(name): sorted(_fold(str(i)) for i in items or []) for name, items in wanted.items()}
        if want != got:
            raise Mismatch(f"lists {_show(got)}, expected {_show(want)}")
        return
    match = _MATCHERS[key]
    left = list(got)
    for spec in wanted or []:
        hit = next((g for g in left if match(spec, g)), None)
        if hit is None:
            raise Mismatch(f"{key}: nothing stored matches {_show(spec)}; stored {_show(got)}")
        left.remove(hit)
    if left:
        raise Mismatch(f"{key}: unexpected {_show(left)}")


def _event_matches(spec: Mapping[str, Any], got: Mapping[str, Any]) -> bool:
    if "title" in spec and _fold(str(spec["title"])) != _fold(got["title"]):
        return False
    if "title_has" in spec and not _words(spec["title_has"]) <= _words(got["title"]):
        return False
    for key in ("start", "end"):
        if key in spec and _value(spec[key]) != got[key]:
            return False
    if "attendees" in spec:
        wanted = sorted(_fold(str(a)) for a in spec["attendees"])
        if wanted != got["attendees"] and wanted != got["names"]:
            return False
    return True


def _reminder_matches(spec: Mapping[str, Any], got: Mapping[str, Any]) -> bool:
    if "text" in spec and _fold(str(spec["text"])) != got["text"]:
        return False
    if "at" in spec and _value(spec["at"]) != got["at"]:
        return False
    return "rrule" not in spec or _rrule(spec["rrule"]) == _rrule(got["rrule"])


def _rrule(rule: Any) -> frozenset[str] | None:
    """An RRULE as its set of parts, so their order does not matter."""
    return None if rule is None else frozenset(str(rule).upper().removeprefix("RRULE:").split(";"))


def _contact_matches(spec: Mapping[str, Any], got: Mapping[str, Any]) -> bool:
    return all(_fold(str(spec[k])) == got[k] for k in ("name", "email", "relation") if k in spec)


def _mail_matches(spec: Mapping[str, Any], got: Mapping[str, Any]) -> bool:
    for key in ("to", "cc"):
        if key in spec and sorted(_fold(str(a)) for a in spec[key]) != got[key]:
            return False
    if "subject" in spec and _fold(str(spec["subject"])) != _fold(got["subject"]):
        return False
    return all(_fold(str(words)) in _fold(got["body"]) for words in spec.get("body_has") or [])


_MATCHERS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], bool]] = {
    "events": _event_matches,
    "reminders": _reminder_matches,
    "contacts": _contact_matches,
    "sent": _mail_matches,
}


# --- the figures ---


def shares(verdicts: Iterable[Verdict]) -> dict[str, tuple[int, int]]:
    """Passed and total per agent, and under "overall"."""
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for verdict in verdicts:
        for group in (verdict.case.agent, "overall"):
            total[group] += 1
            passed[group] += verdict.passed
    return {
        group: (passed[group], total[group]) for group in sorted(total, key=lambda g: (g == "overall", g))
    }


def report(verdicts: list[Verdict], *, failures: bool = True, seconds: float | None = None) -> str:
    """The table of shares per agent and overall (against the issue's bar), then each failing case."""
    lines = [f"{'agent':<14}{'passed':>8}{'cases':>7}{'share':>8}  bar"]
    for group, (ok, total) in shares(verdicts).items():
        bar = 97.0 if group == "overall" else 95.0
        share = 100.0 * ok / total
        lines.append(
            f"{group:<14}{ok:>8}{total:>7}{share:>7.1f}%  {'met' if share >= bar else 'below'} {bar:.0f}%"
        )
    if seconds is not None:
        lines.append(f"({len(verdicts)} cases in {seconds:.1f} s)")
    if failures:
        failed = [v for v in verdicts if not v.passed]
        lines.append(f"failing cases ({len(failed)}):" if failed else "no failing case")
        lines += [f"  {v.case.id} [{v.case.source}] {_request(v.case)!r}: {v.reason}" for v in failed]
    return "\n".join(lines)


def _request(case: Case) -> str:
    return case.text if case.text is not None else " / ".join(str(t["say"]) for t in case.turns)
