"""The lifecycle of an activity's evaluation: its forms out to the participants and experts, the
answers coming in, the collection closed.

Read top to bottom: the states, the guards, the table of transitions with the roles that may
fire each one. The subject a guard sees is the collection with the trigger's data applied, plus
`reason`, `changed`, `today` and `activity` (its `state`).

The engine opens a collection when its activity is delivered and keeps its clock through the
deadline policy (the forms go out, reminders to those who have not answered, the closing). The
engine closes it on its deadline; the Action's officer or the programme manager may close it
earlier, with a reason. Closing it evaluates the activity (`FOLLOW_ONS`).
"""
from states.machine import StateMachine, rule

# -- states ------------------------------------------------------------------------------------
OPEN, CLOSED = "open", "closed"
STATES = [OPEN, CLOSED]

ENGINE = "engine"
"""The role of the engine itself: what the clock does (closing on the deadline) is fired by it."""


# -- guards ------------------------------------------------------------------------------------
def reason_given_by_a_person(c):
    """Closing early is a person's decision and says why; the clock needs no reason."""
    return None if c.by_engine or (c.reason or "").strip() else "give a reason (--reason)"


# -- who may fire ------------------------------------------------------------------------------
MANAGERS = ["action_officer", "programme_manager"]

# -- transitions -------------------------------------------------------------------------------
RULES = [
    rule("close", OPEN, CLOSED, roles=[ENGINE, *MANAGERS], guards=[reason_given_by_a_person]),
]

# -- what a transition makes happen to the subject it belongs to --------------------------------
FOLLOW_ONS = {"close": ("activity", "evaluate")}
"""(kind, trigger) fired on its parent in the same transaction: a closed collection evaluates its activity."""

# -- who may change what by hand ---------------------------------------------------------------
OWNED = ["state", "state_since", "action_id", "activity_id", "dispatched_at", "reminders_sent"]
EDITORS: dict = {}

EVALUATION_COLLECTION = StateMachine("Evaluation collection", STATES, RULES, terminal=[CLOSED], owned=OWNED,
                                     editors=EDITORS, creation="open", follow_ons=FOLLOW_ONS)
