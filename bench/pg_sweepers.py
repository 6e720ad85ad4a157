"""Sweep throughput on PostgreSQL with 1, 2 and 4 concurrent sweepers over one backlog of due deadlines.

Target: more sweepers are not slower: the deadlines fired per second by 2 and by 4 sweepers together
are at least those of 1 (the claims, `FOR UPDATE SKIP LOCKED`, let each take its own rows instead
of waiting on the others').

The store: a PostgreSQL 15 database (a throwaway server on loopback, started without fsync: the
absolute figures are optimistic, the comparison between sweeper counts is the point) where
`--deadlines` requests were registered through the engine, each starting its Action Fiche deadline
(a reminder and a due notice). At the sweep's moment both timers of every deadline are due: each
deadline fires once, folding its reminder into the due notice, and owes one alert. It is built
once as a template; each round copies it (CREATE DATABASE ... TEMPLATE).

Each round starts N sweeper processes (spawned, store opened, files read), releases them together
and times until the last finishes; each sweeps as the sweep flow does, in batches of 100, until a
batch comes back short. Counted afterwards: every deadline fired exactly once. Rounds of 1, 2 and 4
sweepers are interleaved; the median of --rounds is reported.

    .venv/bin/python bench/pg_sweepers.py [--deadlines 10000] [--rounds 3] [--quick]
"""
import multiprocessing
import time
import uuid
from collections import Counter
from datetime import date, datetime, timezone

from harness import Report, spread

SWEEPERS = (1, 2, 4)
AT = datetime(2026, 4, 30, tzinfo=timezone.utc)  # both timers of every deadline are due


def _sweeper(url: str, ready, go, out) -> None:
    from config.settings import Settings
    from domain.clock import FixedClock
    from mieux.bootstrap import bootstrap

    app = bootstrap(Settings(database_url=url), clock=FixedClock(AT))
    app.load_everything()
    app.fire_all_due(deadline_ids=[-1])  # connect and compile before the clock starts
    ready.release()
    go.wait()
    done = app.fire_all_due(limit=100)
    out.put(done.fired)
    app.engine.dispose()


def build_template(base: str, admin, count: int) -> str:
    from sqlalchemy import text

    from config.settings import Settings
    from domain.clock import FixedClock
    from domain.schemas import RequestIn
    from mieux.bootstrap import bootstrap
    from store.db import make_engine
    from store.migrate import upgrade

    name = f"sweepers_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(f"{base}/{name}")
    upgrade(engine)
    engine.dispose()
    app = bootstrap(Settings(database_url=f"{base}/{name}"),
                    clock=FixedClock(datetime(2026, 3, 2, 8, tzinfo=timezone.utc)))
    for n in range(count):
        app.service.register(RequestIn.model_validate({
            "name": f"Sweep {n}", "requester": "Ghana Immigration Service", "requester_type": "national_authority",
            "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email",
            "received_on": date(2026, 3, 2), "project_officer": "ana"}), actor="ana")
    app.engine.dispose()
    return name


def one_round(ctx, base: str, admin, template: str, sweepers: int, count: int) -> float:
    from sqlalchemy import func, text
    from sqlmodel import select

    from store.db import make_engine, transaction
    from store.tables import Alert, Timer

    name = f"round_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = f"{base}/{name}"
    ready, go, out = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    processes = [ctx.Process(target=_sweeper, args=(url, ready, go, out)) for _ in range(sweepers)]
    for p in processes:
        p.start()
    for _ in processes:
        if not ready.acquire(timeout=300):
            raise RuntimeError("a sweeper never got ready")
    started = time.perf_counter()
    go.set()
    fired = [out.get(timeout=600) for _ in processes]
    took = time.perf_counter() - started
    for p in processes:
        p.join(60)
    if any(p.exitcode for p in processes):
        raise RuntimeError(f"a sweeper failed: exits {[p.exitcode for p in processes]}")
    engine = make_engine(url)
    with transaction(engine) as session:
        per_deadline = Counter(session.exec(select(Timer.deadline_id).where(Timer.status == "fired")).all())
        alerts = session.exec(select(func.count()).select_from(Alert).where(Alert.source.startswith("timer:"))).one()
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}"'))
    if sum(fired) != count or len(per_deadline) != count or set(per_deadline.values()) != {1} or alerts != count:
        raise RuntimeError(f"{sweepers} sweepers: fired {fired} (sum {sum(fired)}), {len(per_deadline)} deadlines "
                           f"fired, {alerts} alerts, of {count}: not each exactly once")
    return took


def main() -> int:
    from sqlalchemy import create_engine

    from loopback.servers import postgres_server

    report = Report("pg_sweepers", __doc__, deadlines=(10_000, 300, "due deadlines in the backlog"),
                    rounds=(3, 1, "rounds of each sweeper count"))
    count = report.args.deadlines
    ctx = multiprocessing.get_context("spawn")
    with postgres_server() as base:
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        built = time.perf_counter()
        template = build_template(base, admin, count)
        report.line(f"backlog: {count:,} due deadlines ({2 * count:,} due timers), registered in "
                    f"{time.perf_counter() - built:.1f} s; PostgreSQL without fsync")
        seconds: dict[int, list[float]] = {n: [] for n in SWEEPERS}
        for _ in range(report.args.rounds):
            for n in SWEEPERS:
                seconds[n].append(one_round(ctx, base, admin, template, n, count))
        admin.dispose()
    rates = {}
    for n in SWEEPERS:
        rates[n] = report.rate(f"{n} sweeper{'s' if n > 1 else ''} together", count, seconds[n],
                               unit="deadlines fired/s")["median"]
        report.line(f"{'':44} {rates[n] / n:9,.0f} per sweeper; each deadline fired exactly once")
    report.target("2 sweepers fire at least as many deadlines per second as 1", met=rates[2] >= rates[1])
    report.target("4 sweepers fire at least as many deadlines per second as 1", met=rates[4] >= rates[1])
    return report.done({"deadlines": count, **{f"sweepers_{n}_per_s": round(rates[n]) for n in SWEEPERS},
                        **{f"sweepers_{n}_seconds": spread(seconds[n]) for n in SWEEPERS}})


if __name__ == "__main__":
    raise SystemExit(main())
