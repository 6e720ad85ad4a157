"""Prefect as the execution layer: mirror pending timers as scheduled flow runs, publish events.

The engine's tables are the system of record; this module only makes Prefect reflect them, and
every step can be repeated safely: flow runs are created with an idempotency key per timer, runs
of stopped timers are cancelled (kept in history, not deleted), and events carry an id derived
from the row they tell of (audit, alert, delivery), so publishing twice shows once.
"""
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import text, update
from sqlmodel import select

from mieux.bootstrap import App
from store.db import reading, transaction
from store.tables import Action, Activity, Alert, Audit, Cursor, Deadline, Delivery, Setting, Timer

TIMER_DEPLOYMENT = "mieux-deadline/timers"
EVENTS_NAMESPACE = uuid.UUID("6f0d1c55-8f4e-4a51-9a7e-3c1f9a0f2b10")


def on_activity(table):
    """Join condition: the row's subject is this activity."""
    return (table.subject_kind == "activity") & (table.subject_id == Activity.id)


def run_name(action: Action | None, deadline: Deadline, timer: Timer, activity: Activity | None = None,
             subject: str | None = None) -> str:
    """What an admin reads in the UI: "2026-07 Ghana II · fiche due", "2026-07/3 Workshop · ...",
    "NL-2026-11 MIEUX newsletter ... · news review due" (`subject`: how a subject of no Action is named)."""
    who = (f"{action.reference}/{activity.number} {activity.title}" if activity
           else f"{action.reference} {action.name}" if action else subject)
    return f"{who} · {deadline.kind.replace('_', ' ')} {timer.point}"


def run_tags(action: Action | None, deadline: Deadline, timer: Timer, activity: Activity | None = None,
             installation: str = "") -> list[str]:
    """Tags to find runs by in the UI; `installation:` tells apart stores sharing one Prefect server."""
    tags = [*([f"action:{action.reference}"] if action else []), f"process:{deadline.process}",
            f"deadline:{deadline.kind}", f"point:{timer.point}", f"subject:{deadline.subject_kind}",
            f"installation:{installation}"]
    return tags + ([f"activity:{action.reference}/{activity.number}"] if activity else [])


class Names:
    """How people name subjects, (kind, id) -> (key, title), each looked up once per session; None
    for what is not a subject with a lifecycle (an expert of the roster, whose name stays out of Prefect)."""

    def __init__(self, session):
        self.session = session
        self.known: dict[tuple[str, int], tuple[str, str] | None] = {}

    def __call__(self, kind_name: str, subject_id: int | None) -> tuple[str, str] | None:
        from mieux.subjects import KINDS

        if (kind_name, subject_id) not in self.known:
            kind = KINDS.get(kind_name)
            row = None if kind is None or subject_id is None else self.session.get(kind.table, subject_id)
            self.known[kind_name, subject_id] = (None if row is None else
                                                 (kind.key(self.session, row), kind.title(self.session, row)))
        return self.known[kind_name, subject_id]


def mirror_timers(app: App, client, *, limit: int = 500) -> tuple[int, int]:
    """Schedule a flow run for each unmirrored pending timer due within the horizon; cancel runs of
    stopped timers.

    Only a near horizon (MIEUX_MIRROR_HORIZON_DAYS, 7 by default) becomes flow runs: every run is a
    row of Prefect's flow_run table, whose API and UI slow down as it grows, and a timer months
    away needs no run yet. Each sweep extends the horizon as time passes; the timers stay the
    system of record here, and the sweep fires what is due whether or not it was mirrored."""
    from prefect.states import Cancelled, Scheduled

    horizon = app.clock.now() + timedelta(days=app.settings.mirror_horizon_days)
    deployment = client.read_deployment_by_name(TIMER_DEPLOYMENT)
    with transaction(app.engine) as session:  # two stores on one Prefect server must not share keys
        installation = installation_id(session)
    with reading(app.engine) as session:
        todo = session.exec(select(Timer, Deadline, Action, Activity).join(Deadline, Timer.deadline_id == Deadline.id)
                            .outerjoin(Action, Timer.action_id == Action.id).outerjoin(Activity, on_activity(Timer))
                            .where(text("timer.status = 'pending' AND timer.mirrored IS NULL"),
                                   Timer.fire_at <= horizon)
                            .order_by(Timer.fire_at).limit(limit)).all()
        names = Names(session)
        of_none = {timer.id: " ".join(names(deadline.subject_kind, deadline.subject_id) or (deadline.label,))
                   for timer, deadline, action, _ in todo if action is None}
        stale = session.exec(select(Timer, Deadline).join(Deadline, Timer.deadline_id == Deadline.id)
                             .where(text("timer.status != 'pending' AND timer.mirrored = 'scheduled'"))
                             .limit(limit)).all()
    scheduled = []
    for timer, deadline, action, activity in todo:
        run = client.create_flow_run_from_deployment(
            deployment.id, parameters={"deadline_id": deadline.id}, state=Scheduled(scheduled_time=timer.fire_at),
            name=run_name(action, deadline, timer, activity, of_none.get(timer.id)), tags=run_tags(action, deadline, timer, activity, installation),
            # a timer handed back by a run that started too early keeps that run's id: its new key differs
            idempotency_key=f"mieux-{installation}-timer-{timer.id}" + (f"-after-{timer.flow_run_id}"
                                                                          if timer.flow_run_id else ""))
        scheduled.append((timer.id, str(run.id)))
    settled = []
    for timer, deadline in stale:
        run = client.read_flow_run(timer.flow_run_id)
        if timer.status != "fired" and run.state and run.state.type.value in ("SCHEDULED", "PENDING"):
            client.set_flow_run_state(run.id, Cancelled(message=f"{deadline.label}: {timer.status}, "
                                                                f"deadline {deadline.status}"))
            settled.append((timer.id, "cancelled"))
        else:
            settled.append((timer.id, "settled"))
    with transaction(app.engine) as session:
        for timer_id, run_id in scheduled:
            session.exec(update(Timer).where(Timer.id == timer_id).values(flow_run_id=run_id, mirrored="scheduled"))
        for timer_id, how in settled:
            session.exec(update(Timer).where(Timer.id == timer_id).values(mirrored=how))
    return len(scheduled), sum(1 for _, how in settled if how == "cancelled")


