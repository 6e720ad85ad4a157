"""Many engine processes at once over one store (real OS processes, started together): four
sweepers over a backlog of due deadlines fire each exactly once; four dispatchers over a backlog of
deliveries send each once, and killing one of them mid-round duplicates at most what it had in
flight. `make test` runs a sample (1,000 of each); `make faults` the whole campaign (10,000).
Each prints what it tried and what held."""
import multiprocessing
import os
import signal
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func
from sqlmodel import select

from config.settings import Settings
from domain.clock import FixedClock
from mieux.bootstrap import bootstrap
from notifications.outbox import Dispatched, OutboxPolicy
from store.db import transaction
from store.tables import Alert, Deadline, Delivery, Timer
from tests.helpers import campaign, request
from tests.integration.test_outbox_kills import START, arrived, backlog, settle, statuses

pytestmark = [
    pytest.mark.faults, pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning"),
    pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning"),
]

PROCESSES = 4
TIMEOUT = 300
LEASE = timedelta(seconds=OutboxPolicy().lease_seconds)
WORKERS = OutboxPolicy().workers


def _sweeper(url: str, at: str, ready, go) -> None:
    """One sweeper as the sweep flow runs it, at `at`, in batches, until a batch comes back short."""
    app = bootstrap(Settings(database_url=url), clock=FixedClock(datetime.fromisoformat(at)))
    app.load_everything()
    ready.release()
    go.wait()
    app.fire_all_due(limit=100)
    app.engine.dispose()


def _dispatcher(url: str, channels: str, secrets: str, at: str, ready, go) -> None:
    app = bootstrap(Settings(database_url=url, channels_file=channels, secrets_file=secrets),
                    clock=FixedClock(datetime.fromisoformat(at)))
    app.load_everything()
    ready.release()
    go.wait()
    while True:  # as `mieux serve` does, until nothing due is left to claim (others' claims are theirs)
        if app.outbox.dispatch() == Dispatched():
            with transaction(app.engine) as session:
                if not session.exec(select(func.count()).select_from(Delivery).where(
                        Delivery.status == "pending", Delivery.next_attempt_at <= app.clock.now())).one() \
                        and not session.exec(select(func.count()).select_from(Alert)
                                             .where(Alert.routed_at.is_(None))).one():
                    return
            time.sleep(0.02)


def together(ctx, target, args_of) -> list:
    """PROCESSES processes of `target`, each started and ready (store open, files read) before any begins."""
    ready, go = ctx.Semaphore(0), ctx.Event()
    processes = [ctx.Process(target=target, args=(*args_of(n), ready, go)) for n in range(PROCESSES)]
    for p in processes:
        p.start()
    for _ in processes:
        assert ready.acquire(timeout=TIMEOUT), "a process never got ready"
    go.set()
    return processes


def finish(processes) -> list[int | None]:
    for p in processes:
        p.join(TIMEOUT)
        if p.is_alive():
            p.kill()
            p.join()
    return [p.exitcode for p in processes]


