"""Logistics checklists on real stores: made when an activity is prepared, each item a subject whose
deadline counts from the activity's start, holding the activity back until settled, re-planned
when it moves, silent once it is cancelled, and overdue items telling their owner, then the officer."""
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from config.settings import DEFAULT_FACILITY
from domain.activities import ActivityChanges, ActivityIn
from domain.assignments import AssignmentIn
from domain.errors import GuardFailed, IllegalTransition, NotPermitted
from mieux.deadlines import DeadlineKeeper, fire_due
from mieux.logistics import Checklists, items_of, load_catalogue
from mieux.service import ActionService
from mieux.subjects import MACHINES, parents_of, people_of
from notifications.directory import Directory
from notifications.planner import TransitionAlerts
from store.db import transaction
from store.tables import Alert, Audit, Deadline, Timer
from tests.helpers import new_action_in
from tests.integration.test_assignments import expert

UTC = timezone.utc
CATALOGUE = DEFAULT_FACILITY.with_name("logistics.yaml")


@pytest.fixture
def wired(engine, facility, clock, policy, office_calendar):
    """The service as the engine wires it: deadlines, the alerts transitions owe, and checklists."""
    alerts = TransitionAlerts(Directory(facility), MACHINES.values(), parents=parents_of, people=people_of)
    return ActionService(engine=engine, facility=facility, clock=clock,
                         effects=[DeadlineKeeper(policy, office_calendar), alerts],
                         spawners=[Checklists(load_catalogue(CATALOGUE, policy))])


def add(service, reference, actor="ana", **fields) -> str:
    data = {"type": "workshop", "title": "Workshop on labour migration", "start": date(2026, 6, 8),
            "end": date(2026, 6, 10), "country": "GH", "city": "Accra", **fields}
    return f"{reference}/{service.add_activity(reference, ActivityIn.model_validate(data), actor=actor).number}"


def due_days(engine, facility, key):
    return {x.label: x.due_at.astimezone(facility.zone).date() for x in items_of(engine, key)[1]}


def test_a_workshop_abroad_with_two_experts_one_needing_a_visa_gets_its_items_due_across_whit_monday(
        wired, engine, facility, clock):
    reference = new_action_in(wired, "implementation")
    key = add(wired, reference, languages=["en", "fr"])
    ghanaian = expert(engine, facility, clock, "Ama Mensah", "ama.mensah@gis.gov.gh", "GH")  # at home: no visa
    spaniard = expert(engine, facility, clock, "Maria Garcia", "maria.garcia@interior.es", "ES")
    for who in (ghanaian, spaniard):
        wired.propose_expert(key, AssignmentIn.model_validate({"expert": who}), actor="ana")
    wired.transition("activity", key, "prepare", actor="ana")

    state, lines = items_of(engine, key)
    assert state == "preparing" and {x.state for x in lines} == {"open"}
    assert [(x.item.rpartition("/")[2], x.label, x.owner) for x in lines] == [
        ("L1", "Venue booked", "logistics_assistant"),
        ("L2", f"International flights booked for {ghanaian}", "logistics_assistant"),
        ("L3", f"International flights booked for {spaniard}", "logistics_assistant"),
        ("L4", "Invitation letters sent", "logistics_assistant"),
        ("L5", f"Visa obtained for {spaniard}", "logistics_assistant"),
        ("L6", "Interpretation hired", "logistics_assistant"),
        ("L7", f"Travel insurance bought for {ghanaian}", "logistics_assistant"),
        ("L8", f"Travel insurance bought for {spaniard}", "logistics_assistant"),
        ("L9", f"Per-diem advance paid for {ghanaian}", "logistics_assistant"),
        ("L10", f"Per-diem advance paid for {spaniard}", "logistics_assistant"),
        ("L11", "Agenda agreed with the partner", "project_officer"),
        ("L12", "Participant list received", "logistics_assistant"),
        ("L13", "Equipment arranged", "logistics_assistant")]
    due = due_days(engine, facility, key)
    # start Monday 8 June 2026: venue 30 days before is Saturday 9 May -> Monday 11 May; interpretation 14
    # days before is Whit Monday 25 May, a Belgian public holiday -> Tuesday 26 May
    assert due["Venue booked"] == date(2026, 5, 11)
    assert due[f"International flights booked for {spaniard}"] == date(2026, 5, 18)
    assert due["Invitation letters sent"] == date(2026, 5, 11)
    assert due[f"Visa obtained for {spaniard}"] == date(2026, 5, 18)
    assert due["Interpretation hired"] == date(2026, 5, 26)
    assert due["Agenda agreed with the partner"] == date(2026, 5, 29)
    assert due[f"Travel insurance bought for {spaniard}"] == date(2026, 6, 1)
    assert due["Participant list received"] == date(2026, 6, 3)


