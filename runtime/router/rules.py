"""`RuleRouter`: the offline, deterministic router built on `runtime.nlu.intents`.

Each clause of a request is analysed into an intent and slots; the intent's
builder turns slots and resolved times into the params of one agent action, or
into a question when a required slot is missing or ambiguous. Later clauses may
say "her"/"him"/"them" for the people of an earlier one, and refer to its output
with a template such as ``{s1.output.location}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from automate.runtime.nlu.intents import INTENTS, MAX_CHARS, NONE, Analysis, Slot, analyze
from automate.runtime.nlu.intents.clauses import split_clauses
from automate.runtime.nlu.intents.lexicon import FREQUENCY_WORDS, wordset
from automate.runtime.nlu.intents.phrases import (
    adds_nothing,
    antecedent,
    duration_minutes,
    list_item,
    list_items,
    list_named,
    mail_sought,
    meeting_topic,
    message_body,
    message_object,
    message_spans,
    message_subject,
    reminder_query,
    reminder_text,
    strip_spans,
)
from automate.runtime.nlu.intents.when import When, day_window, read_when, value_window
from automate.runtime.plan import Clarification, Decline, Plan, Routing, Step
from automate.runtime.router.base import RouteContext

if TYPE_CHECKING:
    from automate.runtime.nlu.time import TimeValue

__all__ = ["RuleRouter"]

_GENERIC_EVENTS = wordset("meeting meetings appointment appointments event events call calls")
_PRONOUNS = frozenset({"her", "him", "them"})
_REFERS_BACK = frozenset({"it", "that", "them"})
_ALARM_TEXT = "Alarm"
# A meal names its time of day, so "lunch with Ana on friday" needs no question.
_MEAL_HOURS = {"breakfast": 8, "brunch": 11, "lunch": 12, "dinner": 19, "supper": 19}
# How far from a meal's usual hour its am/pm-less time may fall ("lunch at 2" is 14:00).
_MEAL_REACH = timedelta(hours=3)
# The words that say which way a move by a length goes ("push back", "bring forward").
_EARLIER_WORDS = frozenset({"earlier", "forward", "sooner", "up"})
_LATER_WORDS = frozenset({"later", "back", "delay", "postpone", "push"})
_OUTPUT_FIELDS = {
    "address": "location",
    "location": "location",
    "place": "location",
    "venue": "location",
    "where": "location",
    "time": "start",
    "when": "start",
    "title": "title",
}
_VAGUE_ITEMS = frozenset(
    {"it", "this", "that", "that item", "this item", "them", "something", "an item", "item"}
)
_DEFAULT_LOOKAHEAD_DAYS = 7
_LIST_CHANGES = frozenset({"list_add", "list_remove"})
# A list's name is a few words ("movies to watch"); more is a sentence caught by mistake.
_LONGEST_LIST_NAME = 4
# "email ana and cc bruno": the words that copy the people after them.
_COPY_CUES = frozenset({"cc", "copy", "copying"})
_CUE_WORDS = re.compile(r"[a-z]+")
# A subject is one header line; a longer derived one ("about <a paragraph>") is body text.
_LONGEST_SUBJECT = 78
# Actions whose output is one calendar event (title, start, end, location).
_EVENT_OUTPUTS = frozenset({"create_event", "reschedule_event"})
# An interval longer than this ("this afternoon") does not say when to book or remind.
_LONGEST_EXACT_SPAN = timedelta(hours=4)


@dataclass
class _Clause:
    """One clause being turned into a step, with what earlier clauses left behind."""

    text: str
    analysis: Analysis
    context: RouteContext
    step_id: str
    people_before: list[str] = field(default_factory=list)
    previous: Step | None = None
    _when: When | None = None

    @property
    def now(self) -> datetime:
        """The current time in the person's zone."""
        return self.context.now.astimezone(self.context.timezone)

    def when(self, *, moving: bool = False) -> When:
        """The clause's times, resolved once, am/pm-less hours settled where the request tells."""
        if self._when is None:
            day = self.day_before()
            self._when = read_when(
                self.text, self.now, moving=moving, plausible=self.plausible_clock, day=day
            )
        return self._when

    def day_before(self) -> datetime | None:
        """The start of the event an earlier clause books or moves, whose day a bare time of
        day in this clause falls on ("… on friday at 1pm and remind me at 12:30")."""
        if self.previous is None or self.previous.action not in _EVENT_OUTPUTS:
            return None
        params = self.previous.params
        said = params.get("start") if "new_start" not in params else params["new_start"]
        if not isinstance(said, str) or params.get("keep") == "day":
            return None  # a move to a bare time lands on a day only the calendar knows
        return datetime.fromisoformat(said)

    def plausible_clock(self, moment: time) -> bool:
        """Whether a time of day fits the request: near a named meal's usual hour ("dinner at 7"
        is 19:00, "breakfast at 7" 07:00), else inside the working hours, ends included ("at 9"
        is 09:00, "at 2" 14:00, "at 5" 17:00); an hour both or neither readings fit ("at 8")
        stays ambiguous and is asked about."""
        hours = [_MEAL_HOURS[m.lower()] for m in self.words("meal_type") if m.lower() in _MEAL_HOURS]
        if hours:
            said = timedelta(hours=moment.hour, minutes=moment.minute)
            return abs(said - timedelta(hours=hours[0])) <= _MEAL_REACH
        start, end = self.context.working_hours
        return start <= moment <= end

    def words(self, kind: str) -> list[str]:
        """The texts of the clause's slots of one type."""
        return [s.text for s in self.analysis.of(kind)]

    def people(self, slots: tuple[Slot, ...] | None = None) -> list[str]:
        """Names, relations ("my sister") and addresses, or the earlier people for a pronoun.

        `slots` narrows the search (a message's recipients, not the names its text says).
        """
        found = [who for slot in (self.analysis.slots if slots is None else slots) if (who := _person(slot))]
        if not found and self.people_before and _PRONOUNS & set(self.text.lower().split()):
            found = list(self.people_before)
        return found


