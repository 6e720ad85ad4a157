"""The lifecycle of an Action, from the request letter to closure.

Read top to bottom: the states, the guards (each returns None or the reason it refuses), and the
table of transitions with the roles that may fire each one. The subject a guard sees is the
Action with the trigger's payload already applied, plus `reason`, the reason given with it, and
`activities`, the Action's activities (each with its `title` and `state`).
"""
from domain.model import EU_MEMBER_STATES, OPEN_REQUESTER_TYPES_SINCE, RequesterType
from states.machine import StateMachine, owes, rule

# -- states ------------------------------------------------------------------------------------
REQUEST, PRE_IMPLEMENTATION, APPROVAL = "request", "pre_implementation", "approval"
IMPLEMENTATION, MONITORING, CLOSURE = "implementation", "monitoring", "closure"
CLOSED, REJECTED, FORWARDED, WITHDRAWN, ON_HOLD = "closed", "rejected", "forwarded", "withdrawn", "on_hold"

WORKING = [REQUEST, PRE_IMPLEMENTATION, APPROVAL, IMPLEMENTATION, MONITORING, CLOSURE]
TERMINAL = [CLOSED, REJECTED, FORWARDED, WITHDRAWN]
STATES = [*WORKING, ON_HOLD, *TERMINAL]


# -- guards ------------------------------------------------------------------------------------
def reason_given(a):
    return None if (a.reason or "").strip() else "give a reason (--reason)"


def partner_country(a):
    """MIEUX answers partner countries; EU Member States provide the experts."""
    members = sorted(set(a.countries) & EU_MEMBER_STATES)
    return f"{' '.join(members)}: an EU Member State cannot request MIEUX support" if members else None


def requester_type_allowed(a):
    """Local authorities, parliaments, judiciary, ombudspersons and civil society may ask since 2016."""
    national = {RequesterType.national_authority, RequesterType.regional_organisation}
    if a.received_on.year < OPEN_REQUESTER_TYPES_SINCE and a.requester_type not in national:
        return (f"a {a.requester_type} may request only since {OPEN_REQUESTER_TYPES_SINCE}; "
                f"this request was received on {a.received_on}")
    return None


def officer_assigned(a):
    return None if a.project_officer else "no project officer is assigned"


def facility_named(a):
    return None if a.forwarded_to else "name the facility it goes to (--facility)"


def fiche_has_objective(a):
    return None if (a.fiche or {}).get("objective") else "the Action Fiche has no objective"


def fiche_has_intervention_logic(a):
    return None if (a.fiche or {}).get("intervention_logic") else "the Action Fiche has no intervention logic"


def fiche_has_planned_activity(a):
    planned = [x for x in a.activities if x.state != "cancelled"]
    return None if planned else "the Action Fiche has no planned activity"


def psg_comments_given(a):
    return None if a.psg_comments else "give the PSG's comments (--comments)"


def decision_date_given(a):
    return None if a.psg_decision_on else "give the PSG decision date (--decision-date)"


def activities_concluded(a):
    """Implementation ends when every activity is delivered (or evaluated) or cancelled, and at
    least one actually took place."""
    open_ = [x.title for x in a.activities if x.state not in ("delivered", "evaluated", "cancelled")]
    if open_:
        return f"{len(open_)} activit{'y is' if len(open_) == 1 else 'ies are'} still to be delivered: {', '.join(open_)}"
    if not any(x.state in ("delivered", "evaluated") for x in a.activities):
        return "no activity was delivered"
    return None


def monitoring_done(a):
    return None if a.monitoring_completed_on else "monitoring is not recorded as done (--monitoring-done DATE)"


def evaluations_closed(a):
    """Closure waits until every delivered activity's evaluation forms have stopped coming in."""
    collecting = a.collecting
    if collecting:
        return f"evaluation forms are still being collected for {', '.join(collecting)}"
    return None


def final_report_recorded(a):
    return None if a.final_report else "no final report is recorded (--final-report)"


def lessons_recorded(a):
    return None if a.lessons_learnt else "no lessons learnt are recorded (--lessons)"


def left_from(state):
    """Resume returns to the state the Action left; one imported on hold (where it was is not
    known) goes where the person asks (--to), audited with the reason."""
    def left(a):
        if a.suspended_from is None:
            if a.to is None:
                return "the state it left is not recorded (it was imported on hold): say where it goes (--to STATE)"
            return None if a.to == state else f"--to {a.to} is not a working state"
        if a.to not in (None, a.suspended_from):
            return f"it left {a.suspended_from}, so it cannot resume to {a.to}"
        return None if a.suspended_from == state else f"it left {a.suspended_from}"

    left.__name__ = f"left_{state}"
    return left


