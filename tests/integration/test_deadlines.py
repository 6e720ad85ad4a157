"""Deadlines keep the clock: started and stopped by transitions, fired once, on both stores."""
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlmodel import select

from domain.schemas import ActionChanges
from mieux.deadlines import fire_due
from store.db import transaction
from store.tables import Alert, Deadline, Timer
from tests.helpers import FICHE, new_action_in, request

UTC = timezone.utc


def rows(engine, table, **where):
    with transaction(engine) as session:
        query = select(table)
        for name, value in where.items():
            query = query.where(getattr(table, name) == value)
        return list(session.exec(query))


@pytest.fixture
def sweep(engine, policy, facility, clock):
    def run(**kwargs):
        return fire_due(engine, policy=policy, facility=facility, clock=clock, **kwargs)
    return run


@pytest.fixture
def ghana(service, clock):
    """A request received on Monday 2 March 2026, registered that morning."""
    clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))
    return service.register(request(received_on=date(2026, 3, 2)), actor="ana").reference


def test_a_new_request_starts_the_fiche_deadline_three_weeks_from_receipt(engine, ghana):
    [deadline] = rows(engine, Deadline)
    assert (deadline.kind, deadline.status, deadline.due_at) == ("fiche", "pending", datetime(2026, 3, 23, 8, tzinfo=UTC))
    timers = sorted((t.point, t.fire_at, t.tell) for t in rows(engine, Timer))
    assert timers == [("due", datetime(2026, 3, 23, 8, tzinfo=UTC), ["project_officer", "programme_manager"]),
                      ("reminder", datetime(2026, 3, 16, 8, tzinfo=UTC), ["project_officer"])]


def test_reminder_then_due_fire_at_their_moments_and_only_once(engine, ghana, clock, sweep):
    clock.set(datetime(2026, 3, 16, 7, 59, tzinfo=UTC))
    assert sweep().fired == 0
    clock.set(datetime(2026, 3, 16, 8, 0, tzinfo=UTC))
    assert sweep().fired == 1 and sweep().fired == 0
    clock.set(datetime(2026, 3, 23, 8, 0, tzinfo=UTC))
    assert sweep().fired == 1
    alerts = sorted(rows(engine, Alert), key=lambda a: a.id)
    assert [(a.kind, a.recipients, a.urgent) for a in alerts] == [
        ("fiche.reminder", ["ana"], False), ("fiche.due", ["ana", "pieter"], True)]
    assert alerts[1].data["deadline"] == "Action Fiche due" and alerts[1].data["reference"] == ghana
    assert rows(engine, Deadline)[0].overdue_since == clock.now()


def test_submitting_the_fiche_in_time_records_met_and_cancels_the_rest(engine, service, ghana, clock, sweep):
    service.fire(ghana, "accept", actor="ana")
    clock.set(datetime(2026, 3, 20, 10, tzinfo=UTC))
    service.fire(ghana, "submit_fiche", actor="lea", changes=ActionChanges(fiche=FICHE))
    fiche = rows(engine, Deadline, kind="fiche")[0]
    assert (fiche.status, fiche.stopped_by) == ("met", "submit_fiche")
    assert {t.status for t in rows(engine, Timer, deadline_id=fiche.id)} == {"cancelled"}
    assert [d.kind for d in rows(engine, Deadline, status="pending", subject_kind="action")] == [
        "psg_decision", "watch_approval"]
    clock.advance(days=30)
    sweep()
    assert all(not a.kind.startswith("fiche") for a in rows(engine, Alert))


def test_submitting_the_fiche_after_the_due_date_records_it_missed(engine, service, ghana, clock, sweep):
    service.fire(ghana, "accept", actor="ana")
    clock.set(datetime(2026, 3, 24, 10, tzinfo=UTC))
    sweep()
    service.fire(ghana, "submit_fiche", actor="lea", changes=ActionChanges(fiche=FICHE))
    assert rows(engine, Deadline, kind="fiche")[0].status == "missed"


def test_a_fiche_returned_by_the_psg_does_not_restart_the_three_week_target(engine, service, ghana, clock):
    service.fire(ghana, "accept", actor="ana")
    service.fire(ghana, "submit_fiche", actor="lea", changes=ActionChanges(fiche=FICHE))
    service.fire(ghana, "return_fiche", actor="psg-home", changes=ActionChanges(psg_comments="more detail"))
    assert [d.status for d in rows(engine, Deadline, kind="fiche")] == ["met"]
    assert {d.status for d in rows(engine, Deadline, kind="psg_decision")} == {"met"}


def test_after_ten_days_of_downtime_each_due_deadline_fires_once_and_reminders_coalesce(engine, ghana, clock, sweep):
    clock.set(datetime(2026, 3, 23, 8, tzinfo=UTC) + timedelta(days=10))
    done = sweep()
    assert (done.fired, done.coalesced) == (1, 1)
    [alert] = rows(engine, Alert)
    assert (alert.kind, alert.recipients, alert.data["coalesced"]) == ("fiche.due", ["ana", "pieter"], 1)
    assert sorted(t.status for t in rows(engine, Timer)) == ["coalesced", "fired"]
    assert sweep().fired == 0


