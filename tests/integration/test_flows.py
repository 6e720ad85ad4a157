"""Deadlines on Prefect, through Prefect's own test harness (one server for the session)."""
import time
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from config.settings import Settings
from domain.schemas import ActionChanges
from flows import runtime
from mieux.bootstrap import bootstrap
from store.db import transaction
from store.tables import Alert, Timer
from tests.helpers import FICHE, request

UTC = timezone.utc
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def prefect(prefect_api):
    """The harness, with the timer deployment registered as `mieux serve` registers it."""
    from prefect.client.orchestration import get_client

    from flows.deadlines import deadline_timer

    deadline_timer.to_deployment(name="timers").apply()
    with get_client(sync_client=True) as client:
        yield client


@pytest.fixture
def app(sqlite_url, clock, tmp_path):
    clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))
    built = bootstrap(Settings(database_url=sqlite_url, data_dir=tmp_path / "data", mirror_horizon_days=60),
                      clock=clock)  # every timer here
    runtime.install(built)
    yield built
    runtime.install(None)
    built.engine.dispose()


def runs_tagged(client, tag: str):
    """The runs of this test's own store (the harness is shared by every test) with `tag`."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags

    from flows.mirror import installation_id

    with transaction(runtime.current().engine) as session:
        mine = f"installation:{installation_id(session)}"
    return sorted(client.read_flow_runs(flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[tag, mine]))),
                  key=lambda r: r.name)


def events_about(client, resource: str, *, since: str, at_least: int) -> list[dict]:
    """The events whose resource is `resource`, waiting up to 10 s for `at_least` (they arrive async)."""
    events = []
    for _ in range(40):
        response = client._client.post("/events/filter", json={
            "filter": {"any_resource": {"id": [resource]}, "occurred": {"since": f"{since}T00:00:00Z"}}})
        events = response.json().get("events", [])
        if len(events) >= at_least:
            break
        time.sleep(0.25)
    return events


def test_each_timer_is_a_scheduled_flow_run_named_and_tagged_for_admins(prefect, app):
    from flows.deadlines import sweep

    reference = app.service.register(request(received_on=date(2026, 3, 2)), actor="ana").reference
    summary = sweep()
    assert summary["scheduled"] == 2
    runs = runs_tagged(prefect, f"action:{reference}")
    assert [r.name for r in runs] == [f"{reference} Ghana II · fiche due", f"{reference} Ghana II · fiche reminder"]
    assert [r.state.state_details.scheduled_time for r in runs] == [
        datetime(2026, 3, 23, 8, tzinfo=UTC), datetime(2026, 3, 16, 8, tzinfo=UTC)]
    assert all(r.state.type.value == "SCHEDULED" for r in runs)
    assert {"process:pre_implementation", "deadline:fiche"} <= set(runs[0].tags)
    assert sweep()["scheduled"] == 0  # mirrored once


def test_runs_are_cancelled_not_deleted_when_the_action_moves_on(prefect, app):
    from flows.deadlines import sweep

    reference = app.service.register(request(received_on=date(2026, 3, 2)), actor="ana").reference
    sweep()
    app.service.fire(reference, "accept", actor="ana")
    app.service.fire(reference, "submit_fiche", actor="lea", changes=ActionChanges(fiche=FICHE))
    summary = sweep()
    assert summary["cancelled"] == 2
    runs = runs_tagged(prefect, f"action:{reference}")
    states = {r.name.split(" · ")[1]: r.state.type.value for r in runs}
    assert states["fiche due"] == states["fiche reminder"] == "CANCELLED"
    assert states["psg decision due"] == "SCHEDULED"


def test_postponing_an_activity_cancels_the_runs_of_its_old_deadline_and_schedules_the_new(prefect, app):
    from domain.activities import ActivityChanges, ActivityIn
    from flows.deadlines import sweep

    reference = app.service.register(request(received_on=date(2026, 3, 2)), actor="ana").reference
    row = app.service.add_activity(reference, ActivityIn(type="workshop", title="Border workshop",
                                                         start=date(2026, 5, 18), end=date(2026, 5, 20)), actor="ana")
    key = f"{reference}/{row.number}"
    sweep()

    def runs():
        return runs_tagged(prefect, f"activity:{key}")

    before = {r.name: r.state.type.value for r in runs()}
    assert before == {f"{key} Border workshop · activity dates due": "SCHEDULED",
                      f"{key} Border workshop · activity dates reminder": "SCHEDULED"}
    app.service.transition("activity", key, "postpone", actor="ana", reason="the minister is away",
                           changes=ActivityChanges(start=date(2026, 6, 1), end=date(2026, 6, 3)))
    assert sweep()["cancelled"] == 2
    assert sorted((r.state.type.value, r.expected_start_time.date()) for r in runs()) == [
        ("CANCELLED", date(2026, 3, 27)), ("CANCELLED", date(2026, 4, 3)),  # 5 working days and 45 days before 18 May
        ("SCHEDULED", date(2026, 4, 10)), ("SCHEDULED", date(2026, 4, 17))]  # the same before 1 June
    assert all("subject:activity" in r.tags for r in runs())


def test_a_timer_run_and_the_sweep_together_fire_a_deadline_once(prefect, app, clock):
    from flows.deadlines import deadline_timer, sweep

    app.service.register(request(received_on=date(2026, 3, 2)), actor="ana")
    with transaction(app.engine) as session:
        deadline_id = session.exec(select(Timer)).first().deadline_id
    clock.set(datetime(2026, 3, 24, 8, tzinfo=UTC))
    results = [deadline_timer(deadline_id), deadline_timer(deadline_id), sweep(mirror=False)]
    assert [r["fired"] for r in results] == [1, 0, 0]
    with transaction(app.engine) as session:
        fiche = session.exec(select(Alert).where(Alert.kind.startswith("fiche"))).all()
        assert [(a.kind, a.data["coalesced"]) for a in fiche] == [("fiche.due", 1)]


def test_admins_fire_triggers_from_the_ui_with_the_same_guards_and_roles(prefect, app):
    from domain.schemas import ActionChanges
    from flows.admin import Trigger, fire_trigger, register_request

    registered = register_request(request=request(received_on=date(2026, 3, 2)), acting_person="ana",
                                  return_state=True)
    reference = registered.result()["reference"]
    accepted = fire_trigger(reference, Trigger.accept, "ana", return_state=True)
    assert accepted.result()["state"] == "pre_implementation"
    # the audit names the door: the Prefect flow run each act came through
    assert [(e.trigger, e.via) for e in app.service.history(reference)] == [
        ("register", f"Prefect flow run {registered.state_details.flow_run_id} (mieux-register-request)"),
        ("accept", f"Prefect flow run {accepted.state_details.flow_run_id} (mieux-fire-trigger)")]
    state = fire_trigger(reference, Trigger.withdraw, "marta", reason="x", return_state=True)
    run = prefect.read_flow_run(state.state_details.flow_run_id)
    assert run.name == f"{reference} withdraw"
    # a refusal is an outcome, not a crash: a run named Refused with the reason, not Failed, nothing to retry
    assert (run.state.type.value, run.state.name) == ("COMPLETED", "Refused")
    assert "only a programme_manager or project_officer may" in run.state.message
    assert "Traceback" not in run.state.message
    assert app.service.get(reference).state == "pre_implementation"
    assert {t.value for t in Trigger} >= {"accept", "approve", "resume"}
    # the form's data fields need their roles too: a project officer cannot record the PSG's decision
    state = fire_trigger(reference, Trigger.suspend, "ana", reason="x",
                         action_data=ActionChanges(psg_decision_on=date(2026, 3, 20)), return_state=True)
    assert state.name == "Refused" and "psg_decision_on (only a psg_member may)" in state.message
    refused = register_request(request=request(received_on=date(2026, 3, 2)), acting_person="sofia",
                               return_state=True)
    assert refused.name == "Refused" and "cannot register a request" in refused.message
    assert (app.service.get(reference).state, app.service.get(reference).psg_decision_on) == (
        "pre_implementation", None)


def test_transitions_appear_as_events_and_open_actions_as_an_artifact(prefect, app, clock):
    from prefect.artifacts import Artifact

    from flows.deadlines import STATUS_ARTIFACT, sweep
    from notifications.templates import page_key

    clock.set(datetime(2018, 3, 2, 8, tzinfo=UTC))  # a reference no other test here uses
    reference = app.service.register(request(received_on=date(2018, 3, 2), name="Events II"), actor="ana").reference
    app.service.fire(reference, "accept", actor="ana")
    first = sweep(mirror=False, return_state=True)
    assert (first.result()["events"], first.result()["status"]) == (3, True)  # 2 transitions, 1 alert owed
    again = sweep(mirror=False, return_state=True)
    assert (again.result()["events"], again.result()["status"]) == (0, False)  # same table: no new version
    artifact = Artifact.get(STATUS_ARTIFACT)
    assert artifact is not None and reference in str(artifact.data) and "Action Fiche due" in str(artifact.data)
    assert "**Missions of the next 60 days: " in artifact.description
    page = Artifact.get(page_key(reference)).description  # the Action's own page (what its key shows), linked by alerts
    assert page.startswith(f"# {reference} Events II") and "**pre implementation** since" in page
    assert f"| {reference} | Action Fiche due |" in page
    assert "| `submit_fiche` | junior_project_officer, project_officer |" in page and "| accept | request |" in page
    assert first.result()["pages"] == 1 and again.result()["pages"] == 0  # published again only when it changed
    names = [prefect.read_flow_run(s.state_details.flow_run_id).name for s in (first, again)]
    assert names == ["sweep · 3 events, 1 page · status updated", "sweep · nothing to do"]  # named by what they did
    clock.set(datetime(2018, 3, 30, 8, tzinfo=UTC))  # the fiche is overdue now: first, and marked
    sweep(mirror=False)
    rows = Artifact.get(STATUS_ARTIFACT).data
    assert "OVERDUE: Action Fiche due" in str(rows)
    events = events_about(prefect, f"mieux.action.{reference}", since="2018-01-01", at_least=4)
    assert sorted(e["event"] for e in events) == [  # the new request owed its alert; the overdue fiche fired
        "mieux.action.accept", "mieux.action.register", "mieux.alert.owed", "mieux.deadline.fired"]


def test_an_activitys_transitions_are_events_of_its_machine_with_its_action_related(prefect, app, clock):
    from domain.activities import ActivityIn
    from flows.deadlines import sweep

    clock.set(datetime(2017, 3, 2, 8, tzinfo=UTC))  # a reference no other test here uses
    reference = app.service.register(request(received_on=date(2017, 3, 2), name="Events III"), actor="ana").reference
    app.service.add_activity(reference, ActivityIn(type="workshop", title="Event workshop"), actor="ana")
    app.service.transition("activity", f"{reference}/1", "cancel", actor="ana", reason="no venue")
    assert sweep(mirror=False)["events"] == 5  # register, add, cancel; the new request and the cancellation owed
    events = events_about(prefect, f"mieux.activity.{reference}/1", since="2017-01-01", at_least=3)
    assert sorted(e["event"] for e in events) == ["mieux.activity.add", "mieux.activity.cancel", "mieux.alert.owed"]
    events = [e for e in events if e["event"] != "mieux.alert.owed"]
    related = {r["prefect.resource.id"]: r.get("prefect.resource.role") for r in events[0]["related"]}
    assert related[f"mieux.action.{reference}"] == "action"


def test_a_timer_run_that_prefect_starts_a_little_early_waits_for_its_timer(prefect, sqlite_url):
    from datetime import timedelta

    from sqlalchemy import update

    from domain.clock import SystemClock
    from flows.deadlines import deadline_timer

    built = bootstrap(Settings(database_url=sqlite_url), clock=SystemClock())
    runtime.install(built)
    try:
        built.service.register(request(received_on=date.today()), actor="ana")
        soon = SystemClock().now() + timedelta(seconds=2)
        with transaction(built.engine) as session:
            session.exec(update(Timer).where(Timer.point == "reminder").values(fire_at=soon))
            deadline_id = session.exec(select(Timer)).first().deadline_id
        assert deadline_timer(deadline_id)["fired"] == 1
        with transaction(built.engine) as session:
            [alert] = session.exec(select(Alert).where(Alert.kind == "fiche.reminder")).all()
        assert alert.created_at >= soon
    finally:
        runtime.install(None)
        built.engine.dispose()


def test_only_timers_within_the_horizon_become_runs_and_the_next_sweep_takes_those_that_enter_it(
        prefect, sqlite_url, clock):
    from datetime import timedelta

    from sqlalchemy import func, insert

    from flows.mirror import mirror_timers
    from store.tables import Deadline

    clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))
    app = bootstrap(Settings(database_url=sqlite_url), clock=clock)  # the default horizon: 7 days
    runtime.install(app)
    try:
        reference = app.service.register(request(received_on=date(2026, 3, 2)), actor="ana").reference
        action_id = app.service.get(reference).id
        with transaction(app.engine) as session:  # 10,000 future timers, one every 1.5 hours over 625 days
            session.execute(insert(Deadline), [{"action_id": action_id, "subject_kind": "action", "subject_id": action_id,
                                                "kind": "watch_on_hold", "label": "bulk", "process": "pre_implementation",
                                                "due_at": clock.now() + timedelta(days=700), "status": "pending",
                                                "started_at": clock.now()}])
            bulk = session.exec(select(Deadline.id).where(Deadline.label == "bulk")).one()
            session.execute(insert(Timer), [
                {"deadline_id": bulk, "action_id": action_id, "subject_kind": "action", "subject_id": action_id,
                 "point": "due", "seq": n, "fire_at": clock.now() + timedelta(hours=1.5 * (n + 1)), "tell": [],
                 "status": "pending"} for n in range(10_000)])

        def mirrored() -> int:
            with transaction(app.engine) as session:
                return session.exec(select(func.count()).select_from(Timer).where(Timer.mirrored == "scheduled")).one()

        scheduled = [mirror_timers(app, prefect)[0]]
        while scheduled[-1]:
            scheduled.append(mirror_timers(app, prefect)[0])
        assert sum(scheduled) == mirrored() == 7 * 16  # 16 a day within 7 days; the fiche's are 14 and 21 days away
        clock.advance(days=1)
        assert mirror_timers(app, prefect)[0] == 16  # one more day entered the horizon
        assert mirrored() == 8 * 16
    finally:
        runtime.install(None)
        app.engine.dispose()


def test_a_timer_run_that_fires_nothing_says_why_and_an_early_one_is_scheduled_again_by_the_sweep(prefect, app):
    from flows.deadlines import deadline_timer, sweep
    from mieux.deadlines import hand_back_early_timers

    reference = app.service.register(request(received_on=date(2026, 3, 2)), actor="ana").reference
    assert sweep()["scheduled"] == 2
    with transaction(app.engine) as session:
        reminder = session.exec(select(Timer).where(Timer.point == "reminder")).one()
    early = deadline_timer(reminder.deadline_id, return_state=True)  # three weeks before its moment
    assert early.result()["fired"] == 0
    assert early.result()["why"] == "not due yet (due 16 Mar 09:00 CET)"
    assert prefect.read_flow_run(early.state_details.flow_run_id).name.endswith("· not due yet (due 16 Mar 09:00 CET)")
    # had it been the timer's own run, the timer goes back to the sweep, which gives it a new run
    assert hand_back_early_timers(app.engine, reminder.deadline_id, reminder.flow_run_id) == 1
    assert sweep()["scheduled"] == 1
    runs = runs_tagged(prefect, f"action:{reference}")
    assert sorted(r.name.split(" · ")[1] for r in runs) == ["fiche due", "fiche reminder", "fiche reminder"]
    with transaction(app.engine) as session:
        again = session.get(Timer, reminder.id)
    assert (again.mirrored, again.status) == ("scheduled", "pending") and again.flow_run_id != reminder.flow_run_id


def test_the_admin_forms_offer_only_the_facilitys_people_and_the_server_refuses_anyone_else(prefect, app):
    from prefect.exceptions import PrefectHTTPStatusError

    from config.settings import DEFAULT_FACILITY
    from flows.serve import deployments

    people = sorted(p.id for p in app.facility.people)
    built = {d.name: d for d in deployments(Settings(facility_file=DEFAULT_FACILITY))}
    for name in ("fire-trigger", "register-request"):
        assert built[name]._parameter_openapi_schema.properties["acting_person"]["enum"] == people
    deployment_id = built["fire-trigger"].apply()
    with pytest.raises(PrefectHTTPStatusError) as refused:
        prefect.create_flow_run_from_deployment(deployment_id, parameters={
            "subject": "2026-01", "trigger": "accept", "acting_person": "mallory"})
    assert refused.value.response.status_code in (409, 422) and "mallory" in refused.value.response.text
    run = prefect.create_flow_run_from_deployment(deployment_id, parameters={
        "subject": "2026-01", "trigger": "accept", "acting_person": "ana"})
    assert run.parameters["acting_person"] == "ana"
    prefect.delete_flow_run(run.id)  # nothing serves it here


def test_deadlines_firing_and_alerts_sent_are_events_too_with_their_subject_and_action(prefect, database_url, clock,
                                                                                     channels_file, smtp, chat):
    """On both stores: on PostgreSQL the events' cursor once overflowed its 32-bit column."""
    from flows.deadlines import sweep

    path, secrets = channels_file
    year = 2016 if database_url.startswith("sqlite") else 2015  # references no other test here uses
    clock.set(datetime(year, 3, 2, 8, tzinfo=UTC))
    built = bootstrap(Settings(database_url=database_url, channels_file=path, secrets_file=secrets,
                               mirror_horizon_days=60), clock=clock)
    runtime.install(built)
    try:
        reference = built.service.register(request(received_on=date(year, 3, 2), name="Events IV"), actor="ana").reference
        built.outbox.dispatch()  # the new request's messages
        clock.set(datetime(year, 3, 24, 9, tzinfo=UTC))  # the fiche is due: the sweep fires it
        assert sweep(mirror=False)["fired"] == 1
        events = events_about(prefect, f"mieux.action.{reference}", since=f"{year}-01-01", at_least=4)
    finally:
        runtime.install(None)
        built.engine.dispose()
    names = sorted({e["event"] for e in events})
    assert {"mieux.action.register", "mieux.alert.owed", "mieux.alert.sent", "mieux.deadline.fired"} <= set(names), names
    fired = next(e for e in events if e["event"] == "mieux.deadline.fired")
    assert fired["resource"]["prefect.resource.name"] == f"{reference} · Action Fiche due"
    assert fired["payload"]["point"] == "due" and fired["payload"]["kind"] == "fiche.due"
    sent = [e for e in events if e["event"] == "mieux.alert.sent"]
    assert {r["prefect.resource.role"] for e in sent for r in e["related"]} >= {"recipient", "subject"}
    assert {e["payload"]["channel"] for e in sent} >= {"email"}


