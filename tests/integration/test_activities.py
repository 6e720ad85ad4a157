"""Activities as records on real stores: their own machine through the one transition pipeline,
their deadlines re-planned when their dates move, the Action's guards reading them."""
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from domain.activities import ActivityChanges, ActivityIn
from domain.errors import GuardFailed, InvalidInput, NotPermitted
from store.db import transaction
from store.tables import Alert, Deadline, Timer
from tests.helpers import new_action_in

UTC = timezone.utc


def add(service, reference, **fields):
    data = {"type": "workshop", "title": "Training of border officers", "start": date(2026, 6, 15),
            "end": date(2026, 6, 17), "country": "GH", "city": "Accra", **fields}
    row = service.add_activity(reference, ActivityIn.model_validate(data), actor="ana")
    return f"{reference}/{row.number}"


def rows(engine, table, **where):
    with transaction(engine) as session:
        query = select(table)
        for name, value in where.items():
            query = query.where(getattr(table, name) == value)
        return list(session.exec(query.order_by(table.id)))


def test_an_activity_is_added_numbered_after_the_fiches_and_audited_in_the_actions_history(service):
    reference = new_action_in(service, "implementation")  # its fiche planned one activity: 2026-01/1
    key = add(service, reference)
    assert key == f"{reference}/2"
    assert [(a.number, a.state) for a in service.activities(reference)] == [(1, "delivered"), (2, "planned")]
    whole = [(e.subject_kind, e.trigger) for e in service.history(reference)]
    assert whole[-1] == ("activity", "add") and ("activity", "add") in whole[:-1]
    assert [e.trigger for e in service.subject_history("activity", key)] == ["add"]


def test_a_mission_is_prepared_readied_and_delivered_by_the_actions_officer(service, clock):
    reference = new_action_in(service, "implementation")
    key = add(service, reference)
    with pytest.raises(NotPermitted, match="only a action_officer or junior_project_officer or programme_manager"):
        service.transition("activity", key, "prepare", actor="jonas")  # a project officer, not this Action's
    assert service.transition("activity", key, "prepare", actor="ana").state == "preparing"
    assert service.transition("activity", key, "get_ready", actor="marta").state == "ready"
    with pytest.raises(GuardFailed, match="it starts on 2026-06-15, after today"):
        service.transition("activity", key, "deliver", actor="ana")
    clock.set(datetime(2026, 6, 17, 16, tzinfo=UTC))
    assert service.transition("activity", key, "deliver", actor="lea").state == "delivered"


def test_an_activity_is_prepared_only_once_its_action_is_approved(service):
    reference = new_action_in(service, "approval")
    key = add(service, reference)
    with pytest.raises(GuardFailed, match="its Action is in approval, not implementation"):
        service.transition("activity", key, "prepare", actor="ana")


def test_the_dates_deadline_starts_with_the_date_and_an_edit_of_its_dates_re_plans_it(service, engine):
    reference = new_action_in(service, "implementation")
    key = add(service, reference, start=None, end=None)
    assert rows(engine, Deadline, kind="activity_dates") == []  # no date, nothing to count from
    service.edit("activity", key, ActivityChanges(start=date(2026, 6, 15), end=date(2026, 6, 17)), actor="ana")
    [first] = rows(engine, Deadline, kind="activity_dates")
    assert (first.moved_from, first.due_at.date()) == (date(2026, 5, 1), date(2026, 5, 4))  # 45 days before 15 June
    # is 1 May, Labour Day: due the next working day
    service.edit("activity", key, ActivityChanges(start=date(2026, 7, 15), end=date(2026, 7, 17)), actor="ana",
                 reason="the minister is away in June")
    old, new = rows(engine, Deadline, kind="activity_dates")
    assert (old.status, new.status, new.due_at.date()) == ("replanned", "pending", date(2026, 6, 1))  # 31 May: Sunday
    assert {t.status for t in rows(engine, Timer, deadline_id=old.id)} == {"cancelled"}
    assert {t.status for t in rows(engine, Timer, deadline_id=new.id)} == {"pending"}
    replan = service.subject_history("activity", key)[-1]
    assert (replan.trigger, replan.reason) == ("replan", "start changed")
    assert replan.payload == {"deadlines": ["Activity dates and place to be fixed: due 2026-05-04 -> 2026-06-01"]}