def test_four_sweepers_over_a_backlog_of_due_deadlines_fire_each_exactly_once(database_url, clock):
    count = campaign(1_000, 10_000)
    clock.set(datetime(2026, 3, 2, 8, tzinfo=timezone.utc))
    app = bootstrap(Settings(database_url=database_url), clock=clock)
    for n in range(count):  # each starts its fiche deadline: a reminder and the due notice
        app.service.register(request(received_on=date(2026, 3, 2), name=f"Sweep {n}"), actor="ana")
    at = datetime(2026, 4, 30, tzinfo=timezone.utc)  # both timers of every deadline are due
    started = time.monotonic()
    ctx = multiprocessing.get_context("spawn")
    codes = finish(together(ctx, _sweeper, lambda n: (database_url, at.isoformat())))
    took = time.monotonic() - started
    with transaction(app.engine) as session:
        alerts = session.exec(select(Alert.source).where(Alert.source.startswith("timer:"))).all()
        fired_per_deadline = Counter(session.exec(
            select(Timer.deadline_id).where(Timer.status == "fired")).all())
        left = session.exec(select(func.count()).select_from(Timer).where(Timer.status == "pending",
                                                                          Timer.fire_at <= at)).one()
        deadlines = session.exec(select(func.count()).select_from(Deadline)).one()
    print(f"\n{PROCESSES} sweepers over {count:,} due deadlines ({2 * count:,} timers) on "
          f"{app.engine.dialect.name}: exits {codes}, {len(alerts):,} alerts, {len(set(alerts)):,} distinct, "
          f"{left} due timers left, {took:.1f} s")
    assert codes == [0] * PROCESSES
    assert deadlines == count and len(alerts) == len(set(alerts)) == count  # one notice per deadline, none twice
    assert set(fired_per_deadline.values()) == {1} and len(fired_per_deadline) == count and left == 0
    app.engine.dispose()


def test_four_dispatchers_send_each_delivery_once_and_a_killed_one_duplicates_at_most_its_sends_in_flight(
        database_url, clock, channels_file, smtp):
    count = campaign(1_000, 10_000)
    clock.set(START)
    app = bootstrap(Settings(database_url=database_url, channels_file=channels_file[0],
                             secrets_file=channels_file[1]), clock=clock)
    backlog(app, count)
    smtp.inbox.clear()
    ctx = multiprocessing.get_context("spawn")
    started = time.monotonic()
    processes = together(ctx, _dispatcher, lambda n: (database_url, *map(str, channels_file), START.isoformat()))
    while len(smtp.inbox) < count // 4 and any(p.is_alive() for p in processes):  # a quarter sent: kill one
        assert time.monotonic() - started < TIMEOUT, "no progress to kill in"
        time.sleep(0.005)
    victim = next((p for p in processes if p.is_alive()), None)
    assert victim is not None, f"every dispatcher ended before a quarter was sent ({len(smtp.inbox)} sent)"
    os.kill(victim.pid, signal.SIGKILL)
    codes = finish(processes)
    codes = [codes[processes.index(victim)]] + [c for p, c in zip(processes, codes) if p is not victim]
    settle(smtp)
    after_kill = statuses(app.engine)
    in_doubt = sum(s != "sent" for s in after_kill.values())  # the victim's claims, waiting for their lease
    ready, go = ctx.Semaphore(0), _set(ctx)  # kept here until it ends: a child unpickles them
    last = ctx.Process(target=_dispatcher, args=(database_url, *map(str, channels_file),
                                                 (START + LEASE + timedelta(seconds=1)).isoformat(), ready, go))
    last.start()  # one lease on: the dead one's claims are free again
    last.join(TIMEOUT)
    settle(smtp)
    took = time.monotonic() - started
    final = statuses(app.engine)
    copies = Counter(arrived(smtp))
    duplicates = sum(copies.values()) - count
    lost = [ref for ref, status in final.items() if status != "sent" or copies[ref] == 0]
    print(f"\n{PROCESSES} dispatchers ({WORKERS} workers each) over {count:,} deliveries on "
          f"{app.engine.dialect.name}, one killed mid-round: exits {codes} then {last.exitcode}; {in_doubt} left "
          f"claimed by the dead one; {len(lost)} lost, {duplicates} duplicates; {took:.1f} s")
    assert codes[0] == -signal.SIGKILL and codes[1:] == [0] * (PROCESSES - 1) and last.exitcode == 0
    assert len(final) == count and lost == []
    assert duplicates <= WORKERS  # only what the killed one had sent and not yet recorded
    with transaction(app.engine) as session:
        assert session.exec(select(Delivery).where(Delivery.claimed_by.is_not(None))).all() == []
    app.engine.dispose()


def _set(ctx):
    event = ctx.Event()
    event.set()
    return event
