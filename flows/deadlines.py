"""The clock: a sweep on a short interval, and one scheduled run per timer. Either may fire first."""
import time
from datetime import timedelta

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.client.orchestration import get_client

from flows import runtime
from flows.mirror import (mirror_timers, open_actions_table, publish_action_pages, publish_alert_events,
                          publish_events, settle_left_behind)
from mieux.deadlines import seconds_to_next_timer

STATUS_ARTIFACT = "mieux-open-actions"
MISSION_DAYS = 60


EARLY_START_GRACE_SECONDS = 30
"""Prefect may start a scheduled run a little before its time (it rounds the wait to whole seconds);
a timer run that finds its timer a few seconds short of due waits for it rather than leave it to
the next sweep."""


@task(name="fire due deadlines", retries=3, retry_delay_seconds=[2, 10, 30])
def fire_task(deadline_ids: list[int] | None = None) -> dict:
    app = runtime.current()
    done = app.fire_all_due(deadline_ids=deadline_ids)
    return {"fired": done.fired, "coalesced": done.coalesced, "cancelled": done.cancelled}


@task(name="note experts' consents to renew", retries=2, retry_delay_seconds=5)
def consent_task() -> int:
    from mieux.experts import owe_consent_reminders

    app = runtime.current()
    return owe_consent_reminders(app.engine, facility=app.facility, clock=app.clock,
                                 months=app.settings.consent_months)


@task(name="mirror timers in Prefect", retries=2, retry_delay_seconds=5)
def mirror_task() -> dict:
    app = runtime.current()
    with get_client(sync_client=True) as client:
        settled = settle_left_behind(app, client, now=app.clock.now())
        scheduled, cancelled = mirror_timers(app, client)
    return {"scheduled": scheduled, "cancelled": cancelled, "settled": settled}


@task(name="publish transitions, deadlines and alerts as events", retries=2, retry_delay_seconds=5)
def events_task() -> int:
    return publish_events(runtime.current()) + publish_alert_events(runtime.current())


@task(name="publish the pages of Actions that changed", retries=2, retry_delay_seconds=5)
def pages_task() -> int:
    return publish_action_pages(runtime.current())


@task(name="publish status artifact")
def status_task() -> bool:
    """Publish the status table as a new artifact version only when its content changed."""
    import hashlib
    import json

    from store.db import reading, transaction
    from store.tables import Setting

    from mieux.logistics import upcoming_missions

    app = runtime.current()
    rows = open_actions_table(app, app.clock.now())
    missions = upcoming_missions(app.engine, today=app.service.today(), days=MISSION_DAYS)
    digest = hashlib.sha256(json.dumps([rows, missions], sort_keys=True).encode()).hexdigest()
    with reading(app.engine) as session:
        last = session.get(Setting, "status_artifact")
    if last is not None and last.value == digest:
        return False
    from mieux.pages import markdown_table
    from notifications.templates import page_key

    overdue = sum(r["next deadline"].startswith("OVERDUE") for r in rows)
    headers = list(rows[0]) if rows else ["action"]
    linked = [[f"[{r['action']}](/artifacts/key/{page_key(r['action'].split()[0])})",
               *(f"**{v}**" if str(v).startswith("OVERDUE") else v for k, v in r.items() if k != "action")]
              for r in rows]
    create_table_artifact(  # the key's page in the UI shows the description: the table goes there too
        key=STATUS_ARTIFACT, table=rows,
        description="\n".join([f"**{len(rows)} open Actions, {overdue} overdue** (first); each opens its own page",
                               "", *markdown_table(headers, linked), "",
                               f"**Missions of the next {MISSION_DAYS} days: {len(missions)}**, with what their "
                               "logistics checklists still have open (mieux logistics list ACTIVITY)", "",
                               *(markdown_table(list(missions[0]), [list(m.values()) for m in missions])
                                 if missions else ["No mission starts in that time."])]))
    with transaction(app.engine) as session:  # after the call: no lock is held while Prefect answers
        session.merge(Setting(key="status_artifact", value=digest))
    return True


def name_run(name: str) -> None:
    """Rename the running flow run after what it did, so the run list reads as a log."""
    from prefect.runtime import flow_run

    try:
        with get_client(sync_client=True) as client:
            client.update_flow_run(flow_run.id, name=name[:120])
    except Exception as error:  # a name is a courtesy: never fail the run for it
        get_run_logger().info("could not rename the run: %s", error)


def did(summary: dict, labels: dict[str, str]) -> str:
    """'2 fired, 3 scheduled, 1 page' from a summary, or 'nothing to do' (a plural label, `pages`,
    loses its s for one)."""
    return ", ".join(f"{summary[k]} {label[:-1] if summary[k] == 1 and label.endswith('s') else label}"
                     for k, label in labels.items() if summary.get(k)) or "nothing to do"


@flow(name="mieux-sweep", flow_run_name="sweep", log_prints=True)
def sweep(mirror: bool = True) -> dict:
    """Fire every due deadline, bring Prefect's scheduled runs in line, publish events and status."""
    summary = fire_task()
    summary["consents"] = consent_task()
    if mirror:
        summary |= mirror_task()
    summary["events"] = events_task()
    summary["pages"] = pages_task()
    summary["status"] = status_task()
    get_run_logger().info("sweep: %s", summary)
    name_run("sweep · " + did(summary, {"fired": "fired", "coalesced": "folded in", "cancelled": "cancelled",
                                        "scheduled": "scheduled", "settled": "left behind cancelled", "consents": "consents to renew",
                                        "events": "events", "pages": "pages"})
             + (" · status updated" if summary["status"] else ""))
    return summary


@flow(name="mieux-deadline", log_prints=True)
def deadline_timer(deadline_id: int) -> dict:
    """One deadline's scheduled run: fires what is due for it, or says why nothing was (already
    fired by the sweep, stopped, or not due yet: then the sweep schedules a new run for it)."""
    from prefect.runtime import flow_run

    summary = fire_task(deadline_ids=[deadline_id])
    if not summary["fired"]:
        app = runtime.current()
        wait = seconds_to_next_timer(app.engine, deadline_id, app.clock.now())
        if wait is not None and 0 < wait <= EARLY_START_GRACE_SECONDS:
            get_run_logger().info("started %.1f s early: waiting for the timer", wait)
            time.sleep(wait + 0.05)
            summary = fire_task(deadline_ids=[deadline_id])
            wait = seconds_to_next_timer(app.engine, deadline_id, app.clock.now())
        if not summary["fired"]:
            summary["why"] = why_nothing_fired(app, deadline_id, wait, flow_run.id)
            get_run_logger().info("nothing fired: %s", summary["why"])
            name_run(f"{flow_run.name or 'deadline'} · {summary['why']}"[:120])
    get_run_logger().info("deadline %s: %s", deadline_id, summary)
    return summary


def why_nothing_fired(app, deadline_id: int, wait: float | None, run_id) -> str:
    """Why this run fired nothing; a timer it came for too early goes back to the sweep, which
    schedules it a new run at its moment."""
    from mieux.deadlines import hand_back_early_timers

    if wait is None:
        return "already fired or stopped: nothing pending"
    if wait <= 0:
        return "another run or the sweep is firing it"
    handed = hand_back_early_timers(app.engine, deadline_id, str(run_id) if run_id else None)
    due = app.clock.now() + timedelta(seconds=wait)
    again = "; the sweep schedules a new run" if handed else ""
    return f"not due yet (due {due.astimezone(app.facility.zone):%d %b %H:%M %Z}){again}"