def test_editing_an_unrelated_field_re_plans_nothing(service, engine):
    reference = new_action_in(service, "implementation")
    key = add(service, reference)
    before = [(d.id, d.status, d.due_at) for d in rows(engine, Deadline, subject_kind="activity")]
    service.edit("activity", key, ActivityChanges(title="Training of trainers", languages=["en", "fr"]), actor="ana")
    assert [(d.id, d.status, d.due_at) for d in rows(engine, Deadline, subject_kind="activity")] == before
    assert [e.trigger for e in service.subject_history("activity", key)] == ["add", "update"]


@pytest.fixture
def wired(engine, facility, clock, policy, office_calendar):
    """The service with the deadline and transition-alert effects, as the engine wires it."""
    from mieux.deadlines import DeadlineKeeper
    from mieux.service import ActionService
    from mieux.subjects import MACHINES, parents_of, people_of
    from notifications.directory import Directory
    from notifications.planner import TransitionAlerts

    return ActionService(engine=engine, facility=facility, clock=clock, effects=[
        DeadlineKeeper(policy, office_calendar), TransitionAlerts(Directory(facility), MACHINES.values(), parents=parents_of,
                                                                   people=people_of)])


def test_postponing_moves_its_deadlines_and_cancelling_stops_them_and_tells_people(wired, engine):
    service = wired
    reference = new_action_in(service, "implementation")
    key = add(service, reference)
    service.transition("activity", key, "prepare", actor="ana")
    [met] = rows(engine, Deadline, kind="activity_dates")
    assert met.status == "met"
    service.transition("activity", key, "postpone", actor="ana", reason="elections",
                       changes=ActivityChanges(start=date(2026, 9, 14), end=date(2026, 9, 16)))
    assert service.subject("activity", key).state == "planned"
    pending = rows(engine, Deadline, kind="activity_dates", status="pending")
    assert [d.due_at.date() for d in pending] == [date(2026, 7, 31)]
    service.transition("activity", key, "cancel", actor="pieter", reason="the partner withdrew")
    assert [d.status for d in rows(engine, Deadline, kind="activity_dates")] == ["met", "cancelled"]
    kinds = [(a.kind, a.subject_kind, a.recipients) for a in rows(engine, Alert) if a.kind.startswith("activity.")]
    assert kinds == [("activity.postponed", "activity", ["ana", "marta"]),
                     ("activity.cancelled", "activity", ["ana", "pieter", "marta"])]


def test_implementation_finishes_when_every_activity_is_delivered_or_cancelled(service, clock):
    reference = new_action_in(service, "implementation")
    key = add(service, reference)
    with pytest.raises(GuardFailed, match="1 activity is still to be delivered: Training of border officers"):
        service.fire(reference, "finish_implementation", actor="ana")
    service.transition("activity", key, "cancel", actor="ana", reason="merged into the first")
    assert service.fire(reference, "finish_implementation", actor="ana").state == "monitoring"


def test_an_activity_cannot_end_before_it_starts_and_nothing_is_written(service):
    reference = new_action_in(service, "implementation")
    key = add(service, reference)
    before = service.subject("activity", key).model_dump()
    with pytest.raises(InvalidInput, match=r"it would end \(2026-06-17\) before it starts \(2026-06-20\)"):
        service.edit("activity", key, ActivityChanges(start=date(2026, 6, 20)), actor="ana")
    assert service.subject("activity", key).model_dump() == before
    with pytest.raises(InvalidInput, match="like 2026-07/3"):
        service.subject("activity", "Accra workshop")


def test_a_fiche_that_lists_other_activities_than_the_recorded_ones_is_refused(service):
    from domain.schemas import ActionChanges

    reference = new_action_in(service, "pre_implementation")
    fiche = {"objective": "o", "intervention_logic": "l", "activities": [{"type": "workshop", "title": "A"}]}
    service.update(reference, ActionChanges.model_validate({"fiche": fiche}), actor="lea")
    service.update(reference, ActionChanges.model_validate({"fiche": fiche}), actor="lea")  # the same: fine
    other = {**fiche, "activities": [{"type": "workshop", "title": "B"}]}
    with pytest.raises(InvalidInput, match="has its activities already, and the fiche lists others"):
        service.update(reference, ActionChanges.model_validate({"fiche": other}), actor="lea")
    assert [a.title for a in service.activities(reference)] == ["A"]
    assert len([e for e in service.history(reference) if e.subject_kind == "activity"]) == 1
