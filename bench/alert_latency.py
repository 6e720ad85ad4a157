"""Alert latency with `mieux serve` running: from a transition's commit to its email in an SMTP server.

Target: with `mieux serve` running, the email a transition owes reaches a loopback SMTP server
with p95 latency under 5 seconds (p50 and p95 printed).

Setup: an aiosmtpd SmtpServer (loopback.receivers, no auth) in this process, whose inbox list stamps
each message with time.monotonic() as the handler appends it; a channels file with its mailto://
URL tagged `email`; a temporary MIEUX_DATA_DIR, a free MIEUX_PREFECT_PORT, MIEUX_CHANNELS_FILE,
a temporary PREFECT_HOME, PREFECT_API_URL unset (serve starts its own local Prefect server),
MIEUX_DISPATCH_SECONDS left at its default (1.0 s) unless set in the environment.
`mieux init`, then `mieux serve` as a subprocess in its own session; ready when its output shows
"Prefect UI" (printed once its Prefect server answers), then 1.5 s for the dispatch loop to start.

Transitions: this process bootstraps the engine (bootstrap(Settings()), same environment) and
registers --count requests through app.service.register, one every --interval seconds. Each
registration owes a `request.received` alert to its project officer (ana) and the programme
manager (pieter): two emails. The commit time is taken when register() returns (its transaction has
committed). Latency of an email = its arrival in the SMTP handler - the commit time, matched by
subject ("... New request: <reference> <name>"); a transition's latency = its last email's.
The target is judged on the transitions' latencies (all of a transition's emails in); p95 is
harness.spread's (the 95th of 100 ordered figures, the max below 20 figures).

Stop: SIGINT to `mieux serve`, SIGTERM after 30 s, SIGKILL to its process group after 15 s more;
then any process still carrying this run's temp directory in its environment (the Prefect server,
flow-run subprocesses) is killed by pid. The whole run is bounded (--budget).

    .venv/bin/python bench/alert_latency.py [--count 30] [--interval 0.5] [--budget 240] [--quick]
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from harness import MIEUX, ROOT, Report, Serve, spread

from loopback.receivers import SmtpServer
from loopback.servers import free_port

TARGET_P95_S = 5.0


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


# -- the measurement -------------------------------------------------------------------------------
def main() -> int:
    report = Report("alert_latency", __doc__, count=(30, 2, "transitions (registrations) to fire"),
                    interval=(0.5, 0.5, "seconds between transitions"),
                    wait=(30.0, 20.0, "seconds to wait for the emails after the last transition"),
                    budget=(240.0, 120.0, "hard bound on the whole run, seconds"))
    args = report.args
    hard_stop = time.monotonic() + args.budget - 50  # leave time to stop serve and clean up
    tmp = Path(tempfile.mkdtemp(prefix="mieux-bench-latency-"))
    inbox = StampedInbox()
    smtp = SmtpServer(inbox=inbox).start()
    channels = tmp / "channels.yaml"
    channels.write_text(f'version: 1\nurls:\n  - "{smtp.url()}":\n      - tag: email\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "MIEUX_DATABASE_URL")} | {
        "MIEUX_DATA_DIR": str(tmp / "data"), "MIEUX_PREFECT_PORT": str(free_port()),
        "MIEUX_CHANNELS_FILE": str(channels), "PREFECT_HOME": str(tmp / "prefect-client"), "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
    os.environ.pop("MIEUX_DATABASE_URL", None)
    os.environ.update({k: env[k] for k in ("MIEUX_DATA_DIR", "MIEUX_PREFECT_PORT", "MIEUX_CHANNELS_FILE")})
    report.line(f"SMTP on 127.0.0.1:{smtp.port}; Prefect port {env['MIEUX_PREFECT_PORT']}; MIEUX_DISPATCH_SECONDS "
                f"{env.get('MIEUX_DISPATCH_SECONDS', '1.0 (default)')}; {args.count} transitions, "
                f"{args.interval} s apart")
    serve = None
    try:
        subprocess.run([MIEUX, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
        serve = Serve(env, tmp / "serve.log", str(tmp))
        ready_s = serve.wait_until(lambda: "Prefect UI" in serve.log.read_text(errors="replace"),
                                   min(150.0, hard_stop - time.monotonic()))
        report.line(f"mieux serve: 'Prefect UI' printed after {ready_s:.1f} s")
        time.sleep(1.5)  # the dispatch loop starts right after that line; let its first round pass

        from config.settings import Settings
        from domain.schemas import RequestIn
        from mieux.bootstrap import bootstrap

        app = bootstrap(Settings())
        fired, today, next_at = [], datetime.now(timezone.utc).date().isoformat(), time.monotonic()
        for i in range(args.count):
            if time.monotonic() > hard_stop - args.wait:
                report.line(f"budget: stopped firing after {i} transitions")
                break
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += args.interval
            name = f"Latency {i + 1:03d}"
            action = app.service.register(RequestIn.model_validate({
                "name": name, "requester": "Ghana Immigration Service", "requester_type": "national_authority",
                "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email",
                "received_on": today, "project_officer": "ana"}), actor="ana")
            fired.append({"reference": action.reference, "committed": time.monotonic(),
                          "subject": f"[{app.facility.name}] New request: {action.reference} {name}"})
        subjects = {f["subject"] for f in fired}
        give_up = min(hard_stop, time.monotonic() + args.wait)
        while sum(m.subject in subjects for _, m in inbox.snapshot()) < 2 * len(fired) and time.monotonic() < give_up:
            serve.alive()
            time.sleep(0.1)
        time.sleep(1.5)  # catch duplicates sent just after
        app.engine.dispose()
    finally:
        if serve is not None:
            report.line(serve.stop())
        smtp.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    mails = inbox.snapshot()
    per_email, per_transition, missing, duplicated = [], [], [], []
    for f in fired:
        latencies = sorted(t - f["committed"] for t, m in mails if m.subject == f["subject"])
        per_email += latencies
        if len(latencies) < 2:
            missing.append(f["reference"])
        else:
            per_transition.append(latencies[-1])
            if len(latencies) > 2:
                duplicated.append(f["reference"])
    report.line(f"emails received: {len(per_email)} of {2 * len(fired)} for {len(fired)} transitions "
                f"(missing for {missing or 'none'}; more than 2 for {duplicated or 'none'})")
    figures = {}
    for label, values in (("per email", per_email), ("per transition (all its emails in)", per_transition)):
        if values:
            figures[label] = f = {k: round(v, 3) for k, v in spread(values).items()}
            report.line(f"latency {label + ':':36} p50 {f['median']:.2f} s, p95 {f['p95']:.2f} s, "
                        f"max {f['max']:.2f} s (min {f['min']:.2f} s, n={f['n']})")
    trans = figures.get("per transition (all its emails in)", {})
    report.target(f"p95 latency from transition to email under {TARGET_P95_S:.0f} s",
                  met=bool(trans) and not missing and trans["p95"] < TARGET_P95_S,
                  detail=f"p95 {trans['p95']:.2f} s, p50 {trans['median']:.2f} s" if trans else "no emails")
    return report.done({"count": len(fired), "serve_ready_s": round(ready_s, 1), "emails_expected": 2 * len(fired),
                        "emails_received": len(per_email), "missing": missing, "duplicates": duplicated,
                        "p50_s": trans.get("median"), "p95_s": trans.get("p95"), "max_s": trans.get("max"),
                        "per_email": figures.get("per email"), "per_transition": trans or None,
                        "target_p95_s": TARGET_P95_S})


if __name__ == "__main__":
    sys.exit(main())
