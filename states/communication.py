"""The lifecycle of a communications task: a news item about an Action, or the month's newsletter,
drafted, reviewed, published.

Read top to bottom: the states, the guards, the table of transitions with the roles that may
fire each one, what a transition owes people. The subject a guard sees is the task with the
trigger's data applied, plus `reason`, `changed` and `today`.

The engine drafts a task when an Action is approved and when it closes (mieux/communications.py:
a news item made from the fiche and the results, with no one's personal data); the
communications officer edits it, ticks the visibility checklist (the EU's funding acknowledged,
the partner's approval of the text, consent for any photos), reviews and publishes it, or drops
it with a reason. The month's newsletter (mieux/newsletter.py: the Actions closed, the activities
coming up, the month's figures) is a task of its own, of no Action, drafted on the first of the
next month; it has no partner whose approval it needs. The drafts' deadlines are in the policy file.
"""
from states.machine import StateMachine, owes, rule

# -- states ------------------------------------------------------------------------------------
DRAFTED, REVIEWED, PUBLISHED, DROPPED = "drafted", "reviewed", "published", "dropped"
STATES = [DRAFTED, REVIEWED, PUBLISHED, DROPPED]


# -- guards ------------------------------------------------------------------------------------
def reason_given(task):
    return None if (task.reason or "").strip() else "give a reason (--reason)"


def visibility_checked(task):
    """Nothing is published before the visibility checklist is done."""
    missing = [what for what, done in (
        ("the EU's funding is acknowledged (eu_funding_acknowledged)", task.eu_funding_acknowledged),
        ("the partner approved the text (partner_approved)", task.partner_approved or task.occasion == "newsletter"),
        ("everyone in the photos consented, or there are none (photos_consented)", task.photos_consented is not False),
    ) if not done]
    return None if not missing else "the visibility checklist is not done: " + "; ".join(missing)


def text_written(task):
    return None if (task.draft or "").strip() and (task.title or "").strip() else "the item has no title or no text"


# -- who may fire ------------------------------------------------------------------------------
COMMS = ["communications_officer", "programme_manager"]
WRITERS = [*COMMS, "action_officer"]

# -- transitions -------------------------------------------------------------------------------
RULES = [
    rule("review", DRAFTED, REVIEWED, roles=COMMS, guards=[text_written]),
    rule("revise", REVIEWED, DRAFTED, roles=WRITERS, guards=[reason_given]),
    rule("publish", REVIEWED, PUBLISHED, roles=COMMS, guards=[visibility_checked]),
    rule("drop", [DRAFTED, REVIEWED], DROPPED, roles=COMMS, guards=[reason_given]),
]

# -- who may change what by hand ---------------------------------------------------------------
OWNED = ["state", "state_since", "action_id", "number", "occasion", "month"]
EDITORS = {**dict.fromkeys(["title", "draft", "eu_funding_acknowledged", "partner_approved", "photos_consented"],
                           WRITERS),
           "published_url": COMMS}

# -- what transitions owe people ---------------------------------------------------------------
ALERTS = {
    "draft": owes("communication.drafted", ["communications_officer"], facts=["title", "occasion"]),
    "publish": owes("communication.published", ["project_officer"], facts=["title", "published_url"]),
}

COMMUNICATION_TASK = StateMachine("Communications task", STATES, RULES, terminal=[PUBLISHED, DROPPED], owned=OWNED,
                                  kind="communication_task",
                                  editors=EDITORS, creation="draft", alerts=ALERTS)
