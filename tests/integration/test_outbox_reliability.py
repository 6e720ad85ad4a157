"""The outbox when things go wrong: outages, dead letters (dying twice), racing dispatchers (one
slower than its lease), a crash mid-send, secrets that must never show, daily digests and routing
twice. Real SMTP and HTTP receivers on loopback, real SQLite and PostgreSQL, real OS processes;
time moves only through the FixedClock, except where a lease must run out while a round sends.
"""
import json
import logging
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from config.settings import Settings
from domain.clock import FixedClock, SystemClock
from loopback.receivers import CHAT_TOKEN, SMTP_PASSWORD
from mieux.bootstrap import bootstrap
from notifications.outbox import Dispatched, OutboxPolicy
from store.db import transaction
from store.tables import Alert, Delivery
from tests.conftest import fresh_database_url
from tests.helpers import request

UTC = timezone.utc
pytestmark = [
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning"),
    pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning"),
]

MIEUX = Path(sys.executable).parent / "mieux"
START = datetime(2026, 3, 2, 8, tzinfo=UTC)
PROCESS_TIMEOUT = 90


class SecretShown(AssertionError):
    """A secret appeared where people can read it."""


# -- the app (receivers and the channels file: tests/integration/conftest.py) ------------------
def build(url: str, clock, channels_file, **settings):
    """The engine as `mieux serve` builds it, on `url`, with the test's clock."""
    path, secrets = channels_file
    return bootstrap(Settings(database_url=url, channels_file=path, secrets_file=secrets, **settings), clock=clock)


@pytest.fixture
def app(sqlite_url, clock, channels_file):
    clock.set(START)
    built = build(sqlite_url, clock, channels_file)
    yield built
    built.engine.dispose()


def register(app, count: int, **overrides) -> list[str]:
    """Register `count` requests (each owes a request.received alert); their references."""
    return [app.service.register(request(name=f"Request {n}", received_on=date(2026, 3, 2), **overrides),
                                 actor="ana").reference for n in range(count)]


def rows(engine) -> list[Delivery]:
    with transaction(engine) as session:
        return list(session.exec(select(Delivery).order_by(Delivery.id)))


def alerts(engine, kind: str) -> list[Alert]:
    with transaction(engine) as session:
        return list(session.exec(select(Alert).where(Alert.kind == kind).order_by(Alert.id)))


def mails(smtp) -> Counter:
    """How many times each (recipient, subject) arrived."""
    return Counter((r, m.subject) for m in smtp.inbox for r in m.recipients)


def received(smtp, chat) -> Counter:
    """Every message that reached a receiver, counted: mail by (recipient, subject), posts by (path, text)."""
    posts = Counter((path, body.get("text") or body.get("message")) for path, body, _ in chat.posts)
    return mails(smtp) + posts


