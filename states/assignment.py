"""The lifecycle of an expert's assignment to one activity: proposed, invited, contracted, deployed.

Read top to bottom: the states, the guards, the table of transitions with the roles that may
fire each one, what a transition owes people. The subject a guard sees is the assignment with
the trigger's data applied, plus `reason`, `changed` (the fields that data set), `today` (the
team's date) and `activity`, the activity it is for (its `state`, `start`, `end`, `city`,
`country`, `remote`).

The expert answers through the link their invitation carries (`invited_expert`, a role only that
link grants: mieux/invitations.py), or the officer records the answer (`accept`, `decline`).
`withdrawn` ends an assignment at any point before the expert is deployed.
"""
from states.machine import StateMachine, owes, rule

# -- states ------------------------------------------------------------------------------------
PROPOSED, INVITED, ACCEPTED, CONTRACT_SENT, CONTRACT_SIGNED = (
    "proposed", "invited", "accepted", "contract_sent", "contract_signed")
DEPLOYED, COMPLETED, DECLINED, WITHDRAWN = "deployed", "completed", "declined", "withdrawn"
BEFORE_DEPLOYMENT = [PROPOSED, INVITED, ACCEPTED, CONTRACT_SENT, CONTRACT_SIGNED]
LIVE = [INVITED, ACCEPTED, CONTRACT_SENT, CONTRACT_SIGNED]
"""The expert has been asked and has not said no: they hear when the activity moves."""
GONE = [DECLINED, WITHDRAWN]
"""The expert is no longer held by it: free to be proposed elsewhere at those dates."""
TERMINAL = [COMPLETED, DECLINED, WITHDRAWN]
STATES = [*BEFORE_DEPLOYMENT, DEPLOYED, *TERMINAL]

OPEN_ACTIVITY = ["planned", "preparing", "ready"]


# -- guards ------------------------------------------------------------------------------------
def reason_given(a):
    return None if (a.reason or "").strip() else "give a reason (--reason)"


def activity_open(a):
    """Nobody is invited to, or contracted for, an activity that is over or cancelled."""
    return None if a.activity.state in OPEN_ACTIVITY else f"its activity is {a.activity.state}"


def activity_dated(a):
    """The invitation states the dates."""
    return None if a.activity.start and a.activity.end else "its activity's dates are not fixed"


def activity_placed(a):
    """... and the place."""
    where = a.activity
    return None if where.remote or (where.city and where.country) else "its activity's place is not fixed"


def terms_given(a):
    """The invitation and the contract state the terms: working days and the fee per day."""
    missing = [option for field, option in (("working_days", "--working-days"), ("fee_per_day", "--fee-per-day"))
               if getattr(a, field) is None]
    return f"its terms are not set ({', '.join(missing)})" if missing else None


def contract_dated(a):
    """The contract's date picks the daily allowance rate in force."""
    return None if a.contract_on else "give the contract's date (--contract-on)"


def mission_started(a):
    start = a.activity.start
    return None if start and start <= a.today else f"the activity starts on {start}, after today ({a.today})"


def mission_ended(a):
    end = a.activity.end
    return None if end and end <= a.today else f"the activity ends on {end}, after today ({a.today})"


def report_dated(a):
    return None if a.report_on else "give the day the post-mission report arrived (--report-on)"


# -- who may fire ------------------------------------------------------------------------------
RUNNERS = ["action_officer", "junior_project_officer", "programme_manager"]
INVITED_EXPERT = "invited_expert"
"""The expert answering their own invitation through the link it sent them (no other door grants it)."""
CONTRACTING = [*RUNNERS, "logistics_assistant"]
MANAGERS = ["action_officer", "programme_manager"]

# -- transitions -------------------------------------------------------------------------------
RULES = [
    rule("invite", PROPOSED, INVITED, roles=RUNNERS, guards=[activity_open, activity_dated, activity_placed,
                                                             terms_given]),
    rule("accept", INVITED, ACCEPTED, roles=[*RUNNERS, INVITED_EXPERT], guards=[activity_open]),
    rule("decline", INVITED, DECLINED, roles=[*RUNNERS, INVITED_EXPERT]),
    rule("send_contract", ACCEPTED, CONTRACT_SENT, roles=CONTRACTING, guards=[activity_open, terms_given,
                                                                              contract_dated]),
    rule("sign_contract", CONTRACT_SENT, CONTRACT_SIGNED, roles=CONTRACTING, guards=[activity_open]),
    rule("deploy", CONTRACT_SIGNED, DEPLOYED, roles=CONTRACTING, guards=[mission_started]),
    rule("complete", DEPLOYED, COMPLETED, roles=RUNNERS, guards=[mission_ended, report_dated]),
    rule("withdraw", BEFORE_DEPLOYMENT, WITHDRAWN, roles=MANAGERS, guards=[reason_given]),
]

# -- who may change what by hand ---------------------------------------------------------------
OWNED = ["state", "state_since", "action_id", "activity_id", "expert_id"]
EDITORS = {
    **dict.fromkeys(["working_days", "travel_days", "fee_per_day"], RUNNERS),
    **dict.fromkeys(["contract_on", "report_on"], CONTRACTING),
}
PROPOSERS = RUNNERS
"""Who may propose an expert for an activity."""

# -- what transitions owe people, and the facts each alert carries -----------------------------
MISSION = ["activity.title", "activity.start", "activity.end", "activity.city", "activity.country",
           "activity.remote"]
ALERTS = {
    "invite": owes("assignment.invited", ["expert"],
                   facts=[*MISSION, "working_days", "travel_days", "fee_per_day", "deadline.invitation_answer",
                          "link.nonce", "link.path"]),
    "accept": owes("assignment.accepted", ["project_officer", "logistics_assistant"], facts=MISSION),
    "decline": owes("assignment.declined", ["project_officer"], facts=MISSION),
    "withdraw": owes("assignment.withdrawn", ["project_officer", "logistics_assistant"], facts=MISSION),
}

ASSIGNMENT = StateMachine("Assignment", STATES, RULES, terminal=TERMINAL, owned=OWNED, editors=EDITORS,
                          creation="propose", alerts=ALERTS)