def test_a_remote_session_gets_the_remote_list_and_one_language_needs_no_interpreter(wired, engine):
    reference = new_action_in(wired, "implementation")
    key = add(wired, reference, type="information_session", country=None, city=None, remote=True, languages=["es"])
    wired.transition("activity", key, "prepare", actor="ana")
    assert [x.label for x in items_of(engine, key)[1]] == [
        "Online platform chosen and tested", "Agenda agreed with the partner", "Participant list received",
        "Meeting link sent to everyone"]


def test_ready_is_refused_listing_the_open_items_and_allowed_once_each_is_done_or_not_needed(wired, engine):
    reference = new_action_in(wired, "implementation")
    key = add(wired, reference, type="information_session", country=None, city=None, remote=True)
    wired.transition("activity", key, "prepare", actor="ana")
    with pytest.raises(GuardFailed) as refused:
        wired.transition("activity", key, "get_ready", actor="marta")
    assert refused.value.reasons == ["its logistics checklist has open items: L1 Online platform chosen and "
                                     "tested; L2 Agenda agreed with the partner; L3 Participant list received; "
                                     "L4 Meeting link sent to everyone"]
    with pytest.raises(GuardFailed, match="give a reason"):
        wired.transition("checklist_item", f"{key}/L3", "not_needed", actor="marta")
    with pytest.raises(NotPermitted):
        wired.transition("checklist_item", f"{key}/L1", "done", actor="psg-devco")
    for n in (1, 2, 4):
        wired.transition("checklist_item", f"{key}/L{n}", "done", actor="marta")
    wired.transition("checklist_item", f"{key}/L3", "not_needed", actor="marta", reason="the partner invites them")
    assert wired.transition("activity", key, "get_ready", actor="marta").state == "ready"
    lines = {x.item: x for x in items_of(engine, key)[1]}
    assert lines[f"{key}/L3"].note == "the partner invites them" and lines[f"{key}/L3"].due_at is None
    with transaction(engine) as session:
        met = session.exec(select(Deadline.status).where(Deadline.subject_kind == "checklist_item")).all()
    assert sorted(met) == ["met"] * 4  # not needed also meets it


def test_postponing_re_plans_every_item_and_cancelling_silences_them(wired, engine, facility, clock):
    reference = new_action_in(wired, "implementation")
    key = add(wired, reference)
    wired.transition("activity", key, "prepare", actor="ana")
    before = due_days(engine, facility, key)
    wired.transition("activity", key, "postpone", actor="ana", reason="elections",
                     changes=ActivityChanges(start=date(2026, 9, 7), end=date(2026, 9, 9)))
    after = due_days(engine, facility, key)
    assert after.keys() == before.keys() and after["Venue booked"] == date(2026, 8, 10)  # 8 Aug is a Saturday
    with transaction(engine) as session:
        replans = session.exec(select(Audit).where(Audit.subject_kind == "checklist_item",
                                                   Audit.trigger == "replan")).all()
    assert len(replans) == len(before)
    wired.transition("activity", key, "prepare", actor="ana")  # prepared again: the same checklist, no second one
    assert len(items_of(engine, key)[1]) == len(before)

    wired.transition("activity", key, "cancel", actor="ana", reason="the partner withdrew")
    with transaction(engine) as session:  # at once, in the cancel's own transaction: their Prefect runs follow
        stopped = session.exec(select(Deadline.status, Deadline.stopped_by).where(
            Deadline.subject_kind == "checklist_item", Deadline.status.not_in(["replanned"]))).all()
        left = session.exec(select(Timer).where(Timer.subject_kind == "checklist_item",
                                                Timer.status == "pending")).all()
    assert set(stopped) == {("cancelled", "cancel")} and len(stopped) == len(before) and left == []
    clock.set(datetime(2026, 9, 30, 9, 0, tzinfo=UTC))
    fire_due(engine, policy=wired_policy(wired), facility=facility, clock=clock)
    with transaction(engine) as session:
        assert session.exec(select(Alert).where(Alert.subject_kind == "checklist_item")).all() == []
    with pytest.raises(GuardFailed, match="its activity is cancelled"):
        wired.transition("checklist_item", f"{key}/L1", "done", actor="marta")


