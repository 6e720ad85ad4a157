"""Deadlines: started and stopped inside transitions, fired by whoever comes first.

`DeadlineKeeper` is an effect of the Action service: it writes deadline and timer rows in the
transition's own transaction. `fire_due` is what both the periodic sweep and each timer's own
scheduled Prefect run call. It is idempotent: a timer fires at most once (its row goes from
pending to fired in the same transaction that writes the alert, and the alert's `source` is
unique), it re-checks that the Action is still where the deadline lives, and when several timers
of one deadline are due at once (after downtime) only the latest fires, the others are coalesced
into it, so people get one notice instead of a burst.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text, update
from sqlmodel import Session, select

from config.facility import Facility
from domain.calendar import BusinessCalendar
from domain.clock import Clock
from domain.deadlines import Policy, outcome, plan, starts
from domain.model import Role
from mieux.service import Recorded
from store.db import reading, transaction
from store.tables import Action, Alert, Deadline, Timer

PENDING = text("timer.status = 'pending'")  # a literal, so the partial index applies
POINT_ORDER = {"reminder": 0, "due": 1, "escalation": 2}


class DeadlineKeeper:
    """Effect: start the deadlines of the stage an Action enters, stop those of the stage it leaves."""

    def __init__(self, policy: Policy, calendar: BusinessCalendar):
        self.policy = policy
        self.calendar = calendar

    def __call__(self, session: Session, action: Action, event: Recorded) -> None:
        if not event.moved:
            return
        starting = [r for r in self.policy.deadlines if starts(r, source=event.source, dest=event.dest)]
        if event.source is None and not starting:
            return  # a new Action with nothing to start: no query at all
        with session.no_autoflush:  # one flush at commit for the transition and its deadlines
            known = [] if event.source is None else session.exec(
                select(Deadline).where(Deadline.action_id == action.id)).all()
        stopped = []
        for deadline in known:
            if deadline.status != "pending":
                continue
            rule = self.policy.rule(deadline.kind)
            result = "cancelled" if rule is None else outcome(rule, trigger=event.trigger, dest=event.dest,
                                                               at=event.at, due_at=deadline.due_at)
            if result:
                deadline.status, deadline.stopped_at, deadline.stopped_by = result, event.at, event.trigger
                stopped.append(deadline.id)
        if stopped:
            session.exec(update(Timer).where(Timer.deadline_id.in_(stopped), PENDING).values(status="cancelled")
                         .execution_options(synchronize_session=False))
        session.add_all([self._deadline(action, rule, event.at) for rule in starting if not self._blocked(known, rule)])

    @staticmethod
    def _blocked(known: list[Deadline], rule) -> bool:
        """A rule does not start twice at once, nor again after being met or missed if `once`."""
        statuses = {"pending", "met", "missed"} if rule.once else {"pending"}
        return any(d.kind == rule.kind and d.status in statuses for d in known)

    def _deadline(self, action: Action, rule, at: datetime) -> Deadline:
        anchor = action.received_on if rule.anchor == "received_on" else self.calendar.local_date(at)
        planned = plan(rule, anchor, self.calendar)
        return Deadline(action_id=action.id, kind=rule.kind, label=rule.label, process=rule.process,
                        due_at=planned.due_at, started_at=at,
                        timers=[Timer(action_id=action.id, point=t.point, seq=t.seq, fire_at=t.fire_at, tell=list(t.tell))
                                for t in planned.timers])


@dataclass(frozen=True)
class Fired:
    """What a sweep did."""

    fired: int = 0
    coalesced: int = 0
    cancelled: int = 0


def fire_due(engine, *, policy: Policy, facility: Facility, clock: Clock, limit: int = 1_000,
             deadline_ids: list[int] | None = None) -> Fired:
    """Fire every timer that is due (optionally only those of some deadlines); see the module doc."""
    now = clock.now()
    query = (select(Timer, Deadline, Action).join(Deadline, Timer.deadline_id == Deadline.id)
             .join(Action, Timer.action_id == Action.id).where(PENDING, Timer.fire_at <= now)
             .order_by(Timer.fire_at).limit(limit))
    if deadline_ids is not None:
        query = query.where(Timer.deadline_id.in_(deadline_ids))
    if engine.dialect.name == "postgresql":
        query = query.with_for_update(of=Timer, skip_locked=True)
    fired = coalesced = cancelled = 0
    with transaction(engine) as session:
        groups: dict[int, list] = defaultdict(list)
        for timer, deadline, action in session.exec(query):
            groups[deadline.id].append((timer, deadline, action))
        for rows in groups.values():
            timers = sorted((t for t, _, _ in rows), key=lambda t: (t.fire_at, POINT_ORDER[t.point], t.seq))
            _, deadline, action = rows[0]
            rule = policy.rule(deadline.kind)
            if deadline.status != "pending" or rule is None or action.state not in rule.live_in:
                for t in timers:
                    t.status = "cancelled"
                cancelled += len(timers)
                continue
            last, earlier = timers[-1], timers[:-1]
            for t in earlier:
                t.status, t.fired_at = "coalesced", now
            last.status, last.fired_at = "fired", now
            if last.point != "reminder" and deadline.overdue_since is None:
                deadline.overdue_since = now
            tell = list(dict.fromkeys(who for t in timers for who in t.tell))
            session.add(Alert(action_id=action.id, kind=f"{deadline.kind}.{last.point}", source=f"timer:{last.id}",
                              recipients=recipients(tell, action, facility), urgent=last.point != "reminder",
                              created_at=now, data={
                                  "reference": action.reference, "name": action.name, "deadline": deadline.label,
                                  "kind": deadline.kind, "point": last.point, "due_at": deadline.due_at.isoformat(),
                                  "state": action.state, "coalesced": len(earlier),
                                  "flow_run_id": last.flow_run_id}))
            fired += 1
            coalesced += len(earlier)
    return Fired(fired, coalesced, cancelled)


def fire_all_due(engine, *, limit: int = 1_000, **kwargs) -> Fired:
    """fire_due in batches of `limit` timers, one transaction each (the write lock is held briefly
    even after long downtime), until a batch comes back short."""
    total = Fired()
    while True:
        done = fire_due(engine, limit=limit, **kwargs)
        total = Fired(total.fired + done.fired, total.coalesced + done.coalesced, total.cancelled + done.cancelled)
        if done.fired + done.coalesced + done.cancelled < limit:
            return total


def seconds_to_next_timer(engine, deadline_id: int, now: datetime) -> float | None:
    """How long until this deadline's next pending timer is due (None if it has none)."""
    with reading(engine) as session:
        next_at = session.exec(select(Timer.fire_at).where(Timer.deadline_id == deadline_id, PENDING)
                               .order_by(Timer.fire_at)).first()
    return None if next_at is None else (next_at - now).total_seconds()


def recipients(tell: list[str], action: Action, facility: Facility) -> list[str]:
    """Person ids: `project_officer` is the Action's own officer (everyone with the role if none)."""
    people: list[str] = []
    for who in tell:
        if who == Role.project_officer and action.project_officer:
            people.append(action.project_officer)
        elif who in Role.__members__:
            people += [p.id for p in facility.with_role(Role(who))]
        else:
            people.append(who)
    return list(dict.fromkeys(people))


def deadlines(engine, *, now: datetime, overdue_only: bool = False) -> list[tuple[Deadline, Action]]:
    """Pending deadlines with their Actions, soonest first."""
    query = (select(Deadline, Action).join(Action, Deadline.action_id == Action.id)
             .where(Deadline.status == "pending").order_by(Deadline.due_at))
    if overdue_only:
        query = query.where(Deadline.due_at <= now)
    with reading(engine) as session:
        return list(session.exec(query))