def test_runs_a_stopped_runner_left_submitting_are_cancelled_by_a_later_sweep_and_their_timer_handed_back(
        prefect, app, clock):
    from prefect.client.schemas.objects import StateType
    from prefect.states import Pending

    from flows.deadlines import sweep
    from flows.mirror import LEFT_BEHIND_AFTER

    now = datetime.now(UTC)  # Prefect stamps states with the real time: this test's clock follows it
    clock.set(now)
    app.service.register(request(received_on=now.date(), name="Left behind"), actor="ana")  # due in 3 weeks
    sweep()  # mirrors the fiche's timers as scheduled runs
    with transaction(app.engine) as session:
        timer = session.exec(select(Timer).where(Timer.mirrored == "scheduled").order_by(Timer.fire_at)).first()
    run_id = timer.flow_run_id
    prefect.set_flow_run_state(run_id, Pending(name="Submitting"), force=True)  # what a runner stopped mid-way leaves
    clock.set(now + LEFT_BEHIND_AFTER / 2)
    assert sweep()["settled"] == 0  # it may still be starting
    clock.set(now + LEFT_BEHIND_AFTER * 2)
    summary = sweep()
    assert summary["settled"] == 1 and summary["scheduled"] == 1
    run = prefect.read_flow_run(run_id)
    assert run.state.type == StateType.CANCELLED and "never started" in run.state.message
    with transaction(app.engine) as session:
        again = session.get(Timer, timer.id)
    assert (again.status, again.mirrored) == ("pending", "scheduled") and again.flow_run_id != run_id


