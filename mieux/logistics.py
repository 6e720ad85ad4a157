"""Logistics checklists: made when an activity is prepared, grown when an expert joins it, shown
with who owns each item and when it is due.

`Checklists` is a spawner of the transition service: the items it returns are added in the
transition's own transaction, each audited as `add` and given its deadline by the policy.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from config.files import load_model
from domain.errors import ConfigError
from domain.logistics import Catalogue, Expert, Planned, checklist, for_expert
from mieux.subjects import CHECKLIST_ITEMS, activity_of, find_activity
from states.activity import PREPARING, READY
from states.assignment import GONE
from store import rows
from store.db import reading
from store.tables import Action, Activity, Assignment, Audit, ChecklistItem, Deadline, Expert as ExpertRow

_item, _assignment, _expert = ChecklistItem.__table__, Assignment.__table__, ExpertRow.__table__
_LAST_NUMBER = rows.Prepared(select(func.coalesce(func.max(_item.c.number), 0))
                             .where(_item.c.activity_id == bindparam("activity_id")))
_EXPERTS = rows.Prepared(select(_expert.c.id, _expert.c.nationality, _assignment.c.state)
                         .join_from(_assignment, _expert, _assignment.c.expert_id == _expert.c.id)
                         .where(_assignment.c.activity_id == bindparam("activity_id")).order_by(_assignment.c.id))
_NATIONALITY = rows.Prepared(select(_expert.c.nationality).where(_expert.c.id == bindparam("expert_id")))


def load_catalogue(path, policy) -> Catalogue:
    """The checklist file, checked against the deadline policy: every item kind has its due date."""
    catalogue = load_model(path, Catalogue, what="the logistics checklist file", error=ConfigError)
    timed = {value for rule in policy.deadlines if rule.subject == CHECKLIST_ITEMS.name
             for name, value in rule.where.items() if name == "kind"}
    untimed = [kind for kind in catalogue.kinds if kind not in timed]
    if untimed:
        raise ConfigError(f"{path}: items {', '.join(untimed)} have no deadline rule (subject: checklist_item, "
                          f"where: {{kind: ...}}) in the deadline policy")
    return catalogue


class Checklists:
    """Spawner: an activity entering `preparing` for the first time gets its checklist; an expert
    proposed for an activity that has one gets their own items (flights, visa, insurance ...)."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue

    def __call__(self, session: Session, row, event) -> list[tuple]:
        if event.subject == "activity" and event.dest == PREPARING and event.source != PREPARING:
            return self._items(session, row, None)
        if event.subject == "assignment" and event.trigger == "propose":
            activity = activity_of(session, row)
            if activity.state in (PREPARING, READY):
                return self._items(session, activity, row.expert_id)
        return []

    def _items(self, session: Session, activity, expert_id: int | None) -> list[tuple]:
        last = _LAST_NUMBER.tuples(session, {"activity_id": activity.id})[0][0]
        if expert_id is None and last:
            return []  # prepared before, postponed since: it keeps its checklist (and its deadlines move)
        if expert_id is not None and not last:
            return []  # no checklist yet: the expert's items come with it
        where = dict(type=activity.type, remote=bool(activity.remote), country=activity.country)
        if expert_id is None:
            experts = [Expert(i, n) for i, n, state in _EXPERTS.tuples(session, {"activity_id": activity.id})
                       if state not in GONE]
            planned = checklist(self.catalogue, **where, languages=list(activity.languages or []), experts=experts)
        else:
            [(nationality,)] = _NATIONALITY.tuples(session, {"expert_id": expert_id})
            planned = for_expert(self.catalogue, **where, expert=Expert(expert_id, nationality))
        return [(CHECKLIST_ITEMS, self._fields(activity, last + n, item)) for n, item in enumerate(planned, 1)]

    @staticmethod
    def _fields(activity, number: int, item: Planned) -> dict:
        return {"action_id": activity.action_id, "activity_id": activity.id, "number": number, "kind": item.kind,
                "label": item.label, "owner": item.owner, "expert_id": item.expert_id}


@dataclass(frozen=True)
class Line:
    """One item as `mieux logistics` shows it."""

    item: str
    label: str
    kind: str
    owner: str
    expert: str | None
    state: str
    due_at: datetime | None
    note: str | None
    """Why it is not needed, or was reopened."""


def items_of(engine, activity_key: str) -> tuple[str, list[Line]]:
    """An activity's checklist in order (its state and each item with its pending due date)."""
    with reading(engine) as session:
        activity = find_activity(session, activity_key)
        found = session.execute(select(ChecklistItem).where(ChecklistItem.activity_id == activity.id)
                                .order_by(ChecklistItem.number)).scalars().all()
        ids = [i.id for i in found]
        due = dict(session.execute(select(Deadline.subject_id, Deadline.due_at).where(
            Deadline.subject_kind == CHECKLIST_ITEMS.name, Deadline.subject_id.in_(ids),
            Deadline.status == "pending")).all()) if ids else {}
        notes = {}
        for subject_id, reason in session.execute(select(Audit.subject_id, Audit.reason).where(
                Audit.subject_kind == CHECKLIST_ITEMS.name, Audit.subject_id.in_(ids),
                Audit.trigger.in_(["not_needed", "reopen"])).order_by(Audit.id)).all() if ids else []:
            notes[subject_id] = reason
        reference = session.get(Action, activity.action_id).reference
    key = f"{reference}/{activity.number}"
    return activity.state, [Line(f"{key}/L{i.number}", i.label, i.kind, i.owner,
                                 f"E{i.expert_id}" if i.expert_id else None, i.state, due.get(i.id),
                                 notes.get(i.id) if i.state != "done" else None) for i in found]


def upcoming_missions(engine, *, today, days: int = 60) -> list[dict]:
    """The missions starting within `days` of `today` (not cancelled), soonest first, each with what its
    checklist still has open: what the status table in the Prefect UI shows under the Actions."""
    from datetime import timedelta

    until = today + timedelta(days=days)
    with reading(engine) as session:
        found = session.execute(
            select(Action.reference, Activity.id, Activity.number, Activity.title, Activity.start, Activity.end,
                   Activity.city, Activity.country, Activity.remote, Activity.state)
            .join(Action, Activity.action_id == Action.id)
            .where(Activity.start >= today, Activity.start <= until, Activity.state != "cancelled")
            .order_by(Activity.start, Action.reference, Activity.number)).all()
        ids = [row.id for row in found]
        open_ = {}
        for activity_id, label in session.execute(
                select(ChecklistItem.activity_id, ChecklistItem.label)
                .where(ChecklistItem.activity_id.in_(ids), ChecklistItem.state == "open")
                .order_by(ChecklistItem.activity_id, ChecklistItem.number)).all() if ids else []:
            open_.setdefault(activity_id, []).append(label)
    return [{"mission": f"{r.reference}/{r.number} {r.title}", "dates": f"{r.start:%d %b} - {r.end:%d %b %Y}",
             "place": "remote" if r.remote else ", ".join(p for p in (r.city, r.country) if p) or "-",
             "state": r.state,
             "open items": (f"{len(open_[r.id])}: {'; '.join(open_[r.id][:3])}{' ...' if len(open_[r.id]) > 3 else ''}"
                            if r.id in open_ else "none")}
            for r in found]
