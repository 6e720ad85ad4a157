"""The kinds of subject the engine runs: each a table, a machine, and how the pipeline finds,
names and shows one. A new lifecycle is a machine file in `states/`, a table and an entry here.

`view` builds what the machine's guards see: the row with the trigger's data applied, plus what
the guards may read beyond it (an Action's activities, an activity's Action), loaded by the
service so that guards stay pure. `roles_of` adds the roles a person holds relative to the
subject (`action_officer`: the project officer of its Action).
"""
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from pydantic import BaseModel
from sqlalchemy import LABEL_STYLE_TABLENAME_PLUS_COL, bindparam
from sqlmodel import Session, select

from domain.activities import ActivityChanges
from domain.assignments import AssignmentChanges
from domain.communications import CommunicationChanges
from domain.logistics import ItemChanges
from domain.errors import InvalidInput, NotFound
from domain.schemas import ActionChanges, Changes
from states.action import ACTION
from states.activity import ACTIVITY, CANCELLED as ACTIVITY_CANCELLED
from states.assignment import ASSIGNMENT, GONE as ASSIGNMENT_GONE, LIVE as ASSIGNMENT_LIVE
from states.checklist import CHECKLIST_ITEM, OPEN as ITEM_OPEN
from states.collection import EVALUATION_COLLECTION
from states.communication import COMMUNICATION_TASK
from states.machine import StateMachine
from store import rows
from store.tables import (Action, Activity, Assignment, ChecklistItem, CommunicationTask, EvaluationCollection, Expert,
                          FormLink,
                          InvitationLink)


class NoChanges(Changes):
    """A subject with no field a person edits (an evaluation collection)."""


class View:
    """What guards see: the subject (data applied) and what the service loads beside it; `lazy`
    parts (an Action's activities) are loaded only if a guard reads them."""

    def __init__(self, row, lazy: dict[str, Callable[[], object]] | None = None, **extra):
        self.row = row
        self._lazy = lazy or {}
        self.__dict__.update(extra)

    @property
    def state(self) -> str:
        return self.row.state

    @state.setter
    def state(self, value: str) -> None:
        self.row.state = value

    def __getattr__(self, name: str):
        if name in self._lazy:
            value = self.__dict__[name] = self._lazy[name]()
            return value
        return getattr(self.row, name)


Related = Callable[[Session, object], object]


@dataclass(frozen=True)
class Kind:
    """One kind of subject, and how it hangs together with the others:

    - `parents`: the subjects it belongs to, by kind (an assignment's activity and Action), whose
      dates its deadlines may count from (`anchor: activity.start`) and whose fields its alerts
      may carry (`activity.title`);
    - `children`: the subjects whose deadlines may hang on its dates, by kind, each with the column
      of theirs that names it (an activity's assignments, `activity_id`: postponing the activity
      re-plans them);
    - `people`: people named by their relation to it, for `tell` (an assignment's `expert`, an
      activity's `experts`), each a list of person ids;
    - `extras`: other things its alerts may carry facts of, by name (an assignment's invitation
      `link`: `link.nonce`).
    """

    machine: StateMachine
    table: type
    changes: type[BaseModel]
    find: Callable[[Session, str], object]
    key: Callable[[Session, object], str]
    view: Callable[..., View]
    title: Callable[[Session, object], str]
    check: Callable[[object], str | None] = lambda row: None
    parents: dict[str, Related] = field(default_factory=dict)
    children: dict[str, str] = field(default_factory=dict)
    people: dict[str, Callable[[Session, object], list[str]]] = field(default_factory=dict)
    extras: dict[str, Related] = field(default_factory=dict)
    live: Callable[[Session, object], bool] = lambda session, row: True
    """Whether what it belongs to still goes ahead: a due notice about an expert on a cancelled
    activity is not sent (its timers are cancelled instead)."""

    @property
    def name(self) -> str:
        return self.machine.kind

    def label(self, session: Session, row) -> str:
        """How a person names the subject: its key and title."""
        return f"{self.key(session, row)} {self.title(session, row)}"


