"""Experts on activities, on real stores: one small machine per expert per activity through the one
transition pipeline, its deadlines counted from the activity's dates and re-planned when they
move, its alerts reaching the expert, and the activity waiting for every contract."""
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from domain.activities import ActivityChanges, ActivityIn
from domain.assignments import AssignmentChanges, AssignmentIn
from domain.errors import Conflict, GuardFailed, InvalidInput, NotFound, NotPermitted
from domain.experts import ExpertIn
from mieux.deadlines import DeadlineKeeper, fire_due
from domain.matching import Weights
from mieux.experts import Roster, match
from mieux.service import ActionService
from mieux.subjects import MACHINES, parents_of, people_of
from notifications.directory import Directory
from notifications.planner import TransitionAlerts
from store.db import transaction
from store.tables import Alert, Deadline, Timer
from tests.helpers import new_action_in

UTC = timezone.utc


@pytest.fixture
def wired(engine, facility, clock, policy, office_calendar):
    """The service with both effects the engine wires: deadlines and the alerts transitions owe."""
    alerts = TransitionAlerts(Directory(facility), MACHINES.values(), parents=parents_of, people=people_of)
    return ActionService(engine=engine, facility=facility, clock=clock,
                         effects=[DeadlineKeeper(policy, office_calendar), alerts])


def expert(engine, facility, clock, name="Maria Garcia", email="maria.garcia@interior.es", country="ES") -> str:
    row = Roster(engine=engine, facility=facility, clock=clock).add(ExpertIn.model_validate({
        "name": name, "email": email, "sex": "woman", "nationality": country,
        "category": "eu_member_state_administration", "administration": "Ministerio del Interior",
        "administration_country": country, "languages": [{"language": "en", "level": "C1"}],
        "themes": ["legal_migration"], "consent_on": "2026-01-15", "consent_purpose": "EAR roster"}), actor="ana")
    return f"E{row.id}"


def activity(service, reference, start=date(2026, 6, 15), end=date(2026, 6, 17), title="Training of border officers"):
    row = service.add_activity(reference, ActivityIn(type="training", title=title, start=start, end=end, country="GH",
                                                     city="Accra"), actor="ana")
    return f"{reference}/{row.number}"


TERMS = {"working_days": 3, "travel_days": 2, "fee_per_day": "450"}


def propose(service, key, who, **terms):
    return service.propose_expert(key, AssignmentIn.model_validate({"expert": who, **TERMS, **terms}), actor="ana")


def deadlines(engine, kind):
    with transaction(engine) as session:
        return list(session.exec(select(Deadline).where(Deadline.kind == kind).order_by(Deadline.id)))


def alerts(engine):
    with transaction(engine) as session:
        return list(session.exec(select(Alert).order_by(Alert.id)))


def test_an_expert_goes_from_proposed_to_deployed_and_the_activity_waits_for_the_contract(wired, engine, facility,
                                                                                          clock):
    reference = new_action_in(wired, "implementation")
    key = activity(wired, reference)
    e1 = expert(engine, facility, clock)
    row = propose(wired, key, e1)
    assignment = f"{key}/{e1}"
    assert (row.state, row.fee_per_day, row.working_days) == ("proposed", "450.00", 3)
    wired.transition("activity", key, "prepare", actor="ana")
    with pytest.raises(GuardFailed, match=rf"not every expert is under contract: Maria Garcia \({e1}\) is not "
                                          "invited yet"):
        wired.transition("activity", key, "get_ready", actor="marta")

    wired.transition("assignment", assignment, "invite", actor="ana")
    [invited] = [a for a in alerts(engine) if a.kind == "assignment.invited"]
    assert invited.recipients == [e1]
    assert (invited.data["activity_title"], invited.data["activity_start"], invited.data["fee_per_day"]) == (
        "Training of border officers", "2026-06-15", "450.00")
    assert invited.data["deadlines"]["invitation_answer"]["due_at"].startswith("2026-03-09")  # 5 working days

    wired.transition("assignment", assignment, "accept", actor="ana")
    [answer] = deadlines(engine, "invitation_answer")
    [contract] = deadlines(engine, "contract_signature")
    assert answer.status == "met"
    assert contract.due_at.astimezone(facility.zone).date() == date(2026, 6, 1)  # 10 working days before 15 June
    with pytest.raises(GuardFailed, match="give the contract's date"):
        wired.transition("assignment", assignment, "send_contract", actor="marta")
    wired.transition("assignment", assignment, "send_contract", actor="marta",
                     changes=AssignmentChanges(contract_on=date(2026, 3, 10)))
    assert deadlines(engine, "contract_signature")[0].status == "pending"  # still live while it is sent
    with pytest.raises(GuardFailed, match="has not signed the contract"):
        wired.transition("activity", key, "get_ready", actor="marta")
    wired.transition("assignment", assignment, "sign_contract", actor="marta")
    assert deadlines(engine, "contract_signature")[0].status == "met"
    assert wired.transition("activity", key, "get_ready", actor="marta").state == "ready"
    with pytest.raises(GuardFailed, match="the activity starts on 2026-06-15, after today"):
        wired.transition("assignment", assignment, "deploy", actor="marta")
    clock.set(datetime(2026, 6, 15, 7, tzinfo=UTC))
    assert wired.transition("assignment", assignment, "deploy", actor="marta").state == "deployed"
    [report] = deadlines(engine, "mission_report")
    assert report.due_at.astimezone(facility.zone).date() == date(2026, 7, 1)  # 10 working days after 17 June
    history = [(e.trigger, e.to_state) for e in wired.subject_history("assignment", assignment)]
    assert history == [("propose", "proposed"), ("invite", "invited"), ("accept", "accepted"),
                       ("send_contract", "contract_sent"), ("sign_contract", "contract_signed"),
                       ("deploy", "deployed")]
    assert ("assignment", "deploy") in [(e.subject_kind, e.trigger) for e in wired.history(reference)]


