"""The transition service: one pipeline for every subject (an Action, an activity ...).

Each change is ONE database transaction: load the subject, apply the data sent, check the
trigger (its state, the person's roles, global and relative to the subject, then every guard),
check the roles the data's fields need, bookkeeping, the audit row, and whatever every registered
effect owes (deadlines started, stopped or re-planned, alerts). Effects are functions
`effect(session, subject, event)` that add rows to the same session and do no I/O. Observers run
after the commit (Prefect events, waking a dispatcher); they may fail without harm because
everything they would need is already in the database.
"""
import random
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from config.facility import Facility
from domain.activities import ActivityIn
from domain.clock import Clock
from domain.errors import Conflict, InvalidInput, NotFound, NotPermitted
from domain.events import Recorded
from domain.model import Role
from domain.schemas import ActionChanges, RequestIn
from domain.assignments import AssignmentIn
from mieux.subjects import (ACTIONS, ACTIVITIES, ASSIGNMENTS, COLLECTIONS, KINDS, Kind, action_of, action_officer,
                            activities_of, find_action, find_activity, kind)
from states.action import REGISTRARS, REQUEST
from states.collection import ENGINE
from states.activity import ADDERS, PLANNED
from states.assignment import GONE, OPEN_ACTIVITY, PROPOSED, PROPOSERS
from store import rows
from store.db import reading, transaction, writing
from store.tables import Action, Activity, Alert, Assignment, Audit, Deadline, Delivery, Expert, ReferenceCounter

Effect = Callable[[Session, object, Recorded], None]
Observer = Callable[[Recorded], None]
Spawner = Callable[[Session, object, Recorded], list[tuple[Kind, dict]]]
"""What a recorded change makes besides (an activity prepared: its checklist items): the kind and
fields of each new subject, which is added in the same transaction, audited and given its effects."""


FROM_FICHE = {"type": "type", "title": "title", "start": "start", "end": "end", "city": "place"}
"""Activity fields taken from an activity a fiche file lists."""


def _stored(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"  # money: the exact text
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_stored(v) for v in value]
    return value


def overlap(one, other) -> bool:
    """Do two activities' dates overlap (either without dates: they cannot be said to)?"""
    return bool(one.start and one.end and other.start and other.end
                and one.start <= other.end and other.start <= one.end)


def label(row) -> str:
    """How a person names an Action (reference and short name)."""
    return f"{row.reference} {row.name}"


def format_reference(year: int, sequence: int) -> str:
    return f"{year}-{sequence:02d}"


