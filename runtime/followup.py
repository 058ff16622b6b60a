"""Answers to questions: filling the missing slot of a pending step from a person's reply.

A clarification names the step it stopped (agent, action, params so far) and
the slot it needs. A reply that fills that slot — a time, a choice among the
options offered, an address, the text of a message, "book anyway" — completes
the step without understanding the whole request again; a reply that is a
request of its own starts afresh; any other reply is understood together with
the original request.

A reply is merged, not substituted: a time of day alone ("6pm") keeps the day
the request named, a day alone ("friday") keeps the time it named, and a day
with no time anywhere is asked about rather than booked at midnight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from automate.runtime.plan import Clarification, Decline, Plan, Routing, Step
from automate.runtime.result import StepResult, TaskResult, TaskStatus
from automate.runtime.router.base import RouteContext, TaskRouter

__all__ = ["answer"]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ANYWAY = re.compile(r"\b(anyway|regardless|double[- ]?book|yes,? book it|book it)\b", re.I)
_YES = re.compile(r"^\s*(yes|yeah|yep|sure|ok(ay)?|please do)\b", re.I)
_CHOICE = re.compile(r"^\s*(?:#|number |option |the )?(\d{1,2})(?:st|nd|rd|th)?\s*(?:one)?\s*\.?\s*$", re.I)
# Where each action takes its time: the start key and the end key (None: an instant).
_TIME_KEYS: dict[str, tuple[str, str | None]] = {
    "create_event": ("start", "end"),
    "reschedule_event": ("new_start", "new_end"),
    "set_reminder": ("at", None),
}
_NARROWED = ("start", "end")  # the search window of an action that looks an event up
_COARSE = frozenset({"day", "week", "month", "quarter", "year"})
# A reply opening with a preposition ("from the baking list") completes the request, however
# well it reads alone.
_CONTINUES = re.compile(r"^\s*(from|to|on|at|in|into|onto|for|with|by|off|of)\b", re.I)
_DROPPED = re.compile(
    r"^\s*(never ?mind|forget (it|that)|drop it|cancel (it|that)|no,? thanks?)\s*[.!]*\s*$", re.I
)
# Slots a person fills with free words, taken as said.
_WORDS = frozenset({"body", "subject", "text", "item", "title"})


def answer(previous: TaskResult, reply: str, router: TaskRouter, context: RouteContext) -> Routing:
    """What the request means once `reply` answers `previous`'s question."""
    combined = f"{previous.text} {reply}"
    pending = _pending_step(previous)
    if pending is None:
        return router.route(combined, context)
    if _DROPPED.match(reply):  # before any slot takes it as its words: "never mind" sends no mail
        return Decline(text=combined, reason="you dropped the request, so nothing was changed")
    if not previous.steps and previous.slot in _WORDS:
        # The question asked for words (a message, a reminder, an item): the reply is them, and
        # what it says ("see you tomorrow") is no time, subject or new request.
        return _plan(previous, reply, pending, {**pending.params, previous.slot: reply})
    settled = _picked(previous, pending, reply, context) or _agreed(pending, reply)
    if settled is not None:
        return _plan(previous, reply, pending, settled)
    if not previous.steps:
        # The router asked before anything ran: it reads the answer best together with the
        # request ("meet Ana on friday" + "3pm" is friday at 3pm, not today at 3pm).
        routed = router.route(combined, context)
        if isinstance(routed, Plan):
            return routed
    if not _CONTINUES.match(reply):
        alone = router.route(reply, context)
        if isinstance(alone, Plan):  # a request of its own ("what's on my calendar today") starts afresh
            return alone
    filled = _filled(previous, pending, reply, context)
    if filled is None:
        return router.route(combined, context)
    if isinstance(filled, Clarification):
        return filled
    return _plan(previous, reply, pending, filled)


def _plan(previous: TaskResult, reply: str, pending: StepResult, params: dict[str, Any]) -> Plan:
    step = Step(id=pending.id, agent=pending.agent, action=pending.action, params=params)
    return Plan(text=f"{previous.text} — {reply}", steps=[step])