def test_postponing_the_activity_re_plans_the_contract_deadline_and_tells_the_invited_experts(wired, engine,
                                                                                              facility, clock):
    reference = new_action_in(wired, "implementation")
    key = activity(wired, reference)
    e1, e2 = expert(engine, facility, clock), expert(engine, facility, clock, "Jan Novak", "jan@mvcr.cz", "CZ")
    propose(wired, key, e1)
    propose(wired, key, e2)
    for trigger in ("invite", "accept"):
        wired.transition("assignment", f"{key}/{e1}", trigger, actor="ana")
    wired.transition("assignment", f"{key}/{e2}", "invite", actor="ana")
    wired.transition("assignment", f"{key}/{e2}", "decline", actor="ana", reason="not available in June")
    wired.transition("activity", key, "postpone", actor="ana", reason="the minister is away",
                     changes=ActivityChanges(start=date(2026, 9, 14), end=date(2026, 9, 16)))
    old, new = deadlines(engine, "contract_signature")
    assert (old.status, new.status) == ("replanned", "pending")
    assert new.due_at.astimezone(facility.zone).date() == date(2026, 8, 31)  # 10 working days before 14 September
    replan = wired.subject_history("assignment", f"{key}/{e1}")[-1]
    assert (replan.trigger, replan.reason, replan.to_state) == ("replan", "activity.start changed", "accepted")
    assert replan.payload == {"deadlines": ["Expert contract to be signed: due 2026-06-01 -> 2026-08-31"]}
    [postponed] = [a for a in alerts(engine) if a.kind == "activity.postponed"]
    assert postponed.recipients == ["ana", "marta", e1]  # the expert who declined hears nothing
    [declined] = [a for a in alerts(engine) if a.kind == "assignment.declined"]
    assert (declined.recipients, declined.data["reason"]) == (["ana"], "not available in June")


def test_an_expert_cannot_be_in_two_places_nor_twice_on_one_activity(wired, engine, facility, clock):
    reference = new_action_in(wired, "implementation")
    first, overlapping = activity(wired, reference), activity(wired, reference, date(2026, 6, 17), date(2026, 6, 19))
    later = activity(wired, reference, date(2026, 6, 22), date(2026, 6, 24))
    e1 = expert(engine, facility, clock)
    propose(wired, first, e1)
    with pytest.raises(Conflict, match=f"{e1} Maria Garcia is already on {first} Training of border officers"):
        propose(wired, first, e1)
    with pytest.raises(Conflict, match=rf"is on {first} .* from 2026-06-15 to 2026-06-17 \(proposed\), which "
                                       "overlaps 2026-06-17 to 2026-06-19: an expert cannot be in two places"):
        propose(wired, overlapping, e1)
    assert propose(wired, later, e1).state == "proposed"
    [judged] = match(wired, overlapping, Weights())[2]
    assert judged.excluded == [f"on {first} from 2026-06-15 to 2026-06-17: cannot be in two places"]
    assert match(wired, first, Weights())[2][0].excluded == ["already on this activity (proposed)"]
    wired.transition("assignment", f"{first}/{e1}", "withdraw", actor="pieter", reason="the activity needs a lawyer")
    assert propose(wired, overlapping, e1).state == "proposed"  # withdrawn: free at those dates again


