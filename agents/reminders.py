"""RemindersAgent: sets, lists and cancels reminders and alarms, one-off or repeating."""

from __future__ import annotations

from datetime import timedelta

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from automate.agents.base import ActionContext, Agent, action
from automate.agents.matching import Clue, WordQuery
from automate.agents.wording import moment
from automate.integrations.errors import ActionError, NeedsClarification, NotFound
from automate.integrations.model import Model
from automate.integrations.reminders.models import (
    DeletedReminder,
    Reminder,
    ReminderDraft,
    ReminderList,
    ReminderQuery,
    ReminderRef,
    ReminderText,
    RRule,
)

__all__ = [
    "CancelReminderParams",
    "CancelledReminder",
    "ListRemindersParams",
    "RemindersAgent",
    "SetReminderParams",
]

SERVICE = "reminders"
MAX_CHOICES = 10
# "the plumber reminder" names the reminder "call the plumber": the noun itself is no word of it.
REMINDER_NOUNS = frozenset({"reminder"})


class SetReminderParams(Model):
    """A reminder to set: when (`at`), how it repeats (`rrule`), or both."""

    text: ReminderText = Field(description="What to be reminded of.")
    at: AwareDatetime | None = Field(
        None, description="When it fires; for a repeating reminder, the first time."
    )
    rrule: RRule | None = Field(
        None, description="RFC 5545 recurrence, e.g. FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0."
    )

    @model_validator(mode="after")
    def _when(self) -> SetReminderParams:
        if self.at is None and self.rrule is None:
            raise ValueError("say when: a time (at), a recurrence (rrule), or both")
        return self


class ListRemindersParams(Model):
    """Which reminders to list: those firing in [start, end); from now on by default."""

    start: AwareDatetime | None = Field(None, description="The range's start; now when not given.")
    end: AwareDatetime | None = Field(None, description="The range's end; open when not given.")

    @model_validator(mode="after")
    def _ordered(self) -> ListRemindersParams:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class CancelReminderParams(Model):
    """Which reminder to cancel: its id, or words of its text and/or the time it fires."""

    id: str | None = Field(None, min_length=1, max_length=255, description="The reminder's id, when known.")
    query: str | None = Field(None, min_length=1, max_length=200, description="Words of the reminder's text.")
    at: AwareDatetime | None = Field(None, description="A time it fires (to the minute).")

    @model_validator(mode="after")
    def _something(self) -> CancelReminderParams:
        if self.id is None and self.query is None and self.at is None:
            raise ValueError("say which reminder: an id, words of its text, or its time")
        return self


class CancelledReminder(Model):
    """The reminder that was cancelled."""

    reminder: Reminder


