"""Deadlines: started, stopped and re-planned inside transitions, fired by whoever comes first.

`DeadlineKeeper` is an effect of the transition service: it writes deadline and timer rows in
the transition's own transaction, for any kind of subject. `fire_due` is what both the periodic
sweep and each timer's own scheduled Prefect run call. It is idempotent: a timer fires at most
once (its row goes from pending to fired in the same transaction that writes the alert, and the
alert's `source` is unique), it re-checks that the subject is still where the deadline lives,
and when several timers of one deadline are due at once (after downtime) only the latest fires,
the others are coalesced into it, so people get one notice instead of a burst.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import bindparam, text, update
from sqlmodel import Session, select

from config.facility import Facility
from domain.calendar import BusinessCalendar
from domain.clock import Clock
from domain.deadlines import DeadlineRule, Policy, outcome, plan, starts
from domain.events import Recorded
from mieux.subjects import KINDS, action_of, people_of
from notifications.directory import Directory
from store import rows
from store.db import reading, transaction
from store.tables import Action, Deadline, Timer

PENDING = text("timer.status = 'pending'")  # a literal, so the partial index applies
POINT_ORDER = {"reminder": 0, "due": 1, "escalation": 2}


class DeadlineKeeper:
    """Effect: start the deadlines of the stage a subject enters, stop those of the stage it leaves,
    and re-plan those whose anchor date an edit or a trigger's data changed."""

    def __init__(self, policy: Policy, calendar: BusinessCalendar):
        self.policy = policy
        self.calendar = calendar
        self._plans: dict[tuple[str, date], tuple] = {}
        """Each rule's plan by anchor day, and its timers as the store takes them, once made: a plan
        depends on nothing else."""
        self._lines: dict[tuple, str] = {}
        """The lines of re-plan audit rows, once made (`_move_line`)."""

    def __call__(self, session: Session, subject, event: Recorded) -> None:
        writes = _Writes()
        self._own(session, subject, event, writes)
        self._replan_children(session, subject, event, writes)
        writes.write(session, event)  # the subject's and its children's together: a few statements in all
        self._stop_dead_children(session, event)

    def _own(self, session: Session, subject, event: Recorded, writes: "_Writes") -> None:
        """The deadlines of the subject itself: those of the stage it leaves stopped, those of the
        stage it enters started, those whose anchor date the change moved re-planned."""
        rules = [r for r in self.policy.rules_of(event.subject) if r.applies(subject)]
        moved = event.moved
        starting = [r for r in rules if moved and starts(r, source=event.source, dest=event.dest)]
        replanning = [r for r in rules if r.anchor in event.payload and event.dest in r.live_in and r not in starting]
        if not starting and not replanning and (event.source is None or not moved):
            return  # nothing of its own to start, stop or re-plan: no query for it
        known = [] if event.source is None else rows.counting_deadlines_of(session, event.subject, event.subject_id)
        stopped = []  # (deadline, outcome)
        for deadline in known:
            if deadline.status != "pending":
                continue
            rule = self.policy.rule(deadline.kind)
            result = None
            if moved:
                result = "cancelled" if rule is None else outcome(rule, trigger=event.trigger, dest=event.dest,
                                                                   at=event.at, due_at=deadline.due_at)
            if result is None and rule in replanning:
                result = "replanned"
            if result:
                stopped.append((deadline, result))
        writes.stops += [(d.id, result) for d, result in stopped]
        still = {d.id: result for d, result in stopped}
        known = [(d.kind, still.get(d.id, d.status)) for d in known]
        due = self._plan(session, writes, action_of(session, subject), event.at,
                         [(event.subject, subject, rule) for rule in [*starting, *replanning]
                          if not self._blocked(known, rule)])
        audit = self._audit_replans(event, event.subject, event.subject_id, event.dest,
                                    [d for d, result in stopped if result == "replanned"],
                                    {kind: at for (_, kind), at in due.items()}, anchors=set(event.payload))
        if audit:
            writes.audits.append(audit)

    @staticmethod
    def _blocked(known: list[tuple[str, str]], rule: DeadlineRule) -> bool:
        """A rule does not start twice at once, nor again after being met or missed if `once`."""
        statuses = {"pending", "met", "missed"} if rule.once else {"pending"}
        return any(kind == rule.kind and status in statuses for kind, status in known)

    def _anchor(self, session: Session, kind: str, subject, rule: DeadlineRule, at: datetime) -> date | None:
        if rule.anchor == "entered":
            return self.calendar.local_date(at)
        owner, _, field = rule.anchor.rpartition(".")
        source = KINDS[kind].parents[owner](session, subject) if owner else subject
        value = getattr(source, field, None)
        return value.date() if isinstance(value, datetime) else value

    def _plan(self, session: Session, writes: "_Writes", action: Action | None, at: datetime,
              started: list[tuple[str, object, DeadlineRule]]) -> dict[tuple[int, str], datetime]:
        """Plan the deadline each rule starts for its subject (kind, row, rule), with its timers, to be
        written with the others; returns when each is due by (subject id, rule kind). A rule whose
        anchor date is not known yet starts nothing: the edit that sets the date starts it."""
        due = {}
        for kind, subject, rule in started:
            anchor = self._anchor(session, kind, subject, rule, at)
            if anchor is None:
                continue
            found = self._plans.get((rule.kind, anchor))
            if found is None:
                if len(self._plans) > 10_000:
                    self._plans.clear()
                made = plan(rule, anchor, self.calendar)
                found = self._plans[rule.kind, anchor] = (made, [rows.timer_values(
                    point=t.point, seq=t.seq, fire_at=t.fire_at, tell=t.tell) for t in made.timers])
            plan_, timers = found
            writes.starts.append(({"action_id": action and action.id, "subject_kind": kind, "subject_id": subject.id,
                                   "kind": rule.kind, "label": rule.label, "process": rule.process,
                                   "due_at": plan_.due_at, "moved_from": plan_.moved_from, "started_at": at}, timers))
            due[subject.id, rule.kind] = plan_.due_at
        return due

    def _replan_children(self, session: Session, subject, event: Recorded, writes: "_Writes") -> None:
        """Re-plan the pending deadlines of the subjects that hang on the dates this change moved
        (an activity postponed: its experts' contract and report deadlines)."""
        moved = {f"{event.subject}.{name}" for name in event.payload}
        if not moved:
            return
        for child_kind, link in KINDS[event.subject].children.items():
            rules = {r.kind: r for r in self.policy.rules_of(child_kind) if r.anchor in moved}
            if not rules:
                continue
            pending = {child_id: kept for child_id, ds in _pending_by_child(session, child_kind, link, subject.id).items()
                       if (kept := [d for d in ds if d.kind in rules])}
            if not pending:
                continue
            writes.stops += [(d.id, "replanned") for old in pending.values() for d in old]
            children = {child_id: _child(old[0], link, subject.id) for child_id, old in pending.items()}
            due = self._plan(session, writes, action_of(session, subject), event.at,
                             [(child_kind, children[child_id], rules[d.kind])
                              for child_id, old in pending.items() for d in old])
            writes.audits += [self._audit_replans(
                event, child_kind, child_id, children[child_id].state, old,
                {d.kind: due[child_id, d.kind] for d in old if (child_id, d.kind) in due}, anchors=moved)
                for child_id, old in pending.items()]

    @staticmethod
    def _stop_dead_children(session: Session, event: Recorded) -> None:
        """A subject that ends (an activity cancelled) cancels the pending deadlines of what belongs to it
        and no longer goes ahead (its experts' contracts, its checklist items): their timers stop in the
        store, and their Prefect runs with the next mirror."""
        kind = KINDS[event.subject]
        if not event.moved or event.dest not in kind.machine.terminal:
            return
        for child_kind, link in kind.children.items():
            child = KINDS[child_kind]
            pending = _pending_by_child(session, child_kind, link, event.subject_id)
            dead = [d.id for ds in pending.values()
                    if not child.live(session, _child(ds[0], link, event.subject_id)) for d in ds]
            if dead:
                rows.stop_deadlines(session, [(i, "cancelled") for i in dead], at=event.at, by=event.trigger)

    def _move_line(self, label: str, was: datetime, now_due: datetime | None) -> str:
        """How a re-plan's audit row says one deadline moved; the same few lines for every subject
        moved between the same dates (the plans are cached), so each is made once."""
        key = (label, was, now_due)
        line = self._lines.get(key)
        if line is None:
            if len(self._lines) > 10_000:
                self._lines.clear()
            line = self._lines[key] = (f"{label}: due {self.calendar.local_date(was)} -> "
                                       f"{self.calendar.local_date(now_due) if now_due else 'no date'}")
        return line

    def _audit_replans(self, event: Recorded, kind: str, subject_id: int, state: str, old: list,
                       due: dict[str, datetime], *, anchors: set[str]) -> dict | None:
        """The audit row by which the subject's history says which deadlines a change moved, and from
        when to when (None if it moved none)."""
        if not old:
            return None
        moves = [self._move_line(d.label, d.due_at, due.get(d.kind)) for d in old]
        changed = sorted({self.policy.rule(d.kind).anchor for d in old} & anchors)
        return {"action_id": event.action_id, "subject_kind": kind, "subject_id": subject_id, "at": event.at,
                "trigger": "replan", "from_state": state, "to_state": state, "actor": event.actor,
                "reason": f"{', '.join(changed)} changed", "payload": {"deadlines": moves}, "via": event.via}


