"""Answers to questions: filling the missing slot of a pending step from a person's reply.

A clarification names the step it stopped (agent, action, params so far) and
the slot it needs. A reply that fills that slot — a time, a choice among the
proposed slots, an address, "book anyway" — completes the step without
understanding the whole request again; any other reply is understood
together with the original request.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from automate.runtime.plan import Plan, Routing, Step
from automate.runtime.result import StepResult, TaskResult, TaskStatus
from automate.runtime.router.base import RouteContext, TaskRouter

__all__ = ["answer"]

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ANYWAY = re.compile(r"\b(anyway|regardless|double[- ]?book|yes,? book it|book it)\b", re.I)
_YES = re.compile(r"^\s*(yes|yeah|yep|sure|ok(ay)?|please do)\b", re.I)
_CHOICE = re.compile(r"^\s*(?:#|number |option )?(\d{1,2})\s*\.?\s*$", re.I)
_START_KEYS = {"create_event": ("start", "end"), "reschedule_event": ("new_start", "new_end")}


def answer(previous: TaskResult, reply: str, router: TaskRouter, context: RouteContext) -> Routing:
    """What the request means once `reply` answers `previous`'s question."""
    combined = f"{previous.text} {reply}"
    pending = _pending_step(previous)
    if pending is None:
        return router.route(combined, context)
    if not previous.steps:
        # The router asked before anything ran: it reads the answer best together with the
        # request ("meet Ana on friday" + "3pm" is friday at 3pm, not today at 3pm).
        routed = router.route(combined, context)
        if isinstance(routed, Plan):
            return routed
    params = _filled(pending, reply, context)
    if params is None:
        return router.route(combined, context)
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


def _filled(step: StepResult, reply: str, context: RouteContext) -> dict[str, Any] | None:
    """The step's params completed by the reply, or None if the reply does not fit."""
    params = dict(step.params)
    start_key, end_key = _START_KEYS.get(step.action, ("start", "end"))
    proposals = (step.output or {}).get("proposals") or []
    choice = _CHOICE.match(reply)
    if proposals and choice and 1 <= int(choice.group(1)) <= len(proposals):
        picked = proposals[int(choice.group(1)) - 1]
        params.update({start_key: picked["start"], end_key: picked["end"]})
        return params
    # A clash's question carries its proposals; a booking's other yes/no question is a past start.
    clash = "proposals" in (step.output or {})
    if clash and _ANYWAY.search(reply) and step.action in _START_KEYS:
        params["allow_conflict"] = True
        return params
    if not clash and step.action == "create_event" and (_ANYWAY.search(reply) or _YES.match(reply)):
        params["allow_past"] = True
        return params
    emails = _EMAIL.findall(reply)
    if emails and isinstance(params.get("to"), list):
        params["to"] = _replace_unknown(params["to"], emails)
        return params
    when = _time_in(reply, context.now)
    if when is not None:
        start, end = when
        params[start_key] = start.isoformat()
        if end is not None:
            params[end_key] = end.isoformat()
        else:
            params.pop(end_key, None)
        return params
    return None


def _replace_unknown(people: list[Any], emails: list[str]) -> list[Any]:
    """Put the given addresses in place of the names that had none, in order."""
    remaining = list(emails)
    replaced = [p if "@" in str(p) or not remaining else remaining.pop(0) for p in people]
    return replaced + remaining


def _time_in(reply: str, now: datetime) -> tuple[datetime, datetime | None] | None:
    from automate.runtime.nlu.time import find_times

    for match in find_times(reply, now):
        value = match.value
        if value.start is None:
            continue
        end = value.end if value.kind == "interval" else None
        return value.start, end
    return None