def action_of(session: Session, row) -> Action | None:
    """The Action a subject belongs to (an Action is its own); None for a subject of no Action."""
    if isinstance(row, Action):
        return row
    return None if row.action_id is None else rows.known(session, Action, row.action_id)


def action_officer(person_id: str, action: Action | None) -> set[str]:
    """The roles a person holds relative to an Action (none without one)."""
    return {"action_officer"} if action is not None and action.project_officer == person_id else set()


REFERENCE = re.compile(r"^\d{4}-\d{2,4}$")

# -- Actions -----------------------------------------------------------------------------------
# Built once: building a statement costs more than running it (bench/lifecycle_rate.py).
# What a write locks and changes is read with Core and written back by store.rows.save.
_ACTION = select(Action).where(Action.reference == bindparam("reference"))
_ACTION_FOR_UPDATE = rows.Prepared(select(Action.__table__).where(Action.reference == bindparam("reference"))
                                   .with_for_update())
_ACTIVITIES = select(Activity).where(Activity.action_id == bindparam("action_id")).order_by(Activity.number)
_ACTIVITY = select(Activity).where(Activity.action_id == bindparam("action_id"), Activity.number == bindparam("number"))
_activity, _action = Activity.__table__, Action.__table__
_ACTIVITY_AND_ACTION = rows.Prepared(  # the whole Action: joining it to the session cost more than its fiche
    select(_activity, _action)
    .join_from(_activity, _action, _activity.c.action_id == _action.c.id)
    .where(_action.c.reference == bindparam("reference"), _activity.c.number == bindparam("number"))
    .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL).with_for_update(of=_activity))
_ACTIVITY_COLUMNS, _ACTION_COLUMNS = [c.key for c in _activity.columns], [c.key for c in _action.columns]


def _locked_action(session: Session, reference: str) -> Action | None:
    """The Action a write will change, locked where the store locks rows, in no session."""
    found = _ACTION_FOR_UPDATE.tuples(session, {"reference": reference})
    return rows.loaded(Action, dict(zip(_ACTION_COLUMNS, found[0]))) if found else None


def find_action(session: Session, reference: str, *, for_update: bool = False) -> Action:
    action = (_locked_action(session, reference) if for_update
              else session.execute(_ACTION, {"reference": reference}).scalar())
    if action is None:
        shape = "" if REFERENCE.match(reference) else ": a reference is the year of receipt and a number, like 2026-07"
        raise NotFound(f"no Action {reference!r}{shape}")
    return action


def activities_of(session: Session, action_id: int) -> list[Activity]:
    return list(session.execute(_ACTIVITIES, {"action_id": action_id}).scalars())


def action_view(session: Session, action: Action, *, reason=None, to=None, changed=frozenset(), today=None) -> View:
    return View(action, lazy={"activities": lambda: activities_of(session, action.id),
                              "collecting": lambda: collecting(session, action.id)},
                reason=reason, to=to, changed=changed, today=today)


def collecting(session: Session, action_id: int) -> list[str]:
    """The activities of an Action whose evaluation forms are still coming in (`3 Workshop`)."""
    c, a = EvaluationCollection.__table__, Activity.__table__
    return [f"{number} {title}" for number, title in session.execute(
        select(a.c.number, a.c.title).join_from(c, a, c.c.activity_id == a.c.id)
        .where(c.c.action_id == action_id, c.c.state == "open").order_by(a.c.number))]


ACTIONS = Kind(ACTION, Action, ActionChanges, find_action, key=lambda _s, a: a.reference, view=action_view,
               title=lambda _s, a: a.name, children={"activity": "action_id"})


# -- Activities --------------------------------------------------------------------------------
ACTIVITY_KEY = re.compile(r"^(\d{4}-\d{2,4})/(\d{1,4})$")