def test_after_downtime_a_batch_smaller_than_the_backlog_still_coalesces_each_deadlines_notices(
        engine, service, clock, sweep):
    clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))
    for n in range(3):
        service.register(request(received_on=date(2026, 3, 2), name=f"Ghana {n}"), actor="ana")
    clock.set(datetime(2026, 4, 30, tzinfo=UTC))  # each deadline's reminder and due notice are both due
    while sweep(limit=1).fired:  # the batch takes one reminder: the same deadline's due notice comes with it
        pass
    alerts = rows(engine, Alert)
    assert sorted(a.kind for a in alerts) == ["fiche.due"] * 3 and all(a.data["coalesced"] == 1 for a in alerts)


def test_duplicate_and_late_runs_for_the_same_deadline_have_one_effect(engine, service, ghana, clock, sweep):
    [deadline] = rows(engine, Deadline)
    clock.set(datetime(2026, 3, 16, 9, tzinfo=UTC))
    results = [sweep(deadline_ids=[deadline.id]) for _ in range(3)] + [sweep()]
    assert [r.fired for r in results] == [1, 0, 0, 0]
    service.fire(ghana, "withdraw", actor="ana", reason="the ministry withdrew")
    clock.advance(days=30)
    assert sweep(deadline_ids=[deadline.id]).fired == 0
    assert [a.kind for a in rows(engine, Alert)] == ["fiche.reminder"]


def test_a_run_for_an_action_that_moved_on_does_nothing_even_if_a_timer_was_left_pending(engine, service, ghana, clock, sweep):
    service.fire(ghana, "withdraw", actor="ana", reason="the ministry withdrew")
    with engine.begin() as conn:  # as if the stop had been lost: the re-check must still hold
        conn.execute(text("UPDATE timer SET status = 'pending'"))
        conn.execute(text("UPDATE deadline SET status = 'pending'"))
    clock.advance(days=40)
    assert sweep().cancelled == 2 and rows(engine, Alert) == []


def test_concurrent_sweeps_fire_each_timer_once(engine, service, clock, sweep):
    clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))
    for n in range(20):
        service.register(request(received_on=date(2026, 3, 2), name=f"Ghana {n}"), actor="ana")
    clock.set(datetime(2026, 4, 30, tzinfo=UTC))
    errors, barrier = [], threading.Barrier(4)

    def worker():
        barrier.wait()
        try:
            sweep()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    alerts = rows(engine, Alert)
    assert len(alerts) == 20 and len({a.source for a in alerts}) == 20


def test_the_psg_decision_escalates_to_the_programme_manager(engine, service, clock, sweep):
    clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))
    reference = new_action_in(service, "approval", received_on=date(2026, 3, 2))
    psg = rows(engine, Deadline, kind="psg_decision")[0]
    assert psg.due_at == datetime(2026, 3, 16, 8, tzinfo=UTC)  # 10 working days after Monday 2 March
    clock.set(psg.due_at)
    sweep()
    clock.set(datetime(2026, 3, 23, 8, tzinfo=UTC))
    sweep()
    kinds = [(a.kind, a.recipients) for a in sorted(rows(engine, Alert), key=lambda a: a.id)
             if a.kind.startswith("psg")]
    assert kinds == [("psg_decision.due", ["pieter", "ana"]), ("psg_decision.escalation", ["pieter"])]
    service.fire(reference, "approve", actor="psg-devco", changes=ActionChanges(psg_decision_on=date(2026, 3, 24)))
    assert rows(engine, Deadline, kind="psg_decision")[0].status == "missed"


def test_a_stage_watchdog_flags_an_action_sitting_too_long(engine, service, clock, sweep):
    clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))
    reference = new_action_in(service, "pre_implementation", received_on=date(2026, 3, 2))
    # 60 days after 2 March is Friday 1 May, Labour Day: the notice moves to Monday 4 May, 09:00 Brussels (CEST)
    clock.set(datetime(2026, 5, 4, 7, tzinfo=UTC))
    sweep()
    assert [a.kind for a in rows(engine, Alert) if a.kind.startswith("watch")] == ["watch_pre_implementation.due"]
    service.fire(reference, "suspend", actor="ana", reason="elections")
    assert rows(engine, Deadline, kind="watch_pre_implementation")[0].status == "missed"
    assert rows(engine, Deadline, kind="watch_on_hold")[0].status == "pending"


def test_a_long_backlog_fires_in_short_batches_until_nothing_is_due(engine, service, clock, policy, facility):
    from mieux.deadlines import fire_all_due

    clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))
    for n in range(7):
        service.register(request(received_on=date(2026, 3, 2), name=f"Ghana {n}"), actor="ana")
    clock.set(datetime(2026, 4, 30, tzinfo=UTC))
    done = fire_all_due(engine, policy=policy, facility=facility, clock=clock, limit=3)
    assert done.fired >= 7 and len(rows(engine, Alert)) == done.fired
    assert rows(engine, Timer, status="pending") == []
