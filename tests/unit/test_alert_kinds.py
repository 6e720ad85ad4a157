"""Every alert a machine or the deadline policy owes has words of its own, and renders."""
from zoneinfo import ZoneInfo

import pytest

from config.policy import DEFAULT_DEADLINES, load_policy
from mieux.subjects import ANCHORS, MACHINES
from notifications.templates import KINDS, render

OWED = sorted({owed.alert for machine in MACHINES.values() for owed in machine.alerts.values()})


@pytest.mark.parametrize("kind", OWED)
def test_each_alert_a_transition_owes_has_its_own_template(kind):
    assert kind in KINDS


def test_every_deadline_of_the_shipped_policy_renders_at_each_of_its_points(facility):
    policy = load_policy(DEFAULT_DEADLINES, machines=MACHINES, anchors=ANCHORS, facility=facility)
    for rule in policy.deadlines:
        for point in ["due", *(["reminder"] if rule.reminders else []), *(["escalation"] if rule.escalations else [])]:
            message = render(f"{rule.kind}.{point}", {"reference": "2026-07/3", "name": "Workshop",
                                                      "deadline": rule.label, "due_at": "2026-05-01T07:00:00+00:00",
                                                      "of_action": "2026-07 Ghana II", "state": "planned"},
                             zone=ZoneInfo("Europe/Brussels"))
            assert "2026-07/3 Workshop" in message.subject + message.text, (rule.kind, point)