def cli(*args: str, url: str, channels_file) -> subprocess.CompletedProcess:
    """Run the `mieux` console script as an operator would, with the secrets in env and the file."""
    path, secrets = channels_file
    environ = {**os.environ, "MIEUX_DATABASE_URL": url, "MIEUX_CHANNELS_FILE": str(path),
               "MIEUX_SECRETS_FILE": str(secrets)}
    result = subprocess.run([str(MIEUX), *args], env=environ, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"mieux {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


# -- processes ---------------------------------------------------------------------------------
def _dispatcher(name, url, channels, secrets, at, batch, ready, go, results):
    """One dispatcher process: its own engine and outbox; dispatch until nothing is left for it."""
    try:
        app = bootstrap(Settings(database_url=url, channels_file=channels, secrets_file=secrets),
                        clock=FixedClock(datetime.fromisoformat(at)))
        app.outbox.policy = replace(app.outbox.policy, batch=batch)  # small claims, so dispatchers interleave
        with app.engine.connect():
            pass
    except BaseException:
        ready.put(name)
        results.put((name, "error", traceback.format_exc()))
        return
    ready.put(name)
    try:
        if not go.wait(PROCESS_TIMEOUT):
            raise RuntimeError("no start signal")
        total = Counter()
        while True:
            done = app.outbox.dispatch()
            total.update({"routed": done.routed, "sent": done.sent, "failed": done.failed, "dead": done.dead,
                          "rounds": 1})
            if done == Dispatched():
                break
        results.put((name, "ok", dict(total)))
    except BaseException:
        results.put((name, "error", traceback.format_exc()))
    finally:
        app.engine.dispose()


def _crashing_dispatcher(url, channels, secrets, at, lease_seconds):
    """A dispatcher that dies (no cleanup, like a kill -9) right after the first message is accepted."""
    from notifications.outbox import Outbox

    app = bootstrap(Settings(database_url=url, channels_file=channels, secrets_file=secrets),
                    clock=FixedClock(datetime.fromisoformat(at)))
    outbox = Outbox(engine=app.engine, facility=app.facility, channels=app.outbox.channels, clock=app.clock,
                    policy=OutboxPolicy(workers=1, lease_seconds=lease_seconds),
                    after_send=lambda deliveries: os._exit(1))
    outbox.dispatch()
    os._exit(0)  # reached only if nothing was sent


def race(target, jobs: list[tuple]) -> dict:
    """Start one spawned process per job, release them together, return {name: (status, result)}."""
    ctx = multiprocessing.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    processes = [ctx.Process(target=target, args=(n, *job, ready, go, results)) for n, job in enumerate(jobs)]
    try:
        for p in processes:
            p.start()
        for _ in processes:
            ready.get(timeout=PROCESS_TIMEOUT)
        go.set()
        outcomes = {}
        for _ in processes:
            name, status, result = results.get(timeout=PROCESS_TIMEOUT)
            outcomes[name] = (status, result)
        for p in processes:
            p.join(timeout=PROCESS_TIMEOUT)
        assert [p.exitcode for p in processes] == [0] * len(processes)
        return outcomes
    finally:
        for p in processes:
            if p.is_alive():
                p.kill()
                p.join()


# -- 1. an outage ------------------------------------------------------------------------------
def test_an_smtp_outage_delays_email_with_growing_backoff_and_then_delivers_each_message_once(app, smtp, chat):
    smtp.stop()
    references = register(app, 3)
    t0 = app.clock.now()

    assert app.outbox.dispatch() == Dispatched(routed=3, sent=6, failed=6, dead=0)  # chat works, email not
    email = [d for d in rows(app.engine) if d.channel == "email"]
    assert len(email) == 6
    assert {(d.status, d.attempts, d.next_attempt_at) for d in email} == {("pending", 1, t0 + timedelta(seconds=10))}
    assert all(d.last_error == 'email: Connection error while submitting email to "127.0.0.1"' for d in email)
    assert {(d.status, d.attempts) for d in rows(app.engine) if d.channel == "chat"} == {("sent", 1)}

    t1 = app.clock.advance(seconds=10)
    assert app.outbox.dispatch() == Dispatched(failed=6)  # still down: the wait doubles
    email = [d for d in rows(app.engine) if d.channel == "email"]
    assert {(d.status, d.attempts, d.next_attempt_at) for d in email} == {("pending", 2, t1 + timedelta(seconds=20))}

    smtp.start()  # back, on the same port
    app.clock.advance(seconds=19)
    assert app.outbox.dispatch() == Dispatched()  # not due yet: nobody hammers a server that just came back
    assert smtp.inbox == []
    app.clock.advance(seconds=1)
    assert app.outbox.dispatch() == Dispatched(sent=6)

    expected = {(f"{who}@mieux.example", f"[MIEUX] New request: {ref} Request {n}"): 1
                for n, ref in enumerate(references) for who in ("ana.ferreira", "pieter.janssens")}
    assert mails(smtp) == Counter(expected)
    assert {(d.status, d.last_error) for d in rows(app.engine)} == {("sent", None)}
    assert {d.attempts for d in rows(app.engine) if d.channel == "email"} == {3}
    assert app.outbox.dispatch() == Dispatched() and len(smtp.inbox) == 6


def test_the_default_retry_budget_outlasts_an_hour_long_outage():
    policy = OutboxPolicy()
    waits = [policy.backoff(attempt) for attempt in range(1, policy.max_attempts)]  # after the last: dead
    assert [w.total_seconds() for w in waits[:7]] == [10, 20, 40, 80, 160, 320, 600]
    assert max(waits) == timedelta(seconds=600)
    assert sum(waits, timedelta()) == timedelta(seconds=6030)
    assert sum(waits, timedelta()) > timedelta(hours=1)


# -- 2. dead letters ---------------------------------------------------------------------------
@pytest.mark.slow
def test_a_delivery_out_of_retries_is_dead_reported_to_the_admin_channel_and_resent_by_hand(
        sqlite_url, clock, channels_file, smtp, chat):
    clock.set(START)
    app = build(sqlite_url, clock, channels_file, outbox_max_attempts=2, outbox_backoff_seconds=1)
    smtp.stop()
    [reference] = register(app, 1)
    subject = f"[MIEUX] New request: {reference} Request 0"

    assert app.outbox.dispatch() == Dispatched(routed=1, sent=2, failed=2)
    clock.advance(seconds=1)
    assert app.outbox.dispatch() == Dispatched(dead=2)
    dead = {d.person: d for d in rows(app.engine) if d.status == "dead"}
    assert sorted(dead) == ["ana", "pieter"]
    assert {(d.channel, d.attempts) for d in dead.values()} == {("email", 2)}
    reports = {a.data["person"]: a for a in alerts(app.engine, "outbox.dead")}
    assert {p: (a.source, a.recipients, a.urgent) for p, a in reports.items()} == {
        p: (f"dead:{dead[p].id}:1", ["pieter"], True) for p in ("ana", "pieter")}  # pieter is the admin
    assert reports["ana"].data == {
        "reference": reference, "name": "Request 0", "failed_kind": "request.received", "person": "ana",
        "channel": "email", "attempts": 2, "error": 'email: Connection error while submitting email to "127.0.0.1"',
        "delivery": dead["ana"].id}

    assert app.outbox.dispatch() == Dispatched(routed=2, sent=2)  # the reports go to the admin webhook
    admin = [body["message"] for path, body, _ in chat.posts if path == "/admin"]
    assert len(admin) == 2
    for person in ("ana", "pieter"):  # sent in parallel: in either order
        [message] = [m for m in admin if f"Undeliverable alert: request.received to {person} by email" in m]
        assert f"about {reference} Request 0 could not be delivered to {person} by email after 2 attempts" in message
        assert f"mieux outbox retry {dead[person].id}" in message
    app.engine.dispose()

    listed = json.loads(cli("outbox", "--failed", "--json", url=sqlite_url, channels_file=channels_file).stdout)
    assert [(r["id"], r["alert"], r["person"], r["channel"], r["status"], r["attempts"]) for r in listed] == [
        (dead["pieter"].id, "request.received", "pieter", "email", "dead", 2),
        (dead["ana"].id, "request.received", "ana", "email", "dead", 2)]
    assert all(r["error"] == 'email: Connection error while submitting email to "127.0.0.1"' for r in listed)

    smtp.start()
    out = cli("outbox", "retry", str(dead["ana"].id), url=sqlite_url, channels_file=channels_file).stdout
    assert out.strip() == f"delivery {dead['ana'].id} to ana by email will be sent at the next dispatch"
    out = cli("outbox", "dispatch", url=sqlite_url, channels_file=channels_file).stdout
    assert out.strip() == "routed 0 alert(s); sent 1, failed 0 (will retry), dead 0"
    assert mails(smtp) == Counter({("ana.ferreira@mieux.example", subject): 1})
    after = {d.id: d for d in rows(app.engine)}
    assert (after[dead["ana"].id].status, after[dead["ana"].id].attempts) == ("sent", 1)
    assert after[dead["pieter"].id].status == "dead"
    out = cli("outbox", "dispatch", url=sqlite_url, channels_file=channels_file).stdout
    assert out.strip() == "routed 0 alert(s); sent 0, failed 0 (will retry), dead 0"
    assert len(smtp.inbox) == 1
    app.engine.dispose()


def test_a_retried_delivery_that_dies_again_is_reported_again_and_its_round_is_recorded(
        sqlite_url, clock, channels_file, smtp, chat):
    """`mieux outbox retry` gives a dead delivery a fresh budget; dying again is a second death and
    owes a second report (`dead:<id>:2`); the other deliveries of that round are recorded as usual."""
    clock.set(START)
    app = build(sqlite_url, clock, channels_file, outbox_max_attempts=1)
    smtp.stop()
    register(app, 1)
    assert app.outbox.dispatch() == Dispatched(routed=1, sent=2, dead=2)
    again = next(d for d in rows(app.engine) if d.status == "dead")
    app.outbox.retry(again.id)
    register(app, 1)  # the same round carries a new request's four deliveries and the first two reports

    assert app.outbox.dispatch() == Dispatched(routed=3, sent=4, dead=3)
    reports = alerts(app.engine, "outbox.dead")
    assert [a.source for a in reports if a.data["delivery"] == again.id] == [f"dead:{again.id}:1", f"dead:{again.id}:2"]
    assert len(reports) == 5 and len({a.source for a in reports}) == 5
    assert {(d.status, d.claimed_by) for d in rows(app.engine)} == {("sent", None), ("dead", None)}
    assert app.outbox.dispatch() == Dispatched(routed=3, sent=3)  # the three new reports reach the admin
    admin = [body["message"] for path, body, _ in chat.posts if path == "/admin"]
    assert len(admin) == 5 and sum(f"mieux outbox retry {again.id}" in m for m in admin) == 2
    app.engine.dispose()


def test_a_record_that_fails_is_logged_and_does_not_stop_the_other_records_of_its_round(
        sqlite_url, clock, channels_file, smtp, chat, caplog):
    """Here one death cannot be recorded: a row counted as its first report already holds the source
    of the second (`dead:<id>:2`), so the insert raises. The round's other deliveries are recorded
    all the same; that one stays `sending` until its lease runs out, then the next round sends and
    records it."""
    clock.set(START)
    app = build(sqlite_url, clock, channels_file, outbox_max_attempts=1)
    smtp.stop()
    register(app, 3)
    assert app.outbox.route() == 3
    victim = next(d for d in rows(app.engine) if d.channel == "email")
    with transaction(app.engine) as session:
        squatter = Alert(action_id=session.get(Alert, victim.alert_id).action_id, kind="squatter",
                         source=f"dead:{victim.id}:2", recipients=[], created_at=START, routed_at=START)
        session.add(squatter)

    assert app.outbox.dispatch() == Dispatched(sent=6, dead=5)
    after = {d.id: d for d in rows(app.engine)}
    assert (after[victim.id].status, after[victim.id].claimed_by) == ("sending", app.outbox.me)
    assert Counter(d.status for d in after.values() if d.id != victim.id) == Counter(sent=6, dead=5)
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "notifications.outbox"]
    assert logged.getMessage().startswith(f"outbox: could not record delivery {victim.id}: IntegrityError")

    with transaction(app.engine) as session:
        session.delete(session.get(Alert, squatter.id))
    assert app.outbox.dispatch() == Dispatched(routed=5, sent=5)  # its lease holds: it is left alone
    clock.advance(seconds=301)
    assert app.outbox.dispatch() == Dispatched(dead=1)
    assert [a.source for a in alerts(app.engine, "outbox.dead") if a.data["delivery"] == victim.id] == [
        f"dead:{victim.id}:1"]
    assert {d.status for d in rows(app.engine)} == {"sent", "dead"}
    app.engine.dispose()


