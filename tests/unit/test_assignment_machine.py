"""The assignment machine on its own: the laws of every machine, then what is particular to it."""
from datetime import date
from types import SimpleNamespace

import pytest

from domain.errors import GuardFailed, IllegalTransition, NotPermitted
from states.assignment import ASSIGNMENT, BEFORE_DEPLOYMENT
from tests.unit.machine_laws import machine_laws

TODAY = date(2026, 6, 10)


def subject(state: str, **changes) -> SimpleNamespace:
    """An assignment whose data satisfies every guard: its activity dated, placed, open and under way."""
    activity = SimpleNamespace(state="preparing", start=date(2026, 6, 1), end=date(2026, 6, 3), city="Accra",
                               country="GH", remote=False)
    data = dict(state=state, reason="the expert fell ill", working_days=3, travel_days=2, fee_per_day="450.00",
                contract_on=date(2026, 4, 20), report_on=date(2026, 6, 9), today=TODAY, changed=frozenset(),
                activity=activity)
    activity_changes = changes.pop("activity", {})
    thing = SimpleNamespace(**{**data, **changes})
    thing.activity = SimpleNamespace(**{**vars(activity), **activity_changes})
    return thing


BREAK = {
    "reason_given": {"reason": "  "},
    "activity_open": {"activity": {"state": "cancelled"}},
    "activity_dated": {"activity": {"end": None}},
    "activity_placed": {"activity": {"city": None}},
    "terms_given": {"fee_per_day": None},
    "contract_dated": {"contract_on": None},
    "mission_started": {"activity": {"start": date(2026, 6, 11), "end": date(2026, 6, 12)}},
    "mission_ended": {"activity": {"end": date(2026, 6, 11)}},
    "report_dated": {"report_on": None},
}

globals().update(machine_laws(ASSIGNMENT, subject, BREAK))


def test_the_whole_way_from_proposed_to_completed():
    thing, steps = subject("proposed"), ["invite", "accept", "send_contract", "sign_contract", "deploy", "complete"]
    for trigger in steps:
        ASSIGNMENT.fire(thing, trigger, label="x", roles=["action_officer"])
    assert thing.state == "completed"


@pytest.mark.parametrize("state", BEFORE_DEPLOYMENT)
def test_an_expert_may_be_withdrawn_at_any_point_before_deployment_with_a_reason(state):
    assert ASSIGNMENT.fire(subject(state), "withdraw", label="x", roles=["programme_manager"]) == "withdrawn"


def test_a_deployed_expert_cannot_be_withdrawn():
    with pytest.raises(IllegalTransition, match="it is in deployed, where the triggers are complete"):
        ASSIGNMENT.fire(subject("deployed"), "withdraw", label="x", roles=["programme_manager"])


def test_the_invitation_lists_everything_it_lacks_at_once():
    thing = subject("proposed", working_days=None, fee_per_day=None, activity={"start": None, "city": None})
    with pytest.raises(GuardFailed) as refused:
        ASSIGNMENT.fire(thing, "invite", label="x", roles=["action_officer"])
    assert refused.value.reasons == ["its activity's dates are not fixed", "its activity's place is not fixed",
                                     "its terms are not set (--working-days, --fee-per-day)"]


def test_a_remote_activity_needs_no_city_for_the_invitation():
    thing = subject("proposed", activity={"city": None, "country": None, "remote": True})
    assert ASSIGNMENT.fire(thing, "invite", label="x", roles=["action_officer"]) == "invited"


def test_the_logistics_assistant_handles_contracts_but_does_not_invite():
    assert ASSIGNMENT.fire(subject("accepted"), "send_contract", label="x",
                           roles=["logistics_assistant"]) == "contract_sent"
    with pytest.raises(NotPermitted):
        ASSIGNMENT.fire(subject("proposed"), "invite", label="x", roles=["logistics_assistant"])


def test_only_the_actions_own_officer_not_any_project_officer_invites():
    with pytest.raises(NotPermitted, match="only a action_officer or junior_project_officer or programme_manager"):
        ASSIGNMENT.fire(subject("proposed"), "invite", label="x", roles=["project_officer"])