class RemindersAgent(Agent):
    """Owns reminders: never sets one in the past, asks when a cancel is ambiguous."""

    name = "reminders"
    description = (
        "Keeps your reminders and alarms: sets one-off or repeating reminders "
        '("remind me to call mom tomorrow at 6", "every Monday at 9"), lists the '
        "upcoming ones, and cancels them by their words or time."
    )
    requires = (SERVICE,)

    @action("Set a reminder at a time, repeating by an RRULE, or both.", side_effect=True)
    async def set_reminder(self, params: SetReminderParams, ctx: ActionContext) -> Reminder:
        """Store a reminder whose next occurrence is in the future; the result says when."""
        now = self.now(ctx)
        rule = params.rrule
        if params.at is not None:
            start = params.at
        else:
            # A rule anchored at "now" takes its minutes from now; whole minutes are meant.
            start = now.replace(second=0, microsecond=0)
            rule = _on_the_hour(rule) if rule else rule
        draft = ReminderDraft(
            text=params.text, start=start.astimezone(self.tz), rrule=rule, timezone=self.tz.key
        )
        due = draft.occurrence_after(now)
        if due is None:
            when = moment(start, self.tz)
            raise ActionError(
                f"{when} is in the past; say a future time."
                if rule is None
                else f"That recurrence has no occurrence after {moment(now, self.tz)}."
            )
        stored = await self.manager.call(
            SERVICE, "insert_reminder", draft, idempotency_key=ctx.idempotency_key, expect=Reminder
        )
        return stored.model_copy(update={"due": stored.occurrence_after(now)})

    @action("List reminders firing in a time range (upcoming ones by default).", side_effect=False)
    async def list_reminders(self, params: ListRemindersParams, ctx: ActionContext) -> ReminderList:
        """Reminders with an occurrence in the range, each at its next time there, soonest first."""
        start = params.start or self.now(ctx)
        if params.end is not None and params.end <= start:
            return ReminderList()  # "until yesterday": nothing is upcoming in an empty range
        query = ReminderQuery(start=start, end=params.end)
        return await self.manager.call(SERVICE, "list_reminders", query, expect=ReminderList)

    @action(
        "Cancel one reminder, found by its id, its words, or the time it fires.",
        side_effect=True,
        destructive=True,
        idempotent=True,
    )
    async def cancel_reminder(self, params: CancelReminderParams, ctx: ActionContext) -> CancelledReminder:
        """Delete the one reminder the params name; ask when several match."""
        reminder = await self._locate(params, ctx)
        await self.manager.call(
            SERVICE,
            "delete_reminder",
            ReminderRef(id=reminder.id),
            idempotency_key=ctx.idempotency_key,
            expect=DeletedReminder,
        )
        return CancelledReminder(reminder=reminder)

    def say(self, action_name: str, output: BaseModel) -> str:
        """One sentence for a person about an action's outcome."""
        if isinstance(output, Reminder):
            return f"I'll remind you: {self._line(output)}"
        if isinstance(output, ReminderList):
            if not output.reminders:
                return "No reminders coming up."
            count = len(output.reminders)
            lines = "; ".join(self._line(r) for r in output.reminders)
            return f"{count} reminder{'s' if count != 1 else ''}: {lines}"
        if isinstance(output, CancelledReminder):
            return f"Cancelled the reminder '{output.reminder.text}'"
        return "Done."

    def _line(self, reminder: Reminder) -> str:
        """'Wed 25 Nov 09:00 call mom (repeats FREQ=DAILY)'."""
        when = moment(reminder.due or reminder.start, self.tz)
        repeats = f" (repeats {reminder.rrule})" if reminder.rrule else ""
        return f"{when} {reminder.text}{repeats}"

    async def _locate(self, params: CancelReminderParams, ctx: ActionContext) -> Reminder:
        """The one reminder the params name: by id, else by words and time among upcoming ones."""
        if params.id is not None:
            try:
                return await self.manager.call(
                    SERVICE, "get_reminder", ReminderRef(id=params.id), expect=Reminder
                )
            except NotFound:
                raise _not_found(f"There is no reminder with id {params.id}.") from None
        if params.at is not None:
            start = params.at.replace(second=0, microsecond=0)
            query = ReminderQuery(start=start, end=start + timedelta(minutes=1))
        else:
            query = ReminderQuery(start=self.now(ctx))
        listed = (await self.manager.call(SERVICE, "list_reminders", query, expect=ReminderList)).reminders
        found = WordQuery(params.query, generic=REMINDER_NOUNS).best(listed, lambda r: [Clue(r.text)])
        if not found:
            words = f" matching '{params.query}'" if params.query else ""
            when = f" at {moment(params.at, self.tz)}" if params.at is not None else ""
            raise _not_found(f"No upcoming reminder{words}{when}.")
        if len(found) > 1:
            raise NeedsClarification(
                "Which reminder do you mean: " + "; ".join(_choices(found, self)) + "?",
                slot="reminder",
            )
        return found[0]


def _on_the_hour(rule: str) -> str:
    """Add BYMINUTE=0 to a rule that names hours but no minutes ("every day at 9")."""
    parts = {part.partition("=")[0] for part in rule.split(";")}
    return rule + ";BYMINUTE=0" if "BYHOUR" in parts and "BYMINUTE" not in parts else rule


def _choices(found: list[Reminder], agent: RemindersAgent) -> list[str]:
    """How each candidate is offered; identical ones are told apart by their id."""
    labels = [f"'{r.text}' {moment(r.due or r.start, agent.tz)}" for r in found[:MAX_CHOICES]]
    return [
        f"{label} (id {r.id})" if labels.count(label) > 1 else label
        for label, r in zip(labels, found, strict=False)
    ]


def _not_found(message: str) -> NotFound:
    return NotFound(message, service=SERVICE, operation="cancel_reminder")