def _pending_step(previous: TaskResult) -> StepResult | None:
    if previous.status is not TaskStatus.NEEDS_CLARIFICATION:
        return None
    for step in previous.steps:
        if step.status is TaskStatus.NEEDS_CLARIFICATION:
            return step
    if previous.agent and previous.action:
        return StepResult(
            id="s1",
            agent=previous.agent,
            action=previous.action,
            params=previous.params or {},
            status=TaskStatus.NEEDS_CLARIFICATION,
        )
    return None


def _picked(
    previous: TaskResult, step: StepResult, reply: str, context: RouteContext
) -> dict[str, Any] | None:
    """The params with the numbered option the reply picks: a proposed slot, or a reading."""
    choice = _CHOICE.match(reply)
    if choice is None:
        return None
    number = int(choice.group(1))
    start_key, end_key = _TIME_KEYS.get(step.action, ("start", "end"))
    params = dict(step.params)
    proposals = (step.output or {}).get("proposals") or []
    if 1 <= number <= len(proposals):
        picked = proposals[number - 1]
        params[start_key] = picked["start"]
        if end_key is not None:
            params[end_key] = picked["end"]
        return params
    if not proposals and 1 <= number <= len(previous.options):
        # A question's options are readings of the time ("Wed 25 Nov 2026, 18:00"): read the one picked.
        reading = _read(previous.options[number - 1], context)
        if reading is not None:
            params[start_key] = reading.start.isoformat()
            return params
    return None


def _agreed(step: StepResult, reply: str) -> dict[str, Any] | None:
    """The params with what a yes, a 'book anyway' or an address settles, if the reply is one."""
    params = dict(step.params)
    # A clash's question carries its proposals; a booking's other yes/no question is a past start.
    clash = "proposals" in (step.output or {})
    if clash and _ANYWAY.search(reply) and step.action in _TIME_KEYS:
        params["allow_conflict"] = True
        return params
    if not clash and step.action == "create_event" and (_ANYWAY.search(reply) or _YES.match(reply)):
        params["allow_past"] = True
        return params
    emails = _EMAIL.findall(reply)
    if emails and isinstance(params.get("to"), list):
        params["to"] = _replace_unknown(params["to"], emails)
        return params
    return None


def _filled(
    previous: TaskResult, step: StepResult, reply: str, context: RouteContext
) -> dict[str, Any] | Clarification | None:
    """The step's params completed by the time in the reply, a question about what it still
    lacks, or None if the reply names no time."""
    reading = _read(reply, context)
    if reading is None:
        return None
    if _narrows(step):
        return {**step.params, **dict(zip(_NARROWED, _window(reading), strict=True))}
    return _timed(previous, step, reading, context)


def _narrows(step: StepResult) -> bool:
    """Whether a time in the reply says which event (the step looked one up and found several)."""
    if "query" not in step.params or "proposals" in (step.output or {}):
        return False
    start_key, _ = _TIME_KEYS.get(step.action, ("", None))
    return not start_key or start_key in step.params


def _timed(
    previous: TaskResult, step: StepResult, reading: _Reading, context: RouteContext
) -> dict[str, Any] | Clarification:
    """The params with the reply's time merged into what the request already said."""
    params = dict(step.params)
    start_key, end_key = _TIME_KEYS.get(step.action, ("start", "end"))
    before = _said_before(previous, step, start_key, context)
    start, end = reading.start, reading.end
    if reading.clock_only and before is not None:
        start, end = _onto(before.start.date(), start, end, context)
    elif reading.day_only:
        if before is None or before.day_only:
            return _ask_time(previous, step, reading, context)
        start, _ = _onto(start.date(), before.start, None, context)
    if end is None and before is not None and before.end is not None:
        end = start + (before.end - before.start)  # an answer that moves a meeting keeps its length
    params[start_key] = start.isoformat()
    if end_key is not None:
        params.pop(end_key, None)
        if end is not None:
            params[end_key] = end.isoformat()
    return params


