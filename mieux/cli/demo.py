"""A short, self-contained demonstration of the engine on the embedded default store."""
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from config.settings import Settings
from domain.errors import Refused
from domain.schemas import ActionChanges, Fiche, RequestIn
from mieux.bootstrap import bootstrap
from mieux.cli.portfolio import render_report
from mieux.portfolio import import_portfolio, report
from mieux.render import local, table
from store.migrate import upgrade

PORTFOLIO = Path(__file__).resolve().parents[2] / "config" / "demo" / "portfolio.csv"


def run_demo(settings: Settings, *, echo: Callable[[str], None]) -> None:
    """Initialise the store, import the bundled history, walk one new request through, report."""
    app = bootstrap(settings, check=False)
    upgrade(app.engine)
    service = app.service
    echo(f"store: {app.engine.url.render_as_string()}")
    done = import_portfolio(service, PORTFOLIO, actor="pieter", update=True)
    echo(f"imported the bundled portfolio: {done.created} created, {done.updated} updated\n")

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
                         "start": today + timedelta(days=50), "end": today + timedelta(days=52)},
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