def test_a_checklist_items_runs_move_when_its_activity_is_postponed_and_are_cancelled_with_it(prefect, app):
    from domain.activities import ActivityChanges, ActivityIn
    from flows.deadlines import sweep
    from tests.helpers import new_action_in

    reference = new_action_in(app.service, "implementation")
    row = app.service.add_activity(reference, ActivityIn(type="workshop", title="Venue test", start=date(2026, 4, 20),
                                                         end=date(2026, 4, 22), country="GH", city="Accra"),
                                   actor="ana")
    key = f"{reference}/{row.number}"
    app.service.transition("activity", key, "prepare", actor="ana")
    sweep()

    def venue():
        return sorted((r.state.type.value, r.expected_start_time.date()) for r in runs_tagged(prefect, "deadline:item_venue")
                      if f"action:{reference}" in r.tags and "subject:checklist_item" in r.tags)

    # 30 days before Monday 20 April is Saturday 21 March: due Monday 23 March, the officer told a working day after
    assert venue() == [("SCHEDULED", date(2026, 3, 23)), ("SCHEDULED", date(2026, 3, 24))]
    app.service.transition("activity", key, "postpone", actor="ana", reason="the minister is away",
                           changes=ActivityChanges(start=date(2026, 4, 27), end=date(2026, 4, 29)))
    sweep()
    assert venue() == [("CANCELLED", date(2026, 3, 23)), ("CANCELLED", date(2026, 3, 24)),
                       ("SCHEDULED", date(2026, 3, 30)), ("SCHEDULED", date(2026, 3, 31))]  # 28 March was a Saturday
    app.service.transition("activity", key, "cancel", actor="ana", reason="the partner withdrew")
    sweep()
    assert {state for state, _ in venue()} == {"CANCELLED"}


