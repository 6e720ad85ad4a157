"""Durable transitions per second through ActionService.fire on SQLite, and the raw sqlite3 floor.

Target: at least 1,000 transitions/s on a 2-core machine.

Each fire is one transaction: load the Action by reference, check role and guards, write the new
state, bump the version, add an audit row, commit (WAL, synchronous=NORMAL, BEGIN IMMEDIATE, as
store.db.make_engine configures it). Two engine sides, each on its own file:
- "bare": ActionService(engine, facility, clock) with no effects: exactly the work above (the
  target as briefed);
- "wired": the service as mieux.bootstrap.bootstrap builds it for the CLI and `mieux serve`, i.e.
  with its effects (today the DeadlineKeeper, which stops and starts deadline and timer rows in
  the same transaction).

The loop alternates `suspend` and `resume` (actor "ana", with a reason) over 2,000 registered
Actions: half start in `request`, half in `on_hold`, and every round flips each one, so every round
is the same mix of both triggers. The sides run interleaved, round by round.

The raw floor does the same writes with the stdlib sqlite3 module on a second file migrated with
store.migrate.upgrade (same schema, indexes and audit triggers) and holding the same rows:
BEGIN IMMEDIATE; SELECT the row; UPDATE action (state, state_since, suspended_from, updated_at,
version+1) WHERE id AND version; INSERT INTO audit; COMMIT.

    .venv/bin/python bench/transitions.py [--actions 2000] [--rounds 5] [--profile]

--profile adds, after the timed rounds, a timed breakdown of one round of each engine side
(wrappers around the service's parts, no profiler overhead) and a cProfile of one wired round.
"""
import argparse
import cProfile
import io
import json
import os
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# This folder holds bench/transitions.py, which would shadow the `transitions` library the state
# machine imports: keep the folder last on the path (portfolio_gen is still importable) and the repo first.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() not in (BENCH, ROOT)] + [str(BENCH)]

from config.facility import load_facility  # noqa: E402
from config.settings import DEFAULT_FACILITY, Settings  # noqa: E402
from domain.clock import SystemClock  # noqa: E402
from domain.schemas import RequestIn  # noqa: E402
from mieux.bootstrap import bootstrap  # noqa: E402
from mieux.service import ActionService  # noqa: E402
from store.db import make_engine  # noqa: E402
from store.migrate import upgrade  # noqa: E402

TARGET = 1_000  # transitions per second
ACTOR = "ana"
REASONS = {"suspend": "elections", "resume": "the new government confirmed the request"}
PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000")


def new_request(i: int) -> RequestIn:
    return RequestIn.model_validate({
        "name": f"Benchmark {i}", "requester": "Ghana Immigration Service", "requester_type": "national_authority",
        "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email",
        "received_on": date(2026, 2, 27), "focal_point": "Head of Policy", "project_officer": "ana"})


def effect_name(effect) -> str:
    """A class instance by its class, a function or bound method by its qualified name."""
    return getattr(effect, "__qualname__", None) or type(effect).__name__


def flip(state: str) -> str:
    return "suspend" if state == "request" else "resume"


# -- the engine ----------------------------------------------------------------------------------
def bare_service(directory: Path) -> ActionService:
    engine = make_engine(f"sqlite:///{directory / 'mieux.db'}")
    upgrade(engine)
    return ActionService(engine=engine, facility=load_facility(DEFAULT_FACILITY), clock=SystemClock())


def wired_service(directory: Path) -> ActionService:
    app = bootstrap(Settings(data_dir=directory, database_url=None, facility_file=DEFAULT_FACILITY), check=False)
    upgrade(app.engine)
    return app.service


def populate(service: ActionService, n: int) -> tuple[list[str], dict[str, str]]:
    refs = [service.register(new_request(i), actor=ACTOR).reference for i in range(n)]
    states = dict.fromkeys(refs, "request")
    for ref in refs[1::2]:  # half start on hold, so each round alternates suspend, resume, suspend, ...
        states[ref] = service.fire(ref, "suspend", actor=ACTOR, reason=REASONS["suspend"]).state
    return refs, states


