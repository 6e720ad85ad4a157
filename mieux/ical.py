"""The team's calendar as an iCalendar file: missions (each activity with its place and experts) and
deadlines (fiche, PSG, contracts, checklist items, reports), for Outlook, Thunderbird, Google Calendar.

Every event has a UID made of the engine's own ids, so importing a newer export updates the events
of the last one instead of adding copies: a mission's SEQUENCE is its activity's version (it goes up
with every change, a move of its dates included), a deadline's is the number of times it was
re-planned (each re-plan is a new deadline row of the same subject and kind). A cancelled activity
and a cancelled deadline stay in the file as STATUS:CANCELLED, so calendars drop them. Times are in
UTC (`...Z`): no VTIMEZONE is needed; missions are all-day events over their dates.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from config.facility import Facility
from domain.errors import InvalidInput, NotFound
from domain.model import Role
from states.assignment import GONE
from store.db import reading
from store.tables import Action, Activity, Assignment, ChecklistItem, Deadline

DOMAIN = "mieux-engine"
MISSION = ("id", "action_id", "number", "type", "title", "start", "end", "country", "city", "remote", "state", "version")
DUE = ("id", "subject_kind", "subject_id", "kind", "label", "due_at", "status")
"""What an export reads of activities and deadlines: rows of these columns, not whole objects."""
OFFICERS = {Role.project_officer, Role.junior_project_officer}


@dataclass(frozen=True)
class Entry:
    """One event of the calendar."""

    uid: str
    summary: str
    start: date | datetime
    end: date | datetime
    sequence: int
    cancelled: bool = False
    location: str | None = None
    description: str | None = None


def entries(engine, *, facility: Facility, person: str | None = None, action: str | None = None,
            start: date | None = None, end: date | None = None) -> list[Entry]:
    """The events in scope: one person's (their Actions, or an expert's missions), one Action's, between
    two days (inclusive); all of them otherwise. Missions first, then deadlines, each by date."""
    if start and end and end < start:
        raise InvalidInput(f"--to {end} is before --from {start}")
    with reading(engine) as session:
        actions = {i: (ref, name, officer) for i, ref, name, officer in session.execute(
            select(Action.id, Action.reference, Action.name, Action.project_officer))}
        if action is not None:
            wanted = [i for i, (ref, _, _) in actions.items() if ref == action.strip()]
            if not wanted:
                raise NotFound(f"no Action {action!r}")
        activities = {a.id: a for a in session.execute(select(*(getattr(Activity, c) for c in MISSION)))}
        experts: dict[int, list[int]] = {}
        for activity_id, expert_id, state in session.execute(
                select(Assignment.activity_id, Assignment.expert_id, Assignment.state).order_by(Assignment.id)):
            if state not in GONE:
                experts.setdefault(activity_id, []).append(expert_id)
        assignments = {i: (a, e) for i, a, e in session.execute(
            select(Assignment.id, Assignment.activity_id, Assignment.expert_id))}
        items = {i: (a, n) for i, a, n in session.execute(
            select(ChecklistItem.id, ChecklistItem.activity_id, ChecklistItem.number))}
        latest = (select(func.max(Deadline.id).label("id"), func.count().label("rows"))
                  .group_by(Deadline.subject_kind, Deadline.subject_id, Deadline.kind).subquery())
        query = (select(*(getattr(Deadline, c) for c in DUE), latest.c.rows).join(latest, Deadline.id == latest.c.id))
        if start is not None:  # a day early: the team's day may begin before UTC's
            query = query.where(Deadline.due_at >= datetime.combine(start - timedelta(days=1), time(), timezone.utc))
        deadlines = session.execute(query).all()
    scope, expert = _scope(facility, person, actions, activities, experts, assignments)
    if action is not None:
        scope = {i for i in scope if i in wanted} if scope is not None else set(wanted)

    def key(kind: str, subject_id: int) -> tuple[str, int] | None:
        """The subject's key and its Action's id."""
        if kind == "action":
            return actions[subject_id][0], subject_id
        if kind == "activity":
            a = activities[subject_id]
            return f"{actions[a.action_id][0]}/{a.number}", a.action_id
        if kind == "assignment":
            activity_id, expert_id = assignments[subject_id]
            found = key("activity", activity_id)
            return f"{found[0]}/E{expert_id}", found[1]
        if kind == "checklist_item":
            activity_id, number = items[subject_id]
            found = key("activity", activity_id)
            return f"{found[0]}/L{number}", found[1]
        return None

    def inside(day: date) -> bool:
        return (start is None or day >= start) and (end is None or day <= end)

    missions = []
    for a in sorted(activities.values(), key=lambda a: (a.start or date.max, a.id)):
        if not (a.start and a.end) or (scope is not None and a.action_id not in scope):
            continue
        if expert is not None and expert not in experts.get(a.id, []):
            continue
        if not (inside(a.start) or inside(a.end) or (start and end and a.start <= start and a.end >= end)):
            continue
        reference, name, _ = actions[a.action_id]
        where = "remote" if a.remote else ", ".join(p for p in (a.city, a.country) if p) or None
        team = ", ".join(f"E{e}" for e in experts.get(a.id, [])) or "none yet"
        missions.append(Entry(f"activity-{a.id}@{DOMAIN}", f"{reference}/{a.number} {a.title} ({name})", a.start,
                              a.end + timedelta(days=1), a.version, a.state == "cancelled", where,
                              f"{a.type}, {a.state}; experts: {team}"))
    due = []
    for deadline in sorted(deadlines, key=lambda d: (d.due_at, d.id)):
        rows = deadline.rows
        found = key(deadline.subject_kind, deadline.subject_id)
        if found is None or (scope is not None and found[1] not in scope):
            continue
        at = deadline.due_at.astimezone(timezone.utc)
        if not inside(at.astimezone(facility.zone).date()):
            continue
        if expert is not None and not (deadline.subject_kind == "assignment"
                                       and assignments[deadline.subject_id][1] == expert):
            continue  # an expert's calendar: their missions, and their own deadlines only
        outcome = "" if deadline.status == "pending" else f" ({deadline.status})"
        due.append(Entry(f"deadline-{deadline.subject_kind}-{deadline.subject_id}-{deadline.kind}@{DOMAIN}",
                         f"{deadline.label}: {found[0]}{outcome}", at, at + timedelta(minutes=30), rows - 1,
                         deadline.status in ("cancelled", "replanned")))
    return missions + due


def _scope(facility: Facility, person, actions, activities, experts, assignments) -> tuple[set[int] | None, int | None]:
    """The Actions a person's calendar covers (None: all of them), and the expert it is for, if one."""
    if person is None:
        return None, None
    person = person.strip()
    if person[:1] in "Ee" and person[1:].isdigit():
        expert_id = int(person[1:])
        if expert_id not in {e for _, e in assignments.values()}:
            raise NotFound(f"expert {person.upper()} is on no activity")
        return {activities[a].action_id for a, team in experts.items() if expert_id in team}, expert_id
    holder = facility.person(person)
    if holder.roles and set(holder.roles) <= OFFICERS:
        return {i for i, (_, _, officer) in actions.items() if officer == holder.id}, None
    return None, None


def render(found: list[Entry], *, name: str) -> bytes:
    """The events as an iCalendar file. Values go in already typed (`encode=False`): icalendar's own
    guessing of each value's type cost a fifth of the time (bench/calendar_export.py)."""
    from icalendar import Calendar, Event, vDate, vDatetime, vInt, vText

    calendar = Calendar()
    calendar.add("prodid", f"-//{DOMAIN}//{name}//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = vDatetime(datetime.now(timezone.utc).replace(microsecond=0))
    moment = {date: vDate, datetime: vDatetime}
    for entry in found:
        event = Event()
        for key, value in (("uid", vText(entry.uid)), ("dtstamp", stamp), ("summary", vText(entry.summary)),
                           ("dtstart", moment[type(entry.start)](entry.start)),
                           ("dtend", moment[type(entry.end)](entry.end)), ("sequence", vInt(entry.sequence))):
            event.add(key, value, encode=False)
        if entry.cancelled:
            event.add("status", vText("CANCELLED"), encode=False)
        if entry.location:
            event.add("location", vText(entry.location), encode=False)
        if entry.description:
            event.add("description", vText(entry.description), encode=False)
        calendar.add_component(event)
    return calendar.to_ical()