def _person(slot: Slot) -> str | None:
    """The person a slot names, as an agent resolves people, or None for another kind of slot."""
    if slot.type == "email_address":
        return _written_address(slot.text)
    if slot.type == "person":
        return slot.text.removesuffix("'s").removesuffix("’s")
    if slot.type == "relation":
        said = slot.text.removesuffix("'s").removesuffix("’s")  # "my mother's email" is hers
        return said if said.lower().startswith("the ") else f"my {said}"
    return None


Built = dict[str, Any] | list[dict[str, Any]] | Clarification
"""One action's params, the params of several steps of that action, or a question."""


def _written_address(said: str) -> str:
    """An address as written: "ana at gmail dot com" -> "ana@gmail.com"."""
    if "@" in said:
        return "".join(said.replace(" dot ", ".").split())
    local, _, domain = said.partition(" at ")
    return f"{local.strip()}@{'.'.join(p.strip() for p in domain.split(' dot '))}"


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _say(moment: datetime) -> str:
    """A reading of a time for a question's options ("Fri 27 Nov 2026, 19:00")."""
    return moment.strftime("%a %d %b %Y, %H:%M")


def _ask(
    clause: _Clause,
    question: str,
    slot: str,
    params: dict[str, Any],
    options: list[str] | None = None,
) -> Clarification:
    spec = INTENTS[clause.analysis.intent]
    return Clarification(
        text=clause.text,
        question=question,
        slot=slot,
        agent=spec.agent,
        action=spec.action,
        params=params,
        options=options or [],
    )


def _ambiguity(clause: _Clause, value: TimeValue, slot: str, params: dict[str, Any]) -> Clarification:
    readings = sorted({v.start for v in (value, *value.alternatives) if v.start is not None})
    options = [_say(moment) for moment in readings]
    return _ask(clause, f"Which time do you mean: {' or '.join(options)}?", slot, params, options)


