"""Deadline rules as data, and the pure decisions made from them.

A rule belongs to a kind of subject (`subject`: action, activity ...) and is live while the
subject is in one of its states. Entering them starts it: the due date is counted from its
anchor (the day the stage was entered, or a date of the subject or of its Action, `start`,
`action.received_on`), by a signed offset in calendar or working days ("45 days before the
start" is `{days: -45}`), and reminders (before), the due notice and escalations (after) become
timers. Leaving them stops it: through one of its `met_by` triggers (or any way out, for a rule
with none) it is recorded `met` or `missed` by comparing with the due moment; any other way out
cancels it. Changing the anchor date of a live deadline re-plans it. `fire` says what a due timer
does (today: owe an alert).
"""
from dataclasses import dataclass
from functools import cached_property
from datetime import date, datetime
from typing import Literal

from pydantic import Field, model_validator

from domain.calendar import BusinessCalendar
from domain.schemas import Strict

Process = Literal["pre_implementation", "implementation", "monitoring_evaluation", "communications",
                  "knowledge_management", "expert_management"]


class Span(Strict):
    """A length of time in whole days: calendar days, then working days."""

    days: int = Field(default=0, ge=0)
    working_days: int = Field(default=0, ge=0)

    def __str__(self) -> str:
        parts = [f"{self.days} days" if self.days else "", f"{self.working_days} working days" if self.working_days else ""]
        return " and ".join(p for p in parts if p) or "0 days"


class Offset(Strict):
    """A signed distance from an anchor day: calendar days, then working days."""

    days: int = Field(default=0, ge=-3650, le=3650)
    working_days: int = Field(default=0, ge=-2500, le=2500)

    def __str__(self) -> str:
        return str(Span(days=abs(self.days), working_days=abs(self.working_days))) + (
            " before" if self.days + self.working_days < 0 else "")


class Notice(Strict):
    """Who is told: roles (the Action's own project officer for project_officer) or person ids."""

    tell: list[str] = Field(min_length=1)


class Reminder(Notice):
    before: Span


class Escalation(Notice):
    after: Span


class DeadlineRule(Strict):
    """One kind of deadline."""

    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    process: Process
    subject: str = "action"
    live_in: list[str] = Field(min_length=1)
    anchor: str = Field(default="entered", pattern=r"^(entered|([a-z][a-z_]*\.)?[a-z][a-z0-9_]*)$")
    due: Offset
    on_non_working_day: Literal["next_working_day", "keep"] = "next_working_day"
    """A due date that falls on a weekend, a holiday or an office closure moves to the next working
    day (and the notice says so), unless the rule keeps it."""
    where: dict[str, str | list[str]] = {}
    """Only subjects whose fields hold these values (`{kind: venue}`: a checklist's venue item), or
    one of them (`{occasion: [approval, closure]}`)."""
    template: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    """The words its notices use, when several rules share them (default: its own kind's)."""
    fire: Literal["alert", "dispatch_forms", "collect_forms"] = "alert"
    """What a due timer does: owe an alert to whom it tells (the default), send an evaluation
    collection's forms, or remind those who have not answered and close the collection when due."""
    met_by: list[str] = []
    once: bool = False
    reminders: list[Reminder] = []
    on_due: Notice
    escalations: list[Escalation] = []


    def applies(self, subject) -> bool:
        """Is `subject` (of this rule's kind) one this rule's deadline is kept for?"""
        return all(str(getattr(subject, name, None)) in ([value] if isinstance(value, str) else value)
                   for name, value in self.where.items())

    def alert(self, point: str) -> str:
        """The kind of alert its notice at `point` owes (which names the notice's words)."""
        return f"{self.template or self.kind}.{point}"


@dataclass(frozen=True)
class TimerPlan:
    """A moment at which people are told something about a deadline."""

    point: Literal["reminder", "due", "escalation"]
    seq: int
    fire_at: datetime
    tell: tuple[str, ...]


@dataclass(frozen=True)
class DeadlinePlan:
    due_on: date
    due_at: datetime
    timers: list[TimerPlan]
    moved_from: date | None = None
    """The day the count gave, when that was not a working day and the due date moved off it."""


def plan(rule: DeadlineRule, anchor_day: date, calendar: BusinessCalendar) -> DeadlinePlan:
    """The due date and every timer of a deadline started on `anchor_day`."""
    due_on = moved_from = calendar.add(anchor_day, days=rule.due.days, working_days=rule.due.working_days)
    if rule.on_non_working_day == "next_working_day" and not calendar.is_working_day(due_on):
        due_on = calendar.add_working_days(due_on, 1)
    else:
        moved_from = None
    timers = [TimerPlan("reminder", n, calendar.moment(calendar.add(due_on, days=-r.before.days,
                                                                    working_days=-r.before.working_days)),
                        tuple(r.tell)) for n, r in enumerate(rule.reminders, 1)]
    timers.append(TimerPlan("due", 0, calendar.moment(due_on), tuple(rule.on_due.tell)))
    timers += [TimerPlan("escalation", n, calendar.moment(calendar.add(due_on, days=e.after.days,
                                                                       working_days=e.after.working_days)),
                         tuple(e.tell)) for n, e in enumerate(rule.escalations, 1)]
    return DeadlinePlan(due_on, calendar.moment(due_on), timers, moved_from)


def starts(rule: DeadlineRule, *, source: str | None, dest: str) -> bool:
    """Does moving from `source` to `dest` start this rule's deadline?"""
    return dest in rule.live_in and (source is None or source not in rule.live_in)


def outcome(rule: DeadlineRule, *, trigger: str, dest: str, at: datetime, due_at: datetime) -> str | None:
    """How a move stops a live deadline: met, missed, cancelled; None if it stays live."""
    if dest in rule.live_in:
        return None
    if not rule.met_by or trigger in rule.met_by:
        return "met" if at < due_at else "missed"
    return "cancelled"


class CalendarConfig(Strict):
    """Which public holidays count, the office's own closures, and when notices go out."""

    country: str = "BE"
    subdivision: str | None = None
    closures: dict[date, str] = {}
    notify_at: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class Policy(Strict):
    """The whole deadline policy: a calendar and the rules."""

    calendar: CalendarConfig = CalendarConfig()
    deadlines: list[DeadlineRule]

    @model_validator(mode="after")
    def _unique_kinds(self) -> "Policy":
        kinds = [r.kind for r in self.deadlines]
        dupes = sorted({k for k in kinds if kinds.count(k) > 1})
        if dupes:
            raise ValueError(f"duplicate deadline kind: {', '.join(dupes)}")
        return self

    def rule(self, kind: str) -> DeadlineRule | None:
        return self._by_kind.get(kind)

    def rules_of(self, subject: str) -> list[DeadlineRule]:
        """The rules of one kind of subject, in the policy's order."""
        return self._by_subject.get(subject, [])

    # Looked up at every transition: built once (a policy is read, never changed, once loaded).
    @cached_property
    def _by_kind(self) -> dict[str, DeadlineRule]:
        return {r.kind: r for r in self.deadlines}

    @cached_property
    def _by_subject(self) -> dict[str, list[DeadlineRule]]:
        found: dict[str, list[DeadlineRule]] = {}
        for r in self.deadlines:
            found.setdefault(r.subject, []).append(r)
        return found
