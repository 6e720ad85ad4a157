"""A short, self-contained demonstration of the engine on the embedded default store."""
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from config.settings import Settings
from domain.errors import Conflict, Refused
from domain.schemas import ActionChanges, Fiche, RequestIn
from mieux.bootstrap import bootstrap
from mieux.cli.portfolio import render_report
from mieux.lock import engine_lock
from mieux.portfolio import import_portfolio, report
from mieux.render import local, table
from store.migrate import upgrade

PORTFOLIO = Path(__file__).resolve().parents[2] / "config" / "demo" / "portfolio.csv"
DEMO_MARK = "demo_store"
"""A setting the demo writes in a store it created; the only kind of store it will ever reset."""


def run_demo(settings: Settings, *, echo: Callable[[str], None], reset: bool = False) -> None:
    """Initialise an empty store, import the bundled history, walk one new request through, report.

    It never touches a store that holds data it did not put there, never one a running engine
    holds (`mieux serve`), and replaces its own earlier store only when asked (`--reset`)."""
    with engine_lock(settings.data_dir, what="demo"):
        app = bootstrap(settings, check=False)
        app.service.door = "mieux demo"
        upgrade(app.engine)
        _claim_store(app, reset=reset)
        _demonstrate(app, echo)


def _claim_store(app, *, reset: bool) -> None:
    """Refuse a store with data the demo did not write; mark an empty one as the demo's; with
    `reset`, empty the demo's own, unless someone changed it after the demo ran."""
    from sqlalchemy import func, text
    from sqlmodel import select

    from store.db import transaction
    from store.tables import Action, Audit, Setting

    where = app.engine.url.render_as_string()
    with transaction(app.engine) as session:
        actions = session.exec(select(func.count()).select_from(Action)).one()
        mark = session.get(Setting, DEMO_MARK)
        if actions and mark is None:
            raise Conflict(f"the store at {where} holds {actions} Action(s) the demo did not create; it runs only on "
                           "an empty store: point MIEUX_DATA_DIR (or MIEUX_DATABASE_URL) at a new one")
        if actions and not reset:
            raise Conflict(f"the store at {where} holds the demo's earlier run ({actions} Actions): run `mieux demo "
                           "--reset` to start it again from scratch, or use another MIEUX_DATA_DIR")
        last = session.exec(select(func.max(Audit.id))).one() or 0
        if actions and mark.value.isdigit() and last > int(mark.value):
            later = session.exec(select(Audit).where(Audit.id > int(mark.value)).order_by(Audit.id.desc())).first()
            raise Conflict(f"the store at {where} was changed after the demo ran ({last - int(mark.value)} change(s), "
                           f"the last by {later.actor}, {later.trigger}): the demo will not delete them; use another "
                           "MIEUX_DATA_DIR")
        if actions:  # the demo's own store, untouched since, and the person asked: start again from nothing
            for table in ("delivery", "alert", "timer", "deadline", "form_answer", "form_link", "evaluation_collection",
                          "participant", "invitation_link", "checklist_item", "assignment", "activity",
                          "communication_task", "knowledge_entry", "cursor", "reference_counter"):
                session.exec(text(f"DELETE FROM {table}"))
            _empty_audit_and_actions(session)
            session.exec(text("DELETE FROM setting WHERE key = 'installation_id'"))  # new Prefect keys and events
        session.merge(Setting(key=DEMO_MARK, value="started"))


def _mark_done(app) -> None:
    """Remember how far the demo wrote: a later change by anyone else makes the store not the demo's."""
    from sqlalchemy import func
    from sqlmodel import select

    from store.db import transaction
    from store.tables import Audit, Setting

    with transaction(app.engine) as session:
        session.merge(Setting(key=DEMO_MARK, value=str(session.exec(select(func.max(Audit.id))).one() or 0)))


def _empty_audit_and_actions(session) -> None:
    """The audit trail refuses deletes (its triggers); the demo's own store is the one exception."""
    from sqlalchemy import text

    if session.bind.dialect.name == "sqlite":
        for statement in ("DROP TRIGGER audit_no_delete", "DELETE FROM audit",
                          "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
                          "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"):
            session.exec(text(statement))
    else:
        for statement in ("ALTER TABLE audit DISABLE TRIGGER audit_append_only", "DELETE FROM audit",
                          "ALTER TABLE audit ENABLE TRIGGER audit_append_only"):
            session.exec(text(statement))
    session.exec(text("DELETE FROM action"))


