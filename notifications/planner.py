"""Alerts a transition owes, written as an effect in the transition's own transaction.

What each transition owes is declared by its machine (`ALERTS` in each file of `states/`), keyed
by trigger, so `reject` or `cancel` on two machines owe two different alerts. The facts an alert
declares are copied into its `data` here, as JSON values, so a message says what was true when
it happened and the outbox looks up nothing but the recipient:

    psg_comments            a field of the subject            data["psg_comments"]
    action.reference        a field of the subject's Action   data["action_reference"]
    activity.start          a field of the subject's activity data["activity_start"]
    deadline.psg_decision   a pending deadline of the subject data["deadlines"]["psg_decision"]:
                            (label, due_at, moved_from)       {"label", "due_at", "moved_from"}

A fact not known yet is None, never left out, so the words can test it. A deadline fact reads the
deadlines the deadline effect wrote earlier in this same transaction (it runs first). A field that
names a person (`project_officer`) carries the person's name.
"""
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone

from sqlmodel import Session

from domain.events import Recorded
from notifications.directory import Directory
from states.machine import Owes, StateMachine
from store import rows
from store.tables import Action

PEOPLE = frozenset({"project_officer"})
"""Fields that hold a person id: an alert carries the person's name."""



class TransitionAlerts:
    """Effect: the alert a transition owes, if its machine declares one for the trigger."""

    def __init__(self, directory: Directory, machines: Iterable[StateMachine], *,
                 parents: Callable[[Session, str, object], dict], people: Callable[[Session, str, object], dict]):
        self.directory = directory
        self.alerts = {(m.kind, trigger): owed for m in machines for trigger, owed in m.alerts.items()}
        self.parents = parents
        """The subjects a subject belongs to, by kind (the facts `activity.title` read them)."""
        self.people = people
        """People named by their relation to a subject (`expert`), for `tell`."""

    def __call__(self, session: Session, subject, event: Recorded) -> None:
        """Owed for the trigger itself, even when it leaves the subject where it was (an activity
        postponed while still planned has new dates its people must hear about)."""
        owed = self.alerts.get((event.subject, event.trigger))
        if owed is None:
            return
        action = subject if isinstance(subject, Action) else (
            None if event.action_id is None else rows.known(session, Action, event.action_id))
        data = {"reference": event.key, "name": event.name, "state": event.dest, "previous_state": event.source,
                "reason": event.reason, "actor": event.actor, "actor_name": self.directory.name(event.actor)}
        if action is not None and event.subject != "action":
            data["of_action"] = f"{action.reference} {action.name}"
        pending = None
        if any(fact.startswith("deadline.") for fact in owed.facts):
            pending = [d for d in rows.counting_deadlines_of(session, event.subject, event.subject_id)
                       if d.status == "pending"]
        parents = self.parents(session, event.subject, subject) if event.subject != "action" else {}
        data |= facts(owed, subject=subject, action=action, deadlines=pending, name=self.directory.name,
                      parents=parents)
        recipients = self.directory.resolve(list(owed.tell), action=action,
                                            related=self.people(session, event.subject, subject))
        rows.add_alert(session, action_id=event.action_id, subject_kind=event.subject, subject_id=event.subject_id,
                       kind=owed.alert, source=_source(event, subject, owed),
                       recipients=recipients, urgent=True, created_at=event.at, data=data)


def _source(event: Recorded, subject, owed: Owes) -> str:
    """What owes the alert: this transition of this subject. Its moment alone does not tell two apart
    on a clock that stands still (a simulation, two transitions in one instant); the subject's
    version before it does."""
    return (f"{event.subject}:{event.subject_id}:{event.at.isoformat()}:{event.trigger}"
            f"@{getattr(subject, 'version', 0)}:{owed.alert}")


def facts(owed: Owes, *, subject, action, deadlines=None, name=lambda person: person,
          parents: dict | None = None) -> dict:
    """The facts `owed` declares, as JSON values, from the subject, the subjects it belongs to
    (`parents` by kind; its Action always), and the subject's pending deadlines (rows with kind,
    label, due_at, moved_from); `name` names a person."""
    found: dict = {}
    for fact in owed.facts:
        owner, _, field = fact.rpartition(".")
        if owner == "deadline":
            row = next((d for d in deadlines or () if d.kind == field), None)
            found.setdefault("deadlines", {})[field] = None if row is None else {
                "label": row.label, "due_at": _json(_utc(row.due_at)), "moved_from": _json(row.moved_from)}
            continue
        source = subject if not owner else action if owner == "action" else (parents or {}).get(owner)
        if not hasattr(source, field):
            raise AttributeError(f"alert {owed.alert} carries {fact!r}, but the {type(source).__name__} "
                                 f"has no field {field!r}")
        value = getattr(source, field)
        found[f"{owner}_{field}" if owner else field] = name(value) if field in PEOPLE and value else _json(value)
    return found


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # the store keeps UTC


def _json(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