def engine_round(service: ActionService, refs: list[str], states: dict[str, str]) -> float:
    fire = service.fire
    start = time.perf_counter()
    for ref in refs:
        trigger = flip(states[ref])
        states[ref] = fire(ref, trigger, actor=ACTOR, reason=REASONS[trigger]).state
    return time.perf_counter() - start


def breakdown_round(service: ActionService, refs: list[str], states: dict[str, str]) -> dict[str, float]:
    """One engine round with timers around its parts (wrappers and listeners local to this process).

    Returns seconds per part, summed over the round. Every flush (at commit, explicit, or the
    autoflush an effect's first query triggers) counts as "flush" and not as the part it happens
    in. "sqlite" (time inside the sqlite3 module: BEGIN IMMEDIATE, every statement, COMMIT)
    overlaps the other parts.
    """
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    spent = dict.fromkeys(["total", "load", "machine", "apply", "record", "effects", "flush", "sqlite",
                           "effects_total", "effect_flush"], 0.0)
    flush_started, in_effect = [0.0], [False]

    def timing(name, fn):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start
        return wrapper

    def effect_timing(effect):
        key = f"effect {effect_name(effect)}"
        spent.setdefault(key, 0.0)

        def wrapper(*args):
            in_effect[0], start = True, time.perf_counter()
            try:
                return effect(*args)
            finally:
                in_effect[0] = False
                elapsed = time.perf_counter() - start
                spent["effects_total"] += elapsed
                spent[key] += elapsed
        return wrapper

    def before_flush(*_):
        flush_started[0] = time.perf_counter()

    def after_flush(*_):
        elapsed = time.perf_counter() - flush_started[0]
        spent["flush"] += elapsed
        if in_effect[0]:  # an autoflush or flush inside an effect: counted as flush, not as the effect
            spent["effect_flush"] += elapsed

    dialect, machine = service.engine.dialect, service.machine
    patched = {(service, "_apply"): "apply", (service, "record"): "record",
               (machine, "fire"): "machine", (dialect, "do_execute"): "sqlite",
               (dialect, "do_execute_no_params"): "sqlite", (dialect, "do_commit"): "sqlite"}
    for (owner, attr), name in patched.items():
        setattr(owner, attr, timing(name, getattr(owner, attr)))
    effects = service.effects
    service.effects = [effect_timing(e) for e in effects]
    event.listen(Session, "before_flush", before_flush)
    event.listen(Session, "after_flush_postexec", after_flush)
    try:
        spent["total"] = engine_round(service, refs, states)
    finally:
        service.effects = effects
        event.remove(Session, "before_flush", before_flush)
        event.remove(Session, "after_flush_postexec", after_flush)
        for owner, attr in patched:
            delattr(owner, attr)  # back to the class's own method
    spent["record"] -= spent["effects_total"]  # record() runs the effects: keep the two apart
    spent["effects"] = spent["effects_total"] - spent["effect_flush"]
    return spent


def print_breakdown(title: str, spent: dict[str, float], n: int) -> None:
    per = {k: v / n * 1e3 for k, v in spent.items()}
    named = per["load"] + per["machine"] + per["apply"] + per["record"] + per["effects"] + per["flush"]
    rows = [
        ("load: session, connection, BEGIN IMMEDIATE, SELECT, build Action", per["load"]),
        ("state machine: role, guards, pytransitions (StateMachine.fire)", per["machine"]),
        ("payload check (_apply: ActionChanges.model_validate({}))", per["apply"]),
        ("audit row built and added (record)", per["record"]),
        ("effects: their own queries, statements and Python (flushes excluded)", per["effects"]),
        ("flushes: unit of work, UPDATE action, INSERT audit (+ deadline, timer)", per["flush"]),
        ("rest: Session/transaction setup, COMMIT, close, bookkeeping", per["total"] - named),
    ]
    print(f"\n-- {title}: where one fire's time goes (one instrumented round of {n}; "
          f"{per['total']:.3f} ms a fire) --")
    for label_, ms in rows:
        print(f"  {label_:72} {ms:6.3f} ms  {ms / per['total']:5.1%}")
    for key in sorted(k for k in per if k.startswith("effect ")):
        print(f"  {'  by effect, flushes it triggers included: ' + key.removeprefix('effect '):72} "
              f"{per[key]:6.3f} ms  {per[key] / per['total']:5.1%}")
    print(f"  {'of all that, inside sqlite3 (BEGIN, SELECT, UPDATE, INSERT, COMMIT)':72} {per['sqlite']:6.3f} ms  "
          f"{per['sqlite'] / per['total']:5.1%}")
    print(f"  {'of all that, Python: SQLAlchemy/SQLModel, pydantic, service, machine':72} "
          f"{per['total'] - per['sqlite']:6.3f} ms  {1 - per['sqlite'] / per['total']:5.1%}")