def test_the_years_figures_are_an_artifact_and_in_january_last_years_whole_report_too(prefect, app, clock):
    from prefect.artifacts import Artifact

    from config.settings import DEFAULT_FACILITY
    from flows.figures import figures_key, publish_figures
    from flows.serve import FIGURES_CRON, deployments

    clock.set(datetime(2019, 1, 7, 8, tzinfo=UTC))  # a Monday of January, years no other test here uses
    app.service.register(request(received_on=date(2018, 11, 2), name="Figures I"), actor="ana")
    app.service.register(request(received_on=date(2019, 1, 3), name="Figures II"), actor="ana")
    done = publish_figures(return_state=True).result()
    assert done == {2019: {"requests": 1, "activities": 0, "experts": 0},
                    2018: {"requests": 1, "activities": 0, "experts": 0}}
    this_year, last_year = Artifact.get(figures_key(2019)), Artifact.get(figures_key(2018))
    assert "| new requests | 1 |" in this_year.data and "the year so far (2019-01-07)" in this_year.data
    assert "the whole year" in last_year.data and "annual-2018.html" in last_year.data
    assert "<svg" in (app.settings.data_dir / "reports" / "annual-2018.html").read_text(encoding="utf-8")
    clock.set(datetime(2019, 2, 4, 8, tzinfo=UTC))
    assert list(publish_figures(return_state=True).result()) == [2019]  # after January: the year so far only
    served = {d.name: d for d in deployments(Settings(facility_file=DEFAULT_FACILITY))}["figures"]
    assert [s.schedule.cron for s in served.schedules] == [FIGURES_CRON]