def find_activity(session: Session, key: str, *, for_update: bool = False) -> Activity:
    found = ACTIVITY_KEY.match(key.strip())
    if not found:
        raise InvalidInput(f"{key!r} is not an activity: name it by its Action and number, like 2026-07/3")
    reference, number = found.group(1), int(found.group(2))
    if for_update:  # the write path: one statement for both rows
        found_rows = _ACTIVITY_AND_ACTION.tuples(session, {"reference": reference, "number": number})
        if found_rows:
            values, split = found_rows[0], len(_ACTIVITY_COLUMNS)
            activity = rows.loaded(Activity, dict(zip(_ACTIVITY_COLUMNS, values[:split])))
            rows.remember(session, rows.loaded(Action, dict(zip(_ACTION_COLUMNS, values[split:]))))
            return activity
    action = find_action(session, reference)
    activity = session.execute(_ACTIVITY, {"action_id": action.id, "number": number}).scalar()
    if activity is None:
        raise NotFound(f"no activity {key!r}: {action.reference} has {len(activities_of(session, action.id))}")
    return activity


def activity_key(session: Session, activity: Activity) -> str:
    return f"{action_of(session, activity).reference}/{activity.number}"


def activity_view(session: Session, activity: Activity, *, reason=None, to=None, changed=frozenset(),
                  today: date | None = None) -> View:
    action = action_of(session, activity)
    return View(activity, lazy={"assignments": lambda: assignment_summaries(session, activity),
                                "open_items": lambda: open_items(session, activity),
                                "collection_state": lambda: getattr(collection_of(session, activity), "state", None)},
                reason=reason,
                to=to, changed=changed, today=today, action_state=action.state, action=action)


def check_activity(activity: Activity) -> str | None:
    if activity.start and activity.end and activity.end < activity.start:
        return f"it would end ({activity.end}) before it starts ({activity.start})"
    return None


# -- Assignments -------------------------------------------------------------------------------
ASSIGNMENT_KEY = re.compile(r"^(\d{4}-\d{2,4}/\d{1,4})/[Ee](\d{1,9})$")
_assignment = Assignment.__table__
_ASSIGNMENT_COLUMNS = [c.key for c in _assignment.columns]
_ASSIGNMENT_WHERE = (_assignment.c.activity_id == bindparam("activity_id"),
                     _assignment.c.expert_id == bindparam("expert_id"))
_ASSIGNMENT = rows.Prepared(select(_assignment).where(*_ASSIGNMENT_WHERE))
_ASSIGNMENT_FOR_UPDATE = rows.Prepared(select(_assignment).where(*_ASSIGNMENT_WHERE).with_for_update())
_ASSIGNMENTS_OF = rows.Prepared(
    select(_assignment.c.expert_id, Expert.__table__.c.name, _assignment.c.state)
    .join_from(_assignment, Expert.__table__, _assignment.c.expert_id == Expert.__table__.c.id)
    .where(_assignment.c.activity_id == bindparam("activity_id")).order_by(_assignment.c.id))


def _of_activity(session: Session, key: str, pattern: re.Pattern, noun: str, part: str, example: str
                 ) -> tuple[Activity, int]:
    """The activity a subject's key names and the number after it (`2026-07/3/E17`: the activity and
    17); the activity and its Action stay known to the unit of work."""
    found = pattern.match(key.strip())
    if not found:
        raise InvalidInput(f"{key!r} is not {noun}: name it by its activity and {part}, like {example}")
    return _known_activity(session, found.group(1)), int(found.group(2))


def _known_activity(session: Session, key: str) -> Activity:
    """An activity by its key, it and its Action kept known to the unit of work."""
    activity = find_activity(session, key)
    rows.remember(session, activity)
    rows.remember(session, action_of(session, activity))
    return activity


def find_assignment(session: Session, key: str, *, for_update: bool = False) -> Assignment:
    """An assignment by its key, `2026-07/3/E17`; its activity and Action stay known to the unit of work."""
    activity, expert_id = _of_activity(session, key, ASSIGNMENT_KEY, "an assignment", "expert", "2026-07/3/E17")
    values = (_ASSIGNMENT_FOR_UPDATE if for_update else _ASSIGNMENT).tuples(
        session, {"activity_id": activity.id, "expert_id": expert_id})
    if not values:
        raise NotFound(f"no assignment {key!r}: expert E{expert_id} is not proposed for "
                       f"{key.strip().rpartition('/')[0]}")
    return rows.loaded(Assignment, dict(zip(_ASSIGNMENT_COLUMNS, values[0])))


def activity_of(session: Session, assignment: Assignment) -> Activity:
    return rows.known(session, Activity, assignment.activity_id)


