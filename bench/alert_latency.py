"""Alert latency with `mieux serve` running: from a transition's commit to its email in an SMTP server.

Target: with `mieux serve` running, the email a transition owes reaches a loopback SMTP server
with p95 latency under 5 seconds (p50 and p95 printed).

Setup: an aiosmtpd SmtpServer (loopback.receivers, no auth) in this process, whose inbox list stamps
each message with time.monotonic() as the handler appends it; a channels file with its mailto://
URL tagged `email`; a temporary MIEUX_DATA_DIR, a free MIEUX_PREFECT_PORT, MIEUX_CHANNELS_FILE,
a temporary PREFECT_HOME, PREFECT_API_URL unset (serve starts its own local Prefect server),
MIEUX_DISPATCH_SECONDS left at its default (1.0 s) unless set in the environment.
`mieux init`, then `mieux serve` as a subprocess in its own session; ready when
http://127.0.0.1:PORT/api/health answers and its output shows "Prefect UI".

Transitions: this process bootstraps the engine (bootstrap(Settings()), same environment) and
registers --count requests through app.service.register, one every --interval seconds. Each
registration owes a `request.received` alert to its project officer (ana) and the programme
manager (pieter): two emails. The commit time is taken when register() returns (its transaction has
committed). Latency of an email = its arrival in the SMTP handler - the commit time, matched by
subject ("... New request: <reference> <name>"); a transition's latency = its last email's.
The target is judged on the transitions' latencies (all of a transition's emails in).

Stop: SIGINT to `mieux serve`, SIGTERM after 30 s, SIGKILL to its process group after 15 s more;
then the processes it started (recorded as its descendants while it ran, e.g. the Prefect server
and its uvicorn) are checked, and killed by pid if still alive and still carrying this run's temp
directory in their environment. Nothing else is touched. The whole run is bounded (--budget).

    .venv/bin/python bench/alert_latency.py [--count 30] [--interval 0.5] [--budget 240]
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# bench/transitions.py would shadow the `transitions` library: keep this folder last on the path.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (BENCH, ROOT)] + [str(BENCH)]
from loopback.servers import free_port  # noqa: E402
from flows.serve import prefect_healthy  # noqa: E402

TARGET_P95_S = 5.0
VENV_BIN = Path(sys.executable).parent


def healthy(port: int) -> bool:
    return prefect_healthy(f"http://127.0.0.1:{port}/api")


class StampedInbox(list):
    """The SMTP server's inbox: remembers when each message arrived (monotonic clock, this process)."""

    def __init__(self):
        super().__init__()
        self.arrived: list[float] = []
        self.lock = threading.Lock()

    def append(self, mail) -> None:
        now = time.monotonic()
        with self.lock:
            self.arrived.append(now)
            super().append(mail)

    def snapshot(self) -> list[tuple[float, object]]:
        with self.lock:
            return list(zip(self.arrived, list(self)))


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil
    return ordered[int(rank) - 1]


def descendants(root: int) -> dict[int, str]:
    """pid -> command line of every live process below `root` (by parent pid)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = {}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            try:
                cmd = (Path("/proc") / str(child) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            found[child] = cmd.strip()[:160]
            todo.append(child)
    return found


def alive_and_ours(pid: int, marker: str) -> bool:
    """Still running and still carrying this run's temp dir in its environment (so not a reused pid)."""
    try:
        if (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return False
        return marker.encode() in (Path("/proc") / str(pid) / "environ").read_bytes()
    except OSError:
        return False


def stop_serve(serve: subprocess.Popen, known: dict[int, str], marker: str) -> dict:
    report: dict = {"signal": None, "exit_code": None, "stop_s": None, "left_behind": [], "killed": [],
                    "still_running": []}
    known = {**known, **descendants(serve.pid)}
    start = time.monotonic()
    if serve.poll() is None:
        for sig, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 15)):
            serve.send_signal(sig)
            report["signal"] = sig.name
            try:
                serve.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            report["signal"] = "SIGKILL (process group)"
            try:
                os.killpg(serve.pid, signal.SIGKILL)  # its own session: only what it started
            except ProcessLookupError:
                pass
            serve.wait(timeout=10)
    report["stop_s"] = round(time.monotonic() - start, 1)
    report["exit_code"] = serve.returncode
    give_up = time.monotonic() + 5
    while time.monotonic() < give_up and any(alive_and_ours(p, marker) for p in known):
        time.sleep(0.25)
    left = [p for p in known if alive_and_ours(p, marker)]
    report["left_behind"] = [f"{p} {known[p]}" for p in left]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in left:
            if alive_and_ours(pid, marker):
                try:
                    os.kill(pid, sig)
                    report["killed"].append(f"{pid} {sig.name}")
                except ProcessLookupError:
                    pass
        give_up = time.monotonic() + 10
        while time.monotonic() < give_up and any(alive_and_ours(p, marker) for p in left):
            time.sleep(0.25)
    report["still_running"] = [p for p in known if alive_and_ours(p, marker)]
    report["processes_seen"] = [f"{p} {c}" for p, c in known.items()]
    return report


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"({path} unreadable)"