ENGINE_FLOWS = ["mieux-sweep", "mieux-deadline", "mieux-dispatch", "mieux-fire-trigger", "mieux-register-request"]
LEFT_BEHIND_AFTER = timedelta(minutes=2)


def settle_left_behind(app: App, client, *, now: datetime) -> int:
    """Cancel the engine's runs that a stopped runner left Pending ("Submitting", or a process killed
    before it began) for more than LEFT_BEHIND_AFTER: they never ran and nothing will start them.
    Later runs do their work: the next sweep and dispatch; a timer goes back to the sweep, which
    schedules it a new run; an admin's form must be sent again (its run says so)."""
    from prefect.client.schemas.filters import (FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterState,
                                                FlowRunFilterStateType)
    from prefect.client.schemas.objects import StateType
    from prefect.states import Cancelled

    from mieux.deadlines import hand_back_early_timers

    pending = client.read_flow_runs(
        flow_filter=FlowFilter(name=FlowFilterName(any_=ENGINE_FLOWS)),
        flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.PENDING]))),
        limit=200)
    settled = 0
    for run in pending:
        if run.state is None or run.state.timestamp > now - LEFT_BEHIND_AFTER:
            continue  # a runner may be starting it right now
        form = "admin" in run.tags  # the admins' form deployments carry it
        client.set_flow_run_state(run.id, Cancelled(message=(
            "never started: the engine stopped while submitting it" +
            ("; send the form again" if form else "; later runs did its work"))), force=True)
        if "deadline_id" in run.parameters:
            hand_back_early_timers(app.engine, int(run.parameters["deadline_id"]), str(run.id))
        settled += 1
    return settled


def publish_events(app: App, *, limit: int = 1000) -> int:
    """Emit a Prefect event for every audit row not yet published: `mieux.<machine>.<trigger>`, the
    subject as resource and, for a subject other than the Action, its Action (if it has one) as a
    related resource. The roster's own rows (an expert added) are not published: Prefect keeps no
    expert's name."""
    from prefect.events import emit_event

    with transaction(app.engine) as session:
        installation = installation_id(session)
        cursor = session.get(Cursor, "events") or Cursor(name="events", position=0)
        rows = session.exec(select(Audit, Action, Activity).outerjoin(Action, Audit.action_id == Action.id)
                            .outerjoin(Activity, on_activity(Audit))
                            .where(Audit.id > cursor.position).order_by(Audit.id).limit(limit)).all()
        names = Names(session)
        for audit, action, activity in rows:
            if audit.subject_kind == "action":
                key, name = action.reference, action.name
            elif activity:
                key, name = f"{action.reference}/{activity.number}", activity.title
            elif (named := names(audit.subject_kind, audit.subject_id)) is not None:
                key, name = named
            else:
                continue
            related = [{"prefect.resource.id": f"mieux.person.{audit.actor}", "prefect.resource.role": "actor"}]
            if action is not None and audit.subject_kind != "action":
                related.append({"prefect.resource.id": f"mieux.action.{action.reference}",
                                "prefect.resource.role": "action",
                                "prefect.resource.name": f"{action.reference} {action.name}"})
            emit_event(
                event=f"mieux.{audit.subject_kind}.{audit.trigger}", occurred=audit.at,
                id=uuid.uuid5(EVENTS_NAMESPACE, f"{installation}:audit:{audit.id}"),
                resource={"prefect.resource.id": f"mieux.{audit.subject_kind}.{key}",
                          "prefect.resource.name": f"{key} {name}", "mieux.state": audit.to_state,
                          # labels show in the event's Details tab: the story without opening Raw
                          "mieux.from": audit.from_state or "-", "mieux.to": audit.to_state,
                          "mieux.actor": audit.actor, "mieux.via": audit.via or "-"},
                related=related,
                payload={"from": audit.from_state, "to": audit.to_state, "trigger": audit.trigger,
                         "actor": audit.actor, "reason": audit.reason})
        if rows:
            cursor.position = rows[-1][0].id
            session.add(cursor)
    return len(rows)