def wired_policy(service):
    return next(e for e in service.effects if isinstance(e, DeadlineKeeper)).policy


def test_an_overdue_item_tells_its_owner_then_one_working_day_later_the_project_officer(wired, engine, facility,
                                                                                      clock):
    reference = new_action_in(wired, "implementation")
    key = add(wired, reference, type="information_session", country=None, city=None, remote=True)
    wired.transition("activity", key, "prepare", actor="ana")
    policy = wired_policy(wired)
    for day in (25, 26, 27):  # the platform was due 25 May, Whit Monday, so Tuesday 26 May
        clock.set(datetime(2026, 5, day, 12, 0, tzinfo=UTC))
        fire_due(engine, policy=policy, facility=facility, clock=clock)
    with transaction(engine) as session:
        owed = session.exec(select(Alert.kind, Alert.recipients, Alert.created_at).where(
            Alert.subject_kind == "checklist_item", Alert.data["reference"].as_string() == f"{key}/L1")
            .order_by(Alert.id)).all()
    assert [(kind, recipients, at.day) for kind, recipients, at in owed] == [
        ("checklist_item.due", ["marta"], 26), ("checklist_item.escalation", ["ana"], 27)]


def test_an_expert_proposed_once_the_checklist_exists_gets_their_own_items(wired, engine, facility, clock):
    reference = new_action_in(wired, "implementation")
    key = add(wired, reference, country="MA", city="Rabat")
    wired.transition("activity", key, "prepare", actor="ana")
    german = expert(engine, facility, clock, "Jana Weber", "jana.weber@bmi.de", "DE")  # Morocco: visa-free for EU
    wired.propose_expert(key, AssignmentIn.model_validate({"expert": german}), actor="ana")
    labels = [x.label for x in items_of(engine, key)[1]]
    assert labels[-3:] == [f"International flights booked for {german}", f"Travel insurance bought for {german}",
                           f"Per-diem advance paid for {german}"]
    wired.transition("assignment", f"{key}/{german}", "withdraw", actor="ana", reason="ill")
    with pytest.raises(GuardFailed) as refused:
        wired.transition("activity", key, "get_ready", actor="marta")
    assert german not in str(refused.value)  # an expert no longer on it holds nothing back


def test_a_done_item_may_be_reopened_with_a_reason_and_its_owner_handed_to_a_person(wired, engine):
    from domain.logistics import ItemChanges

    reference = new_action_in(wired, "implementation")
    key = add(wired, reference)
    wired.transition("activity", key, "prepare", actor="ana")
    with pytest.raises(IllegalTransition):
        wired.transition("checklist_item", f"{key}/L1", "reopen", actor="marta", reason="x")
    wired.transition("checklist_item", f"{key}/L1", "done", actor="marta")
    assert wired.transition("checklist_item", f"{key}/L1", "reopen", actor="marta",
                            reason="the hotel cancelled").state == "open"
    with pytest.raises(NotPermitted):
        wired.edit("checklist_item", f"{key}/L1", ItemChanges(owner="ana"), actor="marta")
    assert wired.edit("checklist_item", f"{key}/L1", ItemChanges(owner="marta"), actor="ana").owner == "marta"
    line = next(x for x in items_of(engine, key)[1] if x.item == f"{key}/L1")
    assert (line.state, line.owner, line.note) == ("open", "marta", "the hotel cancelled")
    assert line.due_at is not None  # reopened: its deadline runs again


def test_the_missions_of_the_next_60_days_are_listed_with_what_their_checklists_still_have_open(wired, engine):
    from mieux.logistics import upcoming_missions

    reference = new_action_in(wired, "implementation")
    soon = add(wired, reference, type="information_session", country=None, city=None, remote=True,
               start=date(2026, 4, 20), end=date(2026, 4, 20), title="Online briefing")
    add(wired, reference, start=date(2026, 9, 7), end=date(2026, 9, 9), title="Too far ahead")
    gone = add(wired, reference, start=date(2026, 4, 1), end=date(2026, 4, 2), title="Called off")
    wired.transition("activity", gone, "cancel", actor="ana", reason="the partner withdrew")
    wired.transition("activity", soon, "prepare", actor="ana")
    wired.transition("checklist_item", f"{soon}/L1", "done", actor="marta")
    assert upcoming_missions(engine, today=date(2026, 3, 2)) == [{
        "mission": f"{soon} Online briefing", "dates": "20 Apr - 20 Apr 2026", "place": "remote", "state": "preparing",
        "open items": "3: Agenda agreed with the partner; Participant list received; Meeting link sent to everyone"}]
