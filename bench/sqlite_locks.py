"""SQLite locking: reads do not queue behind a writer; a transition holds the write lock briefly.

Two figures, on a store of 1,000 imported Actions (bench/portfolio_gen.py, `mieux init` and
`mieux portfolio import` in a fresh MIEUX_DATA_DIR, not timed):

1. `mieux action list` as a whole process, alone and while another connection holds the write
   lock for 3 s (BEGIN IMMEDIATE and an uncommitted UPDATE), alternating, after 2 warm-ups.
   Target: behind the writer within 1.5x of alone (before the fix it waited for the writer: 3.3 s
   against 0.6 s).
2. How long a `mieux action fire` process holds the write lock: from BEGIN IMMEDIATE to COMMIT of
   its write transaction, measured with SQLAlchemy events inside a fresh CLI process running the
   real command (suspend and resume in turn, each pair on its own Action in implementation).
   Target: under 30 ms median (before the fix the deadline policy and holiday calendar loaded
   inside it: 110-180 ms).

    .venv/bin/python bench/sqlite_locks.py [--runs 7] [--actions 1000] [--writer 3] [--quick]
"""
import json
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import ROOT, Report, interleaved, spread, stopwatch

import portfolio_gen

LIST_RATIO, HOLD_MS = 1.5, 30.0

# Runs the real `mieux` command in this process and prints how long each write transaction held
# the lock (BEGIN IMMEDIATE issued -> COMMIT about to be sent), as one JSON line on stderr.
PROBE = """
import json, sys, time
from sqlalchemy import event
from sqlalchemy.engine import Engine
from store.db import READ_ONLY
held, began = [], {}

@event.listens_for(Engine, "begin")
def begun(conn):
    if not conn.get_execution_options().get(READ_ONLY):
        began[id(conn)] = time.perf_counter()

@event.listens_for(Engine, "commit")
def committed(conn):
    start = began.pop(id(conn), None)
    if start is not None:
        held.append(time.perf_counter() - start)

from mieux.cli import main
sys.argv = ["mieux", *sys.argv[1:]]
try:
    main()
finally:
    print(json.dumps({"held_ms": [round(h * 1000, 2) for h in held]}), file=sys.stderr)
"""


def run(command: list[str], env: dict, *, capture: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} ... exited {done.returncode}: {done.stderr[-2000:]}")
    return done


def hold_writer(db: Path, seconds: float, started: threading.Event) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE action SET focal_point = 'held by the benchmark' WHERE id = 1")
    started.set()
    time.sleep(seconds)
    conn.execute("ROLLBACK")
    conn.close()


def main() -> int:
    report = Report("sqlite_locks", __doc__, runs=(7, 1, "listings of each kind, and fired Actions"),
                    actions=(1_000, 100, "Actions in the store"),
                    writer=(3.0, 1.5, "seconds the writer holds the lock"))
    args = report.args
    with tempfile.TemporaryDirectory(prefix="mieux-bench-locks-") as tmp:
        tmp = Path(tmp)
        env = portfolio_gen.cli_env(tmp / "data", tmp / "pycache") | {"MIEUX_ACTOR": "ana"}
        mieux = str(portfolio_gen.MIEUX)
        run([mieux, "init"], env)
        run([mieux, "portfolio", "import", str(portfolio_gen.write_csv(tmp / "portfolio.csv", args.actions)),
             "--as", "pieter"], env)
        listing = [mieux, "action", "list"]
        for _ in range(2):
            run(listing, env)  # warm the bytecode cache

        def behind_writer() -> float:
            started = threading.Event()
            writer = threading.Thread(target=hold_writer, args=(tmp / "data" / "mieux.db", args.writer, started))
            writer.start()
            started.wait()
            seconds = stopwatch(lambda: run(listing, env, capture=False))
            writer.join()
            return seconds

        def listing_alone() -> float:
            return stopwatch(lambda: run(listing, env, capture=False))

        lists = interleaved({"alone": listing_alone, "behind": behind_writer}, args.runs, warmups=0)

        refs = json.loads(run([*listing, "--state", "implementation", "--json"], env).stdout)
        if len(refs) < args.runs:
            raise RuntimeError(f"only {len(refs)} Actions in implementation, {args.runs} needed")
        held = []
        for action in refs[:args.runs]:
            for trigger in ("suspend", "resume"):
                done = run([str(portfolio_gen.PYTHON), "-c", PROBE, "action", "fire", action["reference"], trigger,
                            "--reason", "benchmark"], env)
                held += json.loads(done.stderr.strip().splitlines()[-1])["held_ms"]

    alone, behind, hold = spread(lists["alone"]), spread(lists["behind"]), spread(held)
    ratio = behind["median"] / alone["median"]
    for label, f in ((f"`mieux action list` over {args.actions:,} Actions, alone", alone),
                     (f"`mieux action list` behind a {args.writer:.1f} s writer", behind)):
        report.line(f"{label + ':':56} median {f['median'] * 1e3:6.0f} ms (max {f['max'] * 1e3:.0f} ms)")
    report.line(f"{'listing behind the writer against alone (medians):':56} {ratio:.2f}x")
    report.line(f"{'write lock held by a fresh `mieux action fire` process:':56} median {hold['median']:6.1f} ms "
                f"(max {hold['max']:.1f} ms over {hold['n']} transitions)")
    report.target(f"listing behind a writer within {LIST_RATIO}x of alone", met=ratio <= LIST_RATIO,
                  detail=f"{ratio:.2f}x")
    report.target(f"`mieux action fire` holds the write lock under {HOLD_MS:.0f} ms (median)",
                  met=hold["median"] < HOLD_MS, detail=f"{hold['median']:.1f} ms")
    return report.done({"actions": args.actions, "runs": args.runs, "writer_s": args.writer,
                        "list_alone_ms": round(alone["median"] * 1e3),
                        "list_behind_writer_ms": round(behind["median"] * 1e3),
                        "list_ratio": round(ratio, 2), "fire_lock_held_median_ms": round(hold["median"], 1),
                        "fire_lock_held_max_ms": round(hold["max"], 1)})


if __name__ == "__main__":
    sys.exit(main())