class _Writes:
    """What one change does to deadlines, written together once everything is planned: the
    deadlines stopped (id, outcome), those started (columns, timers), the audit rows of re-plans."""

    __slots__ = ("stops", "starts", "audits")

    def __init__(self):
        self.stops: list[tuple[int, str]] = []
        self.starts: list[tuple[dict, list[dict]]] = []
        self.audits: list[dict] = []

    def write(self, session: Session, event: Recorded) -> None:
        if self.stops:  # first, as each was before: the store cancels their timers (migration 0006)
            rows.stop_deadlines(session, self.stops, at=event.at, by=event.trigger)
        if self.starts:
            rows.add_deadlines(session, self.starts)
        rows.add_audits(session, self.audits)


_CHILDREN_PENDING: dict = {}


def _child(pending, link: str, parent_id: int) -> SimpleNamespace:
    """A child subject as re-planning reads it (id, state, what it belongs to), from its pending
    deadline's row: loading each child whole cost more than the rest of a postponement."""
    return SimpleNamespace(**{"id": pending.subject_id, "state": pending.child_state,
                              "action_id": pending.child_action_id, link: parent_id})


def _pending_by_child(session: Session, child_kind: str, link: str, parent_id: int) -> dict[int, list]:
    """The pending deadlines of a parent's children of one kind, by child id: one query whatever the
    number of children (most have none)."""
    pending: dict[int, list] = {}
    for d in _children_pending(KINDS[child_kind].table, link).all(session, {"kind": child_kind, "parent_id": parent_id}):
        pending.setdefault(d.subject_id, []).append(d)
    return pending