# -- 3. dispatchers racing ---------------------------------------------------------------------
@pytest.mark.slow
def test_three_dispatcher_processes_over_one_outbox_send_each_message_exactly_once(
        database_url, clock, channels_file, smtp, chat):
    """Each process claims four at a time, so their claims interleave over the 40 deliveries."""
    clock.set(START)
    app = build(database_url, clock, channels_file)
    references = register(app, 10)
    assert app.outbox.route() == 10
    owed = rows(app.engine)
    assert len(owed) == 40 and {d.status for d in owed} == {"pending"}
    path, secrets = channels_file

    outcomes = race(_dispatcher, [(database_url, path, secrets, START.isoformat(), 4)] * 3)

    assert all(status == "ok" for status, _ in outcomes.values()), outcomes
    assert sum(result["sent"] for _, result in outcomes.values()) == 40
    assert sum(result["failed"] + result["dead"] for _, result in outcomes.values()) == 0
    expected = Counter({(f"{who}@mieux.example", f"[MIEUX] New request: {ref} Request {n}"): 1
                        for n, ref in enumerate(references) for who in ("ana.ferreira", "pieter.janssens")})
    assert mails(smtp) == expected
    posts = Counter(body["text"].split("\n")[0] for path_, body, _ in chat.posts if path_ == f"/hooks/{CHAT_TOKEN}")
    assert posts == Counter({f"{who} [MIEUX] New request: {ref} Request {n}": 1
                             for n, ref in enumerate(references) for who in ("@ana", "@pieter")})
    assert {(d.status, d.attempts, d.claimed_by) for d in rows(app.engine)} == {("sent", 1, None)}
    app.engine.dispose()