def _demonstrate(app, echo: Callable[[str], None]) -> None:
    service = app.service
    echo(f"store: {app.engine.url.render_as_string()}")
    done = import_portfolio(service, PORTFOLIO, actor="pieter")
    echo(f"imported the bundled portfolio: {done.created} created\n")

    today = service.clock.now().astimezone(app.facility.zone).date()
    action = service.register(RequestIn(
        name="Cabo Verde III", requester="Direction of Migration, Ministry of Foreign Affairs",
        requester_type="national_authority", countries=["CV"], region="Africa (West)",
        theme="migration_development", channel="eu_delegation", received_on=today - timedelta(days=12),
        focal_point="Director of Migration"), actor="ana")
    ref = action.reference
    echo(f"registered {ref} {action.name}: a request received {action.received_on}")
    steps = [
        ("ana", "accept", None, ActionChanges(project_officer="ana")),
        ("lea", "submit_fiche", None, ActionChanges(fiche=Fiche(
            objective="Strengthen the diaspora engagement strategy",
            intervention_logic="Peer review of the draft strategy, then training of its implementers",
            activities=[{"type": "assessment", "title": "Review of the draft strategy", "place": "Praia",
                         "start": today + timedelta(days=48), "end": today + timedelta(days=50)},  # dates due in 3
                        {"type": "training", "title": "Training of trainers", "place": "Praia",
                         "start": today + timedelta(days=90), "end": today + timedelta(days=94)}]))),
        ("ana", "approve", None, ActionChanges(psg_decision_on=today)),
        ("psg-devco", "approve", None, ActionChanges(psg_decision_on=today)),
    ]
    for actor, trigger, reason, changes in steps:
        try:
            moved = service.fire(ref, trigger, actor=actor, reason=reason, changes=changes)
            echo(f"  {actor:10} {trigger:14} -> {moved.state}")
        except Refused as refusal:
            echo(f"  {actor:10} {trigger:14} refused: {refusal}")
    echo("\naudit trail of " + ref)
    echo(table(["when", "trigger", "from", "to", "by"],
               [[local(e.at, app.facility.zone), e.trigger, e.from_state, e.to_state, e.actor]
                for e in service.history(ref)]))
    echo("\n" + render_report(report(service)))
    _mark_done(app)
    echo("\nThe running engine: deadlines on Prefect")
    run_engine_once(app, echo=echo)


def run_engine_once(app, *, echo: Callable[[str], None]) -> None:
    """Start a local Prefect server, run one sweep as a real flow run, show what Prefect now holds."""
    import os

    from flows import runtime
    from flows.serve import prefect_server

    with prefect_server(app.settings, echo=echo) as api_url:
        os.environ["PREFECT_API_URL"] = api_url
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
        from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

        from flows.deadlines import STATUS_ARTIFACT, deadline_timer, sweep

        runtime.install(app)
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            deadline_timer.to_deployment(name="timers").apply()
            done = sweep()
        echo(f"sweep: {done['fired']} deadline notice(s) fired ({done['coalesced']} reminder(s) folded in), "
             f"{done['scheduled']} timer(s) scheduled as Prefect flow runs, {done['events']} transition(s) "
             f"published as events, status table in artifact '{STATUS_ARTIFACT}'")
        with get_client(sync_client=True) as client:
            upcoming = client.read_flow_runs(flow_run_filter=FlowRunFilter(state=FlowRunFilterState(
                type=FlowRunFilterStateType(any_=["SCHEDULED"]))), sort="EXPECTED_START_TIME_ASC", limit=5)
        echo(table(["scheduled flow run", "at"],
                   [[r.name, local(r.expected_start_time, app.facility.zone)] for r in upcoming]))
        ui = api_url.removesuffix("/api")
        echo(f"\nPrefect UI (up while this runs): {ui}")
        echo(f"keep the engine running with: MIEUX_DATA_DIR={app.settings.data_dir} .venv/bin/mieux serve "
             "(or make serve), then open the UI")