def _children_pending(table, link: str) -> rows.Prepared:
    """The pending deadlines of the subjects of `table` whose `link` column names a parent."""
    found = _CHILDREN_PENDING.get((table, link))
    if found is None:
        d, child = Deadline.__table__, table.__table__
        found = _CHILDREN_PENDING[table, link] = rows.Prepared(
            select(d.c.id, d.c.kind, d.c.label, d.c.status, d.c.due_at, d.c.moved_from, d.c.subject_id,
                   child.c.state.label("child_state"), child.c.action_id.label("child_action_id"))
            .join_from(d, child, child.c.id == d.c.subject_id)
            .where(d.c.subject_kind == bindparam("kind"), d.c.status == "pending",
                   # as a list of ids, so SQLite looks each up by (kind, id, status) instead of scanning
                   # every pending deadline of the kind for the parent's (it did, on a store without stats)
                   d.c.subject_id.in_(select(child.c.id).where(child.c[link] == bindparam("parent_id")).scalar_subquery()))
            .order_by(d.c.id))
    return found


@dataclass(frozen=True)
class Fired:
    """What a sweep did."""

    fired: int = 0
    coalesced: int = 0
    cancelled: int = 0


def _owe_alert(session: Session, *, rule, timers, last, deadline, subject, action, event_key, name, directory,
               related, now):
    tell = list(dict.fromkeys(who for t in timers for who in t.tell))
    data = {"reference": event_key, "name": name, "deadline": deadline.label, "kind": deadline.kind,
            "point": last.point, "due_at": deadline.due_at.isoformat(), "state": subject.state,
            "coalesced": len(timers) - 1, "flow_run_id": last.flow_run_id,
            "moved_from": deadline.moved_from.isoformat() if deadline.moved_from else None}
    if action is not None and subject is not action:
        data["of_action"] = f"{action.reference} {action.name}"
    rows.add_alert(session, action_id=action and action.id, subject_kind=deadline.subject_kind, subject_id=deadline.subject_id,
                   kind=rule.alert(last.point), source=f"timer:{last.id}",
                   recipients=directory.resolve(tell, action=action, related=related), urgent=last.point != "reminder",
                   created_at=now, data=data)


def _dispatch_forms(session: Session, *, evaluation, **facts):
    return evaluation.dispatch(session, **facts)


def _collect_forms(session: Session, *, evaluation, **facts):
    return evaluation.collect(session, **facts)


FIRING = {"alert": _owe_alert, "dispatch_forms": _dispatch_forms, "collect_forms": _collect_forms}
"""What a due timer does, by the rule's `fire`: a new kind of effect is an entry here. Those other
than `alert` act through the engine's parts (`evaluation`: mieux.evaluation.Evaluation) and may
return the events of transitions the engine fired, for after the commit."""