@pytest.mark.slow
def test_a_dispatcher_started_after_the_lease_of_a_slow_round_ran_out_takes_nothing_from_it(
        database_url, clock, channels_file, smtp, chat):
    """The SMTP server takes 0.5 s a message, so a round's 20 emails take 5 s on two workers, and
    the lease is 1.5 s. The round's heartbeat renews its claims every 0.5 s: a second dispatcher
    started after the lease would have run out finds nothing to take and every message arrives once.
    Real time here, on purpose: the lease and its heartbeat are what is tested."""
    lease = 1.5
    smtp.stop()
    smtp.delay = 0.5
    smtp.start()
    clock.set(START)
    app = build(database_url, clock, channels_file)
    register(app, 10)
    first, second = (build(database_url, SystemClock(), channels_file, outbox_lease_seconds=lease) for _ in "12")
    first.outbox.policy = replace(first.outbox.policy, workers=2)
    done = {}

    def slow_round():
        began = time.monotonic()
        try:
            done["first"] = first.outbox.dispatch()
        except Exception as error:
            done["first"] = error
        done["seconds"] = time.monotonic() - began

    worker = threading.Thread(target=slow_round)
    worker.start()
    try:
        deadline = time.monotonic() + PROCESS_TIMEOUT
        while not any(d.status == "sending" for d in rows(app.engine)):
            assert time.monotonic() < deadline and worker.is_alive(), done
            time.sleep(0.05)
        claimed = time.monotonic()
        time.sleep(1.5 * lease)
        meanwhile = []
        while worker.is_alive():
            meanwhile.append(second.outbox.dispatch())
            time.sleep(0.1)
        assert time.monotonic() - claimed > 2 * lease  # the round outlived its lease, and the second tried
    finally:
        worker.join(PROCESS_TIMEOUT)
        for built in (app, first, second):
            built.engine.dispose()

    assert done["first"] == Dispatched(routed=10, sent=40), done
    assert done["seconds"] > 3 * lease and meanwhile and set(meanwhile) == {Dispatched()}
    assert set(received(smtp, chat).values()) == {1} and sum(received(smtp, chat).values()) == 40
    assert {(d.status, d.attempts, d.claimed_by) for d in rows(app.engine)} == {("sent", 1, None)}


