"""SchedulerAgent: books, lists, moves and cancels events, and finds free time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, tzinfo

from pydantic import BaseModel

from automate.agents.base import ActionContext, Agent, action
from automate.agents.matching import Clue, WordQuery
from automate.agents.people import resolve_people
from automate.agents.scheduler_models import (
    CancelledEvent,
    CreateEventParams,
    EventQuery,
    FreeSlotsParams,
    ListEventsParams,
    RescheduleEventParams,
    SlotList,
)
from automate.agents.wording import span
from automate.integrations.calendar.models import (
    Attendee,
    Booking,
    CalendarEvent,
    DeletedEvent,
    EventDraft,
    EventList,
    EventPatch,
    EventRef,
    FreeBusy,
    TimeRange,
)
from automate.integrations.errors import ActionError, NeedsClarification, NotFound, SchedulingConflict
from automate.integrations.ids import event_uid

__all__ = ["SchedulerAgent"]

SEARCH_DAYS = 30
PROPOSAL_DAYS = 7
# Nouns a person calls any event by; said alone they barely tell one event from another.
EVENT_NOUNS = frozenset({"appointment", "appt", "call", "event", "meeting", "session"})


class SchedulerAgent(Agent):
    """Owns the calendar: never double-books unless told to."""

    name = "scheduler"
    description = (
        "Manages your calendar: books meetings and events, lists what is on a day, "
        "moves and cancels events, and finds free time inside working hours."
    )
    requires = ("calendar", "contacts")

    @action("Book an event; refuses to double-book and proposes free slots instead.", side_effect=True)
    async def create_event(self, params: CreateEventParams, ctx: ActionContext) -> CalendarEvent:
        """Book an event unless it is in the past or overlaps another (then propose free slots).

        The free-slot check and the insert are one step of the calendar
        (`book_event`), so of two bookings racing for one slot exactly one stays.
        """
        end = params.end or params.start + timedelta(minutes=self._duration(params.duration_minutes))
        wanted = TimeRange(start=params.start, end=end)
        if not params.allow_past and params.start < self.now(ctx).replace(second=0, microsecond=0):
            when = span(wanted.start, wanted.end, self.tz)
            raise NeedsClarification(f"{when} is in the past. Book it anyway?", slot="allow_past")
        attendees = await self._attendees(params.attendees)
        draft = EventDraft(
            title=params.title or _default_title(attendees),
            start=params.start.astimezone(self.tz),
            end=end.astimezone(self.tz),
            timezone=self.tz.key,
            attendees=attendees,
            location=params.location,
            notes=params.notes,
            uid=event_uid(ctx.idempotency_key),
        )
        key = ctx.idempotency_key
        if params.allow_conflict:
            return await self.manager.call(
                "calendar", "insert_event", draft, idempotency_key=key, expect=CalendarEvent
            )
        booking = await self.manager.call(
            "calendar", "book_event", draft, idempotency_key=key, expect=Booking
        )
        if booking.event is None:
            raise await self._conflict(wanted, booking.clashes, ctx)
        return booking.event

    @action("List the events between two times, optionally only those matching words.", side_effect=False)
    async def list_events(self, params: ListEventsParams, ctx: ActionContext) -> EventList:
        """Events overlapping the range, in start order."""
        found = await self._events(TimeRange(start=params.start, end=params.end))
        return EventList(events=_words(params.query).matches(found, _clues))

    @action(
        "Cancel one event, found by its UID or by words and a time window.",
        side_effect=True,
        destructive=True,
        idempotent=True,
    )
    async def cancel_event(self, params: EventQuery, ctx: ActionContext) -> CancelledEvent:
        """Delete the one event the query names; ask when several match."""
        event = await self._locate(params, ctx)
        await self.manager.call("calendar", "delete_event", EventRef(uid=event.uid), expect=DeletedEvent)
        return CancelledEvent(event=event)

    @action(
        "Move one event to a new time, keeping its length unless a new end is given.",
        side_effect=True,
        destructive=True,
        idempotent=True,
    )
    async def reschedule_event(self, params: RescheduleEventParams, ctx: ActionContext) -> CalendarEvent:
        """Move the event the query names, refusing to land on another event."""
        event = await self._locate(params, ctx)
        new_start, new_end = _landing(event, params, self.tz)
        if not params.allow_conflict:
            await self._ensure_free(TimeRange(start=new_start, end=new_end), ignore_uid=event.uid, ctx=ctx)
        patch = EventPatch(uid=event.uid, start=new_start, end=new_end)
        return await self.manager.call("calendar", "update_event", patch, expect=CalendarEvent)

    @action("Find free slots of a given length inside working hours.", side_effect=False)
    async def find_free_slots(self, params: FreeSlotsParams, ctx: ActionContext) -> SlotList:
        """The earliest free slots in the range, inside working hours and not in the past."""
        start = max(params.start, self._rounded_now(ctx))
        if params.end <= start:
            return SlotList()
        window = TimeRange(start=start, end=params.end)
        busy = await self._busy(window)
        length = timedelta(minutes=params.duration_minutes)
        slots = [
            TimeRange(start=start, end=start + length)
            for start in self._candidates(window.start, window.end - length, length)
            if not _overlaps_any(start, start + length, busy)
        ]
        return SlotList(slots=slots[: params.count])

    def say(self, action_name: str, output: BaseModel) -> str:
        """One sentence for a person about an action's outcome."""
        if isinstance(output, CalendarEvent):
            verb = "Moved" if action_name == "reschedule_event" else "Booked"
            return f"{verb} '{output.title}' {span(output.start, output.end, self.tz)}"
        if isinstance(output, CancelledEvent):
            event = output.event
            return f"Cancelled '{event.title}' {span(event.start, event.end, self.tz)}"
        if isinstance(output, EventList):
            if not output.events:
                return "Nothing on your calendar then."
            items = "; ".join(f"{span(e.start, e.end, self.tz)} {e.title}" for e in output.events)
            count = len(output.events)
            return f"{count} event{'s' if count != 1 else ''}: {items}"
        if isinstance(output, SlotList):
            if not output.slots:
                return "No free slot in that range."
            return "Free: " + "; ".join(span(s.start, s.end, self.tz) for s in output.slots)
        return "Done."

    def _duration(self, minutes: int | None) -> int:
        return minutes or self.settings.scheduler.default_duration_minutes

    async def _attendees(self, people: list[str]) -> list[Attendee]:
        found = await resolve_people(self.manager, people)
        return [Attendee(name=p.name, email=p.email) for p in found]

    async def _events(self, window: TimeRange) -> list[CalendarEvent]:
        listed = await self.manager.call("calendar", "list_events", window, expect=EventList)
        return listed.events

    async def _busy(self, window: TimeRange) -> list[TimeRange]:
        free_busy = await self.manager.call("calendar", "free_busy", window, expect=FreeBusy)
        return [TimeRange(start=b.start, end=b.end) for b in free_busy.busy]

    async def _ensure_free(self, wanted: TimeRange, *, ignore_uid: str, ctx: ActionContext) -> None:
        """Raise `SchedulingConflict` with proposals if `wanted` overlaps another event."""
        clashes = [e for e in await self._events(wanted) if e.uid != ignore_uid]
        if clashes:
            raise await self._conflict(wanted, clashes, ctx)

    async def _conflict(
        self, wanted: TimeRange, clashes: list[CalendarEvent], ctx: ActionContext
    ) -> SchedulingConflict:
        """The clash with `clashes`, the nearest free slots, and why they are on another day if so."""
        proposals = await self._nearest_free(wanted, ctx)
        names = ", ".join(f"'{e.title}' {span(e.start, e.end, self.tz)}" for e in clashes)
        message = f"That time overlaps {names}."
        if not proposals:
            message += " No free slot nearby in working hours."
        else:
            offer = "; ".join(span(p.start, p.end, self.tz) for p in proposals)
            why = self._why_elsewhere(wanted, proposals)
            message += (
                f" {why}; nearest free working-hours slots: {offer}." if why else f" Free nearby: {offer}."
            )
        return SchedulingConflict(message, conflicts=clashes, proposals=proposals)

    def _why_elsewhere(self, wanted: TimeRange, proposals: list[TimeRange]) -> str | None:
        """Why no proposal is on the wanted day, or None when one is."""
        day = wanted.start.astimezone(self.tz).date()
        if any(p.start.astimezone(self.tz).date() == day for p in proposals):
            return None
        if not self.settings.scheduler.working_hours.is_working_day(day.weekday()):
            return f"{day:%A} is not a working day"
        return f"{day:%A %d %b} has no free slot left in working hours"

    async def _nearest_free(self, wanted: TimeRange, ctx: ActionContext) -> list[TimeRange]:
        """Free slots of the same length closest to the wanted start, within a week either side."""
        length = wanted.end - wanted.start
        # Proposals are never in the past: around the wanted start, or from now if it has passed.
        centre = max(wanted.start, self._rounded_now(ctx))
        earliest = max(wanted.start - timedelta(days=PROPOSAL_DAYS), self._rounded_now(ctx))
        window = TimeRange(start=earliest, end=centre + timedelta(days=PROPOSAL_DAYS) + length)
        busy = await self._busy(window)
        free = [
            start
            for start in self._candidates(window.start, window.end - length, length)
            if not _overlaps_any(start, start + length, busy)
        ]
        free.sort(key=lambda start: abs(start - centre))
        chosen = sorted(free[: self.settings.scheduler.proposals])
        return [TimeRange(start=start, end=start + length) for start in chosen]

    def _candidates(self, first: datetime, last: datetime, length: timedelta) -> Iterator[datetime]:
        """Starts on the step grid from `first` to `last` whose slot fits in working hours."""
        hours = self.settings.scheduler.working_hours
        step = timedelta(minutes=self.settings.scheduler.slot_step_minutes)
        day: date = first.astimezone(self.tz).date()
        while day <= last.astimezone(self.tz).date():
            if hours.is_working_day(day.weekday()):
                start = datetime.combine(day, hours.start, self.tz)
                close = datetime.combine(day, hours.end, self.tz)
                while start + length <= close:
                    if first <= start <= last:
                        yield start
                    start += step
            day += timedelta(days=1)

    def _rounded_now(self, ctx: ActionContext) -> datetime:
        now = self.now(ctx)
        return now.replace(second=0, microsecond=0) + timedelta(minutes=1)

    async def _locate(self, query: EventQuery, ctx: ActionContext) -> CalendarEvent:
        """The single event a query names: by UID, else by words within a window."""
        if query.uid:
            try:
                return await self.manager.call(
                    "calendar", "get_event", EventRef(uid=query.uid), expect=CalendarEvent
                )
            except NotFound:
                raise ActionError(f"There is no event with UID {query.uid}.") from None
        now = self.now(ctx)
        start = query.start or now
        end = query.end or start + timedelta(days=SEARCH_DAYS)
        found = _words(query.query).best(await self._events(TimeRange(start=start, end=end)), _clues)
        if not found:
            what = f" matching '{query.query}'" if query.query else ""
            raise ActionError(f"No event{what} {span(start, end, self.tz)}.")
        if len(found) > 1:
            options = [f"'{e.title}' {span(e.start, e.end, self.tz)}" for e in found[:10]]
            raise NeedsClarification("Which event do you mean: " + "; ".join(options) + "?", slot="event")
        return found[0]