def _ask_time(previous: TaskResult, step: StepResult, day: _Reading, context: RouteContext) -> Clarification:
    """A day with no time anywhere: ask for the time, keeping the day in the request's text."""
    named = day.start.astimezone(context.timezone).strftime("%A %d %B")
    return Clarification(
        text=f"{previous.text} {day.text}",
        question=f"What time on {named}?",
        slot=_TIME_KEYS.get(step.action, ("start", None))[0],
        agent=step.agent,
        action=step.action,
        params=dict(step.params),
    )


def _replace_unknown(people: list[Any], emails: list[str]) -> list[Any]:
    """Put the given addresses in place of the names that had none, in order."""
    remaining = list(emails)
    replaced = [p if "@" in str(p) or not remaining else remaining.pop(0) for p in people]
    return replaced + remaining


@dataclass(frozen=True)
class _Reading:
    """A time a reply (or the request) names, and whether it named only a clock time or only a day."""

    text: str
    start: datetime
    end: datetime | None
    clock_only: bool
    day_only: bool


def _read(text: str, context: RouteContext) -> _Reading | None:
    """The first time `text` names, read at `context.now`."""
    from automate.runtime.nlu.time import find_times  # the grammar is costly to import

    for match in find_times(text, context.now):
        value = match.value
        if value.start is None:
            continue
        end = (value.stated_end or value.end) if value.kind == "interval" else None
        day_only = value.grain in _COARSE and value.kind != "interval"
        clock_only = not day_only and _clock_only(match.text, value.start, context)
        return _Reading(match.text, value.start, end, clock_only, day_only)
    return None


def _clock_only(said: str, start: datetime, context: RouteContext) -> bool:
    """Whether `said` names a time of day and no day: read early and late on the same day, a
    clock time alone lands on two days at one hour, where "tomorrow at 9" or "friday at 10"
    stays put and "in 2 hours" moves with the clock."""
    from automate.runtime.nlu.time import parse_time

    day = context.now.astimezone(context.timezone).replace(hour=0, minute=0, second=0, microsecond=0)
    early = parse_time(said, day + timedelta(seconds=1))
    late = parse_time(said, day + timedelta(hours=23, minutes=59))
    if early is None or late is None or early.start is None or late.start is None:
        return False
    return early.start.date() != late.start.date() and early.start.timetz() == late.start.timetz()


def _said_before(
    previous: TaskResult, step: StepResult, start_key: str, context: RouteContext
) -> _Reading | None:
    """When the pending request already was: the step's time, else the time its text names."""
    planned = step.params.get(start_key)
    if isinstance(planned, str):
        start = datetime.fromisoformat(planned)
        end_key = _TIME_KEYS.get(step.action, ("start", "end"))[1]
        ends = step.params.get(end_key) if end_key else None
        end = datetime.fromisoformat(ends) if isinstance(ends, str) else None
        return _Reading(planned, start, end, clock_only=False, day_only=False)
    said = _read(previous.text, context)
    if said is None:
        return None
    # An ambiguous clock ("at 6") is what was asked about: only its day is kept.
    ambiguous = bool(previous.options) and not said.day_only
    return said if not ambiguous else _Reading(said.text, said.start, None, False, day_only=True)


def _onto(
    day: date, start: datetime, end: datetime | None, context: RouteContext
) -> tuple[datetime, datetime | None]:
    """A clock time (and its end) moved onto `day`, in the person's zone."""
    local = start.astimezone(context.timezone)
    moved = datetime.combine(day, time(local.hour, local.minute), context.timezone)
    return moved, None if end is None else moved + (end - start)


def _window(reading: _Reading) -> tuple[str, str]:
    """The span a reply names to look an event up in: its interval, its minute, or its whole day."""
    if reading.end is not None and not reading.day_only:
        return reading.start.isoformat(), reading.end.isoformat()
    if not reading.day_only:
        return reading.start.isoformat(), (reading.start + timedelta(minutes=1)).isoformat()
    first = reading.start.replace(hour=0, minute=0, second=0, microsecond=0)
    return first.isoformat(), (first + timedelta(days=1)).isoformat()
