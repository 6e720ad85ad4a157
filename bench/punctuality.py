"""Deadline punctuality with `mieux serve` running: how late after its due time a deadline fires.

Target: with `mieux serve` running, a deadline fires within 60 seconds of its due time.

Setup: a temporary MIEUX_DATA_DIR, a free MIEUX_PREFECT_PORT, MIEUX_SWEEP_SECONDS=60, a temporary
PREFECT_HOME for the serve process's own client side (serve keeps its server's data under
<data dir>/prefect), PREFECT_API_URL unset so serve starts its own local Prefect server.
`mieux init`, then `mieux serve` as a subprocess (own session); wait until the deployments
mieux-sweep/sweep and mieux-deadline/timers exist in its Prefect API.

Due-soon deadlines without waiting days: this process bootstraps the engine (bootstrap(Settings()),
SystemClock) with one extra effect, run in the registration's own transaction right after the
DeadlineKeeper: it moves the new fiche deadline's `due` timer (and the deadline's due_at) to
t0 + --first s, then --spacing s apart. So the timers are never seen by a sweep with their original
fire_at (no race with the mirror, whose idempotency key per timer would otherwise keep the run at
the old time). One timer per Action, so nothing is coalesced. Then a sweep run is requested through
the API (POST /api/deployments/{id}/create_flow_run) so the timers get mirrored as scheduled runs
at once.

Measured: the store is polled every 0.25 s until each timer is no longer pending; lateness = the
Alert's created_at (source "timer:<id>", written by whichever run fired it) - the timer's fire_at.
Which path fired it: the timer's own scheduled run logs "deadline N: {'fired': 1, ...}" when it
fired, {'fired': 0} when the sweep had already done it (read from the API once the run has ended).

Stop: SIGINT to `mieux serve`, SIGTERM after 30 s, SIGKILL to its process group after 15 s more;
then any process still carrying this run's temp directory in its environment (the Prefect server,
flow-run subprocesses) is killed by pid. The whole run is bounded (--budget).

    .venv/bin/python bench/punctuality.py [--timers 5] [--first 90] [--spacing 30] [--budget 360] [--quick]
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from harness import MIEUX, ROOT, Report, Serve, spread

from loopback.servers import free_port

TARGET_S = 60.0
SWEEP, TIMERS = "mieux-sweep/sweep", "mieux-deadline/timers"


def api(port: int, path: str, body: dict | None = None):
    """The Prefect API's JSON answer (POST when there is a body); None while it does not answer, has
    no such thing (404) or is busy (5xx: its own SQLite store is briefly locked under load)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api{path}", method="GET" if body is None else "POST",
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        if error.code == 404 or error.code >= 500:
            return None
        raise RuntimeError(f"Prefect API {path}: {error.code} {error.read()[:500]!r}") from None
    except OSError:
        return None


def answer(port: int, path: str, body: dict | None = None, timeout: float = 30):
    """api() until it answers."""
    give_up = time.monotonic() + timeout
    while (got := api(port, path, body)) is None:
        if time.monotonic() > give_up:
            raise RuntimeError(f"Prefect API {path}: no answer in {timeout:.0f} s")
        time.sleep(1)
    return got


