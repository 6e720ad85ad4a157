"""The deadline sweep (mieux.deadlines.fire_due) over a large store with few timers due.

Target: over 100,000 Actions with 1,000,000 deadline timer rows of which 1,000 are due, finding and
firing the due ones (excluding delivery) takes under 1 second, and the cost grows with the number
due, not the number stored (timed at 100,000 and at 1,000,000 timer rows, same 1,000 due).

The store: a migrated SQLite file (store.migrate.upgrade), bulk-loaded with raw sqlite3 executemany
into the real schema. "1,000,000 deadline rows" here means 1,000,000 TIMER rows: 500,000 `fiche`
deadlines with two timers each (reminder + due), 5 deadlines per Action, so 100,000 Actions (all
in `pre_implementation`, where the fiche rule is live). The small store is the same at a tenth:
100,000 timer rows, 50,000 deadlines, 10,000 Actions. Datetimes are written in the exact text the
ORM writes (checked first by inserting a row through the ORM and reading it back raw).

Due: exactly 1,000 pending timers have fire_at <= now, on 1,000 different deadlines spread over
the table: on half of them the reminder is due (their due point is 5 days ahead), on the other
half the due point is due (their reminder fired earlier, status 'fired', fire_at in the past, not
pending). Every other timer is pending and in the future. So a sweep must fire 1,000 deadlines,
coalesce none, and write 1,000 Alert rows.

Timed (each run on a fresh copy of the built file, median over --copies copies): a new engine's
first fire_due with nothing due yet (connect, pragmas, SQL compile: "cold empty sweep"), then the
sweep at `now` that fires the 1,000 (the figure the target is about: a long-running `mieux serve`
has a warm engine), then a second sweep right after (nothing due). Also: the timer run's own path
(fire_due for one deadline), EXPLAIN QUERY PLAN of the due-timer query exactly as fire_due sends
it (captured from the engine), and at the large size the sweep with 10 and 100 due instead of
1,000 (median of 3 copies each), to show the cost follows the number due.

    .venv/bin/python bench/sweep.py [--sizes 100000,1000000] [--due 1000] [--copies 5] [--quick]
"""
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from harness import Report, spread

from sqlalchemy import event

from config.facility import load_facility
from config.policy import DEFAULT_DEADLINES
from config.settings import DEFAULT_FACILITY
from domain.clock import FixedClock
from mieux.deadlines import fire_due
from mieux.subjects import checked_policy
from store.db import make_engine, transaction
from store.migrate import upgrade
from store.tables import Action, Deadline, Timer

TARGET_S = 1.0
TARGET_RATIO = 2.0  # 10x the rows stored may cost at most 2x: "grows with the number due, not stored"
NOW = datetime(2026, 6, 15, 7, 30, tzinfo=timezone.utc)  # a Monday, 09:30 in Brussels
DEADLINES_PER_ACTION = 5
KIND, LABEL, PROCESS, STATE = "fiche", "Action Fiche due", "pre_implementation", "pre_implementation"
TELL_REMINDER, TELL_DUE = '["project_officer"]', '["project_officer", "programme_manager"]'