def _title(clause: _Clause) -> str | None:
    """A specific event name ("baseball practice", "lunch"), not a bare "meeting" or a length."""
    from automate.runtime.nlu.time import find_lengths  # the grammar is costly to import

    lengths = [(m.start, m.end) for m in find_lengths(clause.text)]
    for slot in clause.analysis.slots:
        if slot.type not in {"event_name", "meal_type"} or slot.text.lower() in _GENERIC_EVENTS:
            continue
        if any(slot.start < end and start < slot.end for start, end in lengths):
            continue  # "book an hour with frank": "hour" is how long, not what
        return slot.text[:1].upper() + slot.text[1:]
    return None


def _vague(value: TimeValue) -> bool:
    """A day, a week, or a long span like "tomorrow morning": no time to book at."""
    if value.grain in {"day", "week", "month", "quarter", "year"}:
        return True
    if value.start is not None and value.end is not None:
        return value.end - value.start > _LONGEST_EXACT_SPAN
    return False


def _said_call(clause: _Clause) -> bool:
    return any(s.text.lower() in {"call", "calls"} for s in clause.analysis.of("event_name"))


def _meal_start(clause: _Clause, day: TimeValue) -> datetime | None:
    for meal in clause.words("meal_type"):
        hour = _MEAL_HOURS.get(meal.lower())
        if hour is not None and day.start is not None:
            return day.start.replace(hour=hour, minute=0, second=0, microsecond=0)
    return None


def _query_words(clause: _Clause) -> str | None:
    """Words that pick out existing events: people and specific titles."""
    words = [p.removeprefix("my ") for p in clause.people()]
    title = _title(clause)
    if title:
        words.append(title)
    return " ".join(words) or None


def _window(clause: _Clause, value: TimeValue | None, default_days: int) -> tuple[datetime, datetime]:
    if value is not None:
        window = value_window(value)
        if window is not None:
            return window
        if value.end is not None:
            return clause.now, value.end
    start, _ = day_window(clause.now)
    return start, start + timedelta(days=default_days)


def _create_event(clause: _Clause) -> Built:
    people = clause.people()
    params: dict[str, Any] = {"attendees": people}
    title = _title(clause)
    if title and people and len(title.split()) == 1:
        title = f"{title} with {', '.join(people)}"  # "Lunch with Ana"
    elif title is None and people and _said_call(clause):
        title = f"Call with {', '.join(people)}"
    if title is None:
        title = meeting_topic(strip_spans(clause.text, list(clause.when().spans)))
    if title:
        params["title"] = title
    places = clause.words("place_name")
    if places:
        params["location"] = places[0]
    minutes = duration_minutes(clause.text, clause.when().spans)
    if minutes:
        params["duration_minutes"] = minutes
    value = clause.when().value
    what = title or "the meeting"
    if value is None or value.start is None:
        return _ask(clause, f"When should {what} be?", "start", params)
    if value.ambiguous and value.alternatives:
        return _ambiguity(clause, value, "start", params)
    start = value.start
    if _vague(value):
        meal = _meal_start(clause, value)
        if meal is None:
            question = f"What time should {what} be on {value.start:%A %d %B}?"
            return _ask(clause, question, "start", params)
        start = meal
    elif value.kind == "interval" and value.end is not None:
        params["end"] = _iso(value.stated_end or value.end)  # "12 to 1pm" ends at 13:00
    params["start"] = _iso(start)
    if "end" not in params and "duration_minutes" not in params:
        params["duration_minutes"] = clause.context.default_duration_minutes
    return params


def _list_events(clause: _Clause) -> Built:
    start, end = _window(clause, clause.when().value, _DEFAULT_LOOKAHEAD_DAYS)
    params: dict[str, Any] = {"start": _iso(start), "end": _iso(end)}
    query = _query_words(clause)
    if query:
        params["query"] = query
    return params