# -- 4. the crash window -----------------------------------------------------------------------
@pytest.mark.slow
def test_a_dispatcher_killed_after_a_send_duplicates_only_that_message_after_its_lease_expires(
        sqlite_url, clock, channels_file, smtp, chat):
    """The only window for a duplicate: a dispatcher dies after a service accepted a message and
    before it recorded `sent`. Its claims stay `sending` until the lease (300 s) runs out; then the
    next dispatcher sends them all, so exactly the one message already accepted arrives twice,
    every other message exactly once, and nothing is lost."""
    clock.set(START)
    app = build(sqlite_url, clock, channels_file)
    register(app, 3)
    assert app.outbox.route() == 3
    path, secrets = channels_file

    ctx = multiprocessing.get_context("spawn")
    crashing = ctx.Process(target=_crashing_dispatcher, args=(sqlite_url, path, secrets, START.isoformat(), 300))
    crashing.start()
    crashing.join(PROCESS_TIMEOUT)
    assert crashing.exitcode == 1  # died in after_send: one message out, nothing recorded

    in_flight = received(smtp, chat)
    assert sum(in_flight.values()) == 1
    claimed = rows(app.engine)
    assert len(claimed) == 12
    assert {(d.status, d.attempts) for d in claimed} == {("sending", 0)}
    assert len({d.claimed_by for d in claimed}) == 1

    assert app.outbox.dispatch() == Dispatched()  # the lease still holds: nobody touches them
    clock.advance(seconds=301)
    assert app.outbox.dispatch() == Dispatched(sent=12)

    after = received(smtp, chat)
    assert sum(after.values()) == 13
    assert [key for key, n in after.items() if n == 2] == list(in_flight)  # the one in flight, twice
    assert all(n == 1 for key, n in after.items() if key not in in_flight)
    assert {(d.status, d.attempts, d.claimed_by) for d in rows(app.engine)} == {("sent", 1, None)}
    assert app.outbox.dispatch() == Dispatched() and received(smtp, chat) == after
    app.engine.dispose()