class ActionService:
    """Everything that changes a subject goes through here."""

    RETRIES = 5
    """A write that loses a race it did not ask about (no expected version) is retried this many
    times on the fresh row, roles and guards checked again, before the conflict is reported."""

    def __init__(self, *, engine, facility: Facility, clock: Clock, effects: Iterable[Effect] = (),
                 observers: Iterable[Observer] = (), prepare: Callable[[], object] | None = None,
                 door: str | None = None, spawners: Iterable[Spawner] = ()):
        self.engine = engine
        self.door = door
        """The door acts come through unless a call names its own (`via`): recorded in the audit."""
        self.facility = facility
        self.clock = clock
        self.machine = ACTIONS.machine
        self.effects = list(effects)
        self.observers = list(observers)
        self.spawners = list(spawners)
        self.prepare = prepare or (lambda: None)
        """Builds what effects load lazily (the deadline policy, the calendar) before a write begins,
        so the write lock is never held while files are read."""

    # -- Actions -------------------------------------------------------------------------------
    def register(self, request: RequestIn, *, actor: str, via: str | None = None) -> Action:
        """Record a new request in state `request` under the next reference of its year."""
        self.require(actor, REGISTRARS, "register a request")
        today = self.today()
        if request.received_on > today:
            raise InvalidInput(f"received_on: {request.received_on} is in the future (today is {today})")
        values = self._checked(request.model_dump(mode="json"))
        self.prepare()
        for _attempt in range(5):  # two registrations may race for the same reference
            try:
                return self._register(request, values, actor, via)
            except IntegrityError as error:
                if "reference" not in str(error.orig):
                    raise
        raise Conflict("could not assign a reference: the store is too busy, try again")

    def _register(self, request: RequestIn, values: dict, actor: str, via: str | None) -> Action:
        now = self.clock.now()
        with transaction(self.engine) as session:
            reference = self._next_reference(session, request.received_on.year)
            action = Action(reference=reference, **{**values, "received_on": request.received_on},
                            state=REQUEST, state_since=now, created_at=now, updated_at=now)
            session.add(action)
            session.flush()
            event = self.event(ACTIONS, session, action, "register", None, REQUEST, actor, now, payload=values, via=via)
            self.record(session, action, event)
        self.notify(event)
        return action

    def fire(self, reference: str, trigger: str, *, actor: str, reason: str | None = None,
             changes: ActionChanges | None = None, expected_version: int | None = None,
             to: str | None = None, via: str | None = None) -> Action:
        """Fire `trigger` on an Action (see `transition`)."""
        return self.transition("action", reference, trigger, actor=actor, reason=reason, changes=changes,
                               expected_version=expected_version, to=to, via=via)

    def update(self, reference: str, changes: ActionChanges, *, actor: str, reason: str | None = None,
               expected_version: int | None = None, via: str | None = None) -> Action:
        """Change fields of an Action without moving it (see `edit`)."""
        return self.edit("action", reference, changes, actor=actor, reason=reason, expected_version=expected_version,
                         via=via)

    # -- activities ----------------------------------------------------------------------------
    def add_activity(self, reference: str, activity: ActivityIn, *, actor: str, via: str | None = None) -> Activity:
        """Add an activity to an Action, planned, numbered after its others."""
        self.prepare()
        now = self.clock.now()
        with transaction(self.engine) as session:
            action = find_action(session, reference, for_update=True)
            roles = self.roles(actor, action, ACTIVITIES.machine)
            if not roles & set(ADDERS):
                raise NotPermitted(f"cannot add an activity to {label(action)}: only a {' or '.join(sorted(ADDERS))} "
                                   f"may, and {actor} is {' and '.join(sorted(roles))}")
            [(row, event)] = self._add_activities(
                session, action, [(activity.model_dump(mode="json", exclude_unset=True), PLANNED)], actor, now, via)
        self.notify(event)
        return row

    def _add_activities(self, session: Session, action: Action, items: list[tuple[dict, str]], actor: str,
                        now: datetime, via: str | None) -> list[tuple[Activity, Recorded]]:
        """New activity rows (fields, state), numbered after the Action's others; audited as `add`."""
        number = max((a.number for a in activities_of(session, action.id)), default=0)
        added = []
        for fields, state in items:
            number += 1
            row = Activity(action_id=action.id, number=number, state=state, state_since=now, created_at=now,
                           updated_at=now, **self._typed(ACTIVITIES, fields))
            session.add(row)
            session.flush()
            event = self.event(ACTIVITIES, session, row, "add", None, state, actor, now, payload=fields, via=via)
            self.record(session, row, event)
            added.append((row, event))
        return added

    # -- experts on activities ------------------------------------------------------------------
    def propose_expert(self, activity_key: str, proposal: AssignmentIn, *, actor: str,
                       via: str | None = None) -> Assignment:
        """Propose an expert of the roster for an activity (state `proposed`): refused if the expert
        is already on it, or on another activity whose dates overlap (nobody is in two places)."""
        self.prepare()
        now = self.clock.now()
        fields = proposal.model_dump(mode="json", exclude_unset=True, exclude={"expert"})
        expert_id = int(proposal.expert[1:])
        with transaction(self.engine) as session:
            activity = find_activity(session, activity_key)
            action = action_of(session, activity)
            name = ACTIVITIES.label(session, activity)
            roles = self.roles(actor, action, ASSIGNMENTS.machine)
            if not roles & set(PROPOSERS):
                raise NotPermitted(f"cannot propose an expert for {name}: only a {' or '.join(sorted(PROPOSERS))} "
                                   f"may, and {actor} is {' and '.join(sorted(roles))}")
            expert = session.get(Expert, expert_id)
            if expert is None:
                raise NotFound(f"no expert E{expert_id} in the roster (mieux expert list)")
            if activity.state not in OPEN_ACTIVITY:
                raise InvalidInput(f"cannot propose an expert for {name}: it is {activity.state}")
            for other, other_activity in session.exec(
                    select(Assignment, Activity).join(Activity, Assignment.activity_id == Activity.id)
                    .where(Assignment.expert_id == expert_id, Assignment.state.not_in(GONE))):
                if other_activity.id == activity.id:
                    raise Conflict(f"E{expert_id} {expert.name} is already on {name} ({other.state})")
                if overlap(activity, other_activity):
                    raise Conflict(f"E{expert_id} {expert.name} is on {ACTIVITIES.label(session, other_activity)} "
                                   f"from {other_activity.start} to {other_activity.end} ({other.state}), which "
                                   f"overlaps {activity.start} to {activity.end}: an expert cannot be in two places")
            row = Assignment(action_id=action.id, activity_id=activity.id, expert_id=expert_id, state=PROPOSED,
                             state_since=now, created_at=now, updated_at=now, **self._typed(ASSIGNMENTS, fields))
            session.add(row)
            session.flush()
            rows.remember(session, activity)
            event = self.event(ASSIGNMENTS, session, row, "propose", None, PROPOSED, actor, now,
                               payload={"expert": f"E{expert_id}", **fields}, via=via)
            spawned = self.record(session, row, event)
        self.notify(event, *spawned)
        return row

    def assignments(self, activity_key: str) -> list[tuple[Assignment, Expert]]:
        """An activity's experts: each assignment with its expert, in the order they were proposed."""
        with reading(self.engine) as session:
            activity = find_activity(session, activity_key)
            return list(session.exec(select(Assignment, Expert).join(Expert, Assignment.expert_id == Expert.id)
                                     .where(Assignment.activity_id == activity.id).order_by(Assignment.id)))

    # -- any subject ---------------------------------------------------------------------------
    def transition(self, kind_name: str, key: str, trigger: str, *, actor: str, reason: str | None = None,
                   changes=None, expected_version: int | None = None, to: str | None = None, via: str | None = None):
        """Fire `trigger` on a subject, or raise a Refused error; either all is written or nothing.

        The data sent with it (`changes`) is an edit like any other: each field needs its role."""
        subject = kind(kind_name)
        self.facility.person(actor)
        payload = self._checked(changes.given()) if changes else {}

        def move(session: Session, row, events: list) -> Recorded:
            roles = self.roles(actor, action_of(session, row), subject.machine)
            return self._move(subject, session, row, trigger, actor=actor, roles=roles, reason=reason, payload=payload,
                              to=to, via=via, events=events)

        return self._change(subject, key, expected_version, move)

    def _move(self, subject: Kind, session: Session, row, trigger: str, *, actor: str, roles: set[str],
              reason: str | None, payload: dict, to: str | None, via: str | None, events: list,
              **view_extra) -> Recorded:
        """Check, apply and fire `trigger` on a loaded row: the state moves in memory only; the
        caller records and saves it."""
        source, name = row.state, self._label(subject, session, row)
        subject.machine.applicable(source, trigger, label=name, roles=roles)  # before any data is applied
        now = self.clock.now()
        today = self.today(now)
        self._apply(subject, session, row, payload, actor, now, events, via)
        view = subject.view(session, row, reason=reason, to=to, changed=frozenset(payload), today=today,
                            **view_extra)
        dest = subject.machine.fire(view, trigger, label=name, roles=roles)
        subject.machine.check_edit(payload, label=name, roles=roles)  # after the trigger's own roles
        subject.machine.bookkeeping(row, source, dest, now, today)
        row.updated_at = now
        data = payload if to is None else {**payload, "to": to}
        return self.event(subject, session, row, trigger, source, dest, actor, now, reason, data, via=via)

    def fire_as_engine(self, session: Session, kind_name: str, row, trigger: str, *, reason: str | None = None,
                       via: str = "clock") -> list[Recorded]:
        """Fire `trigger` on a loaded subject as the engine itself (the clock closing an evaluation
        collection), in the caller's transaction, with what it owes and its follow-ons; returns the
        events, for `notify` after the commit. No door reaches this: a person never acts as the engine."""
        return self.fire_as(session, kind_name, row, trigger, actor=ENGINE, roles={ENGINE}, reason=reason, via=via)

    def fire_as(self, session: Session, kind_name: str, row, trigger: str, *, actor: str, roles: set[str],
                reason: str | None = None, via: str) -> list[Recorded]:
        """Fire `trigger` on a loaded subject as someone the facility does not list, holding only
        `roles` (the engine; an expert answering their invitation through their own link, whom the
        link identifies), in the caller's transaction; returns the events, for `notify` after the commit."""
        subject = kind(kind_name)
        before = rows.snapshot(row)
        rows.remember(session, row)
        events: list[Recorded] = []
        event = self._move(subject, session, row, trigger, actor=actor, roles=roles, reason=reason, payload={},
                           to=None, via=via, events=events,
                           **({"by_engine": ENGINE in roles} if subject is COLLECTIONS else {}))
        events += [event, *self.record(session, row, event)]
        rows.save(session, row, before)
        return events + self._follow_ons(session, subject, row, event)

    def _follow_ons(self, session: Session, subject: Kind, row, event: Recorded) -> list[Recorded]:
        """What the machine makes the engine fire on the subject's parent after `event` (a closed
        collection evaluates its activity), when it has that parent (the partner's collection has no
        activity) and the parent is where that trigger applies."""
        follow = subject.machine.follow_ons.get(event.trigger)
        if follow is None or not event.moved:
            return []
        parent_kind, trigger = follow
        parent = subject.parents[parent_kind](session, row)
        if parent is None or not KINDS[parent_kind].machine.rules_from(parent.state, trigger):
            return []
        return self.fire_as_engine(session, parent_kind, parent, trigger, reason=f"{event.key}: {event.trigger}",
                                   via=event.via)

    def edit(self, kind_name: str, key: str, changes, *, actor: str, reason: str | None = None,
             expected_version: int | None = None, via: str | None = None):
        """Change fields of a subject without moving it; each field needs its role; audited as `update`."""
        subject = kind(kind_name)
        self.facility.person(actor)
        payload = self._checked(changes.given())
        if not payload:
            raise InvalidInput("nothing to change: give at least one field")

        def change(session: Session, row, events: list) -> Recorded:
            name = self._label(subject, session, row)
            subject.machine.check_edit(payload, label=name,
                                       roles=self.roles(actor, action_of(session, row), subject.machine))
            now = self.clock.now()
            self._apply(subject, session, row, payload, actor, now, events, via)
            row.updated_at = now  # after any flush the fiche's activities need: one UPDATE, one version
            return self.event(subject, session, row, "update", row.state, row.state, actor, now, reason, payload,
                              via=via)

        return self._change(subject, key, expected_version, change)

    # -- queries -------------------------------------------------------------------------------
    def get(self, reference: str) -> Action:
        with reading(self.engine) as session:
            return find_action(session, reference)

    def subject(self, kind_name: str, key: str):
        """One subject, by its key (`2026-07`, `2026-07/3`)."""
        with reading(self.engine) as session:
            return kind(kind_name).find(session, key)

    def activities(self, reference: str) -> list[Activity]:
        """An Action's activities, in their order."""
        with reading(self.engine) as session:
            return activities_of(session, find_action(session, reference).id)

    SUMMARY = ("reference", "name", "state", "state_since", "project_officer", "region", "received_on", "version")

    def actions(self, states: Sequence[str] = ()) -> list[Action]:
        """Whole Actions, oldest request first, optionally only those in some states."""
        return self._listing(select(Action), states)

    def summaries(self, states: Sequence[str] = (), columns: Sequence[str] = SUMMARY) -> list:
        """What a list shows (rows with the SUMMARY attributes, or other `columns`), without building
        whole Actions."""
        return self._listing(select(*(getattr(Action, name) for name in columns)), states)

    def _listing(self, query, states: Sequence[str]) -> list:
        unknown = sorted(set(states) - set(self.machine.states))
        if unknown:
            raise InvalidInput(f"unknown state {', '.join(unknown)}: states are {', '.join(self.machine.states)}")
        query = query.order_by(Action.received_on, Action.reference)
        if states:
            query = query.where(Action.state.in_(states))
        with reading(self.engine) as session:
            return list(session.exec(query))

    def history(self, reference: str) -> list[Audit]:
        """The whole Action's audit trail, its activities' included, oldest first."""
        with reading(self.engine) as session:
            action = find_action(session, reference)
            return list(session.exec(select(Audit).where(Audit.action_id == action.id).order_by(Audit.id)))

    def subject_history(self, kind_name: str, key: str) -> list[Audit]:
        """One subject's own audit trail."""
        with reading(self.engine) as session:
            row = kind(kind_name).find(session, key)
            return list(session.exec(select(Audit).where(Audit.subject_kind == kind_name, Audit.subject_id == row.id)
                                     .order_by(Audit.id)))

    def deadlines_of(self, reference: str) -> list[Deadline]:
        """Every deadline of an Action and its activities, whatever its status, soonest due first."""
        with reading(self.engine) as session:
            action = find_action(session, reference)
            return list(session.exec(select(Deadline).where(Deadline.action_id == action.id).order_by(Deadline.due_at)))

    def alerts_of(self, reference: str) -> list[tuple[Alert, list[Delivery]]]:
        """Every alert owed about an Action and its activities, oldest first, with its deliveries."""
        with reading(self.engine) as session:
            action = find_action(session, reference)
            alerts = list(session.exec(select(Alert).where(Alert.action_id == action.id).order_by(Alert.id)))
            deliveries = session.exec(select(Delivery).where(Delivery.alert_id.in_([a.id for a in alerts]))
                                      .order_by(Delivery.id)).all() if alerts else []
        return [(a, [d for d in deliveries if d.alert_id == a.id]) for a in alerts]

    def subject_keys(self, reference: str) -> dict[tuple[str, int], str]:
        """How people name each subject of an Action: (kind, id) -> key."""
        with reading(self.engine) as session:
            action = find_action(session, reference)
            activities = {a.id: f"{action.reference}/{a.number}" for a in activities_of(session, action.id)}
            experts = session.exec(select(Assignment.id, Assignment.activity_id, Assignment.expert_id)
                                   .where(Assignment.action_id == action.id))
            return {("action", action.id): action.reference,
                    **{("activity", i): key for i, key in activities.items()},
                    **{("assignment", i): f"{activities[a]}/E{e}" for i, a, e in experts}}

    # -- the parts -----------------------------------------------------------------------------
    def _change(self, subject: Kind, key: str, expected_version: int | None, change: Callable):
        """Apply `change` to a subject in one write transaction, audit it with its effects, then tell
        the observers. A race lost without an expected version is retried on the fresh row."""
        self.prepare()
        for attempt in range(1, self.RETRIES + 1):
            events: list[Recorded] = []
            try:
                with writing(self.engine, autoflush=False) as session:  # one UPDATE, one version
                    row = subject.find(session, key, for_update=True)
                    rows.remember(session, row)  # what belongs to it sees it as this change leaves it
                    if expected_version is not None and row.version != expected_version:
                        raise Conflict(f"{self._label(subject, session, row)} is at version {row.version}, not "
                                       f"{expected_version}: someone changed it; look again and retry")
                    before = rows.snapshot(row)
                    event = change(session, row, events)
                    if problem := subject.check(row):
                        raise InvalidInput(f"{self._label(subject, session, row)}: {problem}")
                    events += self.record(session, row, event)
                    rows.save(session, row, before)
                    events += self._follow_ons(session, subject, row, event)
                break
            except StaleDataError:
                if expected_version is not None or attempt == self.RETRIES:
                    raise Conflict(f"{key} was changed by someone else at the same time; "
                                   "nothing was written: look again and retry") from None
                time.sleep(random.uniform(0, 0.01 * attempt))
        self.notify(*events, event)
        return row

    def _apply(self, subject: Kind, session: Session, row, payload: dict, actor: str, now: datetime,
               events: list, via: str | None = None) -> None:
        """Set the fields sent; a fiche that lists activities adds them as records (first draft only)."""
        typed = self._typed(subject, payload)
        if subject is ACTIONS and "fiche" in typed and typed["fiche"]:
            planned = typed["fiche"].pop("activities", [])
            known = [(a.type, a.title) for a in activities_of(session, row.id)] if planned else []
            if known and known != [(a["type"], a["title"]) for a in planned]:
                raise InvalidInput(f"{label(row)} has its activities already, and the fiche lists others: change "
                                   "them with `mieux activity` (a fiche that lists the same ones is fine)")
            if planned and not known:
                session.flush()
                items = [({field: a[name] for field, name in FROM_FICHE.items() if a.get(name) is not None},
                          a.get("status") or PLANNED) for a in planned]
                events += [event for _, event in self._add_activities(session, row, items, actor, now, via)]
        for name, value in typed.items():
            setattr(row, name, value)

    @staticmethod
    def _typed(subject: Kind, payload: dict) -> dict:
        """The payload as the table stores it: dates as dates, nested models as JSON."""
        if not payload:  # most triggers carry no data: nothing to check
            return {}
        model = subject.changes.model_validate(payload)
        return {name: _stored(getattr(model, name)) for name in payload}

    def _label(self, subject: Kind, session: Session, row) -> str:
        return subject.label(session, row)

    def event(self, subject: Kind, session: Session, row, trigger: str, source: str | None, dest: str, actor: str,
              at: datetime, reason: str | None = None, payload: dict | None = None, *,
              via: str | None = None) -> Recorded:
        """The event recording what happened to `row` (through `via`, else the service's door)."""
        name = subject.title(session, row)
        action = action_of(session, row)
        return Recorded(subject=subject.name, subject_id=row.id, action_id=None if action is None else action.id,
                        key=subject.key(session, row), name=name, trigger=trigger, source=source, dest=dest,
                        actor=actor, at=at, reason=reason, payload=payload or {}, via=via or self.door)

    def roles(self, actor: str, action: Action | None, machine=None) -> set[str]:
        """The acting person's roles: their own, and those relative to the Action (its officer) that
        the machine names (none for a subject of no Action)."""
        relative = action_officer(actor, action) & (machine or self.machine).roles
        return {str(r) for r in self.facility.person(actor).roles} | relative

    def require(self, actor: str, allowed: Iterable[str], what: str) -> list[str]:
        """The acting person's roles, or NotPermitted unless one of them is `allowed`."""
        roles = sorted(str(r) for r in self.facility.person(actor).roles)
        if not set(roles) & set(allowed):
            raise NotPermitted(f"cannot {what}: only a {' or '.join(sorted(allowed))} may, and {actor} is "
                               f"{' and '.join(roles)}")
        return roles

    def today(self, now: datetime | None = None):
        """The team's date now (or at `now`)."""
        return (now or self.clock.now()).astimezone(self.facility.zone).date()

    def _next_reference(self, session: Session, year: int) -> str:
        counter = session.exec(select(ReferenceCounter).where(ReferenceCounter.year == year)
                               .with_for_update()).first()
        if counter is None:
            counter = ReferenceCounter(year=year, last=0)
            session.add(counter)
        counter.last += 1
        return format_reference(year, counter.last)

    def _checked(self, values: dict) -> dict:
        """Check what only the facility knows: region labels, people and their roles."""
        if "region" in values:
            region = self.facility.region(values["region"])
            if region is None:
                raise InvalidInput(f"region {values['region']!r} is not one of: {'; '.join(self.facility.regions)}")
            values["region"] = region
        if values.get("project_officer"):
            officer = self.facility.person(values["project_officer"])
            if not officer.roles & {Role.project_officer, Role.junior_project_officer}:
                raise InvalidInput(f"{officer.id} is not a project officer")
        return values

    def record(self, session: Session, row, event: Recorded) -> list[Recorded]:
        """Write the audit row and every effect owed, in the caller's transaction; then add what the
        spawners make of it, each recorded the same way. Returns the events of what was added."""
        rows.add_audit(session, action_id=event.action_id, subject_kind=event.subject, subject_id=event.subject_id,
                       at=event.at, trigger=event.trigger, from_state=event.source, to_state=event.dest,
                       actor=event.actor, reason=event.reason, payload=event.payload, via=event.via)
        for effect in self.effects:
            effect(session, row, event)
        added = []
        for spawner in self.spawners:
            for subject, fields in spawner(session, row, event):
                added += self._spawn(session, subject, fields, event)
        return added

    def _spawn(self, session: Session, subject: Kind, fields: dict, cause: Recorded) -> list[Recorded]:
        """Add a subject that `cause` makes, in the machine's first state, by the same person."""
        return self._add(session, subject, fields, actor=cause.actor, at=cause.at,
                         reason=f"{cause.key}: {cause.trigger}", via=cause.via)

    def _add(self, session: Session, subject: Kind, fields: dict, *, actor: str, at: datetime, reason: str | None,
             via: str | None) -> list[Recorded]:
        """Add a subject in its machine's first state, audited as its creation, with what that owes."""
        row = subject.table(**fields, state=subject.machine.states[0], state_since=at, created_at=at, updated_at=at)
        session.add(row)
        session.flush()
        event = self.event(subject, session, row, subject.machine.creation, None, row.state, actor, at,
                           reason=reason, payload=fields, via=via)
        return [event, *self.record(session, row, event)]

    def create(self, kind_name: str, fields: dict, *, actor: str, unique: str, reason: str | None = None,
               via: str | None = None):
        """Add a subject that no transition makes (the month's newsletter), in its machine's first
        state, with its deadlines and alerts, in one transaction. The caller checks who may; a subject
        that exists already (the store's unique constraint) is a Conflict saying `unique`."""
        subject = kind(kind_name)
        self.prepare()
        try:
            with writing(self.engine) as session:
                events = self._add(session, subject, fields, actor=actor, at=self.clock.now(), reason=reason,
                                   via=via or self.door)
                row = rows.known(session, subject.table, events[0].subject_id)
        except IntegrityError:
            raise Conflict(unique) from None
        self.notify(*events)
        return row

    def notify(self, *events: Recorded) -> None:
        """Tell the observers, after the commit."""
        for event in events:
            for observer in self.observers:
                observer(event)
