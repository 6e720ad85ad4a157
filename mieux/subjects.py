"""The kinds of subject the engine runs: each a table, a machine, and how the pipeline finds,
names and shows one. A new lifecycle is a machine file in `states/`, a table and an entry here.

`view` builds what the machine's guards see: the row with the trigger's data applied, plus what
the guards may read beyond it (an Action's activities, an activity's Action), loaded by the
service so that guards stay pure. `roles_of` adds the roles a person holds relative to the
subject (`action_officer`: the project officer of its Action).
"""
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel
from sqlalchemy import LABEL_STYLE_TABLENAME_PLUS_COL, bindparam
from sqlmodel import Session, select

from domain.activities import ActivityChanges
from domain.errors import InvalidInput, NotFound
from domain.schemas import ActionChanges
from states.action import ACTION
from states.activity import ACTIVITY
from states.machine import StateMachine
from store import rows
from store.tables import Action, Activity


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


@dataclass(frozen=True)
class Kind:
    """One kind of subject."""

    machine: StateMachine
    table: type
    changes: type[BaseModel]
    find: Callable[[Session, str], object]
    key: Callable[[Session, object], str]
    view: Callable[..., View]
    check: Callable[[object], str | None] = lambda row: None

    @property
    def name(self) -> str:
        return self.machine.kind


def action_officer(person_id: str, action: Action) -> set[str]:
    """The roles a person holds relative to an Action."""
    return {"action_officer"} if action.project_officer == person_id else set()


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
_ACTION_OF_ACTIVITY = ["id", "reference", "name", "state", "project_officer", "version"]
"""What an activity's transition reads of its Action; any other field loads when first read."""
_ACTIVITY_AND_ACTION = rows.Prepared(
    select(_activity, *(_action.c[name] for name in _ACTION_OF_ACTIVITY))
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
    return View(action, lazy={"activities": lambda: activities_of(session, action.id)}, reason=reason, to=to,
                changed=changed, today=today)


ACTIONS = Kind(ACTION, Action, ActionChanges, find_action, key=lambda _s, a: a.reference, view=action_view)


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
            action = rows.loaded(Action, dict(zip(_ACTION_OF_ACTIVITY, values[split:])), session=session)
            rows.remember(session, action)
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
    return View(activity, reason=reason, to=to, changed=changed, today=today, action_state=action.state,
                action=action)


def check_activity(activity: Activity) -> str | None:
    if activity.start and activity.end and activity.end < activity.start:
        return f"it would end ({activity.end}) before it starts ({activity.start})"
    return None


ACTIVITIES = Kind(ACTIVITY, Activity, ActivityChanges, find_activity, key=activity_key, view=activity_view,
                  check=check_activity)

KINDS = {kind.name: kind for kind in (ACTIONS, ACTIVITIES)}
"""Every kind of subject, by name."""


def kind(name: str) -> Kind:
    if name not in KINDS:
        raise InvalidInput(f"{name!r} is not a kind of subject: the kinds are {', '.join(KINDS)}")
    return KINDS[name]


def action_of(session: Session, row) -> Action:
    """The Action a subject belongs to (an Action is its own)."""
    return row if isinstance(row, Action) else rows.known(session, Action, row.action_id)

MACHINES = {name: k.machine for name, k in KINDS.items()}


def _dates(table) -> set[str]:
    from datetime import date as day, datetime

    return {name for name, field in table.model_fields.items()
            if any(t in (day, datetime) for t in (field.annotation, *getattr(field.annotation, "__args__", ())))}


ANCHORS = {name: {"entered", *_dates(k.table), *(f"action.{d}" for d in _dates(Action))} for name, k in KINDS.items()}
"""The days a deadline of each kind of subject may count from (its policy `anchor`)."""