def sql_time(moment: datetime) -> str:
    """The text SQLAlchemy's SQLite DATETIME writes for an aware datetime (UTCDateTime: in UTC)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def check_time_format(tmp: Path) -> str:
    """Insert an Action, a Deadline and a Timer through the ORM; read them raw; compare with sql_time."""
    path = tmp / "probe.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    moments = [datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=1))),  # offset, no microseconds
               datetime(2026, 7, 2, 6, 5, 4, 123456, tzinfo=timezone.utc)]
    with transaction(engine) as session:
        action = Action(reference="2026-01", name="probe", requester="r", requester_type="national_authority",
                        countries=["GH"], region="Asia", theme="legal_migration", received_on=date(2026, 2, 1),
                        state=STATE, state_since=moments[0], created_at=moments[0], updated_at=moments[0])
        session.add(action)
        session.flush()
        deadline = Deadline(action_id=action.id, subject_id=action.id, kind=KIND, label=LABEL, process=PROCESS,
                            due_at=moments[1], started_at=moments[0])
        session.add(deadline)
        session.flush()
        session.add_all([Timer(deadline_id=deadline.id, action_id=action.id, subject_id=action.id, point="due",
                               fire_at=m, tell=["project_officer"]) for m in moments])
    engine.dispose()
    with sqlite3.connect(path) as conn:
        raw = [r[0] for r in conn.execute("SELECT fire_at FROM timer ORDER BY id")]
        tell = conn.execute("SELECT tell FROM timer LIMIT 1").fetchone()[0]
    mine = [sql_time(m) for m in moments]
    if raw != mine or tell != TELL_REMINDER:
        raise RuntimeError(f"datetime/JSON format differs from the ORM's: ORM wrote {raw} {tell!r}, "
                           f"bench writes {mine} {TELL_REMINDER!r}")
    return raw[0]


# -- building the store ----------------------------------------------------------------------------
def build(path: Path, timer_rows: int, due: int, seed: int = 7) -> dict:
    """A migrated store with `timer_rows` timers (2 per deadline, 5 deadlines per Action), `due` of them due."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    n_deadlines = timer_rows // 2
    n_actions = n_deadlines // DEADLINES_PER_ACTION
    if n_deadlines * 2 != timer_rows or n_actions * DEADLINES_PER_ACTION != n_deadlines or due > n_deadlines:
        raise ValueError(f"--sizes must be multiples of {2 * DEADLINES_PER_ACTION} and at least 2x --due")
    rng = random.Random(seed)
    step = n_deadlines // due
    chosen = {k * step + step // 2: k for k in range(due)}  # deadline index -> k, spread over the table
    started = sql_time(NOW - timedelta(days=30))

    def actions():
        for i in range(n_actions):
            since = sql_time(NOW - timedelta(days=20, minutes=i % 1440))
            yield (i + 1, f"2026-{i + 1:02d}", f"Benchmark Action {i + 1}", "Ministry of Interior",
                   "national_authority", '["GH"]', "Africa (West)", "legal_migration", "email",
                   (NOW.date() - timedelta(days=25 + i % 30)).isoformat(), "Head of Policy",
                   ("ana", "jonas")[i % 2], STATE, since, None, "null", None, None, None, None, None, None,
                   None, None, since, since, 2)

    deadline_rows, timer_rows_out = [], []
    for d in range(n_deadlines):
        did, aid = d + 1, d // DEADLINES_PER_ACTION + 1
        k = chosen.get(d)
        run_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if k is None:  # both timers in the future
            due_at = NOW + timedelta(days=8, seconds=rng.randrange(400 * 86400))
            reminder = (did, aid, "reminder", 1, sql_time(due_at - timedelta(days=7)), TELL_REMINDER, "pending",
                        None, run_id, "scheduled")
        elif k % 2 == 0:  # the reminder is due; the due point is 5 days ahead
            due_at = NOW + timedelta(days=5)
            reminder = (did, aid, "reminder", 1, sql_time(NOW - timedelta(days=2, seconds=rng.randrange(3600))),
                        TELL_REMINDER, "pending", None, run_id, "scheduled")
        else:  # the due point is due; the reminder fired a week ago
            due_at = NOW - timedelta(seconds=1 + rng.randrange(3 * 86400))
            reminder = (did, aid, "reminder", 1, sql_time(due_at - timedelta(days=7)), TELL_REMINDER, "fired",
                        sql_time(due_at - timedelta(days=7)), run_id, "settled")
        deadline_rows.append((did, aid, KIND, LABEL, PROCESS, sql_time(due_at), "pending", started))
        timer_rows_out.append(reminder)
        timer_rows_out.append((did, aid, "due", 0, sql_time(due_at), TELL_DUE, "pending", None,
                               str(uuid.UUID(int=rng.getrandbits(128), version=4)), "scheduled"))

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")  # 256 MB for the load only
    conn.execute("BEGIN")
    columns = ("id, reference, name, requester, requester_type, countries, region, theme, channel, received_on, "
               "focal_point, project_officer, state, state_since, suspended_from, fiche, fiche_submitted_at, "
               "psg_decision_on, psg_comments, monitoring_completed_on, final_report, lessons_learnt, forwarded_to, "
               "closed_on, created_at, updated_at, version")  # named: a new column keeps its default
    conn.executemany(f"INSERT INTO action ({columns}) VALUES ({', '.join('?' * 27)})", actions())
    conn.executemany("INSERT INTO deadline (id, action_id, kind, label, process, due_at, status, started_at, "
                     "subject_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(*d, d[1]) for d in deadline_rows])
    conn.executemany("INSERT INTO timer (deadline_id, action_id, point, seq, fire_at, tell, status, fired_at, "
                     "flow_run_id, mirrored, subject_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [(*t, t[1]) for t in timer_rows_out])
    conn.execute("COMMIT")
    now = sql_time(NOW)
    facts = {
        "actions": conn.execute("SELECT count(*) FROM action").fetchone()[0],
        "deadlines": conn.execute("SELECT count(*) FROM deadline").fetchone()[0],
        "timers": conn.execute("SELECT count(*) FROM timer").fetchone()[0],
        "pending_due": conn.execute("SELECT count(*) FROM timer WHERE status = 'pending' AND fire_at <= ?",
                                    (now,)).fetchone()[0],
        "pending_future": conn.execute("SELECT count(*) FROM timer WHERE status = 'pending' AND fire_at > ?",
                                       (now,)).fetchone()[0],
        "fired_before": conn.execute("SELECT count(*) FROM timer WHERE status = 'fired'").fetchone()[0],
        "due_deadlines": conn.execute("SELECT count(DISTINCT deadline_id) FROM timer WHERE status = 'pending' "
                                      "AND fire_at <= ?", (now,)).fetchone()[0],
    }
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    facts["file_mb"] = round(path.stat().st_size / 1e6, 1)
    if facts["pending_due"] != due or facts["due_deadlines"] != due or facts["timers"] != timer_rows:
        raise RuntimeError(f"built store is not as planned: {facts}")
    return facts


def fresh_copy(master: Path, tmp: Path, name: str = "run.db") -> Path:
    target = tmp / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(master, target)
    return target


def push_future(path: Path, keep: int) -> None:
    """Leave only `keep` of the due timers due (the rest move 30 days ahead)."""
    with sqlite3.connect(path) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM timer WHERE status = 'pending' AND fire_at <= ? "
                                          "ORDER BY id", (sql_time(NOW),))]
        later = sql_time(NOW + timedelta(days=30))
        conn.executemany("UPDATE timer SET fire_at = ? WHERE id = ?", [(later, i) for i in ids[keep:]])
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# -- measuring -------------------------------------------------------------------------------------
class Captured:
    """The due-timer SELECT exactly as the engine sends it to sqlite3 (SQL text and parameters)."""

    def __init__(self, engine):
        self.statements: list[tuple[str, tuple]] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT") and "FROM timer JOIN deadline" in statement:
            self.statements.append((statement, tuple(parameters)))


def alerts_and_timers(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as conn:
        return (conn.execute("SELECT count(*) FROM alert").fetchone()[0],
                conn.execute("SELECT count(*) FROM timer WHERE status = 'fired'").fetchone()[0],
                conn.execute("SELECT count(*) FROM timer WHERE status = 'pending' AND fire_at <= ?",
                             (sql_time(NOW),)).fetchone()[0])


def one_run(master: Path, tmp: Path, ctx: dict, due: int, fired_before: int, capture: list | None = None) -> dict:
    """On a fresh copy: cold empty sweep, the sweep that fires `due`, a second sweep; checked."""
    path = fresh_copy(master, tmp)
    engine = make_engine(f"sqlite:///{path}")
    captured = Captured(engine) if capture is not None else None
    long_ago = FixedClock(NOW - timedelta(days=3650))
    t0 = time.perf_counter()
    empty = fire_due(engine, clock=long_ago, **ctx)
    t1 = time.perf_counter()
    done = fire_due(engine, clock=FixedClock(NOW), **ctx)
    t2 = time.perf_counter()
    again = fire_due(engine, clock=FixedClock(NOW), **ctx)
    t3 = time.perf_counter()
    engine.dispose()
    if captured is not None:
        capture.extend(captured.statements)
    alerts, fired_rows, still_due = alerts_and_timers(path)
    if empty.fired or (done.fired, done.coalesced, done.cancelled) != (due, 0, 0) or again.fired \
            or alerts != due or fired_rows != fired_before + due or still_due:
        raise RuntimeError(f"sweep did not do what was expected: empty={empty} first={done} second={again} "
                           f"alerts={alerts} fired timers={fired_rows} (before {fired_before}) still due={still_due}")
    return {"cold_empty": t1 - t0, "first": t2 - t1, "second": t3 - t2, "fired": done.fired,
            "coalesced": done.coalesced, "alerts": alerts}


def single_deadline_run(master: Path, tmp: Path, ctx: dict, capture: list) -> float:
    """The timer run's path: fire_due(deadline_ids=[one due deadline]) on a warm engine."""
    path = fresh_copy(master, tmp)
    with sqlite3.connect(path) as conn:
        deadline_id = conn.execute("SELECT deadline_id FROM timer WHERE status = 'pending' AND fire_at <= ? "
                                   "ORDER BY id LIMIT 1", (sql_time(NOW),)).fetchone()[0]
    engine = make_engine(f"sqlite:///{path}")
    fire_due(engine, clock=FixedClock(NOW - timedelta(days=3650)), deadline_ids=[deadline_id], **ctx)
    captured = Captured(engine)
    start = time.perf_counter()
    done = fire_due(engine, clock=FixedClock(NOW), deadline_ids=[deadline_id], **ctx)
    elapsed = time.perf_counter() - start
    engine.dispose()
    capture.extend(captured.statements)
    if done.fired != 1:
        raise RuntimeError(f"single-deadline fire_due fired {done}")
    return elapsed


def query_plan(master: Path, statement: tuple[str, tuple]) -> list[str]:
    sql, params = statement
    with sqlite3.connect(master) as conn:
        return [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def measure(report: Report, master: Path, tmp: Path, ctx: dict, size: int, largest: bool) -> dict:
    """The figures of one store size (see the module doc), printed as they come."""
    args = report.args
    facts = build(master, size, args.due)
    report.line(f"\nstore of {size:,} timer rows: {facts['actions']:,} Actions, {facts['deadlines']:,} deadlines, "
                f"{facts['timers']:,} timers ({facts['pending_due']:,} pending and due, {facts['pending_future']:,} "
                f"pending in the future, {facts['fired_before']:,} reminders fired earlier); {facts['file_mb']} MB")
    statements: list = []
    runs = [one_run(master, tmp, ctx, args.due, facts["fired_before"], capture=statements if n == 0 else None)
            for n in range(args.copies)]
    single_statements: list = []
    single = spread([single_deadline_run(master, tmp, ctx, single_statements) for _ in range(3)])
    first, second, cold = (spread([r[k] for r in runs]) for k in ("first", "second", "cold_empty"))
    report.line(f"{f'sweep firing {args.due} due:':58} median {ms(first['median'])} over {args.copies} fresh copies "
                f"(min {ms(first['min'])}, max {ms(first['max'])}); fired {runs[0]['fired']}, coalesced "
                f"{runs[0]['coalesced']}, {runs[0]['alerts']} Alert rows")
    report.line(f"{'second sweep right after (nothing due):':58} median {ms(second['median'])}")
    report.line(f"{'new engine, first sweep, nothing due (connect, compile):':58} median {ms(cold['median'])}")
    report.line(f"{'timer run path, fire_due for one deadline (warm):':58} median {ms(single['median'])}")
    sweep_sql = [st for st in statements if "IN (" not in st[0]][-1]
    plans = {"sweep": query_plan(master, sweep_sql), "single_deadline": query_plan(master, single_statements[-1])}
    report.line("EXPLAIN QUERY PLAN of fire_due's query as sent: " + " | ".join(plans["sweep"]))
    report.line("EXPLAIN QUERY PLAN of the one-deadline query:    " + " | ".join(plans["single_deadline"]))
    row = {"timer_rows": size, "actions": facts["actions"], "deadlines": facts["deadlines"], "due": args.due,
           "fired": runs[0]["fired"], "first_s": first["median"], "first_runs": [round(r["first"], 4) for r in runs],
           "second_s": second["median"], "cold_empty_s": cold["median"], "single_deadline_s": single["median"],
           "uses_ix_timer_due": any("ix_timer_due" in line for line in plans["sweep"]), "plans": plans}
    if largest:  # the same store with fewer due: the cost follows the number due
        by_due = {}
        for keep in (k for k in (10, 100) if k < args.due):
            variant = fresh_copy(master, tmp, f"variant-{keep}.db")
            push_future(variant, keep)
            by_due[keep] = spread([one_run(variant, tmp, ctx, keep, facts["fired_before"])["first"]
                                   for _ in range(3)])["median"]
            variant.unlink()
        by_due[args.due] = first["median"]
        row["by_due_s"] = {str(k): round(v, 4) for k, v in sorted(by_due.items())}
        report.line(f"cost by number due at {size:,} timer rows: "
                    + ", ".join(f"{k} due {ms(v)} ({v / k * 1e3:.3f} ms each)" for k, v in sorted(by_due.items())))
    master.unlink()  # keep the disk use down before the next size
    return row


def main() -> int:
    report = Report("sweep", __doc__, sizes=("100000,1000000", "1000,10000", "timer rows per store, comma-separated"),
                    due=(1_000, 20, "timers due, on as many deadlines"),
                    copies=(5, 1, "fresh copies of each store timed"))
    sizes = sorted(int(s) for s in report.args.sizes.split(","))
    facility = load_facility(DEFAULT_FACILITY)
    ctx = {"policy": checked_policy(DEFAULT_DEADLINES, facility),
           "facility": facility}
    report.line(f"SQLite {sqlite3.sqlite_version}; now = {NOW.isoformat()}; 'deadline rows' counted as TIMER rows: "
                f"2 a deadline (reminder + due), {DEADLINES_PER_ACTION} deadlines an Action")
    with tempfile.TemporaryDirectory(prefix="mieux-bench-sweep-") as tmp:
        tmp = Path(tmp)
        report.line(f"datetime format: the ORM writes e.g. {check_time_format(tmp)!r}; the bulk load writes the same")
        results = {size: measure(report, tmp / f"store-{size}.db", tmp, ctx, size, size == sizes[-1]) for size in sizes}

    small, large = results[sizes[0]], results[sizes[-1]]
    ratio = large["first_s"] / small["first_s"]
    rows_ratio = large["timer_rows"] / small["timer_rows"]
    report.line(f"\nsweep firing {report.args.due} due: {ms(small['first_s'])} at {small['timer_rows']:,} timer rows, "
                f"{ms(large['first_s'])} at {large['timer_rows']:,}: {ratio:.2f}x for {rows_ratio:.0f}x the rows")
    report.target(f"firing {report.args.due:,} due among {large['timer_rows']:,} timer rows under {TARGET_S:.0f} s",
                  met=large["first_s"] < TARGET_S, detail=ms(large["first_s"]))
    if len(sizes) > 1:
        report.target(f"the cost grows with the number due, not stored (< {TARGET_RATIO}x for {rows_ratio:.0f}x rows)",
                      met=ratio < TARGET_RATIO, detail=f"{ratio:.2f}x")
    return report.done({"timer_rows_meaning": "timer rows; 2 per deadline", "ratio_large_small": round(ratio, 3),
                        "sizes": {str(k): {kk: round(vv, 5) if isinstance(vv, float) else vv for kk, vv in v.items()}
                                  for k, v in results.items()},
                        "target_s": TARGET_S, "target_ratio": TARGET_RATIO})


if __name__ == "__main__":
    sys.exit(main())