# -- 5. secrets --------------------------------------------------------------------------------
def sqlite_dump(url: str) -> list[str]:
    """Every value of every row of every table, as text, read with sqlite3 itself."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert {"alert", "delivery", "audit", "action"} <= set(tables)
        return [f"{table}: {row}" for table in tables for row in db.execute(f'SELECT * FROM "{table}"')]


def prefect_records(flow_run_id) -> list[str]:
    """The flow run's logs as Prefect stored them, the run itself, and every artifact."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()
    with get_client(sync_client=True) as client:
        only_this_run = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
        deadline = time.monotonic() + 30
        logs = client.read_logs(log_filter=only_this_run)
        while not any(log.message.startswith("dispatch: ") for log in logs):
            assert time.monotonic() < deadline, f"the flow's logs never reached Prefect: {logs}"
            time.sleep(0.2)
            logs = client.read_logs(log_filter=only_this_run)
        run = client.read_flow_run(flow_run_id)
        return ([f"{log.name} {log.level} {log.message}" for log in logs] + [run.model_dump_json()]
                + [artifact.model_dump_json() for artifact in client.read_artifacts()])


def prefect_files() -> bytes:
    """The bytes of the Prefect server's database (its WAL too) and of everything under PREFECT_HOME."""
    from prefect.settings import PREFECT_HOME, PREFECT_SERVER_DATABASE_CONNECTION_URL

    database = Path(PREFECT_SERVER_DATABASE_CONNECTION_URL.value().split(":///", 1)[1])
    files = [*database.parent.glob(f"{database.name}*"), *Path(PREFECT_HOME.value()).rglob("*")]
    assert database.exists()
    return b"".join(f.read_bytes() for f in files if f.is_file())


@pytest.fixture
def flows(prefect_api):
    """The dispatch flow and the runtime it acts on, imported before the test starts: importing Prefect's
    flow machinery reconfigures logging, which would drop pytest's log capture mid-test."""
    from flows import outbox, runtime

    return outbox, runtime


