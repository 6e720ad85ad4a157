"""The transition path's prepared statements write what the ORM reads back, on both stores."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import select

from mieux.subjects import find_action
from store import rows
from store.db import reading, transaction, writing
from store.tables import Action, Alert, Audit, Deadline, Timer
from tests.helpers import T0, request

pytestmark = pytest.mark.usefixtures("engine")


@pytest.fixture
def action(service):
    return service.register(request(), actor="ana")


def test_rows_written_by_the_prepared_statements_read_back_typed_through_the_orm(engine, action):
    at = datetime(2026, 3, 2, 23, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    with transaction(engine) as session:
        rows.add_audit(session, action_id=action.id, subject_kind="action", subject_id=action.id, at=at,
                       trigger="note", from_state=None, to_state="request", actor="ana", reason="ü ☃ ' \"",
                       payload={"list": [1, "two"], "none": None})
        rows.add_alert(session, action_id=action.id, subject_kind="action", subject_id=None, kind="k", source="s:1",
                       recipients=["ana", "pieter"], data={"a": {"b": 1}}, urgent=True, created_at=at)
        deadline_id = rows.add_deadline(session, {"action_id": action.id, "subject_kind": "action",
                                                  "subject_id": action.id, "kind": "fiche", "label": "Fiche",
                                                  "process": "pre_implementation", "due_at": at,
                                                  "moved_from": date(2026, 3, 1), "started_at": at},
                                        [rows.timer_values(point="reminder", seq=0, fire_at=at, tell=("ana",)),
                                         rows.timer_values(point="due", seq=0, fire_at=at, tell=[])])
    with reading(engine) as session:
        audit = session.exec(select(Audit).where(Audit.trigger == "note")).one()
        alert = session.exec(select(Alert)).one()
        deadline = session.get(Deadline, deadline_id)
        timers = session.exec(select(Timer).where(Timer.deadline_id == deadline_id).order_by(Timer.id)).all()
        known = rows.deadlines_of(session, "action", action.id)
    assert audit.at == at and audit.at.tzinfo is not None and audit.reason == "ü ☃ ' \""
    assert audit.payload == {"list": [1, "two"], "none": None} and audit.from_state is None
    assert (alert.recipients, alert.data, alert.urgent, alert.subject_id, alert.routed_at) == (
        ["ana", "pieter"], {"a": {"b": 1}}, True, None, None)
    assert (deadline.status, deadline.due_at, deadline.moved_from, deadline.stopped_at) == (
        "pending", at, date(2026, 3, 1), None)
    assert [(t.point, t.tell, t.status, t.mirrored) for t in timers] == [
        ("reminder", ["ana"], "pending", None), ("due", [], "pending", None)]
    assert [(d.id, d.kind, d.status, d.due_at) for d in known if d.id == deadline_id] == [
        (deadline_id, "fiche", "pending", at)]


def test_a_second_alert_from_the_same_cause_is_refused_as_sqlalchemy_refuses_it(engine, action):
    alert = {"action_id": action.id, "subject_kind": "action", "subject_id": action.id, "kind": "k",
             "source": "timer:1", "recipients": [], "data": {}, "urgent": False, "created_at": T0}
    with transaction(engine) as session:
        rows.add_alert(session, **alert)
    with pytest.raises(IntegrityError), transaction(engine) as session:
        rows.add_alert(session, **alert)
    with reading(engine) as session:
        assert len(session.exec(select(Alert)).all()) == 1


def test_a_stopped_deadline_cancels_its_pending_timers_in_the_store(engine, action):
    with transaction(engine) as session:
        deadline_id = rows.add_deadline(session, {"action_id": action.id, "subject_kind": "action",
                                                  "subject_id": action.id, "kind": "k", "label": "K",
                                                  "process": "p", "due_at": T0, "moved_from": None,
                                                  "started_at": T0},
                                        [rows.timer_values(point=p, seq=0, fire_at=T0, tell=[]) for p in ("reminder", "due")])
    with transaction(engine) as session:
        session.get(Timer, session.exec(select(Timer.id).where(Timer.deadline_id == deadline_id)).first()).status = "fired"
    with transaction(engine) as session:
        rows.stop_deadlines(session, [(deadline_id, "met")], at=T0, by="accept")
    with reading(engine) as session:
        statuses = session.exec(select(Timer.status).where(Timer.deadline_id == deadline_id).order_by(Timer.id)).all()
        deadline = session.get(Deadline, deadline_id)
    assert statuses == ["fired", "cancelled"] and (deadline.status, deadline.stopped_by) == ("met", "accept")


def test_saving_a_subject_someone_else_changed_meanwhile_is_refused_and_writes_nothing(engine, action):
    with transaction(engine) as session:
        row = find_action(session, action.reference, for_update=True)
        before = rows.snapshot(row)
    with transaction(engine) as session:  # someone else's change lands first
        theirs = find_action(session, action.reference, for_update=True)
        theirs.name = "theirs"
        rows.save(session, theirs, before)
    row.name = "mine"
    with pytest.raises(StaleDataError), transaction(engine) as session:
        rows.save(session, row, before)
    with reading(engine) as session:
        stored = session.exec(select(Action)).one()
    assert (stored.name, stored.version) == ("theirs", action.version + 1)


def test_saving_writes_only_what_changed_and_bumps_the_version_once(engine, action):
    with transaction(engine) as session:
        row = find_action(session, action.reference, for_update=True)
        before = rows.snapshot(row)
        row.countries, row.fiche = ["GH", "TG"], {"objective": "x"}
        rows.save(session, row, before)
    with reading(engine) as session:
        stored = session.exec(select(Action)).one()
    assert (stored.countries, stored.fiche, stored.name, stored.version) == (
        ["GH", "TG"], {"objective": "x"}, action.name, action.version + 1) == (
        row.countries, row.fiche, row.name, row.version)



def test_deadlines_written_together_are_stored_exactly_as_one_written_alone(engine, action):
    """The batch's rows after the first are typed too (a UTC instant stored in one format), and
    each id comes back with its own deadline whatever order the store returns them in."""
    at = datetime(2026, 3, 2, 23, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))

    def deadline(kind, due_at):
        return ({"action_id": action.id, "subject_kind": "action", "subject_id": action.id, "kind": kind,
                 "label": kind.title(), "process": "p", "due_at": due_at, "moved_from": None, "started_at": at},
                [rows.timer_values(point="due", seq=0, fire_at=due_at, tell=[kind])])

    with transaction(engine) as session:
        alone = rows.add_deadline(session, *deadline("alone", at))
        together = rows.add_deadlines(session, [deadline(k, at + timedelta(days=i)) for i, k in
                                                enumerate(["first", "second", "third"], start=1)])
    with reading(engine) as session:
        raw = dict(session.connection().exec_driver_sql("SELECT kind, due_at FROM deadline").fetchall())
        found = [session.get(Deadline, i) for i in together]
        timers = {t.deadline_id: t for t in session.exec(select(Timer)).all()}
    want = [at, at + timedelta(days=1), at + timedelta(days=3)]
    if engine.dialect.name == "sqlite":  # as text, in one format: "2026-03-02 21:30:15.123456"
        want = [moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f") for moment in want]
    assert [raw["alone"], raw["first"], raw["third"]] == want
    assert [(d.kind, d.due_at) for d in found] == [("first", at + timedelta(days=1)), ("second", at + timedelta(days=2)),
                                                    ("third", at + timedelta(days=3))]
    assert [(timers[i].tell, timers[i].fire_at) for i in together] == [
        ([d.kind], d.due_at) for d in found] and alone not in together


def test_a_remembered_instant_is_stored_the_same_whatever_its_zone_and_a_naive_one_is_still_refused(engine, action):
    """The statements remember what they made of a date or time: the same instant given in another
    zone is the same UTC value, and a naive time whose fields match a remembered one is refused
    every time, not stored as the aware one was."""
    utc = datetime(2026, 3, 2, 21, 30, 15, 123456, tzinfo=timezone.utc)
    brussels = utc.astimezone(timezone(timedelta(hours=1)))
    note = {"action_id": action.id, "subject_kind": "action", "subject_id": action.id, "trigger": "note",
            "from_state": None, "to_state": "request", "actor": "ana", "reason": None, "payload": {}}
    with transaction(engine) as session:
        for at in (utc, brussels, utc):
            rows.add_audit(session, **note, at=at)
    for _ in range(2):
        with pytest.raises(ValueError, match="timezone"), transaction(engine) as session:
            rows.add_audit(session, **note, at=utc.replace(tzinfo=None))
    with reading(engine) as session:
        stored = session.exec(select(Audit.at).where(Audit.trigger == "note")).all()
        raw = session.connection().exec_driver_sql("SELECT DISTINCT at FROM audit WHERE \"trigger\" = 'note'").all()
    assert stored == [utc, utc, utc] and len(raw) == 1


# -- the unit of work a transition writes in (store.db.writing) ----------------------------------
def test_a_unit_of_work_makes_a_session_only_when_orm_work_asks_and_both_see_one_info(engine, action):
    with writing(engine) as unit:
        rows.add_audit(unit, action_id=action.id, subject_kind="action", subject_id=action.id, at=T0,
                       trigger="note", from_state="request", to_state="request", actor="ana", reason=None, payload={})
        assert unit._session is None  # written through store.rows alone: no Session made
        row = rows.loaded(Action, {"id": action.id})
        assert row not in unit
        rows.remember(unit, row)
        stored = unit.get(Action, action.id)  # ORM work: now there is one, on the same transaction
        assert unit._session is not None and unit.orm.info is unit.info
        assert rows.known(unit.orm, Action, action.id) is row
        stored.focal_point = "flushed at the end"
    with reading(engine) as session:
        assert session.get(Action, action.id).focal_point == "flushed at the end"
        assert [a.trigger for a in session.exec(select(Audit).where(Audit.subject_id == action.id))][-1] == "note"


def test_a_unit_of_work_that_fails_writes_nothing_of_either_kind(engine, action):
    with pytest.raises(RuntimeError), writing(engine) as unit:
        rows.add_audit(unit, action_id=action.id, subject_kind="action", subject_id=action.id, at=T0,
                       trigger="note", from_state="request", to_state="request", actor="ana", reason=None, payload={})
        unit.get(Action, action.id).focal_point = "never"
        raise RuntimeError("a guard's bug")
    with reading(engine) as session:
        assert session.get(Action, action.id).focal_point != "never"
        assert "note" not in [a.trigger for a in session.exec(select(Audit).where(Audit.subject_id == action.id))]