def test_proposals_are_refused_for_an_unknown_expert_a_closed_activity_or_someone_not_running_it(wired, engine,
                                                                                                 facility, clock):
    reference = new_action_in(wired, "implementation")
    key = activity(wired, reference)
    e1 = expert(engine, facility, clock)
    with pytest.raises(NotFound, match="no expert E99 in the roster"):
        propose(wired, key, "E99")
    with pytest.raises(NotPermitted, match="cannot propose an expert for .*: only a action_officer or "
                                           "junior_project_officer or programme_manager may, and jonas is"):
        wired.propose_expert(key, AssignmentIn(expert=e1), actor="jonas")
    wired.transition("activity", key, "cancel", actor="ana", reason="the partner withdrew")
    with pytest.raises(InvalidInput, match="it is cancelled"):
        propose(wired, key, e1)
    with pytest.raises(InvalidInput, match="is not an assignment: name it by its activity and expert"):
        wired.transition("assignment", f"{key}-E1", "invite", actor="ana")
    with pytest.raises(NotFound, match=f"no assignment '{key}/E7': expert E7 is not proposed for {key}"):
        wired.transition("assignment", f"{key}/E7", "invite", actor="ana")


def test_the_invitation_deadline_counts_working_days_across_easter_and_an_answer_stops_it(wired, engine, facility,
                                                                                          clock, policy):
    reference = new_action_in(wired, "implementation")
    key, other = activity(wired, reference), activity(wired, reference, date(2026, 6, 22), date(2026, 6, 24))
    e1 = expert(engine, facility, clock)
    propose(wired, key, e1)
    propose(wired, other, e1)
    clock.set(datetime(2026, 4, 2, 12, tzinfo=UTC))  # Thursday before Easter; Monday 6 April is a holiday
    wired.transition("assignment", f"{key}/{e1}", "invite", actor="ana")
    wired.transition("assignment", f"{other}/{e1}", "invite", actor="ana")

    def fired_on(day: date, hour: int = 7) -> list[tuple[str, list[str]]]:
        clock.set(datetime(day.year, day.month, day.day, hour, 1, tzinfo=UTC))
        before = {a.id for a in alerts(engine)}
        fire_due(engine, policy=policy, facility=facility, clock=clock)
        return [(a.kind, a.recipients, a.data["reference"]) for a in alerts(engine) if a.id not in before]

    assert fired_on(date(2026, 4, 7)) == []  # without Easter Monday the reminder would be due today
    wired.transition("assignment", f"{other}/{e1}", "accept", actor="ana")  # an answer stops its reminders
    assert fired_on(date(2026, 4, 8)) == [("invitation_answer.reminder", [e1], f"{key}/{e1}")]  # 3 working days
    assert fired_on(date(2026, 4, 9)) == []
    assert fired_on(date(2026, 4, 10)) == [("invitation_answer.due", ["ana"], f"{key}/{e1}")]  # 5 working days
    assert [d.status for d in deadlines(engine, "invitation_answer")] == ["pending", "met"]


def test_an_action_asking_for_triangular_cooperation_ranks_a_southern_administration_up(wired, engine, facility,
                                                                                        clock):
    from domain.schemas import ActionChanges

    reference = new_action_in(wired, "implementation")
    key = activity(wired, reference)
    expert(engine, facility, clock)
    southern = Roster(engine=engine, facility=facility, clock=clock).add(ExpertIn.model_validate({
        "name": "Amina Benali", "email": "a.benali@interieur.gov.ma", "sex": "woman", "nationality": "MA",
        "category": "non_eu_administration", "administration": "Ministère de l'Intérieur",
        "administration_country": "MA", "languages": [{"language": "en", "level": "C1"}],
        "themes": ["legal_migration"], "consent_on": "2026-01-15", "consent_purpose": "EAR roster"}), actor="ana")
    assert [m.candidate.name for m in match(wired, key, Weights())[2]] == ["Maria Garcia", "Amina Benali"]
    wired.update(reference, ActionChanges(triangular=True), actor="ana", reason="the partner asked for it")
    ranked = match(wired, key, Weights())[2]
    assert [m.candidate.key for m in ranked] == [f"E{southern.id}", "E1"]
    assert (20, "a non-EU administration (MA): triangular cooperation") in ranked[0].reasons


def test_no_notice_about_an_expert_goes_out_once_their_activity_is_cancelled(wired, engine, facility, clock, policy):
    reference = new_action_in(wired, "implementation")
    key = activity(wired, reference)
    e1 = expert(engine, facility, clock)
    propose(wired, key, e1)
    for trigger in ("invite", "accept"):
        wired.transition("assignment", f"{key}/{e1}", trigger, actor="ana")
    wired.transition("activity", key, "cancel", actor="ana", reason="the partner withdrew")
    [contract] = deadlines(engine, "contract_signature")  # stopped with the activity, in its transaction
    assert (contract.status, contract.stopped_by) == ("cancelled", "cancel")
    clock.set(datetime(2026, 6, 1, 7, 1, tzinfo=UTC))  # the contract was due today
    fire_due(engine, policy=policy, facility=facility, clock=clock)
    assert [a.kind for a in alerts(engine) if a.kind.startswith("contract")] == []
    with transaction(engine) as session:
        timers = session.exec(select(Timer.status).where(Timer.deadline_id == contract.id)).all()
    assert timers == ["cancelled"]