# -- the raw sqlite3 floor -----------------------------------------------------------------------
def setup_raw(path: Path, source: Path) -> sqlite3.Connection:
    """A second file at the real schema (Alembic), holding a copy of the engine's rows."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("ATTACH DATABASE ? AS src", (str(source),))
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO action SELECT * FROM src.action")
    conn.execute("INSERT INTO audit SELECT * FROM src.audit")
    conn.execute("INSERT INTO reference_counter SELECT * FROM src.reference_counter")
    conn.execute("COMMIT")
    conn.execute("DETACH DATABASE src")
    return conn


SELECT = "SELECT * FROM action WHERE reference = ?"
UPDATE = ("UPDATE action SET state = ?, state_since = ?, suspended_from = ?, updated_at = ?, version = version + 1 "
          "WHERE id = ? AND version = ?")
INSERT = ('INSERT INTO audit (action_id, subject_id, at, "trigger", from_state, to_state, actor, reason, payload) '
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")


def raw_round(conn: sqlite3.Connection, refs: list[str], states: dict[str, str]) -> float:
    execute = conn.execute
    start = time.perf_counter()
    for ref in refs:
        execute("BEGIN IMMEDIATE")
        row = execute(SELECT, (ref,)).fetchone()
        action_id, source, version = row[0], row[12], row[-1]
        trigger = flip(source)
        dest, suspended_from = ("on_hold", source) if trigger == "suspend" else (row[14], None)
        now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
        if execute(UPDATE, (dest, now, suspended_from, now, action_id, version)).rowcount != 1:
            raise RuntimeError(f"raw floor: {ref} changed under us")
        execute(INSERT, (action_id, action_id, now, trigger, source, dest, ACTOR, REASONS[trigger], "{}"))
        execute("COMMIT")
        states[ref] = dest
    return time.perf_counter() - start


# -- checks and report ---------------------------------------------------------------------------
def counts(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as conn:
        audit = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
        versions = conn.execute("SELECT sum(version) FROM action").fetchone()[0]
    return audit, versions


def rates(n: int, seconds: list[float]) -> dict:
    per_s = [n / s for s in seconds]
    return {"median": statistics.median(per_s), "min": min(per_s), "max": max(per_s),
            "rounds": [round(r) for r in per_s]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=2_000, help="Actions registered (= fires per round)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (after one warm-up round)")
    parser.add_argument("--profile", action="store_true", help="also break down and profile engine rounds")
    args = parser.parse_args()
    n = args.actions
    load_start = os.getloadavg()[0]

    with tempfile.TemporaryDirectory(prefix="mieux-bench-") as tmp:
        tmp = Path(tmp)
        for name in ("bare", "wired"):
            (tmp / name).mkdir()
        t0 = time.perf_counter()
        bare, wired = bare_service(tmp / "bare"), wired_service(tmp / "wired")
        refs, states = populate(bare, n)
        wired_refs, wired_states = populate(wired, n)
        if wired_refs != refs or wired_states != states:
            raise RuntimeError("the two engine stores were set up differently")
        raw_db = tmp / "raw.db"
        raw_conn = setup_raw(raw_db, tmp / "bare" / "mieux.db")
        raw_states = dict(states)
        print(f"setup: {n} Actions registered in each store, {len(refs[1::2])} suspended; the bare store "
              f"copied to the raw file ({time.perf_counter() - t0:.1f} s, not timed)")
        print(f"wired effects: {', '.join(effect_name(e) for e in wired.effects) or 'none'}")

        sides = {"bare": lambda: engine_round(bare, refs, states),
                 "wired": lambda: engine_round(wired, refs, wired_states),
                 "raw": lambda: raw_round(raw_conn, refs, raw_states)}
        for run in sides.values():  # warm-up
            run()
        seconds = {name: [] for name in sides}
        for _ in range(args.rounds):  # interleaved, so drift on the machine hits every side alike
            for name, run in sides.items():
                seconds[name].append(run())
        raw_conn.close()

        fired = (1 + args.rounds) * n
        expected_audit = n + len(refs[1::2]) + fired
        for name, path in (("bare", tmp / "bare" / "mieux.db"), ("wired", tmp / "wired" / "mieux.db"),
                           ("raw", raw_db)):
            audit, _ = counts(path)
            if audit != expected_audit:
                raise RuntimeError(f"{name}: {audit} audit rows, expected {expected_audit}")
        if not states == wired_states == raw_states:
            raise RuntimeError("the engine sides and the raw floor ended in different states")

        profile_text, breakdowns = None, {}
        if args.profile:
            breakdowns["bare service"] = breakdown_round(bare, refs, states)
            breakdowns["wired service"] = breakdown_round(wired, refs, wired_states)
            profiler = cProfile.Profile()
            profiler.enable()
            engine_round(wired, refs, wired_states)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(50)
            stats.sort_stats("tottime").print_stats(30)
            profile_text = out.getvalue()
        bare.engine.dispose()
        wired.engine.dispose()

    result = {name: rates(n, values) for name, values in seconds.items()}
    raw = result["raw"]
    print(f"machine: {os.cpu_count()} CPUs, load average {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end "
          "(other processes compete for the CPUs when it is above ~1)")
    print(f"fires per round: {n} (alternating suspend/resume, actor {ACTOR}), {args.rounds} timed rounds "
          f"after 1 warm-up, sides interleaved; {fired} fires per side, all audited and checked")
    labels = {"bare": "engine, bare ActionService.fire", "wired": "engine, as bootstrap wires it",
              "raw": "raw sqlite3 floor"}
    for name, r in result.items():
        print(f"{labels[name] + ':':34} median {r['median']:6,.0f} transitions/s "
              f"(min {r['min']:,.0f}, max {r['max']:,.0f}; {1e3 / r['median']:.3f} ms each)")
    for name in ("bare", "wired"):
        r = result[name]
        print(f"{labels[name]} runs at {r['median'] / raw['median']:.3f}x of the raw sqlite3 floor "
              f"({(1 / r['median'] - 1 / raw['median']) * 1e3:.3f} ms per transition above it)")
    met = result["bare"]["median"] >= TARGET
    met_wired = result["wired"]["median"] >= TARGET
    print(f"target: >= {TARGET:,} transitions/s -> {'MET' if met else 'MISSED'} for the bare service as briefed "
          f"(median {result['bare']['median']:,.0f}/s); {'MET' if met_wired else 'MISSED'} as bootstrap wires it "
          f"(median {result['wired']['median']:,.0f}/s)")
    for title, spent in breakdowns.items():
        print_breakdown(title, spent, n)
    if profile_text:
        print("\n-- cProfile of one wired engine round --")
        print(profile_text)
    print(json.dumps({"benchmark": "transitions", "fires_per_round": n, "rounds": args.rounds,
                      "bare_tps_median": round(result["bare"]["median"], 1),
                      "bare_tps_rounds": result["bare"]["rounds"],
                      "wired_tps_median": round(result["wired"]["median"], 1),
                      "wired_tps_rounds": result["wired"]["rounds"],
                      "raw_tps_median": round(raw["median"], 1), "raw_tps_rounds": raw["rounds"],
                      "ratio": round(result["bare"]["median"] / raw["median"], 4),
                      "ratio_wired": round(result["wired"]["median"] / raw["median"], 4),
                      "target_tps": TARGET, "met": met, "met_wired": met_wired}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