def _free_slots(clause: _Clause) -> Built:
    start, end = _window(clause, clause.when().value, _DEFAULT_LOOKAHEAD_DAYS)
    minutes = duration_minutes(clause.text, clause.when().spans) or clause.context.default_duration_minutes
    return {"start": _iso(start), "end": _iso(end), "duration_minutes": minutes, "count": 3}


def _cancel_event(clause: _Clause) -> Built:
    params: dict[str, Any] = {}
    query = _query_words(clause)
    if query:
        params["query"] = query
    value = clause.when().value
    if value is not None and value.start is not None:
        start, end = _window(clause, value, 1)
        params.update(start=_iso(start), end=_iso(end))
    if not params:
        return _ask(clause, "Which event should I cancel?", "query", params)
    return params


def _shift_minutes(clause: _Clause) -> int | None:
    """How far a move by a length goes: "push it back by half an hour" is +30, "bring it
    forward by an hour" and "15 minutes earlier" are earlier; None when no length says so."""
    from automate.runtime.nlu.time import find_lengths  # the grammar is costly to import

    words = set(clause.text.lower().split())
    sign = -1 if words & _EARLIER_WORDS else 1 if words & _LATER_WORDS else 0
    for match in find_lengths(clause.text) if sign else ():
        before = clause.text[: match.start].rstrip().lower()
        after = clause.text[match.end :].lstrip().lower()
        if before.endswith(" by") or after.startswith(("later", "earlier", "sooner")):
            return sign * int(match.length.total_seconds() // 60)
    return None


def _move_event(clause: _Clause) -> Built:
    when = clause.when(moving=True)
    params: dict[str, Any] = {}
    query = _query_words(clause)
    if query:
        params["query"] = query
    shift = _shift_minutes(clause)
    if shift:  # the length is no time to move to, nor to look in
        return {**params, "shift_minutes": shift}
    if when.source is not None and when.source.start is not None:
        if when.source.grain in {"minute", "hour", "second"}:
            params.update(start=_iso(when.source.start), end=_iso(when.source.start + timedelta(minutes=1)))
        else:
            start, end = _window(clause, when.source, 1)
            params.update(start=_iso(start), end=_iso(end))
    target = when.target
    if target is None or target.start is None:
        return _ask(clause, "When should I move it to?", "new_start", params)
    if target.ambiguous and target.alternatives:
        return _ambiguity(clause, target, "new_start", params)
    if target.grain == "day":  # "move the dentist to friday": at its own time
        return {**params, "new_start": _iso(target.start), "keep": "time"}
    if target.grain not in {"minute", "hour", "second"}:
        return _ask(clause, f"What time on {target.start:%A %d %B}?", "new_start", params)
    params["new_start"] = _iso(target.start)
    if not when.target_dated:
        params["keep"] = "day"  # "move lunch to 1pm": on its own day
    if target.kind == "interval" and target.end is not None:
        params["new_end"] = _iso(target.stated_end or target.end)
    minutes = duration_minutes(clause.text, when.spans)
    if minutes and "new_end" not in params:
        params["new_end"] = _iso(target.start + timedelta(minutes=minutes))  # "… and make it two hours"
    return params


def _reminder(clause: _Clause) -> Built:
    is_alarm = clause.analysis.intent == "alarm_create"
    when = clause.when()
    value = _repeating(clause, when.value)
    text = reminder_text(strip_spans(clause.text, list(when.spans)))
    if is_alarm:
        text = _ALARM_TEXT  # one text for every alarm, so "turn off my alarm" finds them
    text = text or _title(clause)
    params: dict[str, Any] = {"text": text} if text else {}
    if value is None or value.start is None:
        what = "the alarm go off" if is_alarm else "I remind you"
        return _ask(clause, f"When should {what}?", "at", params)
    if value.ambiguous and value.alternatives:
        return _ambiguity(clause, value, "at", params)
    if _vague(value) and value.kind != "recurrence":
        return _ask(clause, f"What time on {value.start:%A %d %B}?", "at", params)
    params["at"] = _iso(value.start)
    if value.rrule:
        params["rrule"] = value.rrule
    if not text:  # "set a reminder for tomorrow at 8am": a time, but nothing to say then
        question = f"What should I remind you of on {value.start:%A %d %B at %H:%M}?"
        return _ask(clause, question, "text", params)
    return params


def _repeating(clause: _Clause, value: TimeValue | None) -> TimeValue | None:
    """The time made repeating by a frequency said apart from it ("a daily reminder at 9pm",
    "my weekly reminder on monday at 9"): read again with the frequency before the time."""
    if value is None or value.kind == "recurrence" or not clause.when().spans:
        return value
    from automate.runtime.nlu.time import parse_time  # the grammar is costly to import

    outside = strip_spans(clause.text, list(clause.when().spans)).lower().split()
    frequency = next((w for w in outside if w in FREQUENCY_WORDS), None)
    if frequency is None:
        return value
    said = " ".join(clause.text[start:end] for start, end in clause.when().spans)
    again = parse_time(f"{frequency} {said}", clause.now)
    return again if again is not None and again.kind == "recurrence" else value


def _list_reminders(clause: _Clause) -> Built:
    value = clause.when().value
    if value is None or value.start is None:
        return {}
    start, end = _window(clause, value, 1)
    return {"start": _iso(start), "end": _iso(end)}


def _cancel_reminder(clause: _Clause) -> Built:
    when = clause.when()
    params: dict[str, Any] = {}
    text = reminder_query(strip_spans(clause.text, list(when.spans))) or _title(clause)
    if clause.analysis.intent == "alarm_cancel":
        text = _ALARM_TEXT
    if text:
        params["query"] = text
    value = when.value
    if value is not None and value.start is not None and not _vague(value):
        params["at"] = _iso(value.start)  # the service matches a firing time to the minute
    if not params:
        return _ask(clause, "Which reminder should I cancel? Tell me its time or words.", "query", {})
    return params


def _referenced_body(clause: _Clause) -> str | None:
    """A body that quotes an earlier step's output ("email her the address")."""
    if clause.previous is None or clause.previous.action not in _EVENT_OUTPUTS:
        return None
    for word in clause.text.lower().split():
        fld = _OUTPUT_FIELDS.get(word.strip(".,!?"))
        if fld:
            return f"{{{clause.previous.id}.output.{fld}}}"
    if "details" in clause.text.lower() or "invite" in clause.text.lower():
        prev = clause.previous.id
        return f"{{{prev}.output.title}}: {{{prev}.output.start}} at {{{prev}.output.location}}"
    return None


def _told(clause: _Clause) -> str | None:
    """The words after the person in "tell Bob I'm running late"."""
    if clause.text.lstrip().lower().split()[:1] not in (["tell"], ["inform"]):
        return None
    people = [s for s in clause.analysis.slots if s.type in {"person", "relation"}]
    if not people:
        return None
    rest = clause.text[people[0].end :].strip()
    rest = rest.removeprefix("that ").strip(" ,.")
    return rest or None


def _recipients(clause: _Clause) -> tuple[list[str], list[str]]:
    """Whom a message goes to and whom it copies: the people the request addresses.

    Names inside the message's own words are what it says; a name written before an
    address in brackets ("Zoë Müller <zoe@x.org>") is that address's name; people after a
    "cc" cue, up to a "to", are copied.
    """
    inside = message_spans(clause.text)
    to: list[Slot] = []
    cc: list[Slot] = []
    copying = False
    last = 0
    for slot in clause.analysis.slots:
        if any(start <= slot.start < end for start, end in inside) or _person(slot) is None:
            continue
        between = set(_CUE_WORDS.findall(clause.text[last : slot.start].lower()))
        copying = bool(between & _COPY_CUES) or (copying and "to" not in between)
        last = slot.end
        if slot.type == "person" and clause.text[slot.end :].lstrip().startswith("<"):
            continue
        (cc if copying else to).append(slot)
    return clause.people(tuple(to)), clause.people(tuple(cc)) if cc else []


def _short_subject(subject: str | None, body: str | None) -> tuple[str | None, str | None]:
    """A subject too long for one line moves to the body, where the agent derives a short one."""
    if subject is None or len(subject) <= _LONGEST_SUBJECT:
        return subject, body
    return None, body or subject


def _send_email(clause: _Clause) -> Built:
    to, cc = _recipients(clause)
    body = message_body(clause.text) or _told(clause)
    subject = message_subject(clause.text)
    reference = _referenced_body(clause)
    what = message_object(clause.text)
    if what and not body and not subject:
        subject = what[:1].upper() + what[1:]
        if clause.previous is not None and clause.previous.action in _EVENT_OUTPUTS:
            prev = clause.previous.id
            quoted = reference or f"{{{prev}.output.title}}, {{{prev}.output.start}}"
            body = f"{subject}: {quoted}"
    if reference and not body:
        body = reference
    subject, body = _short_subject(subject, body)
    params: dict[str, Any] = {"to": to, "body": body or ""}
    if cc:
        params["cc"] = cc
    if subject:
        params["subject"] = subject
    if not to:
        return _ask(clause, "Who should I send the email to?", "to", params)
    if not body and not subject:
        return _ask(clause, f"What should the email to {', '.join(to)} say?", "body", params)
    return params


def _email_search(clause: _Clause) -> dict[str, Any]:
    params: dict[str, Any] = {}
    sender, words = mail_sought(strip_spans(clause.text, list(clause.when().spans)))
    # "emails with quarterly report in the subject": the words sought name no sender
    people = [p for p in clause.people() if not words or p.lower() not in words.lower()]
    if people or sender:
        params["sender"] = people[0] if people else sender
    if words:
        params["text"] = words
    value = clause.when().value
    if value is not None:
        if value.kind == "open_before" and value.end is not None:
            params["before"] = _iso(value.end)
        elif value.start is not None:
            start, end = _window(clause, value, 1)
            if start > clause.now and value.grain == "day":
                # Mail is in the past: "since monday" is the Monday gone by.
                start, end = start - timedelta(days=7), end - timedelta(days=7)
            params["since"] = _iso(start)
            if value.kind != "open_after" and end < clause.now:
                params["before"] = _iso(end)
    lowered = set(clause.text.lower().split())
    if lowered & {"unread", "new"}:
        params["unread_only"] = True
    return params


def _read_email(clause: _Clause) -> Built:
    return {"search": _email_search(clause)}


def _find_contact(clause: _Clause) -> Built:
    people = clause.people()
    if not people:
        return _ask(clause, "Whom should I look up?", "query", {})
    return {"query": people[0].removeprefix("my ")}


def _add_contact(clause: _Clause) -> Built:
    names = [s.text.removesuffix("'s") for s in clause.analysis.of("person")]
    emails = clause.words("email_address")
    relations = clause.words("relation")
    params: dict[str, Any] = {}
    if emails:
        params["email"] = emails[0]
    if relations:
        params["relation"] = relations[0]
    if not names:
        return _ask(clause, "What is the new contact's name?", "name", params)
    params["name"] = names[0]
    return params


def _list_name(clause: _Clause, said: str | None) -> str | None:
    """The list's name: the words said before "list" when they hold the known list word
    ("my christmas gifts list" is "christmas gifts", not "gifts"), else that word."""
    names = clause.words("list_name")
    spoken = said or list_named(clause.text)
    name = names[0] if names else spoken
    longer = spoken is not None and len(spoken.split()) <= _LONGEST_LIST_NAME
    if names and spoken and longer and set(names[0].lower().split()) <= set(spoken.lower().split()):
        name = spoken
    if not name:
        return None
    name = " ".join(w for w in name.split() if w.lower() not in {"my", "the", "a", "our", "list"})
    return name.lower() or None


def _item(clause: _Clause, item: str | None) -> str | None:
    """The item named, or what "it" stands for when an earlier clause named it."""
    if item is not None and item.lower() in _VAGUE_ITEMS:
        return antecedent(clause.text)
    return item


def _add_item(clause: _Clause) -> Built:
    said_item, said = list_item(clause.text, removing=False)
    item = _item(clause, said_item)
    name = _list_name(clause, said)
    params: dict[str, Any] = {"item": item} if item else {}
    if not name:
        what = f"add {item} to" if item else "use"
        return _ask(clause, f"Which list should I {what}?", "list", params)
    params["list"] = name
    if "item" not in params:
        if said_item or adds_nothing(clause.text):  # "add it to…", "add to my shopping list"
            return _ask(clause, f"What should I add to your {name} list?", "item", params)
        return params
    return _each_item(params)


def _each_item(params: dict[str, Any]) -> Built:
    """One step per item of a series ("apples, pears and plums"), or the params as they are."""
    items = list_items(params["item"])
    return [{**params, "item": one} for one in items] if len(items) > 1 else params


def _show_list(clause: _Clause) -> Built:
    name = _list_name(clause, None)
    return {"list": name} if name else {}


def _remove_item(clause: _Clause) -> Built:
    said_item, said = list_item(clause.text, removing=True)
    item = _item(clause, said_item)
    name = _list_name(clause, said)
    params: dict[str, Any] = {}
    if name:
        params["list"] = name
    if said_item and not item:
        return _ask(clause, "Which item should I remove?", "item", params)
    if item:
        params["item"] = item
        return _each_item(params)
    if not name:
        return _ask(clause, "Which list do you mean?", "list", params)
    return params


_BUILDERS: dict[str, Callable[[_Clause], Built]] = {
    "event_create": _create_event,
    "event_list": _list_events,
    "event_cancel": _cancel_event,
    "event_move": _move_event,
    "free_slots": _free_slots,
    "reminder_create": _reminder,
    "reminder_list": _list_reminders,
    "reminder_cancel": _cancel_reminder,
    "alarm_create": _reminder,
    "alarm_list": _list_reminders,
    "alarm_cancel": _cancel_reminder,
    "email_send": _send_email,
    "email_search": _email_search,
    "email_read": _read_email,
    "contact_find": _find_contact,
    "contact_add": _add_contact,
    "list_add": _add_item,
    "list_show": _show_list,
    "list_remove": _remove_item,
}


def _clauses(text: str) -> list[tuple[str, Analysis]]:
    """Clauses with their analyses; a clause that asks nothing joins a neighbour."""
    found: list[tuple[str, Analysis]] = []
    pending: tuple[str, Analysis] | None = None
    for start, end in split_clauses(text):
        piece = f"{pending[0]} {text[start:end]}" if pending else text[start:end]
        analysis = analyze(piece)
        if analysis.intent != NONE:
            found.append((piece, analysis))
            pending = None
        elif found:
            merged = f"{found[-1][0]} {piece}"
            found[-1] = (merged, analyze(merged))
        else:
            pending = (piece, analysis)
    if pending:
        found.append(pending)
    return _moves(_said_then_done(found))


def _resizes(piece: str, analysis: Analysis) -> bool:
    """A clause that only gives "it" a new length ("and make it two hours")."""
    words = set(piece.lower().split())
    return analysis.intent in {"event_create", NONE} and "it" in words and bool(duration_minutes(piece))


def _said_then_done(parts: list[tuple[str, Analysis]]) -> list[tuple[str, Analysis]]:
    """ "we ran out of honey, add it to the list" is one addition: a statement naming a thing
    and no list, then a list command pointing back at it with "it"."""
    merged: list[tuple[str, Analysis]] = []
    for piece, analysis in parts:
        points_back = bool(_REFERS_BACK & set(piece.lower().split()))
        if merged and points_back and analysis.intent in _LIST_CHANGES:
            said, before = merged[-1]
            if before.intent in _LIST_CHANGES and not before.of("list_name"):
                text = f"{said}, {piece}"
                merged[-1] = (text, Analysis(text, analysis.intent, (*before.slots, *analysis.slots)))
                continue
        merged.append((piece, analysis))
    return merged


def _moves(parts: list[tuple[str, Analysis]]) -> list[tuple[str, Analysis]]:
    """ "cancel my meeting on tuesday and reschedule it for thursday" is one move, and so is
    "move the review to 2pm and make it two hours"."""
    merged: list[tuple[str, Analysis]] = []
    for piece, analysis in parts:
        before = merged[-1][1].intent if merged else None
        refers_back = bool(_REFERS_BACK & set(piece.lower().split()))
        if (before == "event_cancel" and analysis.intent == "event_move" and refers_back) or (
            before == "event_move" and _resizes(piece, analysis)
        ):
            text = f"{merged[-1][0]} {piece}"
            joined = Analysis(text, "event_move", (*merged[-1][1].slots, *analysis.slots))
            merged[-1] = (text, joined)
            continue
        merged.append((piece, analysis))
    return merged


def _combined(text: str, parts: list[tuple[str, Analysis]]) -> Analysis:
    """One analysis for the whole request: its main intent and every clause's slots.

    The main intent is the first that changes something ("open my last email and
    reply" is a reply), else the first.
    """
    slots = tuple(slot for _, analysis in parts for slot in analysis.slots)
    first = parts[0][1] if parts else analyze(text)
    main = next((a for _, a in parts if a.spec is not None and a.spec.changes), first)
    return Analysis(text, main.intent, slots, first.reason)


class RuleRouter:
    """Routes requests with vocabulary and word-order rules: no model, no network."""

    def route(self, text: str, context: RouteContext) -> Routing:
        """Understand `text` at `context.now`: a plan, a question or a decline."""
        return self.route_analyzed(text, context)[0]

    def route_analyzed(self, text: str, context: RouteContext) -> tuple[Routing, Analysis]:
        """The routing of `text` and the analysis it came from (for benchmarks and tools)."""
        try:
            return self._route(text, context)
        except Exception as exc:  # the router's contract is to answer, never to raise
            _log_failure("routing_failed", exc)
            clipped = str(text)[:200]
            reason = "the request could not be understood"
            return Decline(text=clipped, reason=reason), Analysis(clipped, NONE, (), reason)

    def _route(self, text: str, context: RouteContext) -> tuple[Routing, Analysis]:
        if not isinstance(text, str) or not text.strip():
            return Decline(text=str(text)[:200], reason="the request is empty"), Analysis("", NONE, ())
        clipped = text[:MAX_CHARS]
        parts = _clauses(clipped)
        analysis = _combined(clipped, parts)
        if not parts or parts[0][1].intent == NONE:
            return Decline(text=clipped, reason=analysis.reason or "no agent handles this"), analysis
        steps: list[Step] = []
        people: list[str] = []
        for index, (piece, part) in enumerate(parts, 1):
            clause = _Clause(
                text=piece,
                analysis=part,
                context=context,
                step_id=f"s{index}",
                people_before=people,
                previous=steps[-1] if steps else None,
            )
            built = _BUILDERS[part.intent](clause)
            if isinstance(built, Clarification):
                return built.model_copy(update={"text": clipped}), analysis
            spec = INTENTS[part.intent]
            # Several steps of one clause ("add apples, pears and plums") get s1, s1b, s1c…
            for n, params in enumerate(built if isinstance(built, list) else [built]):
                step_id = clause.step_id + ("" if n == 0 else chr(ord("a") + n))
                needs = sorted({ref for ref in _references(params) if ref != step_id})
                steps.append(
                    Step(id=step_id, agent=spec.agent, action=spec.action, params=params, needs=needs)
                )
            people = clause.people() or people
        return Plan(text=clipped, steps=steps), analysis


def _log_failure(event: str, exc: Exception) -> None:
    """Record a fault without the request's words (they may be private)."""
    from automate.integrations.logs import get_logger  # only on this rare path: the router imports cheaply

    get_logger("automate.router").warning(event, error=type(exc).__name__)


def _references(params: dict[str, Any]) -> set[str]:
    from automate.runtime.templates import references

    return references(params)