def assignment_key(session: Session, assignment: Assignment) -> str:
    return f"{activity_key(session, activity_of(session, assignment))}/E{assignment.expert_id}"


def assignment_title(session: Session, assignment: Assignment) -> str:
    """`on Training of border officers`: never the expert's name, which alerts, events and the
    Prefect server would otherwise keep (the key names the expert: 2026-07/3/E17)."""
    return f"on {activity_of(session, assignment).title}"


def assignment_summaries(session: Session, activity: Activity) -> list:
    """An activity's assignments as its guards see them: `expert` (E17), `name`, `state`."""
    return [SimpleNamespace(expert=f"E{expert_id}", name=name, state=state)
            for expert_id, name, state in _ASSIGNMENTS_OF.tuples(session, {"activity_id": activity.id})]


def assignment_view(session: Session, assignment: Assignment, *, reason=None, to=None, changed=frozenset(),
                    today: date | None = None) -> View:
    return View(assignment, reason=reason, to=to, changed=changed, today=today,
                activity=activity_of(session, assignment))


def live_experts(session: Session, activity: Activity) -> list[str]:
    """The experts asked to take part in an activity who have not said no, as person ids (E17)."""
    return [s.expert for s in assignment_summaries(session, activity) if s.state in ASSIGNMENT_LIVE]


# -- Checklist items ---------------------------------------------------------------------------
ITEM_KEY = re.compile(r"^(\d{4}-\d{2,4}/\d{1,4})/[Ll](\d{1,4})$")
_item = ChecklistItem.__table__
_ITEM_COLUMNS = [c.key for c in _item.columns]
_ITEM_WHERE = (_item.c.activity_id == bindparam("activity_id"), _item.c.number == bindparam("number"))
_ITEM = rows.Prepared(select(_item).where(*_ITEM_WHERE))
_ITEM_FOR_UPDATE = rows.Prepared(select(_item).where(*_ITEM_WHERE).with_for_update())
_OPEN_ITEMS = rows.Prepared(
    select(_item.c.number, _item.c.label, _item.c.expert_id)
    .where(_item.c.activity_id == bindparam("activity_id"), _item.c.state == ITEM_OPEN).order_by(_item.c.number))


def find_item(session: Session, key: str, *, for_update: bool = False) -> ChecklistItem:
    """A checklist item by its key, `2026-07/3/L4`; its activity and Action stay known to the unit of work."""
    activity, number = _of_activity(session, key, ITEM_KEY, "a checklist item", "number", "2026-07/3/L4")
    values = (_ITEM_FOR_UPDATE if for_update else _ITEM).tuples(session, {"activity_id": activity.id, "number": number})
    if not values:
        raise NotFound(f"no checklist item {key!r} (mieux logistics list {key.strip().rpartition('/')[0]} lists them)")
    return rows.loaded(ChecklistItem, dict(zip(_ITEM_COLUMNS, values[0])))


def item_key(session: Session, item: ChecklistItem) -> str:
    return f"{activity_key(session, activity_of(session, item))}/L{item.number}"


def item_view(session: Session, item: ChecklistItem, *, reason=None, to=None, changed=frozenset(),
              today: date | None = None) -> View:
    return View(item, reason=reason, to=to, changed=changed, today=today, activity=activity_of(session, item))


def open_items(session: Session, activity: Activity) -> list:
    """An activity's open checklist items as its guards see them (`item`: L4, `label`), leaving out
    those of experts no longer on it (declined or withdrawn)."""
    gone = {s.expert for s in assignment_summaries(session, activity) if s.state in ASSIGNMENT_GONE}
    return [SimpleNamespace(item=f"L{number}", label=label)
            for number, label, expert_id in _OPEN_ITEMS.tuples(session, {"activity_id": activity.id})
            if expert_id is None or f"E{expert_id}" not in gone]


ACTIVITIES = Kind(ACTIVITY, Activity, ActivityChanges, find_activity, key=activity_key, view=activity_view,
                  title=lambda _s, a: a.title, check=check_activity,
                  parents={"action": action_of},
                  children={"assignment": "activity_id", "checklist_item": "activity_id"},
                  people={"experts": live_experts})
