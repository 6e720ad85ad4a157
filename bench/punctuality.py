"""Deadline punctuality with `mieux serve` running: how late after its due time a deadline fires.

Target: with `mieux serve` running, a deadline fires within 60 seconds of its due time.

Setup: a temporary MIEUX_DATA_DIR, a free MIEUX_PREFECT_PORT, MIEUX_SWEEP_SECONDS=60, a temporary
PREFECT_HOME for the serve process's own client side (serve keeps its server's data under
<data dir>/prefect), PREFECT_API_URL unset so serve starts its own local Prefect server.
`mieux init`, then `mieux serve` as a subprocess (own process group); wait until /api/health
answers and the deployments mieux-sweep/sweep and mieux-deadline/timers exist.

Due-soon deadlines without waiting days: this process bootstraps the engine (bootstrap(Settings()),
SystemClock) with one extra effect, run in the registration's own transaction right after the
DeadlineKeeper: it moves the new fiche deadline's `due` timer (and the deadline's due_at) to
t0 + 90 s, + 120 s, ... So the timers are never seen by a sweep with their original fire_at (no race
with the mirror, whose idempotency key per timer would otherwise keep the run at the old time).
One timer per Action, so nothing is coalesced. Then a sweep run is requested through the API
(POST /api/deployments/{id}/create_flow_run) so the timers get mirrored as scheduled runs at once.

Measured: the store is polled every 0.25 s until each timer is 'fired'; lateness = the Alert's
created_at (source "timer:<id>", written by whichever run fired it) - the timer's fire_at. Which
path fired it: the timer's own scheduled run logs "deadline N: {'fired': 1, ...}" when it fired,
{'fired': 0} when the sweep had already done it; the sweep runs' logs give their counts too.
Prefect's state history of each timer run shows when the runner picked it up (Pending) and when
the flow-run subprocess started running it (Running).

Stop: SIGINT to `mieux serve`, SIGTERM after 30 s, SIGKILL to its group after 15 s more; then any
process still carrying this benchmark's data directory in its environment (the Prefect server,
flow-run subprocesses) is reported and killed by pid. The whole run is bounded (--budget, 360 s).

    .venv/bin/python bench/punctuality.py [--timers 5] [--first 90] [--spacing 30] [--budget 360]
"""
import argparse
import ast
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# bench/transitions.py would shadow the `transitions` library: keep this folder last on the path.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (BENCH, ROOT)] + [str(BENCH)]
from loopback.servers import free_port  # noqa: E402

TARGET_S = 60.0
SWEEP_DEPLOYMENT = "mieux-sweep/sweep"
TIMER_DEPLOYMENT = "mieux-deadline/timers"
VENV_BIN = Path(sys.executable).parent


def parse_time(text: str | None) -> datetime | None:
    """An API timestamp or a stored one ('YYYY-MM-DD HH:MM:SS.ffffff', UTC) as an aware datetime."""
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Api:
    def __init__(self, base: str):
        self.base = base

    def call(self, method: str, path: str, body: dict | None = None, timeout: float = 10):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def ok(self, path: str) -> bool:
        try:
            self.call("GET", path, timeout=2)
            return True
        except (OSError, ValueError):
            return False

    def logs(self, flow_run_id: str) -> list[str]:
        rows = self.call("POST", "/logs/filter", {"logs": {"flow_run_id": {"any_": [flow_run_id]}},
                                                  "sort": "TIMESTAMP_ASC", "limit": 200})
        return [r["message"] for r in rows]

    def states(self, flow_run_id: str) -> list[dict]:
        rows = self.call("GET", f"/flow_run_states/?flow_run_id={flow_run_id}")
        return sorted(rows, key=lambda r: r["timestamp"])


def summary_from_logs(messages: list[str], prefix: str) -> dict | None:
    """The dict a flow logs as "<prefix>{...}" (e.g. "deadline 3: {'fired': 1, ...}")."""
    for message in messages:
        found = re.search(re.escape(prefix) + r"(\{.*\})", message)
        if found:
            try:
                return ast.literal_eval(found.group(1))  # a dict of ints printed by the flow
            except Exception:  # noqa: BLE001
                return None
    return None


