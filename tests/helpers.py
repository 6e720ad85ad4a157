"""Shared test material: a valid request, data that satisfies every guard, paths to each state."""
from datetime import date, datetime, timezone

from domain.schemas import ActionChanges, RequestIn

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

FICHE = {"objective": "Support the national labour migration strategy",
         "intervention_logic": "Peer review, then training of trainers",
         "activities": [{"type": "workshop", "title": "Kick-off workshop", "start": "2026-05-04",
                         "end": "2026-05-06", "place": "Accra", "status": "delivered"}]}

ACTOR = {"project_officer": "ana", "junior_project_officer": "lea", "psg_member": "psg-devco",
         "programme_manager": "pieter"}


def request(**overrides) -> RequestIn:
    data = {"name": "Ghana II", "requester": "Ghana Immigration Service", "requester_type": "national_authority",
            "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email",
            "received_on": date(2026, 2, 27), "focal_point": "Head of Policy", "project_officer": "ana"}
    return RequestIn.model_validate({**data, **overrides})


# What to fire, from a new request, to reach each state: (actor, trigger, reason, changes).
STEPS = {
    "accept": ("ana", "accept", None, {}),
    "submit_fiche": ("lea", "submit_fiche", None, {"fiche": FICHE}),
    "approve": ("psg-devco", "approve", None, {"psg_decision_on": "2026-03-20"}),
    "finish_implementation": ("ana", "finish_implementation", None, {}),
    "start_closure": ("ana", "start_closure", None, {"monitoring_completed_on": "2026-09-01"}),
    "close": ("pieter", "close", None, {"final_report": "https://example.org/report.pdf",
                                         "lessons_learnt": "Start the logistics early"}),
    "reject": ("ana", "reject", "outside MIEUX's mandate", {}),
    "forward": ("ana", "forward", None, {"forwarded_to": "Migration Partnership Facility"}),
    "withdraw": ("ana", "withdraw", "the partner withdrew", {}),
    "suspend": ("ana", "suspend", "elections", {}),
}
MAIN_LINE = ["accept", "submit_fiche", "approve", "finish_implementation", "start_closure", "close"]
MAIN_STATES = ["pre_implementation", "approval", "implementation", "monitoring", "closure", "closed"]
PATHS = {
    "request": [],
    **{state: MAIN_LINE[:i + 1] for i, state in enumerate(MAIN_STATES)},
    "rejected": ["reject"], "forwarded": ["forward"], "withdrawn": ["withdraw"], "on_hold": ["suspend"],
}


def walk(service, reference: str, state: str):
    """Fire the legal triggers that bring a new request to `state`."""
    action = None
    for name in PATHS[state]:
        actor, trigger, reason, changes = STEPS[name]
        action = service.fire(reference, trigger, actor=actor, reason=reason,
                              changes=ActionChanges.model_validate(changes))
    return action


def new_action_in(service, state: str, **overrides):
    """A new Action, brought to `state`; returns its reference."""
    action = service.register(request(**overrides), actor="ana")
    walk(service, action.reference, state)
    return action.reference


def campaign(sample: int, full: int) -> int:
    """How many trials a fault test runs: a small sample in `make test`, the whole campaign under
    `make faults` (MIEUX_FAULT_CAMPAIGN=1)."""
    import os

    return full if os.environ.get("MIEUX_FAULT_CAMPAIGN") == "1" else sample