def invitation_link(session: Session, assignment: Assignment) -> SimpleNamespace:
    """The expert's link to answer their invitation, as the invitation alert carries it (`link.nonce`,
    `link.path`; none before the expert is invited, or in a service built without mieux.invitations)."""
    nonce = session.exec(select(InvitationLink.nonce).where(InvitationLink.assignment_id == assignment.id)
                         .order_by(InvitationLink.id.desc())).first()
    return SimpleNamespace(nonce=nonce, path="i" if nonce else None)


ASSIGNMENTS = Kind(ASSIGNMENT, Assignment, AssignmentChanges, find_assignment, key=assignment_key,
                   view=assignment_view, title=assignment_title,
                   parents={"activity": activity_of, "action": action_of}, extras={"link": invitation_link},
                   people={"expert": lambda _session, row: [f"E{row.expert_id}"]},
                   live=lambda session, row: activity_of(session, row).state != ACTIVITY_CANCELLED)

CHECKLIST_ITEMS = Kind(CHECKLIST_ITEM, ChecklistItem, ItemChanges, find_item, key=item_key, view=item_view,
                       title=lambda _s, item: item.label, parents={"activity": activity_of, "action": action_of},
                       people={"owner": lambda _session, row: [row.owner]},
                       live=lambda session, row: activity_of(session, row).state != ACTIVITY_CANCELLED)

# -- Evaluation collections --------------------------------------------------------------------
COLLECTION_KEY = re.compile(r"^(\d{4}-\d{2,4}/\d{1,4})/[Cc]$")
ACTION_COLLECTION_KEY = re.compile(r"^(\d{4}-\d{2,4})/([PpFf])$")
OF_ACTION = {"P": "partner", "F": "follow_up"}
"""The collections of an Action itself (its partner authority's forms), by the letter of their key."""
LETTER = {purpose: letter for letter, purpose in OF_ACTION.items()}
OPENS = {"partner": "when the Action enters monitoring", "follow_up": "when the Action closes"}
_collection = EvaluationCollection.__table__
_COLLECTION_COLUMNS = [c.key for c in _collection.columns]
_COLLECTION = rows.Prepared(select(_collection).where(_collection.c.activity_id == bindparam("activity_id")))
_COLLECTION_FOR_UPDATE = rows.Prepared(select(_collection).where(_collection.c.activity_id == bindparam("activity_id"))
                                       .with_for_update())
_OF_ACTION = select(_collection).where(_collection.c.action_id == bindparam("action_id"),
                                       _collection.c.purpose == bindparam("purpose"), _collection.c.activity_id.is_(None))
_COLLECTION_OF_ACTION = rows.Prepared(_OF_ACTION)
_COLLECTION_OF_ACTION_FOR_UPDATE = rows.Prepared(_OF_ACTION.with_for_update())


def collection_of(session: Session, activity: Activity, *, for_update: bool = False) -> EvaluationCollection | None:
    """An activity's evaluation collection, None before it is delivered."""
    values = (_COLLECTION_FOR_UPDATE if for_update else _COLLECTION).tuples(session, {"activity_id": activity.id})
    return rows.loaded(EvaluationCollection, dict(zip(_COLLECTION_COLUMNS, values[0]))) if values else None


def action_collection(session: Session, action: Action, purpose: str, *,
                      for_update: bool = False) -> EvaluationCollection | None:
    """An Action's own collection for `purpose` (partner, follow_up), None before it opens."""
    values = (_COLLECTION_OF_ACTION_FOR_UPDATE if for_update else _COLLECTION_OF_ACTION).tuples(
        session, {"action_id": action.id, "purpose": purpose})
    return rows.loaded(EvaluationCollection, dict(zip(_COLLECTION_COLUMNS, values[0]))) if values else None