def stored_time(text: str) -> datetime:
    """A stored timestamp ('YYYY-MM-DD HH:MM:SS.ffffff', UTC) as an aware datetime."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# -- `mieux serve` (the same helper as in bench/alert_latency.py) ---------------------------------
# -- the measurement -------------------------------------------------------------------------------
def fired_by(port: int, run_id: str | None, deadline_id: int, until: float) -> str:
    """Who fired a deadline, from its own run's log once that run has ended (or `until` passes)."""
    if not run_id:
        return "the sweep (no run of its own)"
    while time.monotonic() < until:
        run = api(port, f"/flow_runs/{run_id}") or {}
        logs = api(port, "/logs/filter", {"logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200}) or []
        for message in (row["message"] for row in logs):
            if found := re.search(rf"deadline {deadline_id}: .*'fired': (\d+)", message):
                return "its own run" if int(found.group(1)) else "the sweep"
        if run.get("state_type") in ("FAILED", "CRASHED", "CANCELLED"):
            return f"the sweep (its own run {run['state_type'].lower()})"
        time.sleep(0.5)  # logs are shipped in batches
    return "unknown (no log from its run)"


def main() -> int:
    report = Report("punctuality", __doc__, timers=(5, 1, "due-soon timers, one per Action"),
                    first=(90.0, 15.0, "seconds from registration to the first due time"),
                    spacing=(30.0, 10.0, "seconds between due times"),
                    budget=(360.0, 150.0, "hard bound on the whole run, seconds"))
    args = report.args
    hard_stop = time.monotonic() + args.budget - 45  # leave time to stop serve and clean up
    tmp = Path(tempfile.mkdtemp(prefix="mieux-bench-punct-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "MIEUX_DATABASE_URL")} | {
        "MIEUX_DATA_DIR": str(tmp / "data"), "MIEUX_PREFECT_PORT": str(port), "MIEUX_SWEEP_SECONDS": "60",
        "PREFECT_HOME": str(tmp / "prefect-client"), "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PYTHONUNBUFFERED": "1"}
    os.environ.pop("MIEUX_DATABASE_URL", None)
    os.environ.update({k: env[k] for k in ("MIEUX_DATA_DIR", "MIEUX_PREFECT_PORT", "MIEUX_SWEEP_SECONDS")})
    report.line(f"Prefect port {port}; sweep every 60 s; {args.timers} timer(s) due from +{args.first:.0f} s, "
                f"{args.spacing:.0f} s apart")
    serve = None
    try:
        subprocess.run([MIEUX, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
        serve = Serve(env, tmp / "serve.log", str(tmp))
        ready_s = serve.wait_until(lambda: all(api(port, f"/deployments/name/{name}") for name in (SWEEP, TIMERS)),
                                   min(150.0, hard_stop - time.monotonic()))
        report.line(f"mieux serve: both deployments there after {ready_s:.1f} s")

        from sqlalchemy import update
        from sqlmodel import select

        from config.settings import Settings
        from domain.schemas import RequestIn
        from mieux.bootstrap import bootstrap
        from store.tables import Deadline, Timer

        offsets = [args.first + args.spacing * i for i in range(args.timers)]
        planned: list[dict] = []

        def due_soon(session, action, event) -> None:
            """The effect that moves the new fiche deadline's `due` timer to its turn of `offsets`."""
            if event.trigger != "register":
                return
            session.flush()
            timer = session.exec(select(Timer).where(Timer.action_id == action.id, Timer.point == "due")).one()
            fire_at = t0 + timedelta(seconds=offsets[len(planned)])
            session.exec(update(Timer).where(Timer.id == timer.id).values(fire_at=fire_at))
            session.exec(update(Deadline).where(Deadline.id == timer.deadline_id).values(due_at=fire_at))
            planned.append({"timer": timer.id, "deadline": timer.deadline_id, "fire_at": fire_at})

        app = bootstrap(Settings(), effects=[due_soon])
        t0 = app.clock.now()
        for i in range(args.timers):
            app.service.register(RequestIn.model_validate({
                "name": f"Punctuality {i + 1}", "requester": "Ghana Immigration Service",
                "requester_type": "national_authority", "countries": ["GH"], "region": "Africa (West)",
                "theme": "legal_migration", "channel": "email", "received_on": date.today().isoformat(),
                "project_officer": "ana"}), actor="ana")
        sweep = answer(port, f"/deployments/name/{SWEEP}")
        answer(port, f"/deployments/{sweep['id']}/create_flow_run", {})
        report.line(f"registered {args.timers} request(s), their fiche `due` timers moved to "
                    + ", ".join(f"+{o:.0f} s" for o in offsets) + "; requested a sweep run now to mirror them")

        db = sqlite3.connect(tmp / "data" / "mieux.db", timeout=30)
        marks = ",".join("?" * len(planned))
        give_up = min(hard_stop, time.monotonic() + (planned[-1]["fire_at"] - app.clock.now()).total_seconds() + 90)
        while time.monotonic() < give_up and db.execute(
                f"SELECT count(*) FROM timer WHERE status = 'pending' AND id IN ({marks})",
                [p["timer"] for p in planned]).fetchone()[0]:
            serve.alive()
            time.sleep(0.25)
        for p in planned:
            alert = db.execute("SELECT created_at FROM alert WHERE source = ?", (f"timer:{p['timer']}",)).fetchone()
            p["lateness_s"] = round((stored_time(alert[0]) - p["fire_at"]).total_seconds(), 3) if alert else None
            p["run"] = db.execute("SELECT flow_run_id FROM timer WHERE id = ?", (p["timer"],)).fetchone()[0]
            p["by"] = fired_by(port, p["run"], p["deadline"], min(hard_stop, time.monotonic() + 30)) \
                if alert else "not fired"
        db.close()
        app.engine.dispose()
    finally:
        if serve is not None:
            report.line(serve.stop())
        shutil.rmtree(tmp, ignore_errors=True)

    for p in planned:
        report.line(f"timer {p['timer']} (due +{(p['fire_at'] - t0).total_seconds():.0f} s): "
                    + ("NOT fired within the wait" if p["lateness_s"] is None else
                       f"fired {p['lateness_s']:.2f} s after its due time by {p['by']}"))
    lateness = [p["lateness_s"] for p in planned if p["lateness_s"] is not None]
    unfired = [p["timer"] for p in planned if p["lateness_s"] is None]
    late = spread(lateness) if lateness else {}
    if late:
        report.line(f"lateness over {late['n']} fired timer(s): min {late['min']:.2f} s, "
                    f"median {late['median']:.2f} s, max {late['max']:.2f} s")
    by = dict(Counter(p["by"] for p in planned))
    report.target(f"every deadline fires within {TARGET_S:.0f} s of its due time",
                  met=bool(lateness) and not unfired and late["max"] <= TARGET_S,
                  detail=f"max {late['max']:.2f} s" if late else "none fired")
    return report.done({"timers": args.timers, "serve_ready_s": round(ready_s, 1),
                        "lateness_min_s": late.get("min"), "lateness_median_s": late.get("median"),
                        "lateness_max_s": late.get("max"), "unfired": unfired, "fired_by": by,
                        "per_timer": [{"timer_id": p["timer"], "fire_at": p["fire_at"].isoformat(),
                                       "lateness_s": p["lateness_s"], "fired_by": p["by"]} for p in planned],
                        "target_s": TARGET_S})


if __name__ == "__main__":
    sys.exit(main())
