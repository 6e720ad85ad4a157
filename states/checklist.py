"""The lifecycle of one item of a mission's logistics checklist: a venue, an expert's visa, the agenda.

Read top to bottom: the states, the guards, the table of transitions with the roles that may
fire each one. The subject a guard sees is the item with the trigger's data applied, plus
`reason`, `changed`, `today` and `activity`, the mission it is for (its `state`).

Items are made when their activity is prepared (mieux/logistics.py, from config/logistics.yaml),
and for an expert proposed once it is. An item that turns out to be needed after all is reopened.
"""
from states.machine import StateMachine, rule

# -- states ------------------------------------------------------------------------------------
OPEN, DONE, NOT_NEEDED = "open", "done", "not_needed"
STATES = [OPEN, DONE, NOT_NEEDED]
SETTLED = [DONE, NOT_NEEDED]
"""An item that no longer holds its activity back."""

UNDER_WAY = ["planned", "preparing", "ready"]


# -- guards ------------------------------------------------------------------------------------
def reason_given(item):
    return None if (item.reason or "").strip() else "give a reason (--reason)"


def activity_under_way(item):
    """A mission that took place or was cancelled has no logistics left to change."""
    return None if item.activity.state in UNDER_WAY else f"its activity is {item.activity.state}"


# -- who may fire ------------------------------------------------------------------------------
LOGISTICS = ["logistics_assistant", "action_officer", "junior_project_officer", "programme_manager"]
RUNNERS = ["action_officer", "junior_project_officer", "programme_manager"]

# -- transitions -------------------------------------------------------------------------------
RULES = [
    rule("done", OPEN, DONE, roles=LOGISTICS, guards=[activity_under_way]),
    rule("not_needed", OPEN, NOT_NEEDED, roles=LOGISTICS, guards=[activity_under_way, reason_given]),
    rule("reopen", SETTLED, OPEN, roles=LOGISTICS, guards=[activity_under_way, reason_given]),
]

# -- who may change what by hand ---------------------------------------------------------------
OWNED = ["state", "state_since", "action_id", "activity_id", "number", "kind", "expert_id"]
EDITORS = {"label": LOGISTICS, "owner": RUNNERS}

CHECKLIST_ITEM = StateMachine("Checklist item", STATES, RULES, terminal=[], owned=OWNED, editors=EDITORS,
                              creation="add")
