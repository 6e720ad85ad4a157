"""SQLite locking: reads do not queue behind a writer; a transition holds the write lock briefly.

Two figures, on a store of 1,000 imported Actions (bench/portfolio_gen.py):

1. `mieux action list` as a whole process, alone and while another connection holds the write
   lock for 3 s (BEGIN IMMEDIATE and an uncommitted UPDATE). Target: behind the writer within
   1.5x of alone (before the fix it waited for the writer: 3.3 s against 0.6 s).
2. How long a `mieux action fire` process holds the write lock: from BEGIN IMMEDIATE to COMMIT of
   its write transaction, measured with SQLAlchemy events inside a fresh CLI process running the
   real command (suspend and resume alternately, each on its own Action). Target: under 30 ms
   median (before the fix the deadline policy and holiday calendar loaded inside it: 110-180 ms).

    .venv/bin/python bench/sqlite_locks.py [--runs 7]
"""
import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (BENCH, ROOT)] + [str(BENCH)]

import portfolio_gen  # noqa: E402

LIST_RATIO, HOLD_MS = 1.5, 30.0
WRITER_SECONDS = 3.0

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


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-2000:]}")
    return time.perf_counter() - start


def hold_writer(db: Path, seconds: float, started: threading.Event) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE action SET focal_point = 'held by the benchmark' WHERE id = 1")
    started.set()
    time.sleep(seconds)
    conn.execute("ROLLBACK")
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mieux-bench-locks-"))
    env = portfolio_gen.cli_env(work / "data", work / "pycache") | {"MIEUX_ACTOR": "ana"}
    mieux = [str(portfolio_gen.MIEUX)]
    subprocess.run([*mieux, "init"], env=env, check=True, capture_output=True)
    csv = portfolio_gen.write_csv(work / "portfolio.csv", 1000)
    subprocess.run([*mieux, "portfolio", "import", str(csv), "--as", "pieter"], env=env, check=True,
                   capture_output=True)
    db = work / "data" / "mieux.db"
    listing = [*mieux, "action", "list"]
    for _ in range(2):
        timed(listing, env)  # warm the bytecode cache

    alone, behind = [], []
    for _ in range(args.runs):
        alone.append(timed(listing, env))
        started = threading.Event()
        writer = threading.Thread(target=hold_writer, args=(db, WRITER_SECONDS, started))
        writer.start()
        started.wait()
        behind.append(timed(listing, env))
        writer.join()

    refs = json.loads(subprocess.run([*mieux, "action", "list", "--state", "implementation", "--json"], env=env,
                                     check=True, capture_output=True, text=True).stdout)
    held = []
    for n in range(args.runs):
        ref = refs[n]["reference"]
        for trigger in ("suspend", "resume"):
            done = subprocess.run([str(portfolio_gen.PYTHON), "-c", PROBE, "action", "fire", ref, trigger,
                                   "--reason", "benchmark"], env=env, cwd=ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"fire {trigger} exited {done.returncode}: {done.stderr[-2000:]}")
            held += json.loads(done.stderr.strip().splitlines()[-1])["held_ms"]

    a, b = statistics.median(alone), statistics.median(behind)
    h = statistics.median(held)
    print(f"mieux action list over 1,000 Actions: alone median {a * 1000:.0f} ms; behind a {WRITER_SECONDS:.0f} s "
          f"writer median {b * 1000:.0f} ms (max {max(behind) * 1000:.0f} ms), ratio {b / a:.2f} "
          f"(target within {LIST_RATIO}x)")
    print(f"write lock held by a fresh `mieux action fire` process: median {h:.1f} ms, max {max(held):.1f} ms over "
          f"{len(held)} transitions (target median under {HOLD_MS:.0f} ms)")
    met = b / a <= LIST_RATIO and h < HOLD_MS
    print(json.dumps({"list_alone_ms": round(a * 1000), "list_behind_writer_ms": round(b * 1000),
                      "list_ratio": round(b / a, 2), "fire_lock_held_median_ms": round(h, 1),
                      "fire_lock_held_max_ms": round(max(held), 1), "met": met}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