@pytest.mark.slow
def test_the_smtp_password_and_chat_token_never_show_in_logs_output_the_store_or_prefect(
        flows, sqlite_url, clock, channels_file, smtp, chat, caplog, capfd):
    """Every surface an operator or an attacker with read access could see, with all logging at DEBUG.
    urllib3's DEBUG lines (the URLs apprise posts to) are included."""
    dispatch_flow, runtime = flows
    caplog.set_level(logging.DEBUG, logger="apprise")
    caplog.set_level(logging.DEBUG)
    clock.set(START)
    app = build(sqlite_url, clock, channels_file, outbox_max_attempts=2, outbox_backoff_seconds=1)
    assert app.outbox.channels.redact(f"x{SMTP_PASSWORD}y{CHAT_TOKEN}z") == "x***y***z"
    logging.getLogger("apprise").setLevel(logging.DEBUG)  # loading the channels set WARNING; look closer
    seen: list[str] = []

    register(app, 1)  # sent: AUTH with the password, a post on the token's hook
    assert app.outbox.dispatch() == Dispatched(routed=1, sent=4)
    smtp.stop()  # failing, then dead
    register(app, 1)
    assert app.outbox.dispatch() == Dispatched(routed=1, sent=2, failed=2)
    clock.advance(seconds=1)
    assert app.outbox.dispatch() == Dispatched(dead=2)
    smtp.start()

    runtime.install(app)  # the Prefect flow sends the dead-letter reports
    try:
        state = dispatch_flow.dispatch(return_state=True)
    finally:
        runtime.install(None)
    assert state.is_completed() and state.result() == {"routed": 2, "sent": 2, "failed": 0, "dead": 0}
    seen += prefect_records(state.state_details.flow_run_id)

    dead = [d for d in rows(app.engine) if d.status == "dead"]
    assert len(dead) == 2
    app.engine.dispose()
    commands = [("outbox",), ("outbox", "--failed", "--json"), ("outbox", "retry", str(dead[0].id)),
                ("outbox", "dispatch"), ("init",)]
    outputs = {command: cli(*command, url=sqlite_url, channels_file=channels_file) for command in commands}
    seen += [text_ for result in outputs.values() for text_ in (result.stdout, result.stderr)]
    assert outputs["outbox", "dispatch"].stdout.strip() == "routed 0 alert(s); sent 1, failed 0 (will retry), dead 0"
    assert len(json.loads(outputs["outbox", "--failed", "--json"].stdout)) == 2
    smtp.stop()  # and a failing dispatch from the command line
    cli("outbox", "retry", str(dead[1].id), url=sqlite_url, channels_file=channels_file)
    result = cli("outbox", "dispatch", url=sqlite_url, channels_file=channels_file)
    assert result.stdout.strip() == "routed 0 alert(s); sent 0, failed 1 (will retry), dead 0"
    seen += [result.stdout, result.stderr]

    seen += sqlite_dump(sqlite_url)
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    raw = b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*"))  # the file, its WAL and shm
    seen += [caplog.text] + [record.getMessage() for record in caplog.records]
    captured = capfd.readouterr()
    seen += [captured.out, captured.err]

    prefect_raw = prefect_files()
    assert b"mieux-dispatch" in prefect_raw  # the flow's record is in the file read
    raw += prefect_raw
    assert SMTP_PASSWORD.encode() not in raw and CHAT_TOKEN.encode() not in raw
    assert [text_ for text_ in seen if SMTP_PASSWORD in text_ or CHAT_TOKEN in text_] == []
    # ...and they were used: the server accepts mail only after AUTH with that password; posts hit that hook
    assert len(smtp.inbox) == 3 and smtp.password == SMTP_PASSWORD
    assert len([p for p, _, _ in chat.posts if p == f"/hooks/{CHAT_TOKEN}"]) == 4
    assert any(r.name == "apprise" and r.levelno == logging.DEBUG for r in caplog.records)
    assert "email: " in "\n".join(seen)  # the errors are there, clean


def test_a_debug_log_of_urllib3_does_not_show_the_chat_token(app, chat, caplog):
    caplog.set_level(logging.DEBUG)
    register(app, 1)
    assert app.outbox.dispatch().sent == 4
    assert len([p for p, _, _ in chat.posts if p == f"/hooks/{CHAT_TOKEN}"]) == 2
    shown = [f"{r.name}: {r.getMessage()}" for r in caplog.records if CHAT_TOKEN in r.getMessage()]
    if shown:
        raise SecretShown(shown[0])


