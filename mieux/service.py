"""The Action service: register requests, fire triggers, record edits; one transaction each.

A transition writes, in ONE database transaction: the new state, an audit row, and whatever
every registered effect owes (deadlines started or stopped, messages to send). Effects are
functions `effect(session, action, event)` that add rows to the same session and do no I/O.
Observers run after the commit (Prefect events, waking a dispatcher); they may fail without
harm because everything they would need is already in the database.
"""
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from config.facility import Facility
from domain.clock import Clock
from domain.errors import Conflict, InvalidInput, NotFound, NotPermitted
from domain.model import Role
from domain.schemas import ActionChanges, RequestIn
from states.action import ACTION, REGISTRARS, REQUEST, bookkeeping
from states.machine import StateMachine
from store.db import reading, transaction
from store.tables import Action, Audit, ReferenceCounter


@dataclass(frozen=True)
class Recorded:
    """Event: something happened to an Action (a transition, registration, import or edit)."""

    action_id: int
    reference: str
    name: str
    trigger: str
    source: str | None
    dest: str
    actor: str
    at: datetime
    reason: str | None = None
    payload: dict = field(default_factory=dict)

    @property
    def moved(self) -> bool:
        return self.source != self.dest


Effect = Callable[[Session, Action, Recorded], None]
Observer = Callable[[Recorded], None]


class Firing:
    """What guards see: the Action (payload applied), the reason given with the trigger, and
    where the person asked it to go (`to`: only resume of an Action imported on hold uses it)."""

    def __init__(self, action: Action, reason: str | None, to: str | None = None):
        self.action = action
        self.reason = reason
        self.to = to

    @property
    def state(self) -> str:
        return self.action.state

    @state.setter
    def state(self, value: str) -> None:
        self.action.state = value

    def __getattr__(self, name: str):
        return getattr(self.action, name)


def label(action: Action) -> str:
    """How a person names an Action: reference and short name."""
    return f"{action.reference} {action.name}"


def format_reference(year: int, sequence: int) -> str:
    return f"{year}-{sequence:02d}"