def our_processes(marker: str, exclude: set[int]) -> list[tuple[int, str]]:
    """Processes whose environment mentions `marker` (this run's unique temp dir): ours, by construction."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in exclude:
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                found.append((int(entry.name), cmd[:160]))
        except OSError:
            continue
    return found


def stop_serve(serve: subprocess.Popen, marker: str) -> dict:
    """SIGINT, then SIGTERM, then SIGKILL to its group; then kill anything left that carries our marker."""
    report = {"signal": None, "exit_code": None, "stop_s": None, "leftovers": []}
    if serve.poll() is None:
        start = time.monotonic()
        for sig, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 15)):
            serve.send_signal(sig)
            report["signal"] = sig.name
            try:
                serve.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            report["signal"] = "SIGKILL"
            try:
                os.killpg(serve.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            serve.wait(timeout=10)
        report["stop_s"] = round(time.monotonic() - start, 1)
    report["exit_code"] = serve.returncode
    time.sleep(1)
    leftovers = our_processes(marker, {os.getpid()})
    report["leftovers"] = [f"{pid} {cmd}" for pid, cmd in leftovers]
    for pid, _ in leftovers:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and our_processes(marker, {os.getpid()}):
        time.sleep(0.5)
    for pid, _ in our_processes(marker, {os.getpid()}):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    report["still_running_after_cleanup"] = [p for p, _ in our_processes(marker, {os.getpid()})]
    return report


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"({path} unreadable)"


def main() -> int:  # noqa: C901 - one linear script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=5, help="due-soon timers, one per Action")
    parser.add_argument("--first", type=float, default=90, help="seconds from registration to the first due time")
    parser.add_argument("--spacing", type=float, default=30, help="seconds between due times")
    parser.add_argument("--budget", type=float, default=360, help="hard bound on the whole run, seconds")
    args = parser.parse_args()
    started = time.monotonic()
    hard_stop = started + args.budget - 45  # leave time to stop serve and clean up
    load_start = os.getloadavg()[0]

    tmp = Path(tempfile.mkdtemp(prefix="mieux-bench-punct-"))
    data_dir, client_home = tmp / "data", tmp / "prefect-client"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update({"MIEUX_DATA_DIR": str(data_dir), "MIEUX_PREFECT_PORT": str(port), "MIEUX_SWEEP_SECONDS": "60",
                "PREFECT_HOME": str(client_home), "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PYTHONUNBUFFERED": "1"})
    os.environ.update({k: env[k] for k in ("MIEUX_DATA_DIR", "MIEUX_PREFECT_PORT", "MIEUX_SWEEP_SECONDS")})
    serve_log_path = tmp / "serve.log"
    server_log_path = data_dir / "prefect" / "server.log"
    api = Api(f"http://127.0.0.1:{port}/api")
    print(f"punctuality benchmark: {os.cpu_count()} CPUs, load average {load_start:.2f}; data dir {data_dir}; "
          f"Prefect port {port}; sweep every 60 s")

    serve = None
    stop_report: dict = {}
    result: dict = {"benchmark": "punctuality", "target_s": TARGET_S}
    broken = None
    try:
        done = subprocess.run([str(VENV_BIN / "mieux"), "init"], env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"mieux init exited {done.returncode}: {done.stderr.strip()[-2000:]}")
        print(done.stdout.strip())

        serve_log = open(serve_log_path, "wb")
        t_serve = time.monotonic()
        serve = subprocess.Popen([str(VENV_BIN / "mieux"), "serve"], env=env, cwd=ROOT, stdout=serve_log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        healthy_s = None
        while True:
            if serve.poll() is not None:
                raise RuntimeError(f"mieux serve exited {serve.returncode} on start:\n{tail(serve_log_path)}\n"
                                   f"--- server.log ---\n{tail(server_log_path)}")
            if time.monotonic() - t_serve > 150:
                raise RuntimeError(f"mieux serve not ready after 150 s:\n{tail(serve_log_path)}")
            if healthy_s is None and api.ok("/health"):
                healthy_s = time.monotonic() - t_serve
            if healthy_s is not None and api.ok(f"/deployments/name/{SWEEP_DEPLOYMENT}") \
                    and api.ok(f"/deployments/name/{TIMER_DEPLOYMENT}"):
                break
            time.sleep(0.5)
        ready_s = time.monotonic() - t_serve
        sweep_deployment = api.call("GET", f"/deployments/name/{SWEEP_DEPLOYMENT}")
        print(f"mieux serve: Prefect API healthy after {healthy_s:.1f} s, both deployments there after {ready_s:.1f} s")

        # -- due-soon deadlines, written in the registrations' own transactions --------------------------
        from sqlalchemy import update
        from sqlmodel import select

        from config.settings import Settings
        from domain.schemas import RequestIn
        from mieux.bootstrap import bootstrap
        from store.tables import Deadline, Timer

        offsets = [args.first + args.spacing * i for i in range(args.timers)]
        planned: list[dict] = []
        anchor: list[datetime] = []

        def due_soon(session, action, event) -> None:
            if event.trigger != "register":
                return
            session.flush()
            timer = session.exec(select(Timer).where(Timer.action_id == action.id, Timer.point == "due")).one()
            fire_at = anchor[0] + timedelta(seconds=offsets[len(planned)])
            session.exec(update(Timer).where(Timer.id == timer.id).values(fire_at=fire_at))
            session.exec(update(Deadline).where(Deadline.id == timer.deadline_id).values(due_at=fire_at))
            planned.append({"timer_id": timer.id, "deadline_id": timer.deadline_id, "action_id": action.id,
                            "fire_at": fire_at})

        app = bootstrap(Settings(), effects=[due_soon])
        anchor.append(app.clock.now())
        for i in range(args.timers):
            app.service.register(RequestIn.model_validate({
                "name": f"Punctuality {i + 1}", "requester": "Ghana Immigration Service",
                "requester_type": "national_authority", "countries": ["GH"], "region": "Africa (West)",
                "theme": "legal_migration", "channel": "email", "received_on": date.today().isoformat(),
                "project_officer": "ana"}), actor="ana")
        registered_s = (app.clock.now() - anchor[0]).total_seconds()
        print(f"registered {args.timers} requests in {registered_s:.2f} s; their fiche `due` timers moved to "
              + ", ".join(f"+{o:.0f} s" for o in offsets) + f" from {anchor[0].isoformat(timespec='seconds')}")
        triggered = api.call("POST", f"/deployments/{sweep_deployment['id']}/create_flow_run", {})
        print(f"requested a sweep run now (flow run {triggered['id']}) so the timers are mirrored at once")

        # -- wait for them to fire -------------------------------------------------------------------------
        db = sqlite3.connect(data_dir / "mieux.db", timeout=30)
        ids = [p["timer_id"] for p in planned]
        last_due = max(p["fire_at"] for p in planned)
        give_up = min(hard_stop, time.monotonic() + (last_due - app.clock.now()).total_seconds() + 90)
        fired: dict[int, dict] = {}
        mirrored_at: dict[int, datetime] = {}
        while time.monotonic() < give_up and len(fired) < len(ids):
            for tid, status, run_id in db.execute(
                    f"SELECT id, status, flow_run_id FROM timer WHERE id IN ({','.join('?' * len(ids))})", ids):
                if run_id and tid not in mirrored_at:
                    mirrored_at[tid] = datetime.now(timezone.utc)
                if status != "pending" and tid not in fired:
                    alert = db.execute("SELECT created_at FROM alert WHERE source = ?", (f"timer:{tid}",)).fetchone()
                    fired[tid] = {"status": status, "alert_created_at": parse_time(alert[0]) if alert else None,
                                  "seen_at": datetime.now(timezone.utc)}
            if serve.poll() is not None:
                raise RuntimeError(f"mieux serve exited {serve.returncode} while running:\n{tail(serve_log_path)}")
            time.sleep(0.25)

        # let the timer runs finish and ship their logs (bounded)
        settle_until = min(hard_stop, time.monotonic() + 30)
        run_ids = {tid: r for tid, r in db.execute(
            f"SELECT id, flow_run_id FROM timer WHERE id IN ({','.join('?' * len(ids))})", ids)}
        while time.monotonic() < settle_until:
            states = [api.call("GET", f"/flow_runs/{r}")["state_type"] for r in run_ids.values() if r]
            if all(s in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for s in states):
                break
            time.sleep(1)
        time.sleep(2)  # logs are shipped in batches

        # -- what Prefect saw ------------------------------------------------------------------------------
        sweeps = api.call("POST", "/flow_runs/filter", {
            "flow_runs": {"deployment_id": {"any_": [sweep_deployment["id"]]}}, "sort": "EXPECTED_START_TIME_ASC",
            "limit": 50})
        sweep_rows = []
        for run in sweeps:
            if run["state_type"] == "SCHEDULED":
                continue
            counts = summary_from_logs(api.logs(run["id"]), "sweep: ")
            sweep_rows.append({"id": run["id"], "state": run["state_name"], "start": parse_time(run["start_time"]),
                               "end": parse_time(run["end_time"]), "expected": parse_time(run["expected_start_time"]),
                               "summary": counts})
        print(f"\nsweep runs that ran ({len(sweep_rows)}):")
        for s in sweep_rows:
            rel = lambda t: f"{(t - anchor[0]).total_seconds():+.1f} s" if t else "-"  # noqa: E731
            took = (s["end"] - s["start"]).total_seconds() if s["start"] and s["end"] else None
            print(f"  expected {rel(s['expected'])}, started {rel(s['start'])}, ended {rel(s['end'])}"
                  f"{f' ({took:.1f} s)' if took is not None else ''}: {s['state']} {s['summary']}")

        rows = []
        print("\nper timer (times relative to registration; lateness = alert.created_at - fire_at):")
        for p in planned:
            tid, run_id = p["timer_id"], run_ids.get(p["timer_id"])
            got = fired.get(tid)
            alert_at = got["alert_created_at"] if got else None
            lateness = (alert_at - p["fire_at"]).total_seconds() if alert_at else None
            run, history, timer_summary = None, [], None
            if run_id:
                run = api.call("GET", f"/flow_runs/{run_id}")
                history = api.states(run_id)
                timer_summary = summary_from_logs(api.logs(run_id), f"deadline {p['deadline_id']}: ")
            first = {}
            for h in history:
                first.setdefault(h["type"], parse_time(h["timestamp"]))
            if timer_summary and timer_summary.get("fired"):
                path = "timer run"
            elif alert_at and any(s["start"] and s["end"] and s["start"] <= alert_at <= s["end"] for s in sweep_rows):
                path = "sweep"
            elif alert_at:
                path = "sweep?" if timer_summary is not None else "unknown (no timer-run log)"
            else:
                path = "not fired"
            row = {"timer_id": tid, "deadline_id": p["deadline_id"], "fire_at": p["fire_at"].isoformat(),
                   "status": got["status"] if got else "pending", "lateness_s": None if lateness is None else round(lateness, 2),
                   "fired_by": path, "flow_run_id": run_id,
                   "mirrored_after_registration_s": round((mirrored_at[tid] - anchor[0]).total_seconds(), 1)
                   if tid in mirrored_at else None,
                   "timer_run_state": run["state_name"] if run else None,
                   "timer_run_summary": timer_summary,
                   "runner_picked_up_s": None, "subprocess_running_s": None, "timer_run_completed_s": None}
            if first.get("PENDING"):
                row["runner_picked_up_s"] = round((first["PENDING"] - p["fire_at"]).total_seconds(), 2)
            if first.get("RUNNING"):
                row["subprocess_running_s"] = round((first["RUNNING"] - p["fire_at"]).total_seconds(), 2)
            if first.get("COMPLETED"):
                row["timer_run_completed_s"] = round((first["COMPLETED"] - p["fire_at"]).total_seconds(), 2)
            rows.append(row)
            rel_due = (p["fire_at"] - anchor[0]).total_seconds()
            print(f"  timer {tid} (deadline {p['deadline_id']}, due +{rel_due:.0f} s): "
                  f"{row['status']}, lateness {'-' if lateness is None else f'{lateness:.2f} s'}, fired by {path}; "
                  f"its run {run_id or '(never mirrored)'} (mirrored +{row['mirrored_after_registration_s']} s): "
                  f"{row['timer_run_state']}, "
                  f"runner picked it up (Pending) at {row['runner_picked_up_s']} s, Running at "
                  f"{row['subprocess_running_s']} s, Completed at {row['timer_run_completed_s']} s "
                  f"(relative to due); its log: {timer_summary}")

        lateness = [r["lateness_s"] for r in rows if r["lateness_s"] is not None]
        unfired = [r["timer_id"] for r in rows if r["lateness_s"] is None]
        met = not unfired and bool(lateness) and max(lateness) <= TARGET_S
        print(f"\nlateness over {len(lateness)} fired timers: "
              + (f"min {min(lateness):.2f} s, median {statistics.median(lateness):.2f} s, max {max(lateness):.2f} s"
                 if lateness else "none fired"))
        if unfired:
            print(f"NOT fired within the wait: timers {unfired}")
        paths = {}
        for r in rows:
            paths[r["fired_by"]] = paths.get(r["fired_by"], 0) + 1
        print(f"fired by: {paths}")
        early = [r["timer_id"] for r in rows if r["timer_run_summary"] is not None
                 and not r["timer_run_summary"].get("fired") and r["timer_run_completed_s"] is not None
                 and r["timer_run_completed_s"] < 0]
        if early:
            print(f"timer runs that ran and finished BEFORE their due time, so fired nothing (Prefect let them start "
                  f"early) and left the deadline to the next sweep: timers {early}")
        print(f"target: every deadline fires within {TARGET_S:.0f} s of its due time -> {'MET' if met else 'MISSED'}"
              + (f" (max {max(lateness):.2f} s)" if lateness else ""))
        result.update({"timers": rows, "lateness_min_s": min(lateness) if lateness else None,
                       "lateness_median_s": statistics.median(lateness) if lateness else None,
                       "lateness_max_s": max(lateness) if lateness else None, "unfired": unfired,
                       "fired_by": paths, "timer_runs_early": early, "serve_healthy_s": round(healthy_s, 1), "serve_ready_s": round(ready_s, 1),
                       "sweep_runs": [{"start_rel_s": round((s["start"] - anchor[0]).total_seconds(), 1)
                                       if s["start"] else None,
                                       "duration_s": round((s["end"] - s["start"]).total_seconds(), 2)
                                       if s["start"] and s["end"] else None, "summary": s["summary"]}
                                      for s in sweep_rows],
                       "met": met})
        db.close()
        app.engine.dispose()
    except Exception as error:  # noqa: BLE001 - report, stop serve, exit non-zero
        broken = f"{type(error).__name__}: {error}"
        print(f"\nBENCHMARK BROKE: {broken}")
    finally:
        if serve is not None:
            stop_report = stop_serve(serve, str(tmp))
            print(f"\nstopping mieux serve: {stop_report['signal']} -> exit code {stop_report['exit_code']} "
                  f"after {stop_report['stop_s']} s; processes left behind (then killed): "
                  f"{stop_report['leftovers'] or 'none'}; still running after cleanup: "
                  f"{stop_report['still_running_after_cleanup'] or 'none'}")
            log_text = serve_log_path.read_text(errors="replace") if serve_log_path.exists() else ""
            problems = [line for line in log_text.splitlines()
                        if re.search(r"Traceback|Error|error|Crashed|CRASHED|Failed|database is locked", line)]
            print(f"serve log: {len(log_text.splitlines())} lines, {len(problems)} mentioning errors/failures"
                  + (":" if problems else ""))
            for line in problems[:25]:
                print(f"    {line[:240]}")
            if broken:
                print(f"--- tail of serve log ---\n{tail(serve_log_path, 60)}")
                print(f"--- tail of {server_log_path} ---\n{tail(server_log_path, 40)}")
            server_text = server_log_path.read_text(errors="replace") if server_log_path.exists() else ""
            server_errors = [line for line in server_text.splitlines() if re.search(r"ERROR|Traceback", line)]
            print(f"server.log: {len(server_text.splitlines())} lines, {len(server_errors)} ERROR/Traceback lines"
                  + (":" if server_errors else ""))
            for line in server_errors[:10]:
                print(f"    {line[:240]}")
            result["stop"] = stop_report
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    print(f"total wall time {time.monotonic() - started:.0f} s; load average {os.getloadavg()[0]:.2f} at end")
    result["broken"] = broken
    result.setdefault("met", False)
    print(json.dumps(result, default=str))
    return 1 if broken or (stop_report.get("still_running_after_cleanup")) else 0


if __name__ == "__main__":
    sys.exit(main())