# -- 6. the daily digest -----------------------------------------------------------------------
def test_reminders_for_a_person_with_a_digest_wait_for_her_morning_and_arrive_as_one_email(app, smtp):
    from mieux.deadlines import fire_due

    lea = "lea.martin@mieux.example"
    references = register(app, 4, project_officer="lea")
    assert app.outbox.dispatch().sent == 12  # urgent: lea (email) and pieter (email, chat) are told at once
    assert sum(n for (to, _), n in mails(smtp).items() if to == lea) == 4
    smtp.inbox.clear()

    app.clock.set(datetime(2026, 3, 16, 8, tzinfo=UTC))  # 09:00 in Brussels: the fiche reminders fire
    assert fire_due(app.engine, policy=app.policy, facility=app.facility, clock=app.clock).fired == 4
    assert [(a.recipients, a.urgent) for a in alerts(app.engine, "fiche.reminder")] == [(["lea"], False)] * 4
    assert app.outbox.dispatch() == Dispatched(routed=4)
    held = [d for d in rows(app.engine) if d.alert_id in {a.id for a in alerts(app.engine, "fiche.reminder")}]
    tomorrow_8am_brussels = datetime(2026, 3, 17, 7, tzinfo=UTC)
    assert {(d.person, d.channel, d.digest, d.status, d.next_attempt_at) for d in held} == {
        ("lea", "email", True, "pending", tomorrow_8am_brussels)}
    assert len(held) == 4

    app.clock.set(datetime(2026, 3, 16, 10, tzinfo=UTC))  # an urgent alert to her meanwhile is not held
    [urgent] = register(app, 1, project_officer="lea")
    assert app.outbox.dispatch() == Dispatched(routed=1, sent=3)
    assert mails(smtp) == Counter({(lea, f"[MIEUX] New request: {urgent} Request 0"): 1,
                                   ("pieter.janssens@mieux.example", f"[MIEUX] New request: {urgent} Request 0"): 1})
    smtp.inbox.clear()

    app.clock.set(tomorrow_8am_brussels - timedelta(seconds=1))
    assert app.outbox.dispatch() == Dispatched()
    assert smtp.inbox == []
    app.clock.set(tomorrow_8am_brussels)
    assert app.outbox.dispatch() == Dispatched(sent=4)

    [digest] = smtp.inbox
    assert digest.recipients == [lea]
    assert digest.subject == "[MIEUX] Daily digest: 4 reminders"
    html, plain = digest.part("html"), digest.part("plain")
    for n, reference in enumerate(references):
        subject = f"Action Fiche due on Monday 23 March 2026, 09:00 CET: {reference} Request {n}"
        assert f"<h3>{subject}</h3>" in html
        assert f"{subject}\r\n" in plain
    assert html.count("Next step:") == plain.count("Next step:") == 4
    assert {(d.status, d.attempts, d.sent_at) for d in rows(app.engine) if d.id in {h.id for h in held}} == {
        ("sent", 1, tomorrow_8am_brussels)}
    assert app.outbox.dispatch() == Dispatched() and len(smtp.inbox) == 1


# -- 7. routing twice --------------------------------------------------------------------------
def test_routing_an_alert_again_adds_no_second_delivery_and_does_not_crash(database_url, clock, channels_file):
    clock.set(START)
    app = build(database_url, clock, channels_file)
    register(app, 2)
    assert app.outbox.route() == 2
    before = [(d.id, d.key) for d in rows(app.engine)]
    assert len(before) == 8 and len({key for _, key in before}) == 8
    with app.engine.begin() as conn:
        conn.execute(text("UPDATE alert SET routed_at = NULL"))

    try:
        app.outbox.route()
        assert [(d.id, d.key) for d in rows(app.engine)] == before
        assert app.outbox.route() == 0
        assert app.outbox.dispatch().routed == 0
    finally:
        app.engine.dispose()


@pytest.mark.parametrize("store", [
    "sqlite",
    pytest.param("postgresql", marks=[pytest.mark.postgres]),
])
def test_two_dispatchers_routing_the_same_alerts_at_once_write_each_delivery_once(
        store, request, tmp_path, clock, channels_file):
    """Two routers, each with its own engine and connections (to the database, two dispatchers),
    started together. On PostgreSQL each locks the alerts it routes (FOR UPDATE SKIP LOCKED), so they
    share the work; SQLite's BEGIN IMMEDIATE lets one writer in at a time. Either way every alert is
    routed once and its deliveries written once (the insert also ignores keys that exist)."""
    url = fresh_database_url(store, request, tmp_path)
    clock.set(START)
    app = build(url, clock, channels_file)
    register(app, 10)
    routers = [build(url, clock, channels_file) for _ in range(2)]
    start, outcomes = threading.Barrier(2), {}

    def route(n):
        start.wait(PROCESS_TIMEOUT)
        try:
            outcomes[n] = routers[n].outbox.route()
        except Exception as error:
            outcomes[n] = error

    threads = [threading.Thread(target=route, args=(n,)) for n in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(PROCESS_TIMEOUT)
        for outcome in outcomes.values():
            if isinstance(outcome, Exception):
                raise outcome
        assert sum(outcomes.values()) == 10
        keys = [d.key for d in rows(app.engine)]
        assert len(keys) == 40 and len(set(keys)) == 40
        with transaction(app.engine) as session:
            assert session.exec(text("SELECT count(*) FROM alert WHERE routed_at IS NULL")).scalar() == 0
    finally:
        for built in (app, *routers):
            built.engine.dispose()
