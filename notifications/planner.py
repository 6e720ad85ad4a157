"""Alerts a transition owes, written as an effect in the transition's own transaction."""
from sqlmodel import Session

from config.facility import Facility
from mieux.deadlines import recipients
from mieux.service import Recorded
from store.tables import Action, Alert

TRANSITION_ALERTS = {  # trigger: (alert kind, who is told)
    "register": ("request.received", ["project_officer", "programme_manager"]),
    "approve": ("action.approved", ["project_officer", "programme_manager", "logistics_assistant"]),
    "reject": ("action.rejected", ["project_officer", "programme_manager"]),
    "return_fiche": ("fiche.returned", ["project_officer"]),
}


class TransitionAlerts:
    """Effect: the alert a transition owes, if any (see TRANSITION_ALERTS)."""

    def __init__(self, facility: Facility):
        self.facility = facility

    def __call__(self, session: Session, action: Action, event: Recorded) -> None:
        if event.trigger not in TRANSITION_ALERTS or not event.moved:
            return
        kind, tell = TRANSITION_ALERTS[event.trigger]
        session.add(Alert(action_id=action.id, kind=kind, source=f"action:{action.id}:{event.at.isoformat()}:{kind}",
                          recipients=recipients(tell, action, self.facility), urgent=True, created_at=event.at,
                          data={"reference": action.reference, "name": action.name, "state": event.dest,
                                "reason": event.reason, "actor": event.actor}))