# -- who may fire ------------------------------------------------------------------------------
TEAM = ["project_officer", "programme_manager"]
DRAFTERS = ["project_officer", "junior_project_officer"]
PSG = ["psg_member"]

# -- who may change what by hand (an edit, or the data sent with a trigger) ---------------------
OWNED = ["state", "state_since", "suspended_from", "fiche_submitted_at", "closed_on"]
EDITORS = {
    **dict.fromkeys(["name", "requester", "requester_type", "countries", "region", "theme", "channel",
                     "focal_point", "focal_point_email", "triangular"], [*TEAM, "junior_project_officer"]),
    "project_officer": TEAM,
    "fiche": [*DRAFTERS, "programme_manager"],
    "psg_decision_on": PSG,  # the PSG's own decision: nobody else records it
    "psg_comments": PSG,
    "forwarded_to": TEAM,
    "monitoring_completed_on": TEAM,
    "final_report": TEAM,
    "lessons_learnt": [*TEAM, "knowledge_officer"],
}
REGISTRARS = [*TEAM, "junior_project_officer"]
"""Who may register a new request."""
IMPORTERS = ["programme_manager", "admin"]
"""Who may bring the programme's history in (portfolio import places Actions directly in a state)."""

# -- transitions -------------------------------------------------------------------------------
RULES = [
    rule("accept", REQUEST, PRE_IMPLEMENTATION, roles=TEAM,
         guards=[partner_country, requester_type_allowed, officer_assigned]),
    rule("reject", REQUEST, REJECTED, roles=TEAM, guards=[reason_given]),
    rule("forward", REQUEST, FORWARDED, roles=TEAM, guards=[facility_named]),
    rule("submit_fiche", PRE_IMPLEMENTATION, APPROVAL, roles=DRAFTERS,
         guards=[fiche_has_objective, fiche_has_intervention_logic, fiche_has_planned_activity]),
    rule("return_fiche", APPROVAL, PRE_IMPLEMENTATION, roles=PSG, guards=[psg_comments_given]),
    rule("approve", APPROVAL, IMPLEMENTATION, roles=PSG, guards=[decision_date_given]),
    rule("reject", APPROVAL, REJECTED, roles=PSG, guards=[reason_given, decision_date_given]),
    rule("finish_implementation", IMPLEMENTATION, MONITORING, roles=TEAM, guards=[activities_concluded]),
    rule("start_closure", MONITORING, CLOSURE, roles=TEAM, guards=[monitoring_done, evaluations_closed]),
    rule("close", CLOSURE, CLOSED, roles=TEAM, guards=[final_report_recorded, lessons_recorded]),
    rule("withdraw", [*WORKING, ON_HOLD], WITHDRAWN, roles=TEAM, guards=[reason_given]),
    rule("suspend", WORKING, ON_HOLD, roles=TEAM, guards=[reason_given]),
    *[rule("resume", ON_HOLD, s, roles=TEAM, when=left_from(s), guards=[reason_given]) for s in WORKING],
]


def bookkeeping(action, source: str, dest: str, at, today=None) -> None:
    """What a transition records on the Action besides its state (no I/O, no effects). `today` is
    the team's date at `at` (an Action closed at 00:30 in Brussels on 1 January closed that day)."""
    action.state_since = at
    if dest == ON_HOLD:
        action.suspended_from = source
    elif source == ON_HOLD:
        action.suspended_from = None
    if dest == APPROVAL and action.fiche_submitted_at is None:
        action.fiche_submitted_at = at
    if dest in TERMINAL:
        action.closed_on = today or at.date()


# -- what transitions owe people, and the facts each alert carries ------------------------------
# A fact is a field of the Action or `deadline.<kind>`, one of its deadlines pending then (see
# notifications/planner.py); the words are in notifications/templates.py.
ALERTS = {
    "register": owes("request.received", ["project_officer", "programme_manager"],
                     facts=["requester", "countries", "received_on", "project_officer", "deadline.fiche"]),
    "submit_fiche": owes("fiche.submitted", PSG,  # their decision is due within the psg_decision deadline
                         facts=["requester", "countries", "fiche", "deadline.psg_decision"]),
    "approve": owes("action.approved", ["project_officer", "programme_manager", "logistics_assistant"],
                    facts=["psg_decision_on", "fiche_submitted_at"]),
    "reject": owes("action.rejected", ["project_officer", "programme_manager"],
                   facts=["requester", "psg_decision_on"]),
    "return_fiche": owes("fiche.returned", ["project_officer"], facts=["psg_comments"]),
}

ACTION = StateMachine("Action", STATES, RULES, terminal=TERMINAL, owned=OWNED, editors=EDITORS, creation="register",
                      bookkeeping=bookkeeping, alerts=ALERTS)