def fire_due(engine, *, policy: Policy, facility: Facility, clock: Clock, limit: int = 1_000,
             deadline_ids: list[int] | None = None, evaluation=None, events: list | None = None) -> Fired:
    """Fire every timer that is due (optionally only those of some deadlines); see the module doc.
    The events of transitions the engine fired (a collection closed) are added to `events`."""
    now = clock.now()
    directory = Directory(facility)
    query = (select(Timer, Deadline, Action).join(Deadline, Timer.deadline_id == Deadline.id)
             .outerjoin(Action, Timer.action_id == Action.id).where(PENDING, Timer.fire_at <= now)
             .order_by(Timer.fire_at).limit(limit))
    if deadline_ids is not None:
        query = query.where(Timer.deadline_id.in_(deadline_ids))
    if engine.dialect.name == "postgresql":
        # Lock the timer (so a timer another sweeper fired meanwhile is seen as fired) and its deadline
        # (so all the due timers of one deadline go to one sweeper and are coalesced, not split).
        query = query.with_for_update(of=(Timer, Deadline), skip_locked=True)
    fired = coalesced = cancelled = 0
    with transaction(engine) as session:
        groups: dict[int, list] = defaultdict(list)
        for timer, deadline, action in session.exec(query):
            groups[deadline.id].append((timer, deadline, action))
        # A batch (the limit) may hold some of a deadline's due timers and not the others (after
        # downtime a deadline's reminder and due notice are both due): take the rest of each
        # deadline's due timers too, so they are coalesced into one notice instead of two.
        # On PostgreSQL this sweeper holds those deadlines' locks: no other sweeper takes them.
        taken = {t.id for group in groups.values() for t, _, _ in group}
        rest = (select(Timer).where(Timer.deadline_id.in_(list(groups)), PENDING, Timer.fire_at <= now)
                .order_by(Timer.id))
        if engine.dialect.name == "postgresql":
            rest = rest.with_for_update()
        for timer in (session.exec(rest).all() if groups else ()):
            if timer.id not in taken:
                _, deadline, action = groups[timer.deadline_id][0]
                groups[timer.deadline_id].append((timer, deadline, action))
        for group in groups.values():
            timers = sorted((t for t, _, _ in group), key=lambda t: (t.fire_at, POINT_ORDER[t.point], t.seq))
            _, deadline, action = group[0]
            rule = policy.rule(deadline.kind)
            kind = KINDS.get(deadline.subject_kind)
            subject = action if deadline.subject_kind == "action" else (
                session.get(kind.table, deadline.subject_id) if kind else None)
            if (deadline.status != "pending" or rule is None or subject is None or subject.state not in rule.live_in
                    or not kind.live(session, subject)):
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
            if rule.fire != "alert" and evaluation is None:
                raise RuntimeError(f"the deadline rule {rule.kind} fires {rule.fire}, and this sweep was given "
                                   "no evaluation to do it with")
            done = FIRING[rule.fire](session, rule=rule, timers=timers, last=last, deadline=deadline, subject=subject,
                                     action=action, event_key=kind.key(session, subject),
                                     name=kind.title(session, subject), directory=directory,
                                     related=people_of(session, kind.name, subject), now=now,
                                     **({} if rule.fire == "alert" else {"evaluation": evaluation}))
            if done and events is not None:
                events += done
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


def hand_back_early_timers(engine, deadline_id: int, run_id: str | None) -> int:
    """Pending timers of a deadline whose own Prefect run started before they were due: unmirror
    them, so the next sweep schedules each a new run (the old run id goes into the new key)."""
    query = update(Timer).where(Timer.deadline_id == deadline_id, PENDING, Timer.mirrored == "scheduled")
    if run_id is not None:
        query = query.where(Timer.flow_run_id == run_id)
    with transaction(engine) as session:
        return session.exec(query.values(mirrored=None).execution_options(synchronize_session=False)).rowcount


def deadlines(engine, *, now: datetime, overdue_only: bool = False) -> list[tuple[Deadline, object]]:
    """Pending deadlines with their Actions, soonest first; a subject of no Action (the month's
    newsletter) stands in for its Action, with its key as `reference` and its title as `name`."""
    query = (select(Deadline, Action).outerjoin(Action, Deadline.action_id == Action.id)
             .where(Deadline.status == "pending").order_by(Deadline.due_at))
    if overdue_only:
        query = query.where(Deadline.due_at <= now)
    with reading(engine) as session:
        return [(d, a if a is not None else _standing_in(session, d)) for d, a in session.exec(query)]


def _standing_in(session: Session, deadline: Deadline) -> SimpleNamespace:
    """A subject of no Action as a listing of deadlines shows it in its Action's place."""
    kind = KINDS[deadline.subject_kind]
    row = session.get(kind.table, deadline.subject_id)
    return SimpleNamespace(reference=kind.key(session, row), name=kind.title(session, row), state=row.state)
