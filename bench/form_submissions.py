"""Evaluation form submissions per second through the web server (`mieux web`) on loopback.

Target: at least 200 submissions/s on a 2-core machine, each a distinct link's token, with p50
and p95 latency. The server is `mieux web` in its own process on a SQLite store holding one
delivered activity whose collection has a link per submission (made in bulk beforehand, as
dispatch makes them: a nonce, the hash of its token). Clients are threads of this process, each
on its own keep-alive connection, posting a complete participant form; every answer must come
back as the thank-you page, and the store must hold exactly one answer per submission.

    .venv/bin/python bench/form_submissions.py [--submissions 4000] [--clients 8] [--quick]
"""
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

from harness import MIEUX, ROOT, Report
from portfolio_gen import write_csv

from config.settings import DEFAULT_FACILITY, Settings
from mieux.bootstrap import bootstrap
from mieux.portfolio import import_portfolio
from notifications.links import new_nonce
from store.migrate import upgrade
from store.tables import Action, Activity, EvaluationCollection, FormAnswer, FormLink

TARGET = 200  # submissions per second
SECRET = "bench-link-secret-" + "x" * 32
ANSWER = urlencode({"relevance": "5", "skills_enhanced": "4", "difference": "5", "experts_quality": "4",
                    "organisation": "5", "comments": "Des échanges concrets entre pairs."})


def links(app, n: int) -> list[str]:
    """A delivered activity with an open collection and `n` links; their tokens."""
    now = datetime.now(timezone.utc)
    with app.engine.begin() as conn:
        action_id = conn.execute(Action.__table__.select().with_only_columns(Action.__table__.c.id)).scalar()
        activity_id = conn.execute(Activity.__table__.insert().returning(Activity.__table__.c.id), [
            {"action_id": action_id, "number": 1, "type": "training", "title": "Training of trainers",
             "start": now.date(), "end": now.date(), "country": "GH", "city": "Accra", "remote": False,
             "languages": ["fr"], "planned_participants": {}, "participants": {}, "deliverables": [],
             "state": "delivered", "state_since": now, "created_at": now, "updated_at": now, "version": 1}]).scalar()
        collection_id = conn.execute(EvaluationCollection.__table__.insert().returning(
            EvaluationCollection.__table__.c.id), [
            {"action_id": action_id, "activity_id": activity_id, "state": "open", "state_since": now,
             "dispatched_at": now, "reminders_sent": 0, "created_at": now, "updated_at": now, "version": 1}]).scalar()
        nonces = [new_nonce() for _ in range(n)]
        conn.execute(FormLink.__table__.insert(), [
            {"collection_id": collection_id, "form": "participant", "role": "participant", "recipient": f"P{i}",
             "language": "fr", "nonce": nonce, "token_hash": app.links.token_hash(nonce), "created_at": now,
             "reminders": 0, "answered_at": None} for i, nonce in enumerate(nonces, 1)])
    return [app.links.token(nonce) for nonce in nonces]


def client(port: int, tokens: list[str], latencies: list[float], failures: list[str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.connect()  # http.client sends a POST's headers and body apart: without TCP_NODELAY the body
    connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # waits for a delayed ACK (40 ms)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    for token in tokens:
        began = time.perf_counter()
        connection.request("POST", f"/f/{token}", body=ANSWER.encode(), headers=headers)
        response = connection.getresponse()
        body = response.read()
        if connection.sock is None or response.will_close:
            failures.append("the server closed the connection")
        latencies.append(time.perf_counter() - began)
        if response.status != 200 or b"Merci" not in body:
            failures.append(f"{response.status}: {body[:200]!r}")
    connection.close()


def main() -> int:
    report = Report("form_submissions", __doc__, submissions=(4_000, 200, "submissions, each a distinct link"),
                    clients=(8, 4, "client threads, each on its own connection"))
    n, clients = report.args.submissions, report.args.clients
    with tempfile.TemporaryDirectory(prefix="mieux-bench-forms-") as tmp:
        tmp = Path(tmp)
        settings = Settings(data_dir=tmp / "data", database_url=None, facility_file=DEFAULT_FACILITY,
                            link_secret=SECRET)
        app = bootstrap(settings, check=False)
        upgrade(app.engine)
        import_portfolio(app.service, write_csv(tmp / "portfolio.csv", 1), actor="pieter")
        tokens = links(app, n)
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MIEUX_", "PREFECT_"))} | {
            "MIEUX_DATA_DIR": str(tmp / "data"), "MIEUX_LINK_SECRET": SECRET, "MIEUX_WEB_PORT": str(port)}
        log = (tmp / "web.log").open("wb")
        server = subprocess.Popen([MIEUX, "web"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait(f"http://127.0.0.1:{port}/health", server)
            latencies: list[float] = []
            failures: list[str] = []
            shares = [tokens[i::clients] for i in range(clients)]
            threads = [threading.Thread(target=client, args=(port, share, latencies, failures)) for share in shares]
            began = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            seconds = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        with app.engine.connect() as conn:
            stored = conn.execute(FormAnswer.__table__.select().with_only_columns(FormAnswer.__table__.c.id)).all()
        app.engine.dispose()
    rate = n / seconds
    ordered = sorted(latencies)
    p50, p95 = statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]
    report.line(f"{n:,} submissions from {clients} clients in {seconds:.2f} s: {rate:,.0f}/s; "
                f"latency p50 {p50 * 1e3:.1f} ms, p95 {p95 * 1e3:.1f} ms")
    report.line(f"answers stored: {len(stored):,} (one per submission); failures: {len(failures)}"
                + (f", first: {failures[0]}" if failures else ""))
    if failures or len(stored) != n:
        raise RuntimeError(f"{len(failures)} submissions failed; {len(stored)} answers stored for {n}")
    report.target(f"at least {TARGET} submissions/s", met=rate >= TARGET, detail=f"{rate:,.0f}/s")
    return report.done({"submissions": n, "clients": clients, "per_second": round(rate, 1),
                        "p50_ms": round(p50 * 1e3, 2), "p95_ms": round(p95 * 1e3, 2)})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if server.poll() is not None:
            raise RuntimeError(f"mieux web exited {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("mieux web did not answer /health")


if __name__ == "__main__":
    sys.exit(main())
