"""Alerts a transition owes, written as an effect in the transition's own transaction.

What each transition owes is declared by its machine (`ALERTS` in each file of `states/`), keyed
by trigger, so `reject` or `cancel` on two machines owe two different alerts."""
from collections.abc import Iterable

from sqlmodel import Session

from domain.events import Recorded
from notifications.directory import Directory
from states.machine import StateMachine
from store import rows
from store.tables import Action


class TransitionAlerts:
    """Effect: the alert a transition owes, if its machine declares one for the trigger."""

    def __init__(self, directory: Directory, machines: Iterable[StateMachine]):
        self.directory = directory
        self.alerts = {(m.kind, trigger): owed for m in machines for trigger, owed in m.alerts.items()}

    def __call__(self, session: Session, subject, event: Recorded) -> None:
        owed = self.alerts.get((event.subject, event.trigger))
        if owed is None or not event.moved:
            return
        action = subject if isinstance(subject, Action) else session.get(Action, event.action_id)
        data = {"reference": event.key, "name": event.name, "state": event.dest, "reason": event.reason,
                "actor": event.actor}
        if event.subject != "action":
            data["of_action"] = f"{action.reference} {action.name}"
        rows.add_alert(session, action_id=action.id, subject_kind=event.subject, subject_id=event.subject_id,
                       kind=owed.alert, source=f"{event.subject}:{event.subject_id}:{event.at.isoformat()}:{owed.alert}",
                       recipients=self.directory.resolve(list(owed.tell), action=action), urgent=True,
                       created_at=event.at, data=data)