def publish_alert_events(app: App, *, limit: int = 1000) -> int:
    """Emit an event for every alert owed and every message sent since the last call, so the feed
    tells the whole story and automations can act on it: `mieux.deadline.fired` (a deadline's
    reminder, due notice or escalation), `mieux.alert.owed` (what a transition owes, a dead-letter
    report) and `mieux.alert.sent` (one message to one person on one channel)."""
    from prefect.events import emit_event

    with transaction(app.engine) as session:
        installation = installation_id(session)
        owed_cursor = session.get(Cursor, "alert-events") or Cursor(name="alert-events", position=0)
        sent_cursor = session.get(Cursor, "sent-events") or Cursor(name="sent-events", position=0)
        owed = session.exec(select(Alert, Action).outerjoin(Action, Alert.action_id == Action.id)
                            .where(Alert.id > owed_cursor.position).order_by(Alert.id).limit(limit)).all()
        since = _moment(sent_cursor)
        sent = session.exec(select(Delivery, Alert, Action).join(Alert, Delivery.alert_id == Alert.id)
                            .outerjoin(Action, Alert.action_id == Action.id)
                            .where(Delivery.status == "sent", Delivery.sent_at >= since)
                            .order_by(Delivery.sent_at, Delivery.id).limit(limit)).all()
        for alert, action in owed:
            if not _published(alert, action):
                continue
            key, deadline = alert.data.get("reference", action and action.reference), alert.data.get("deadline")
            emit_event(
                event="mieux.deadline.fired" if alert.source.startswith("timer:") else "mieux.alert.owed",
                occurred=alert.created_at, id=uuid.uuid5(EVENTS_NAMESPACE, f"{installation}:alert:{alert.id}"),
                resource=_alert(alert, key), related=_about(alert, action, key),
                payload={"kind": alert.kind, "point": alert.data.get("point"), "deadline": deadline,
                         "due_at": alert.data.get("due_at"), "recipients": alert.recipients, "urgent": alert.urgent})
        for delivery, alert, action in sent:
            if not _published(alert, action):
                continue
            key = alert.data.get("reference", action and action.reference)
            emit_event(
                event="mieux.alert.sent", occurred=delivery.sent_at,
                id=uuid.uuid5(EVENTS_NAMESPACE, f"{installation}:delivery:{delivery.id}"),
                resource=_alert(alert, key),
                related=[{"prefect.resource.id": f"mieux.person.{delivery.person}", "prefect.resource.role": "recipient"},
                         *_about(alert, action, key)],
                payload={"kind": alert.kind, "person": delivery.person, "channel": delivery.channel,
                         "attempts": delivery.attempts})
        if owed:
            owed_cursor.position = owed[-1][0].id
            session.add(owed_cursor)
        if sent:  # sent messages are found again from the last moment seen: their event ids make it harmless
            sent_cursor.position = _position(sent[-1][0].sent_at)
            session.add(sent_cursor)
    return len(owed) + sum(1 for d, _, _ in sent if d.sent_at > since)


def _moment(cursor: Cursor) -> datetime:
    """A cursor over a time column keeps its position in microseconds since the epoch."""
    return datetime.fromtimestamp(cursor.position / 1e6, timezone.utc)


def _position(moment: datetime) -> int:
    return int(moment.timestamp() * 1e6)


def _alert(alert: Alert, key: str) -> dict:
    """An alert as an event's resource, named by its subject and its deadline (or its kind)."""
    return {"prefect.resource.id": f"mieux.alert.{alert.id}",
            "prefect.resource.name": f"{key} · {alert.data.get('deadline') or alert.kind}"}


def _published(alert: Alert, action: Action | None) -> bool:
    """Whether an alert is told of in Prefect: not the roster's own (an expert's consent to renew),
    which would name the expert there."""
    from mieux.subjects import KINDS

    return action is not None or (alert.subject_kind in KINDS and alert.subject_id is not None)