def find_collection(session: Session, key: str, *, for_update: bool = False) -> EvaluationCollection:
    """An evaluation collection by its key: an activity's `2026-07/3/C`, the partner's `2026-07/P`,
    the six-month follow-up's `2026-07/F`."""
    if found := ACTION_COLLECTION_KEY.match(key.strip()):
        action = find_action(session, found.group(1))
        purpose = OF_ACTION[found.group(2).upper()]
        collection = action_collection(session, action, purpose, for_update=for_update)
        if collection is None:
            raise NotFound(f"{found.group(1)} has no {purpose.replace('_', '-')} evaluation collection: it opens "
                           f"{OPENS[purpose]} (the Action is {action.state})")
        return collection
    found = COLLECTION_KEY.match(key.strip())
    if not found:
        raise InvalidInput(f"{key!r} is not an evaluation collection: name an activity's by the activity and C, "
                           "like 2026-07/3/C, the partner's by the Action and P, like 2026-07/P, its six-month "
                           "follow-up by the Action and F, like 2026-07/F")
    activity = _known_activity(session, found.group(1))
    collection = collection_of(session, activity, for_update=for_update)
    if collection is None:
        raise NotFound(f"{found.group(1)} has no evaluation collection: it opens when the activity is delivered "
                       f"(the activity is {activity.state})")
    return collection


def collection_activity(session: Session, collection: EvaluationCollection) -> Activity | None:
    """The activity a collection evaluates; None for the Action's own (the partner's)."""
    return None if collection.activity_id is None else activity_of(session, collection)


def collection_key(session: Session, collection: EvaluationCollection) -> str:
    if collection.activity_id is None:
        return f"{action_of(session, collection).reference}/{LETTER[collection.purpose]}"
    return f"{activity_key(session, activity_of(session, collection))}/C"


def collection_title(session: Session, collection: EvaluationCollection) -> str:
    if collection.purpose == "partner":
        return f"Partner evaluation of {action_of(session, collection).name}"
    if collection.purpose == "follow_up":
        return f"Six-month follow-up of {action_of(session, collection).name}"
    return f"Evaluation of {activity_of(session, collection).title}"


def collection_view(session: Session, collection: EvaluationCollection, *, reason=None, to=None, changed=frozenset(),
                    today: date | None = None, by_engine: bool = False) -> View:
    return View(collection, reason=reason, to=to, changed=changed, today=today, by_engine=by_engine,
                activity=collection_activity(session, collection))


COLLECTIONS = Kind(EVALUATION_COLLECTION, EvaluationCollection, NoChanges, find_collection, key=collection_key,
                   view=collection_view, title=collection_title,
                   parents={"activity": collection_activity, "action": action_of},
                   people={"respondents": lambda session, c: respondents(session, c),
                           "non_respondents": lambda session, c: respondents(session, c, unanswered=True)})

_LINKS_OF = rows.Prepared(select(FormLink.__table__.c.recipient, FormLink.__table__.c.answered_at)
                          .where(FormLink.__table__.c.collection_id == bindparam("collection_id"))
                          .order_by(FormLink.__table__.c.id))


def respondents(session: Session, collection: EvaluationCollection, *, unanswered: bool = False) -> list[str]:
    """Who the collection's forms went to (P12, E17), or only those who have not answered."""
    return [recipient for recipient, answered_at in _LINKS_OF.tuples(session, {"collection_id": collection.id})
            if not (unanswered and answered_at)]


# -- Communications tasks ----------------------------------------------------------------------
TASK_KEY = re.compile(r"^(\d{4}-\d{2,4})/[Nn](\d{1,4})$")
NEWSLETTER_KEY = re.compile(r"^[Nn][Ll]-(\d{4}-\d{2})$")
"""The month's newsletter, a communications task of no Action: `NL-2026-11`."""
_task = CommunicationTask.__table__
_TASK_COLUMNS = [c.key for c in _task.columns]
_TASK_WHERE = (_task.c.action_id == bindparam("action_id")) & (_task.c.number == bindparam("number"))
_TASK = rows.Prepared(select(_task).where(_TASK_WHERE))
_TASK_FOR_UPDATE = rows.Prepared(select(_task).where(_TASK_WHERE).with_for_update())
_NEWSLETTER = rows.Prepared(select(_task).where(_task.c.month == bindparam("month")))
_NEWSLETTER_FOR_UPDATE = rows.Prepared(select(_task).where(_task.c.month == bindparam("month")).with_for_update())