def test_the_newsletter_flow_drafts_last_month_once_and_its_deadline_and_events_need_no_action(prefect, app, clock):
    from flows.deadlines import sweep
    from flows.figures import prepare_newsletter
    from flows.serve import NEWSLETTER_CRON, deployments
    from config.settings import DEFAULT_FACILITY

    clock.set(datetime(2016, 4, 1, 6, tzinfo=UTC))  # 08:00 in Brussels; a year no other test here uses
    done = prepare_newsletter(return_state=True).result()
    assert done == "NL-2016-03 MIEUX newsletter: March 2016: drafted for review"
    assert prepare_newsletter(return_state=True).result().startswith("the newsletter of March 2016 exists already")
    task = app.service.subject("communication_task", "NL-2016-03")
    assert (task.state, task.action_id) == ("drafted", None)
    assert app.service.subject_history("communication_task", "NL-2016-03")[0].actor == "engine"

    summary = sweep()
    assert summary["scheduled"] == 2
    runs = runs_tagged(prefect, "deadline:newsletter_review")
    assert [r.name for r in runs] == ["NL-2016-03 MIEUX newsletter: March 2016 · newsletter review due",
                                      "NL-2016-03 MIEUX newsletter: March 2016 · newsletter review reminder"]
    assert not any(tag.startswith("action:") for tag in runs[0].tags)
    events = events_about(prefect, "mieux.communication_task.NL-2016-03", since="2016-01-01", at_least=2)
    assert sorted(e["event"] for e in events) == ["mieux.alert.owed", "mieux.communication_task.draft"]
    assert all(not any(r["prefect.resource.id"].startswith("mieux.action.") for r in e["related"]) for e in events)

    served = {d.name: d for d in deployments(Settings(facility_file=DEFAULT_FACILITY))}["newsletter"]
    assert [(s.schedule.cron, s.schedule.timezone) for s in served.schedules] == [(NEWSLETTER_CRON, "Europe/Brussels")]


