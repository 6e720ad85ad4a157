"""The lifecycle of an activity: a workshop, a study visit, a training, from plan to evaluation.

Read top to bottom: the states, the guards, the table of transitions with the roles that may
fire each one, what a transition records and what it owes people. The subject a guard sees is
the activity with the trigger's data applied, plus `reason`, `changed` (the fields that data
set), `action_state` (where its Action stands), `today` (the team's date) and `assignments`, its
experts (each with `expert`, `name`, `state`), `open_items`, what its logistics checklist still
lacks (each with `item`, L4, and `label`), and `collection_state`, where its evaluation
collection stands (None before it is delivered).

`action_officer` is a role relative to the subject: the project officer of the activity's own
Action. Any project officer may not run another officer's missions.
"""
from states.machine import StateMachine, owes, rule

# -- states ------------------------------------------------------------------------------------
PLANNED, PREPARING, READY, DELIVERED, EVALUATED, CANCELLED = (
    "planned", "preparing", "ready", "delivered", "evaluated", "cancelled")
UNDER_WAY = [PLANNED, PREPARING, READY]
TERMINAL = [EVALUATED, CANCELLED]
STATES = [*UNDER_WAY, DELIVERED, *TERMINAL]


# -- guards ------------------------------------------------------------------------------------
def reason_given(a):
    return None if (a.reason or "").strip() else "give a reason (--reason)"


def dates_fixed(a):
    if not (a.start and a.end):
        return "its dates are not fixed (--start, --end)"
    return None


def place_fixed(a):
    """An activity happens somewhere: a city in a country, or remotely."""
    return None if a.remote or (a.city and a.country) else "its place is not fixed (--country and --city, or --remote)"


def action_implemented(a):
    """Missions are prepared only once the PSG has approved the Action."""
    return None if a.action_state == "implementation" else f"its Action is in {a.action_state}, not implementation"


def has_started(a):
    return None if a.start and a.start <= a.today else f"it starts on {a.start}, after today ({a.today})"


NOT_UNDER_CONTRACT = {"proposed": "is not invited yet", "invited": "has not answered the invitation",
                      "accepted": "has no contract yet", "contract_sent": "has not signed the contract"}


def experts_contracted(a):
    """Every expert still on the activity has signed their contract (declined and withdrawn do not count)."""
    missing = [f"{x.name} ({x.expert}) {NOT_UNDER_CONTRACT[x.state]}" for x in a.assignments
               if x.state in NOT_UNDER_CONTRACT]
    return f"not every expert is under contract: {'; '.join(missing)}" if missing else None


def checklist_settled(a):
    """Nothing of its logistics is left open: each item is done or not needed (an item of an expert
    no longer on it does not count)."""
    left = [f"{x.item} {x.label}" for x in a.open_items]
    return f"its logistics checklist has open items: {'; '.join(left)}" if left else None


def collection_closed(a):
    """Its evaluation forms have stopped coming in (an activity delivered before forms existed has none)."""
    if a.collection_state in (None, "closed"):
        return None
    return "its evaluation forms are still being collected: the engine closes the collection on its deadline " \
           "(or close it earlier: mieux evaluation close)"


def new_dates_given(a):
    return None if {"start", "end"} & a.changed else "give the new dates (--start, --end)"


# -- who may fire ------------------------------------------------------------------------------
ENGINE = "engine"
"""The engine itself: closing an activity's evaluation collection evaluates the activity."""
RUNNERS = ["action_officer", "junior_project_officer", "programme_manager"]
LOGISTICS = [*RUNNERS, "logistics_assistant"]
MANAGERS = ["action_officer", "programme_manager"]

# -- transitions -------------------------------------------------------------------------------
RULES = [
    rule("prepare", PLANNED, PREPARING, roles=RUNNERS, guards=[action_implemented, dates_fixed, place_fixed]),
    rule("get_ready", PREPARING, READY, roles=LOGISTICS, guards=[dates_fixed, place_fixed, experts_contracted,
                                                                  checklist_settled]),
    rule("deliver", READY, DELIVERED, roles=RUNNERS, guards=[has_started]),
    rule("evaluate", DELIVERED, EVALUATED, roles=[ENGINE, *RUNNERS], guards=[collection_closed]),
    rule("postpone", UNDER_WAY, PLANNED, roles=MANAGERS, guards=[reason_given, new_dates_given]),
    rule("cancel", UNDER_WAY, CANCELLED, roles=MANAGERS, guards=[reason_given]),
]

# -- who may change what by hand ---------------------------------------------------------------
OWNED = ["state", "state_since", "number", "action_id"]
EDITORS = {
    **dict.fromkeys(["type", "title", "start", "end", "country", "city", "remote", "languages",
                     "planned_participants"], RUNNERS),
    **dict.fromkeys(["participants", "deliverables"], LOGISTICS),
}
ADDERS = RUNNERS
"""Who may add an activity to an Action."""

# -- what transitions owe people, and the facts each alert carries -----------------------------
DATES_AND_PLACE = ["start", "end", "city", "country", "remote"]
ALERTS = {
    "postpone": owes("activity.postponed", ["project_officer", "logistics_assistant", "experts"], facts=DATES_AND_PLACE),
    "cancel": owes("activity.cancelled", ["project_officer", "programme_manager", "logistics_assistant", "experts"],
                   facts=[*DATES_AND_PLACE, "action.reference"]),
}

ACTIVITY = StateMachine("Activity", STATES, RULES, terminal=TERMINAL, owned=OWNED, editors=EDITORS, creation="add",
                        alerts=ALERTS)
