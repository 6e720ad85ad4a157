"""The Action machine on its own: the laws of every machine (every (state, trigger) pair, every
guard, every role rule: tests/unit/machine_laws.py), then what is particular to the Action."""
from datetime import date
from types import SimpleNamespace

import pytest

from domain.errors import GuardFailed, IllegalTransition, InvalidInput, NotPermitted
from domain.model import Role
from states.action import ACTION
from tests.unit.machine_laws import machine_laws

FICHE_OK = {"objective": "o", "intervention_logic": "l"}


def activity(state: str, title: str = "Kick-off") -> SimpleNamespace:
    return SimpleNamespace(title=title, state=state)


def subject(state: str, **changes) -> SimpleNamespace:
    """An Action whose data satisfies every guard (resume goes back to approval)."""
    data = dict(state=state, reason="because", countries=["GH"], requester_type="national_authority",
                received_on=date(2026, 2, 27), project_officer="ana", forwarded_to="MPF", fiche=FICHE_OK,
                psg_comments="sharpen the objective", psg_decision_on=date(2026, 3, 20),
                monitoring_completed_on=date(2026, 9, 1), final_report="report", lessons_learnt="lessons",
                suspended_from="approval", to=None, activities=[activity("delivered")], collecting=[])
    return SimpleNamespace(**{**data, **changes})


def fiche(**changes) -> dict:
    return {**FICHE_OK, **changes}


# One way to break each guard; a new guard without an entry here fails test_every_guard_is_covered.
BREAK = {
    "reason_given": {"reason": "  "},
    "partner_country": {"countries": ["GH", "FR"]},
    "requester_type_allowed": {"requester_type": "judiciary", "received_on": date(2015, 6, 1)},
    "officer_assigned": {"project_officer": None},
    "facility_named": {"forwarded_to": None},
    "fiche_has_objective": {"fiche": fiche(objective=None)},
    "fiche_has_intervention_logic": {"fiche": fiche(intervention_logic="")},
    "fiche_has_planned_activity": {"activities": [activity("cancelled", "x")]},
    "psg_comments_given": {"psg_comments": None},
    "decision_date_given": {"psg_decision_on": None},
    "activities_concluded": {"activities": [activity("planned")]},
    "monitoring_done": {"monitoring_completed_on": None},
    "evaluations_closed": {"collecting": ["3 Training of trainers"]},
    "final_report_recorded": {"final_report": None},
    "lessons_recorded": {"lessons_learnt": None},
}


def aim(action, rule) -> None:
    """Resume chooses its row by where the Action left: make it the rule's destination."""
    if action.state == "on_hold":
        action.suspended_from = rule.dest


globals().update(machine_laws(ACTION, subject, BREAK, aim))


def test_only_a_psg_member_may_approve_even_a_programme_manager_may_not():
    for roles in (["project_officer"], ["programme_manager"], ["admin"], ["project_officer", "programme_manager"]):
        with pytest.raises(NotPermitted):
            ACTION.fire(subject("approval"), "approve", label="x", roles=roles)
    assert ACTION.fire(subject("approval"), "approve", label="x", roles=["psg_member"]) == "implementation"


def test_a_refusal_lists_every_missing_condition_at_once():
    action = subject("pre_implementation", fiche={}, activities=[])
    with pytest.raises(GuardFailed) as refused:
        ACTION.fire(action, "submit_fiche", label="x", roles=["project_officer"])
    assert refused.value.reasons == ["the Action Fiche has no objective", "the Action Fiche has no intervention logic",
                                     "the Action Fiche has no planned activity"]


def test_an_eu_member_state_cannot_request_and_the_refusal_names_it():
    with pytest.raises(GuardFailed, match="FR: an EU Member State cannot request"):
        ACTION.fire(subject("request", countries=["SN", "FR"]), "accept", label="x", roles=["project_officer"])


def test_local_authorities_may_request_from_2016_on():
    early = subject("request", requester_type="local_authority", received_on=date(2015, 12, 31))
    with pytest.raises(GuardFailed, match="may request only since 2016"):
        ACTION.fire(early, "accept", label="x", roles=["project_officer"])
    late = subject("request", requester_type="local_authority", received_on=date(2016, 1, 4))
    assert ACTION.fire(late, "accept", label="x", roles=["project_officer"]) == "pre_implementation"


@pytest.mark.parametrize("left", ["request", "pre_implementation", "approval", "implementation", "monitoring",
                                  "closure"])
def test_resume_returns_to_the_state_the_action_left(left):
    action = subject("on_hold", suspended_from=left)
    assert ACTION.fire(action, "resume", label="x", roles=["project_officer"]) == left


def test_resume_is_refused_when_the_state_it_left_is_not_known():
    with pytest.raises(GuardFailed, match="the state it left is not recorded"):
        ACTION.fire(subject("on_hold", suspended_from=None), "resume", label="x", roles=["project_officer"])


def test_an_action_imported_on_hold_resumes_where_the_person_says_and_nowhere_else():
    assert ACTION.fire(subject("on_hold", suspended_from=None, to="approval"), "resume", label="x",
                       roles=["project_officer"]) == "approval"
    with pytest.raises(GuardFailed, match="--to closed is not a working state"):
        ACTION.fire(subject("on_hold", suspended_from=None, to="closed"), "resume", label="x", roles=["project_officer"])


def test_where_an_action_left_for_on_hold_outranks_a_requested_destination():
    with pytest.raises(GuardFailed, match="it left request, so it cannot resume to closure"):
        ACTION.fire(subject("on_hold", suspended_from="request", to="closure"), "resume", label="x",
                    roles=["project_officer"])


def test_the_machines_bookkeeping_is_never_set_by_hand_and_each_field_needs_its_role():
    with pytest.raises(InvalidInput, match="state, suspended_from of 2026-01 Ghana II: kept by the Action's state"):
        ACTION.check_edit(["state", "suspended_from"], label="2026-01 Ghana II", roles=list(Role))
    with pytest.raises(InvalidInput, match="version: not a field of the Action that can be changed"):
        ACTION.check_edit(["version"], label="x", roles=list(Role))
    with pytest.raises(NotPermitted, match=r"psg_decision_on \(only a psg_member may\) of x: the acting person is "
                                           "knowledge_officer"):
        ACTION.check_edit(["psg_decision_on", "lessons_learnt"], label="x", roles=["knowledge_officer"])
    ACTION.check_edit(["psg_decision_on", "psg_comments"], label="x", roles=["psg_member"])


def test_every_field_a_person_may_set_has_editors_and_none_is_owned_by_the_machine():
    from domain.schemas import ActionChanges

    assert set(ACTION.editors) == set(ActionChanges.model_fields)
    assert not ACTION.owned & set(ActionChanges.model_fields)


def test_an_unknown_trigger_is_refused_naming_the_real_ones():
    with pytest.raises(IllegalTransition, match="'to_closed' is not a trigger of the Action; the triggers are accept"):
        ACTION.fire(subject("request"), "to_closed", label="x", roles=["admin"])