def test_with_prefect_down_for_an_hour_people_keep_working_and_the_timers_are_mirrored_on_its_return(prefect, app,
                                                                                                    clock):
    """The Prefect API unreachable for an hour of simulated time: requests are registered and
    accepted, due deadlines fire (the sweep's firing needs no Prefect: `mieux sweep`), every attempt
    to mirror fails whole, marking nothing; when the API is back, one mirror schedules every timer
    the hour made, and the next schedules none twice."""
    from datetime import timedelta

    from prefect.client.orchestration import SyncPrefectClient
    from sqlalchemy import func

    from flows.mirror import mirror_timers
    from loopback.servers import free_port
    from store.tables import Audit

    down = f"http://127.0.0.1:{free_port()}/api"  # nothing listens there
    overdue = app.service.register(request(received_on=date(2026, 1, 5), name="Overdue"), actor="ana").reference
    app.service.fire(overdue, "accept", actor="ana")
    mirror_timers(app, prefect)  # all mirrored before the outage
    references, failures = [], 0
    for minute in range(0, 60, 5):
        clock.set(datetime(2026, 3, 2, 8, minute, tzinfo=UTC))
        reference = app.service.register(request(received_on=date(2026, 3, 2), name=f"During {minute}"),
                                         actor="ana").reference
        if minute % 10 == 0:
            app.service.fire(reference, "accept", actor="ana")
        references.append(reference)
        app.fire_all_due()
        app.outbox.dispatch()
        try:
            with SyncPrefectClient(api=down) as client:
                mirror_timers(app, client)
        except Exception:
            failures += 1
    assert failures == 12
    clock.advance(minutes=5)  # Prefect is back
    with transaction(app.engine) as session:
        horizon = clock.now() + timedelta(days=app.settings.mirror_horizon_days)
        waiting = session.exec(select(func.count()).select_from(Timer).where(
            Timer.status == "pending", Timer.mirrored.is_(None), Timer.fire_at <= horizon)).one()
        acts = session.exec(select(func.count()).select_from(Audit)).one()
        fired = session.exec(select(Alert).where(Alert.kind == "fiche.due")).all()
    assert waiting > 0 and acts >= 12 + 6 + 2  # every registration and acceptance of the hour recorded
    assert len(fired) == 1  # the overdue fiche fired during the outage, without Prefect

    scheduled, _ = mirror_timers(app, prefect)
    assert scheduled == waiting
    assert mirror_timers(app, prefect) == (0, 0)
    for reference in references[::2]:  # each accepted request's timers are runs, once each
        runs = runs_tagged(prefect, f"action:{reference}")
        assert runs and len({r.name for r in runs}) == len(runs)
    assert timedelta(0) < clock.now() - datetime(2026, 3, 2, 8, tzinfo=UTC) <= timedelta(hours=1, minutes=5)