def find_task(session: Session, key: str, *, for_update: bool = False) -> CommunicationTask:
    """A communications task by its key: a news item `2026-07/N1` (its Action stays known to the unit
    of work), or a month's newsletter `NL-2026-11`."""
    if month := NEWSLETTER_KEY.match(key.strip()):
        values = (_NEWSLETTER_FOR_UPDATE if for_update else _NEWSLETTER).tuples(session, {"month": month.group(1)})
        if not values:
            raise NotFound(f"no newsletter of {month.group(1)}: mieux comms newsletter {month.group(1)} prepares it")
        return rows.loaded(CommunicationTask, dict(zip(_TASK_COLUMNS, values[0])))
    found = TASK_KEY.match(key.strip())
    if not found:
        raise InvalidInput(f"{key!r} is not a communications task: name a news item by its Action and N with its "
                           "number, like 2026-07/N1, a newsletter by NL and its month, like NL-2026-11 "
                           "(mieux comms list shows them)")
    action = find_action(session, found.group(1))
    rows.remember(session, action)
    values = (_TASK_FOR_UPDATE if for_update else _TASK).tuples(session, {"action_id": action.id,
                                                                        "number": int(found.group(2))})
    if not values:
        raise NotFound(f"no communications task {key.strip()!r} (mieux comms list {found.group(1)} lists them)")
    return rows.loaded(CommunicationTask, dict(zip(_TASK_COLUMNS, values[0])))


def task_view(session: Session, task: CommunicationTask, *, reason=None, to=None, changed=frozenset(),
              today: date | None = None) -> View:
    return View(task, reason=reason, to=to, changed=changed, today=today)


def task_key(session: Session, task: CommunicationTask) -> str:
    return f"NL-{task.month}" if task.action_id is None else f"{action_of(session, task).reference}/N{task.number}"


COMMUNICATIONS = Kind(COMMUNICATION_TASK, CommunicationTask, CommunicationChanges, find_task, key=task_key,
                      view=task_view,
                      title=lambda _session, t: t.title, parents={"action": action_of})

KINDS = {kind.name: kind for kind in (ACTIONS, ACTIVITIES, ASSIGNMENTS, CHECKLIST_ITEMS, COLLECTIONS, COMMUNICATIONS)}
"""Every kind of subject, by name."""


def parents_of(session: Session, kind_name: str, row) -> dict[str, object]:
    """The subjects `row` belongs to, by kind (an Action belongs to none), and its extras: what its
    alerts' facts may read."""
    kind = KINDS[kind_name]
    return {name: find(session, row) for name, find in (*kind.parents.items(), *kind.extras.items())}


def people_of(session: Session, kind_name: str, row) -> dict[str, Callable[[], list[str]]]:
    """Who each relation of `row` names (`expert` -> [E17]), each looked up only if asked."""
    return {name: (lambda find=find: find(session, row)) for name, find in KINDS[kind_name].people.items()}


def kind(name: str) -> Kind:
    if name not in KINDS:
        raise InvalidInput(f"{name!r} is not a kind of subject: the kinds are {', '.join(KINDS)}")
    return KINDS[name]


MACHINES = {name: k.machine for name, k in KINDS.items()}
RELATIONS = {name: set(k.people) for name, k in KINDS.items()}
"""The people each kind of subject names by relation (`expert`), which its deadlines may tell."""


def _dates(table) -> set[str]:
    from datetime import date as day, datetime

    return {name for name, field in table.model_fields.items()
            if any(t in (day, datetime) for t in (field.annotation, *getattr(field.annotation, "__args__", ())))}


ANCHORS = {name: {"entered", *_dates(k.table), *(f"{parent}.{d}" for parent in k.parents for d in _dates(KINDS[parent].table))}
           for name, k in KINDS.items()}
"""The days a deadline of each kind of subject may count from (its policy `anchor`)."""


def checked_policy(path, facility):
    """The deadline policy at `path`, checked against every machine, the dates each kind of subject
    has and the people it names by relation (config.policy.load_policy)."""
    from config.policy import load_policy

    return load_policy(path, machines=MACHINES, anchors=ANCHORS, relations=RELATIONS, facility=facility,
                       fields={name: set(k.table.model_fields) for name, k in KINDS.items()})