def _default_title(attendees: list[Attendee]) -> str:
    if not attendees:
        return "Meeting"
    names = [a.label() for a in attendees]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Meeting with {joined}"


def _words(query: str | None) -> WordQuery:
    """The words a person named events by, with the nouns any event goes by weighed down."""
    return WordQuery(query, generic=EVENT_NOUNS)


def _clues(event: CalendarEvent) -> list[Clue]:
    """What an event is known by: its title, its people (names, addresses' names), place, notes."""
    people = [f"{a.name or ''} {(a.email or '').partition('@')[0]}" for a in event.attendees]
    return [
        Clue(event.title),
        *(Clue(p) for p in people),
        Clue(event.location),
        Clue(event.notes, weight=0.5),
    ]


def _overlaps_any(start: datetime, end: datetime, busy: list[TimeRange]) -> bool:
    return any(b.start < end and start < b.end for b in busy)


def _landing(event: CalendarEvent, params: RescheduleEventParams, tz: tzinfo) -> tuple[datetime, datetime]:
    """Where a moved event starts and ends, in `tz`: `new_start`, on the event's own day or
    at its own time of day when `keep` says only part of it was said, and `new_end` moved
    along (else the event's own length); or the event moved whole by `shift_minutes`."""
    if params.new_start is None:
        shift = timedelta(minutes=params.shift_minutes or 0)
        return (event.start + shift).astimezone(tz), (event.end + shift).astimezone(tz)
    said = params.new_start.astimezone(tz)
    own = event.start.astimezone(tz)
    start = said
    if params.keep == "day":
        start = said.replace(year=own.year, month=own.month, day=own.day)
    elif params.keep == "time":
        start = said.replace(hour=own.hour, minute=own.minute, second=own.second, microsecond=0)
    if params.new_end is None:
        return start, start + (event.end - event.start)
    return start, (params.new_end.astimezone(tz) + (start - said)).astimezone(tz)
