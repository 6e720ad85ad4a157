"""Outbox dispatch throughput to a loopback SMTP server.

Target: dispatch throughput to loopback SMTP of at least 20 messages per second with the default
4 workers (median of the runs), every message received exactly once; apprise's per-service email
throttle (NotifyEmail.request_rate_per_sec = 5.5 s) would cap it near 0.2/s if it applied.

Setup, per run (fresh each time): an aiosmtpd SmtpServer (loopback.receivers, no auth) on 127.0.0.1,
a channels file with its mailto:// URL tagged `email`, a migrated SQLite store in a temp dir
(store.migrate.upgrade), the app from bootstrap(Settings(database_url=..., channels_file=...)).
One request is registered (so the alerts have an Action to point at) and dispatched once as a
warm-up (its emails are not counted). Then N Alert rows are written directly in one
transaction: kind `request.received`, urgent, one recipient each, cycling over the facility's
people who have an email address and take alerts by email; data is the warm-up's own alert's with
a unique reference and name, so every subject is distinct. People who also take chat get a `chat` delivery too, which
stays pending (no chat service configured) and is not counted.

Timed: app.outbox.dispatch() called in a loop (route, claim, then the thread pool sends each
message and records its outcome at once, in its own transaction) until all N email deliveries are
`sent`; a run that has not sent them all within --bound seconds breaks the benchmark. Runs with 4
workers (the default) and with 1 (sequential, for comparison) take turns, --runs fresh runs each.
Checked on every run: the SMTP server received exactly N messages (duplicates included), N
distinct (recipient, subject) pairs. Note: the SMTP server runs in this process, so it shares the
GIL with the dispatcher.

    .venv/bin/python bench/dispatch_throughput.py [--messages 300] [--runs 3] [--quick]
"""
import dataclasses
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

from harness import Report, interleaved

from sqlmodel import select

from config.settings import Settings
from domain.schemas import RequestIn
from loopback.receivers import SmtpServer
from mieux.bootstrap import bootstrap
from store.db import make_engine, transaction
from store.migrate import upgrade
from store.tables import Alert, Delivery

TARGET_PER_S = 20.0


def one_run(tmp: Path, n: int, workers: int, bound: float, runs: list[dict]) -> float:
    """A fresh store and SMTP server, N alerts dispatched with `workers`; the seconds it took."""
    run_dir = Path(tempfile.mkdtemp(prefix=f"w{workers}-", dir=tmp))
    smtp = SmtpServer().start()
    try:
        channels = run_dir / "channels.yaml"
        channels.write_text(f'version: 1\nurls:\n  - "{smtp.url()}":\n      - tag: email\n', encoding="utf-8")
        url = f"sqlite:///{run_dir / 'mieux.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        app = bootstrap(Settings(database_url=url, channels_file=channels, data_dir=run_dir))
        outbox = app.outbox
        outbox.policy = dataclasses.replace(outbox.policy, workers=workers)
        action = app.service.register(RequestIn.model_validate({
            "name": "Warm-up", "requester": "Ghana Immigration Service", "requester_type": "national_authority",
            "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email",
            "received_on": datetime.now(timezone.utc).date().isoformat(), "project_officer": "ana"}), actor="ana")
        outbox.dispatch()
        smtp.inbox.clear()

        people = [p for p in app.facility.people if p.email and "email" in p.channels]
        now = app.clock.now()
        with transaction(app.engine) as session:
            owed = session.exec(select(Alert.data).where(Alert.action_id == action.id,
                                                         Alert.kind == "request.received")).one()
            for i in range(n):
                session.add(Alert(action_id=action.id, kind="request.received", source=f"bench:{run_dir.name}:{i}",
                                  recipients=[people[i % len(people)].id], urgent=True, created_at=now,
                                  data={**owed, "reference": f"B{i:05d}", "name": f"Throughput {i}"}))
        sent = failed = 0
        start = time.perf_counter()
        while sent < n and time.perf_counter() - start < bound:
            done = outbox.dispatch()
            sent, failed = sent + done.sent, failed + done.failed
            if done.sent == 0 and done.failed == 0:
                time.sleep(0.05)  # nothing due right now (a backoff): do not spin
        seconds = time.perf_counter() - start
        if sent < n:
            with transaction(app.engine) as session:
                errors = set(session.exec(select(Delivery.last_error).where(Delivery.last_error.is_not(None))))
            raise RuntimeError(f"workers={workers}: {sent} of {n} sent in {seconds:.0f} s; errors: {errors}")
        app.engine.dispose()
        pairs = Counter((tuple(m.recipients), m.subject) for m in smtp.inbox)
        runs.append({"workers": workers, "seconds": round(seconds, 3), "sent": sent, "failed": failed,
                     "smtp_received": len(smtp.inbox), "distinct": len(pairs)})
        return seconds
    finally:
        smtp.stop()


def main() -> int:
    report = Report("dispatch_throughput", __doc__, messages=(300, 20, "email deliveries per run"),
                    runs=(3, 1, "fresh runs with each number of workers"),
                    bound=(120.0, 30.0, "seconds a run may take to send them all (a failed send backs off 10 s)"))
    n = report.args.messages
    os.environ.pop("MIEUX_DATABASE_URL", None)
    runs: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="mieux-bench-dispatch-") as tmp:
        sides = {workers: partial(one_run, Path(tmp), n, workers, report.args.bound, runs) for workers in (4, 1)}
        seconds = interleaved(sides, report.args.runs, warmups=0)
    for run in runs:
        report.line(f"  workers={run['workers']}: {run['sent']}/{n} sent in {run['seconds']:.2f} s, failed "
                    f"{run['failed']}; SMTP received {run['smtp_received']} ({run['distinct']} distinct "
                    "recipient+subject)")
    rates = {workers: report.rate(f"dispatch, {workers} worker(s)", n, seconds[workers], unit="msg/s")
             for workers in (4, 1)}
    once = all(r["sent"] == r["smtp_received"] == r["distinct"] == n for r in runs)
    report.line(f"4 workers against 1: {rates[4]['median'] / rates[1]['median']:.2f}x (medians); "
                f"every message received exactly once: {once}")
    report.target(f"at least {TARGET_PER_S:.0f} msg/s to loopback SMTP (4 workers), each received once",
                  met=once and rates[4]["median"] >= TARGET_PER_S, detail=f"median {rates[4]['median']:.1f} msg/s")
    return report.done({"messages": n, "workers4_median_per_s": round(rates[4]["median"], 1),
                        "workers4_best_per_s": round(rates[4]["max"], 1),
                        "workers1_median_per_s": round(rates[1]["median"], 1),
                        "workers1_best_per_s": round(rates[1]["max"], 1), "all_received_once": once,
                        "runs": runs, "target_per_s": TARGET_PER_S})


if __name__ == "__main__":
    sys.exit(main())
