"""The activity machine on its own: the laws of every machine, then what is particular to it."""
from datetime import date
from types import SimpleNamespace

import pytest

from domain.errors import GuardFailed, NotPermitted
from states.activity import ACTIVITY
from tests.unit.machine_laws import machine_laws

TODAY = date(2026, 6, 1)


def subject(state: str, **changes) -> SimpleNamespace:
    """An activity whose data satisfies every guard."""
    data = dict(state=state, reason="the partner asked", start=date(2026, 5, 4), end=date(2026, 5, 6),
                country="GH", city="Accra", remote=False, action_state="implementation", today=TODAY,
                changed=frozenset({"start", "end"}), assignments=[], open_items=[], collection_state="closed")
    return SimpleNamespace(**{**data, **changes})


BREAK = {
    "reason_given": {"reason": " "},
    "dates_fixed": {"end": None},
    "place_fixed": {"city": None},
    "action_implemented": {"action_state": "approval"},
    "has_started": {"start": date(2026, 6, 2), "end": date(2026, 6, 3)},
    "new_dates_given": {"changed": frozenset({"city"})},
    "experts_contracted": {"assignments": [SimpleNamespace(expert="E3", name="Maria Garcia", state="accepted")]},
    "checklist_settled": {"open_items": [SimpleNamespace(item="L2", label="Visa obtained for E3")]},
    "collection_closed": {"collection_state": "open"},
}

globals().update(machine_laws(ACTIVITY, subject, BREAK))


def test_a_remote_activity_needs_no_city():
    assert ACTIVITY.fire(subject("planned", city=None, country=None, remote=True), "prepare", label="x",
                         roles=["action_officer"]) == "preparing"


def test_only_the_actions_own_officer_runs_its_activities_not_any_project_officer():
    with pytest.raises(NotPermitted, match="only a action_officer or junior_project_officer or programme_manager"):
        ACTIVITY.fire(subject("planned"), "prepare", label="x", roles=["project_officer"])


def test_postponing_needs_new_dates_and_a_reason_and_goes_back_to_planned():
    with pytest.raises(GuardFailed) as refused:
        ACTIVITY.fire(subject("ready", reason="", changed=frozenset()), "postpone", label="x", roles=["action_officer"])
    assert refused.value.reasons == ["give a reason (--reason)", "give the new dates (--start, --end)"]
    assert ACTIVITY.fire(subject("ready"), "postpone", label="x", roles=["programme_manager"]) == "planned"


def test_ready_waits_for_every_expert_still_on_it_to_be_under_contract_and_names_each():
    experts = [SimpleNamespace(expert="E1", name="Ana Lopes", state="contract_signed"),
               SimpleNamespace(expert="E2", name="Jan Novak", state="invited"),
               SimpleNamespace(expert="E3", name="Maria Garcia", state="contract_sent"),
               SimpleNamespace(expert="E4", name="Piet de Vries", state="declined"),
               SimpleNamespace(expert="E5", name="Eva Berg", state="withdrawn")]
    with pytest.raises(GuardFailed) as refused:
        ACTIVITY.fire(subject("preparing", assignments=experts), "get_ready", label="x", roles=["logistics_assistant"])
    assert refused.value.reasons == ["not every expert is under contract: Jan Novak (E2) has not answered the "
                                     "invitation; Maria Garcia (E3) has not signed the contract"]
    experts[1].state, experts[2].state = "declined", "contract_signed"
    assert ACTIVITY.fire(subject("preparing", assignments=experts), "get_ready", label="x",
                         roles=["logistics_assistant"]) == "ready"


def test_ready_is_refused_while_its_checklist_has_open_items_and_the_refusal_lists_each():
    items = [SimpleNamespace(item="L1", label="Venue booked"), SimpleNamespace(item="L4", label="Visa obtained for E3")]
    with pytest.raises(GuardFailed) as refused:
        ACTIVITY.fire(subject("preparing", open_items=items), "get_ready", label="x", roles=["logistics_assistant"])
    assert refused.value.reasons == ["its logistics checklist has open items: L1 Venue booked; L4 Visa obtained for E3"]


def test_an_activity_delivered_before_forms_existed_is_evaluated_by_hand_one_still_collecting_is_not():
    assert ACTIVITY.fire(subject("delivered", collection_state=None), "evaluate", label="x",
                         roles=["action_officer"]) == "evaluated"
    with pytest.raises(GuardFailed, match="its evaluation forms are still being collected"):
        ACTIVITY.fire(subject("delivered", collection_state="open"), "evaluate", label="x", roles=["programme_manager"])
    assert ACTIVITY.fire(subject("delivered"), "evaluate", label="x", roles=["engine"]) == "evaluated"
