"""Dispatchers killed mid-round (SIGKILL, real OS processes) over a backlog on a loopback SMTP
server: nothing is lost, each kill duplicates at most the messages in flight, and the backlog drains.
Time moves only through each process's FixedClock: each new dispatcher starts one lease later.
"""
import multiprocessing
import os
import random
import re
import signal
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from config.settings import Settings
from domain.clock import FixedClock
from mieux.bootstrap import bootstrap
from notifications.outbox import Dispatched, OutboxPolicy
from store.db import transaction
from store.tables import Alert, Delivery
from tests.helpers import campaign, request

pytestmark = [
    pytest.mark.faults, pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning"),
    pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning"),
]

START = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
BACKLOG = 1_000
LEASE = timedelta(seconds=OutboxPolicy().lease_seconds)
WORKERS = OutboxPolicy().workers
PROCESS_TIMEOUT = 90
REFERENCE = re.compile(r"K\d{5}")


def _dispatcher(url: str, channels: str, secrets: str, at: str) -> None:
    """One dispatcher process as `mieux serve` runs it (default policy), at `at`, until nothing is left."""
    app = bootstrap(Settings(database_url=url, channels_file=channels, secrets_file=secrets),
                    clock=FixedClock(datetime.fromisoformat(at)))
    while app.outbox.dispatch() != Dispatched():
        pass


def backlog(app, count: int) -> None:
    """`count` urgent alerts, one email delivery each (people who take email only), distinct subjects."""
    action = app.service.register(request(name="Warm-up"), actor="ana")
    assert app.outbox.dispatch().routed == 1  # its own alerts go first, so the inbox holds the backlog only
    people = [p.id for p in app.facility.people if p.email and p.channels == ["email"]]
    with transaction(app.engine) as session:
        for n in range(count):
            session.add(Alert(action_id=action.id, kind="request.received", source=f"kill:{n}", urgent=True,
                              recipients=[people[n % len(people)]], created_at=START,
                              data={"reference": f"K{n:05d}", "name": f"Kill {n}", "state": "request"}))


def statuses(engine) -> dict[str, str]:
    """Each backlog delivery's status, by its alert's reference."""
    with transaction(engine) as session:
        pairs = session.exec(select(Alert.data, Delivery.status).join(Delivery, Delivery.alert_id == Alert.id)
                             .where(Alert.source.startswith("kill:"))).all()
    return {data["reference"]: status for data, status in pairs}


def arrived(smtp, since: int = 0) -> list[str]:
    """The backlog references of the messages the SMTP server accepted, in order, from `since`."""
    return [REFERENCE.search(m.subject).group() for m in smtp.inbox[since:]]


def settle(smtp) -> None:
    """Wait until the SMTP server has taken in whatever a dead dispatcher had already written."""
    count = -1
    while count != len(smtp.inbox):
        count = len(smtp.inbox)
        time.sleep(0.3)


def test_dispatchers_killed_mid_round_lose_nothing_and_duplicate_only_what_was_in_flight(
        database_url, clock, channels_file, smtp):
    kills = campaign(3, 30)
    clock.set(START)
    app = bootstrap(Settings(database_url=database_url, channels_file=channels_file[0],
                             secrets_file=channels_file[1]), clock=clock)
    backlog(app, BACKLOG)
    smtp.inbox.clear()
    chance = random.Random(kills)
    ctx = multiprocessing.get_context("spawn")
    sent_after, duplicates = [0], []

    for run in range(kills + 1):  # a kill each time, then one dispatcher left to finish
        at = START + run * (LEASE + timedelta(seconds=1))  # the dead one's claims have expired
        since = len(smtp.inbox)
        target = since + chance.randint(WORKERS + 1, BACKLOG // kills)  # about half the backlog in all
        process = ctx.Process(target=_dispatcher, args=(database_url, *map(str, channels_file), at.isoformat()))
        process.start()
        try:
            deadline = time.monotonic() + PROCESS_TIMEOUT
            while run < kills and len(smtp.inbox) < target and process.is_alive():
                assert time.monotonic() < deadline, f"run {run}: no progress to kill in"
                time.sleep(0.005)
            if run < kills:
                os.kill(process.pid, signal.SIGKILL)
            process.join(PROCESS_TIMEOUT)
        finally:
            if process.is_alive():
                process.kill()
                process.join()
        assert process.exitcode == (-signal.SIGKILL if run < kills else 0), f"run {run}: {process.exitcode}"
        settle(smtp)

        now = statuses(app.engine)
        sent_after.append(sum(s == "sent" for s in now.values()))
        if run < kills:  # messages accepted in this run whose delivery is not recorded: sent again later
            duplicates.append(sum(now[ref] != "sent" for ref in arrived(smtp, since)))
        assert sent_after[-1] > sent_after[-2], f"run {run} made no progress: {sent_after}"

    final = statuses(app.engine)
    copies = Counter(arrived(smtp))
    lost = [ref for ref, status in final.items() if status != "sent" or copies[ref] == 0]
    print(f"\n{kills} kills ({WORKERS} workers) over {BACKLOG:,} deliveries on {app.engine.dialect.name}: "
          f"{len(lost)} lost, {sum(copies.values()) - BACKLOG} duplicates, max {max(duplicates)} per kill "
          f"{duplicates}; sent after each run {sent_after[1:]}")
    assert len(final) == BACKLOG and lost == []
    assert max(duplicates) <= WORKERS
    assert sum(copies.values()) - BACKLOG == sum(duplicates)  # every copy is one that a kill left in flight
    with transaction(app.engine) as session:
        assert session.exec(select(Delivery).where(Delivery.claimed_by.is_not(None))).all() == []
    app.engine.dispose()