class ActionService:
    """Everything that changes an Action goes through here."""

    RETRIES = 5
    """A write that loses a race it did not ask about (no expected version) is retried this many
    times on the fresh row, roles and guards checked again, before the conflict is reported."""

    def __init__(self, *, engine, facility: Facility, clock: Clock, machine: StateMachine = ACTION,
                 effects: Iterable[Effect] = (), observers: Iterable[Observer] = (),
                 prepare: Callable[[], object] | None = None):
        self.engine = engine
        self.facility = facility
        self.clock = clock
        self.machine = machine
        self.effects = list(effects)
        self.observers = list(observers)
        self.prepare = prepare or (lambda: None)
        """Builds what effects load lazily (the deadline policy, the calendar) before a write begins,
        so the write lock is never held while files are read."""

    # -- commands ------------------------------------------------------------------------------
    def register(self, request: RequestIn, *, actor: str) -> Action:
        """Record a new request in state `request` under the next reference of its year."""
        self.require(actor, REGISTRARS, "register a request")
        today = self.clock.now().astimezone(self.facility.zone).date()
        if request.received_on > today:
            raise InvalidInput(f"received_on: {request.received_on} is in the future (today is {today})")
        values = self._checked(request.model_dump(mode="json"))
        self.prepare()
        for attempt in range(5):  # two registrations may race for the same reference
            try:
                return self._register(request, values, actor)
            except IntegrityError:
                if attempt == 4:
                    raise Conflict("could not assign a reference: the store is too busy, try again") from None
        raise AssertionError("unreachable")

    def _register(self, request: RequestIn, values: dict, actor: str) -> Action:
        now = self.clock.now()
        with transaction(self.engine) as session:
            reference = self._next_reference(session, request.received_on.year)
            action = Action(reference=reference, **{**values, "received_on": request.received_on},
                            state=REQUEST, state_since=now, created_at=now, updated_at=now)
            session.add(action)
            session.flush()
            event = Recorded(action.id, reference, action.name, "register", None, REQUEST, actor, now,
                             payload=values)
            self.record(session, action, event)
        self.notify(event)
        return action

    def fire(self, reference: str, trigger: str, *, actor: str, reason: str | None = None,
             changes: ActionChanges | None = None, expected_version: int | None = None,
             to: str | None = None) -> Action:
        """Fire `trigger` on the Action, or raise a Refused error; either all is written or nothing.

        The data sent with it (`changes`) is an edit like any other: each field needs its role."""
        person = self.facility.person(actor)
        roles = [str(r) for r in person.roles]
        payload = self._checked(changes.given()) if changes else {}

        def move(session: Session, action: Action) -> Recorded:
            source = action.state
            self._apply(action, payload)
            data = payload if to is None else {**payload, "to": to}
            dest = self.machine.fire(Firing(action, reason, to), trigger, label=label(action), roles=roles)
            self.machine.check_edit(payload, label=label(action), roles=roles)  # after the trigger's own role
            now = self.clock.now()
            bookkeeping(action, source, dest, now)
            action.updated_at = now
            return Recorded(action.id, action.reference, action.name, trigger, source, dest, actor, now,
                            reason, data)

        return self._change(reference, expected_version, move)

    def update(self, reference: str, changes: ActionChanges, *, actor: str, reason: str | None = None,
               expected_version: int | None = None) -> Action:
        """Change fields of an Action without moving it; each field needs its role; audited."""
        roles = [str(r) for r in self.facility.person(actor).roles]
        payload = self._checked(changes.given())
        if not payload:
            raise InvalidInput("nothing to change: give at least one field")

        def edit(session: Session, action: Action) -> Recorded:
            self.machine.check_edit(payload, label=label(action), roles=roles)
            self._apply(action, payload)
            now = action.updated_at = self.clock.now()
            return Recorded(action.id, action.reference, action.name, "update", action.state, action.state,
                            actor, now, reason, payload)

        return self._change(reference, expected_version, edit)

    # -- queries -------------------------------------------------------------------------------
    def get(self, reference: str) -> Action:
        with reading(self.engine) as session:
            return self._load(session, reference)

    SUMMARY = ("reference", "name", "state", "state_since", "project_officer", "region", "received_on", "version")

    def actions(self, states: Sequence[str] = ()) -> list[Action]:
        """Whole Actions, oldest request first, optionally only those in some states."""
        return self._listing(select(Action), states)

    def summaries(self, states: Sequence[str] = ()) -> list:
        """What a list shows (rows with the SUMMARY attributes), without building whole Actions."""
        return self._listing(select(*(getattr(Action, name) for name in self.SUMMARY)), states)

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
        with reading(self.engine) as session:
            action = self._load(session, reference)
            return list(session.exec(select(Audit).where(Audit.action_id == action.id).order_by(Audit.id)))

    # -- the parts -----------------------------------------------------------------------------
    def _change(self, reference: str, expected_version: int | None,
                change: Callable[[Session, Action], Recorded]) -> Action:
        """Apply `change` to the Action in one write transaction, audit it with its effects, then
        tell the observers. A race lost without an expected version is retried on the fresh row."""
        self.prepare()
        for attempt in range(1, self.RETRIES + 1):
            try:
                with transaction(self.engine) as session:
                    action = self._load(session, reference, for_update=True)
                    if expected_version is not None and action.version != expected_version:
                        raise Conflict(f"{label(action)} is at version {action.version}, not {expected_version}: "
                                       "someone changed it; look again and retry")
                    event = change(session, action)
                    self.record(session, action, event)
                break
            except StaleDataError:
                if expected_version is not None or attempt == self.RETRIES:
                    raise Conflict(f"{reference} was changed by someone else at the same time; "
                                   "nothing was written: look again and retry") from None
                time.sleep(random.uniform(0, 0.01 * attempt))
        self.notify(event)
        return action

    def _load(self, session: Session, reference: str, *, for_update: bool = False) -> Action:
        query = select(Action).where(Action.reference == reference)
        action = session.exec(query.with_for_update() if for_update else query).first()
        if action is None:
            raise NotFound(f"no Action {reference!r}")
        return action

    def require(self, actor: str, allowed: Iterable[str], what: str) -> list[str]:
        """The acting person's roles, or NotPermitted unless one of them is `allowed`."""
        roles = sorted(str(r) for r in self.facility.person(actor).roles)
        if not set(roles) & set(allowed):
            raise NotPermitted(f"cannot {what}: only a {' or '.join(sorted(allowed))} may, and {actor} is "
                               f"{' and '.join(roles)}")
        return roles

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

    def _apply(self, action: Action, payload: dict) -> None:
        typed = ActionChanges.model_validate(payload)
        for name in payload:
            value = getattr(typed, name)
            setattr(action, name, value.model_dump(mode="json") if name == "fiche" and value else value)

    def record(self, session: Session, action: Action, event: Recorded) -> None:
        """Write the audit row and every effect owed, in the caller's transaction."""
        session.add(Audit(action_id=action.id, at=event.at, trigger=event.trigger, from_state=event.source,
                          to_state=event.dest, actor=event.actor, reason=event.reason, payload=event.payload))
        for effect in self.effects:
            effect(session, action, event)

    def notify(self, event: Recorded) -> None:
        """Tell the observers, after the commit."""
        for observer in self.observers:
            observer(event)