def _about(alert: Alert, action: Action | None, key: str) -> list[dict]:
    """An alert's related resources: its subject and, for another subject, its Action (if it has one)."""
    related = [{"prefect.resource.id": f"mieux.{alert.subject_kind}.{key}", "prefect.resource.role": "subject",
                "prefect.resource.name": f"{key} {alert.data.get('name', action.name if action else '')}"}]
    if action is not None and alert.subject_kind != "action":
        related.append({"prefect.resource.id": f"mieux.action.{action.reference}", "prefect.resource.role": "action",
                        "prefect.resource.name": f"{action.reference} {action.name}"})
    return related


def publish_action_pages(app: App, *, limit: int = 1000) -> int:
    """Publish the page (a Markdown artifact keyed by reference) of every Action that changed since
    the last call: a transition or edit of it or of its activities, an alert it owes, a message
    sent about it. Alerts link to these pages."""
    from prefect.artifacts import create_markdown_artifact

    from mieux.pages import action_page
    from notifications.templates import page_key

    names = ("page-audit", "page-alert", "page-sent")
    with reading(app.engine) as session:
        audit, alert, sent = (session.get(Cursor, n) or Cursor(name=n, position=0) for n in names)
        touched = session.exec(select(Audit.id, Audit.action_id).where(Audit.id > audit.position)
                               .order_by(Audit.id).limit(limit)).all()
        owed = session.exec(select(Alert.id, Alert.action_id).where(Alert.id > alert.position)
                            .order_by(Alert.id).limit(limit)).all()
        since = _moment(sent)
        delivered = session.exec(select(Delivery.sent_at, Alert.action_id).join(Alert, Delivery.alert_id == Alert.id)
                                 .where(Delivery.status == "sent", Delivery.sent_at > since)
                                 .order_by(Delivery.sent_at).limit(limit)).all()
        ids = {action_id for _, action_id in [*touched, *owed, *delivered]} - {None}
        references = session.exec(select(Action.reference).where(Action.id.in_(ids))).all() if ids else []
    now = app.clock.now()
    for reference in sorted(references):
        # The UI's page for a key (where alerts link) shows the latest version's description, not its
        # data: the page goes there; the data says which version it is.
        page = action_page(app.service, reference, now=now, zone=app.facility.zone)
        as_of = now.astimezone(app.facility.zone).strftime("%d %b %Y %H:%M %Z")
        create_markdown_artifact(key=page_key(reference), description=page,
                                 markdown=f"_The page of {reference} as of {as_of}, published by the sweep; the "
                                          "latest is at the top of its key._")
    with transaction(app.engine) as session:
        for cursor, rows, position in ((audit, touched, lambda r: r[0]), (alert, owed, lambda r: r[0]),
                                       (sent, delivered, lambda r: _position(r[0]))):
            if rows:
                cursor.position = position(rows[-1])
                session.merge(cursor)
    return len(references)


def installation_id(session) -> str:
    """This store's own id, made on first use (so copies of an empty store do not share one)."""
    setting = session.get(Setting, "installation_id")
    if setting is None:
        setting = Setting(key="installation_id", value=str(uuid.uuid4()))
        session.add(setting)
    return setting.value


def open_actions_table(app: App, now: datetime) -> list[dict]:
    """The status table admins open in the UI: every open Action, overdue ones first and marked,
    its stage and next deadline; narrow enough to read without scrolling."""
    with reading(app.engine) as session:
        actions = session.exec(select(Action).where(Action.state.not_in(list(app.service.machine.terminal)))
                               .order_by(Action.reference)).all()
        pending = session.exec(select(Deadline).where(Deadline.status == "pending").order_by(Deadline.due_at)).all()
        imported = set(session.exec(select(Audit.action_id).where(Audit.trigger == "import")))
        moved = set(session.exec(select(Audit.action_id).where(Audit.trigger.not_in(("import", "update", "replan")),
                                                               Audit.subject_kind == "action")))
    nearest: dict[int, Deadline] = {}
    for deadline in pending:
        nearest.setdefault(deadline.action_id, deadline)
    zone = app.facility.zone

    def row(a: Action) -> dict:
        next_ = nearest.get(a.id)
        overdue = next_ is not None and next_.due_at <= now
        in_stage = (f"since import ({a.state_since.astimezone(zone):%d %b %Y})" if a.id in imported and a.id not in moved
                    else f"{(now - a.state_since).days} days")  # the import does not know when it entered the stage
        return {"action": f"{a.reference} {a.name}", "stage": a.state, "in stage": in_stage,
                "next deadline": ("OVERDUE: " if overdue else "") + (next_.label if next_ else "-"),
                "due": f"{next_.due_at.astimezone(zone):%d %b %Y}" if next_ else "-"}

    rows = [(a.id in nearest and nearest[a.id].due_at <= now, a) for a in actions]
    return [row(a) for _, a in sorted(rows, key=lambda r: not r[0])]  # overdue first, then by reference