def main() -> int:  # noqa: C901 - one linear script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30, help="transitions (registrations) to fire")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between transitions")
    parser.add_argument("--wait", type=float, default=30, help="seconds to wait for emails after the last one")
    parser.add_argument("--budget", type=float, default=240, help="hard bound on the whole run, seconds")
    args = parser.parse_args()
    started = time.monotonic()
    hard_stop = started + args.budget - 50  # leave time to stop serve and clean up

    from loopback.receivers import SmtpServer

    tmp = Path(tempfile.mkdtemp(prefix="mieux-bench-latency-"))
    marker = str(tmp)
    data_dir = tmp / "data"
    port = free_port()
    inbox = StampedInbox()
    smtp = SmtpServer(inbox=inbox).start()
    channels = tmp / "channels.yaml"
    channels.write_text(f'version: 1\nurls:\n  - "{smtp.url()}":\n      - tag: email\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "MIEUX_DATABASE_URL")}
    env.update({"MIEUX_DATA_DIR": str(data_dir), "MIEUX_PREFECT_PORT": str(port), "MIEUX_CHANNELS_FILE": str(channels),
                "PREFECT_HOME": str(tmp / "prefect-client"), "DO_NOT_TRACK": "1",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PYTHONUNBUFFERED": "1"})
    os.environ.pop("MIEUX_DATABASE_URL", None)
    os.environ.update({k: env[k] for k in ("MIEUX_DATA_DIR", "MIEUX_PREFECT_PORT", "MIEUX_CHANNELS_FILE")})
    dispatch_s = env.get("MIEUX_DISPATCH_SECONDS", "1.0 (default)")
    serve_log_path = tmp / "serve.log"
    server_log_path = data_dir / "prefect" / "server.log"
    print(f"alert latency: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; data dir {data_dir}; "
          f"Prefect port {port}; SMTP 127.0.0.1:{smtp.port}; MIEUX_DISPATCH_SECONDS {dispatch_s}; "
          f"{args.count} transitions every {args.interval} s")

    serve = None
    seen: dict[int, str] = {}
    stop_report: dict = {}
    result: dict = {"benchmark": "alert_latency", "target_p95_s": TARGET_P95_S, "count": args.count}
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
        healthy_s = ui_s = None
        while healthy_s is None or ui_s is None:
            if serve.poll() is not None:
                raise RuntimeError(f"mieux serve exited {serve.returncode} on start:\n{tail(serve_log_path)}\n"
                                   f"--- server.log ---\n{tail(server_log_path)}")
            if time.monotonic() - t_serve > min(150, hard_stop - time.monotonic()):
                raise RuntimeError(f"mieux serve not ready after {time.monotonic() - t_serve:.0f} s:\n"
                                   f"{tail(serve_log_path)}")
            seen.update(descendants(serve.pid))
            if healthy_s is None and healthy(port):
                healthy_s = time.monotonic() - t_serve
            if ui_s is None and "Prefect UI" in serve_log_path.read_text(errors="replace"):
                ui_s = time.monotonic() - t_serve
            time.sleep(0.25)
        print(f"mieux serve: /api/health after {healthy_s:.1f} s, 'Prefect UI' printed after {ui_s:.1f} s")
        time.sleep(1.5)  # the dispatch loop starts right after that line; let its first round pass

        from config.settings import Settings
        from domain.schemas import RequestIn
        from mieux.bootstrap import bootstrap

        app = bootstrap(Settings())
        facility = app.facility.name
        fired: list[dict] = []
        today = datetime.now(timezone.utc).date().isoformat()
        next_at = time.monotonic()
        for i in range(args.count):
            if time.monotonic() > hard_stop - args.wait:
                print(f"budget: stopped firing after {i} transitions")
                break
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += args.interval
            name = f"Latency {i + 1:03d}"
            t_call = time.monotonic()
            action = app.service.register(RequestIn.model_validate({
                "name": name, "requester": "Ghana Immigration Service", "requester_type": "national_authority",
                "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email",
                "received_on": today, "project_officer": "ana"}), actor="ana")
            committed = time.monotonic()
            fired.append({"reference": action.reference, "name": name, "committed": committed,
                          "register_s": committed - t_call,
                          "subject": f"[{facility}] New request: {action.reference} {name}"})
            seen.update(descendants(serve.pid))
        print(f"fired {len(fired)} registrations (register() took median "
              f"{1000 * statistics.median(f['register_s'] for f in fired):.0f} ms, "
              f"max {1000 * max(f['register_s'] for f in fired):.0f} ms); each owes 2 emails (ana, pieter)")

        expected = 2 * len(fired)
        by_subject = {f["subject"]: f for f in fired}
        give_up = min(hard_stop, time.monotonic() + args.wait)
        while time.monotonic() < give_up:
            got = sum(1 for _, m in inbox.snapshot() if m.subject in by_subject)
            if got >= expected:
                break
            if serve.poll() is not None:
                raise RuntimeError(f"mieux serve exited {serve.returncode} while running:\n{tail(serve_log_path)}")
            time.sleep(0.1)
        time.sleep(1.5)  # catch duplicates sent just after
        seen.update(descendants(serve.pid))

        mails = inbox.snapshot()
        per_email: list[float] = []
        rows = []
        for f in fired:
            arrivals = [(t, m.recipients[0]) for t, m in mails if m.subject == f["subject"]]
            lat = sorted(round(t - f["committed"], 3) for t, _ in arrivals)
            per_email += lat
            recipients = sorted(r for _, r in arrivals)
            rows.append({"reference": f["reference"], "emails": len(arrivals), "recipients": recipients,
                         "latencies_s": lat, "transition_latency_s": lat[-1] if len(arrivals) >= 2 else None})
        other = [m.subject for _, m in mails if m.subject not in by_subject]
        missing = [r["reference"] for r in rows if r["emails"] < 2]
        extra = [r["reference"] for r in rows if r["emails"] > 2]
        complete = [r["transition_latency_s"] for r in rows if r["transition_latency_s"] is not None]
        print("\nper transition (latency of each email after the commit, seconds):")
        for r in rows:
            print(f"  {r['reference']}: {r['emails']} email(s) {r['latencies_s']}"
                  + ("  <-- MISSING" if r["emails"] < 2 else "") + ("  <-- DUPLICATE" if r["emails"] > 2 else ""))
        if other:
            print(f"other emails received: {len(other)} (e.g. {other[:3]})")

        def stats(values: list[float]) -> dict:
            if not values:
                return {"n": 0}
            return {"n": len(values), "p50": round(statistics.median(values), 3),
                    "p95": round(percentile(values, 95), 3), "max": round(max(values), 3),
                    "min": round(min(values), 3), "mean": round(statistics.fmean(values), 3)}

        s_email, s_trans = stats(per_email), stats(complete)
        print(f"\nemails received: {len(per_email)} of {expected} expected "
              f"(missing for {missing or 'none'}; more than 2 for {extra or 'none'})")
        if per_email:
            print(f"per email      : n={s_email['n']} p50 {s_email['p50']:.2f} s, p95 {s_email['p95']:.2f} s, "
                  f"max {s_email['max']:.2f} s (min {s_email['min']:.2f} s)")
        if complete:
            print(f"per transition : n={s_trans['n']} p50 {s_trans['p50']:.2f} s, p95 {s_trans['p95']:.2f} s, "
                  f"max {s_trans['max']:.2f} s (all of its emails in)")
        met = bool(complete) and not missing and s_trans["p95"] < TARGET_P95_S
        print(f"target: p95 latency from transition to email under {TARGET_P95_S:.0f} s -> "
              f"{'MET' if met else 'MISSED'}"
              + (f" (p95 {s_trans['p95']:.2f} s, p50 {s_trans['p50']:.2f} s)" if complete else "")
              + (f"; {len(missing)} transition(s) without all their emails" if missing else ""))
        result.update({"serve_healthy_s": round(healthy_s, 1), "serve_ui_line_s": round(ui_s, 1),
                       "fired": len(fired), "emails_expected": expected, "emails_received": len(per_email),
                       "missing": missing, "duplicates": extra, "per_email": s_email, "per_transition": s_trans,
                       "p50_s": s_trans.get("p50"), "p95_s": s_trans.get("p95"), "max_s": s_trans.get("max"),
                       "met": met, "transitions": rows})
        app.engine.dispose()
    except Exception as error:  # noqa: BLE001 - report, stop serve, exit non-zero
        broken = f"{type(error).__name__}: {error}"
        print(f"\nBENCHMARK BROKE: {broken}")
    finally:
        if serve is not None:
            stop_report = stop_serve(serve, seen, marker)
            print(f"\nstopping mieux serve: {stop_report['signal']} -> exit code {stop_report['exit_code']} after "
                  f"{stop_report['stop_s']} s; processes it started: {len(stop_report['processes_seen'])}; left behind "
                  f"after it exited: {stop_report['left_behind'] or 'none'}; killed: {stop_report['killed'] or 'none'}; "
                  f"still running: {stop_report['still_running'] or 'none'}; Prefect port {port} "
                  f"{'still answers' if healthy(port) else 'closed'}")
            log_text = serve_log_path.read_text(errors="replace") if serve_log_path.exists() else ""
            problems = [line for line in log_text.splitlines()
                        if re.search(r"Traceback|Error|error|Crashed|CRASHED|Failed|failed|database is locked", line)]
            print(f"serve log: {len(log_text.splitlines())} lines, {len(problems)} mentioning errors/failures"
                  + (":" if problems else ""))
            for line in problems[:20]:
                print(f"    {line[:240]}")
            if broken:
                print(f"--- tail of serve log ---\n{tail(serve_log_path, 60)}")
                print(f"--- tail of {server_log_path} ---\n{tail(server_log_path, 40)}")
            result["stop"] = {k: v for k, v in stop_report.items()}
        smtp.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"total wall time {time.monotonic() - started:.0f} s; load average {os.getloadavg()[0]:.2f} at end")
    result["broken"] = broken
    result.setdefault("met", False)
    print(json.dumps(result, default=str))
    return 1 if broken or stop_report.get("still_running") else 0


if __name__ == "__main__":
    sys.exit(main())
