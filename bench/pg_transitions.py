"""Durable transitions per second on PostgreSQL, wired, for Actions and for activities, and the raw psycopg floor.

No target: the figure to read is the ratio of the wired engine's rate to the floor's (what the
engine costs above the writes it must make), on the same server, the two sides interleaved.

The fires are bench/lifecycle_rate.py's (its Actions and Activities are imported): Actions
alternate `suspend` and `resume`, activities `prepare` and `postpone` (with a logistics checklist
of five items re-planned on each postpone); each fire is one transaction through
ActionService.transition, committed.

The store: a PostgreSQL 15 database on a throwaway server on loopback (loopback.servers), migrated
by store.migrate. That server runs with `-F`, fsync off: a commit still waits for its WAL record
to be written (synchronous_commit=on, the default) but not for the disk to flush it, so the
absolute rates are optimistic, higher than a server that fsyncs would allow; the ratio is the
meaningful figure.
- Wired: the service as mieux.bootstrap wires it for `Settings(database_url=...)`: the
  DeadlineKeeper and the TransitionAlerts in the same transaction, on the engine's pool (which
  pings each connection it hands out: one more round trip a transaction, part of its cost).
- The raw floor: the wired side's writes with psycopg 3 on one connection, on a copy of the wired
  database made before the timing (CREATE DATABASE ... TEMPLATE: same schema, indexes and
  triggers): BEGIN; SELECT the subject FOR UPDATE (as the engine locks it) and its deadlines;
  UPDATE each deadline it stops; INSERT each deadline it starts and its timers; UPDATE the
  subject WHERE id AND version; INSERT the audit row (and the alert a postpone owes); for a
  postpone, the checklist's re-plans as the engine batches them (one multi-row INSERT of the new
  deadlines, one executemany each for their timers and audit rows: psycopg pipelines these, for
  the engine as for the floor); COMMIT. The plans (due dates, timers) are lifecycle_rate's floor's,
  computed before the timing: the floor times only the round trips and the writes.

Checked afterwards, in the two databases: every subject in the same state, and as many rows
written (deadlines, pending deadlines, timers, pending timers, audit rows, alerts).

    .venv/bin/python bench/pg_transitions.py [--subjects 2000] [--rounds 5] [--quick]
"""
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import psycopg
from harness import Report, interleaved
from lifecycle_rate import Actions, Activities, RawFloor
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config.settings import DEFAULT_FACILITY, Settings
from loopback.servers import postgres_server
from mieux.bootstrap import bootstrap
from store.db import make_engine
from store.migrate import upgrade

COUNTED = {  # what both sides must have written as many of, by subject kind
    "deadlines": "SELECT subject_kind, count(*) FROM deadline GROUP BY 1",
    "pending deadlines": "SELECT subject_kind, count(*) FROM deadline WHERE status = 'pending' GROUP BY 1",
    "timers": "SELECT subject_kind, count(*) FROM timer GROUP BY 1",
    "pending timers": "SELECT subject_kind, count(*) FROM timer WHERE status = 'pending' GROUP BY 1",
    "audit rows": "SELECT subject_kind, count(*) FROM audit GROUP BY 1",
    "alerts": "SELECT subject_kind, count(*) FROM alert GROUP BY 1",
}
STATES = {"action": "SELECT reference, state, version FROM action",
          "activity": "SELECT a.reference || '/' || t.number, t.state, t.version FROM activity t "
                      "JOIN action a ON a.id = t.action_id"}


def libpq(url: str) -> str:
    """A SQLAlchemy URL as psycopg takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgFloor(RawFloor):
    """lifecycle_rate's raw floor on PostgreSQL: the same plans, the same writes, with psycopg."""

    DEADLINE = ("INSERT INTO deadline (action_id, subject_kind, subject_id, kind, label, process, due_at, moved_from, "
                "status, started_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'pending', %s) RETURNING id")
    DEADLINES = ("INSERT INTO deadline (action_id, subject_kind, subject_id, kind, label, process, due_at, moved_from, "
                 "status, started_at) VALUES {} RETURNING id, subject_id")
    TIMER = ("INSERT INTO timer (deadline_id, action_id, subject_kind, subject_id, point, seq, fire_at, tell, status) "
             "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'pending')")
    AUDIT = ('INSERT INTO audit (action_id, subject_kind, subject_id, at, "trigger", from_state, to_state, actor, '
             "reason, payload) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
    ALERT = ("INSERT INTO alert (action_id, subject_kind, subject_id, kind, source, recipients, data, urgent, "
             "created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, true, %s)")
    STOP = "UPDATE deadline SET status = %s, stopped_at = %s, stopped_by = %s WHERE id = %s AND status = 'pending'"

    @staticmethod
    def _connect(url: str):
        return psycopg.connect(libpq(url), autocommit=True)  # BEGIN and COMMIT issued below, as the floor's own

    def round(self) -> float:
        conn, kind = self.conn, self.kind
        execute = conn.execute
        many = conn.cursor().executemany
        table = "action" if kind == "action" else "activity"
        select_row = (f"SELECT id, state, version, {'action_id' if kind == 'activity' else 'id'} FROM {table} "
                      "WHERE id = %s FOR UPDATE")
        work = self._work()  # what each fire writes, planned before the clock starts
        start = time.perf_counter()
        for subject_id, source, trigger, dest, started, replanned in work:
            now = datetime.now(timezone.utc)
            execute("BEGIN")
            row_id, state, version, action_id = execute(select_row, (subject_id,)).fetchone()
            pending = [d for d in execute("SELECT id, kind, label, status, due_at FROM deadline "
                                          "WHERE subject_kind = %s AND subject_id = %s", (kind, row_id)).fetchall()
                       if d[3] == "pending"]
            if pending:
                many(self.STOP, [("cancelled", now, trigger, d[0]) for d in pending])
            for rule, planned in started:
                deadline_id = execute(self.DEADLINE, (action_id, kind, row_id, rule.kind, rule.label, rule.process,
                                                      planned.due_at, None, now)).fetchone()[0]
                many(self.TIMER, [(deadline_id, action_id, kind, row_id, t.point, t.seq, t.fire_at,
                                   '["project_officer"]') for t in planned.timers])
            if execute(f"UPDATE {table} SET state = %s, state_since = %s, updated_at = %s, version = %s "
                       "WHERE id = %s AND version = %s", (dest, now, now, version + 1, row_id, version)).rowcount != 1:
                raise RuntimeError(f"raw floor: {kind} {row_id} changed under us")
            execute(self.AUDIT, (action_id, kind, row_id, now, trigger, state, dest, "ana", "x", "{}"))
            if replanned:  # its checklist's deadlines move with it: each item's stopped, a new one, audited
                stopped = execute("SELECT id FROM deadline WHERE subject_kind = 'checklist_item' "
                                  "AND status = 'pending' AND subject_id IN "
                                  "(SELECT id FROM checklist_item WHERE activity_id = %s)", (row_id,)).fetchall()
                many("UPDATE deadline SET status = 'replanned', stopped_at = %s, stopped_by = %s "
                     "WHERE id = %s AND status = 'pending'", [(now, trigger, d) for d, in stopped])
                values = [(action_id, "checklist_item", item_id, rule.kind, rule.label, rule.process,
                           planned.due_at, None, now) for item_id, rule, planned in replanned]
                rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, 'pending', %s)"] * len(values))
                ids = dict((subject, deadline_id) for deadline_id, subject in execute(
                    self.DEADLINES.format(rows), [v for row in values for v in row]).fetchall())
                many(self.TIMER, [(ids[item_id], action_id, "checklist_item", item_id, t.point, t.seq, t.fire_at,
                                   '["owner"]') for item_id, _, planned in replanned for t in planned.timers])
                many(self.AUDIT, [(action_id, "checklist_item", item_id, now, "replan", "open", "open", "ana",
                                   "activity.start changed", '{"deadlines": ["moved"]}')
                                  for item_id, _, _ in replanned])
            if trigger == "postpone":
                execute(self.ALERT, (action_id, kind, row_id, "activity.postponed", f"raw:{row_id}:{now.isoformat()}",
                                     '["ana"]', "{}", now))
            execute("COMMIT")
        return time.perf_counter() - start


def create_database(admin, base: str, name: str, template: str | None = None) -> str:
    """A new database `name` (a copy of `template`, if given); returns its URL."""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    return f"{base}/{name}"


def written(url: str) -> tuple[dict, dict]:
    """The states of every subject and the rows counted in COUNTED, in one database."""
    with psycopg.connect(libpq(url)) as conn:
        states = {kind: {key: (state, version) for key, state, version in conn.execute(sql)}
                  for kind, sql in STATES.items()}
        counts = {what: dict(conn.execute(sql).fetchall()) for what, sql in COUNTED.items()}
    return states, counts


def main() -> int:
    report = Report("pg_transitions", __doc__, subjects=(2_000, 100, "subjects of each kind (= fires per round)"),
                    rounds=(5, 1, "timed rounds after one warm-up"))
    n, rounds = report.args.subjects, report.args.rounds
    with tempfile.TemporaryDirectory(prefix="mieux-bench-") as tmp, postgres_server() as base:
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
            fsync, commit = (conn.execute(text(f"SHOW {s}")).scalar() for s in ("fsync", "synchronous_commit"))
        report.line(f"PostgreSQL {version} on loopback: fsync={fsync}, synchronous_commit={commit}" + (
            " (the server is started with -F: commits are not flushed to disk, so the absolute rates are "
            "optimistic; the ratio is the figure to read)" if fsync == "off" else ""))
        figures = {"subjects": n, "rounds": rounds, "postgres": version, "fsync": fsync, "synchronous_commit": commit}
        started = time.perf_counter()
        wired = f"wired_{uuid.uuid4().hex[:8]}"
        wired_url = create_database(admin, base, wired)
        engine = make_engine(wired_url)
        upgrade(engine)
        engine.dispose()
        app = bootstrap(Settings(data_dir=Path(tmp), database_url=wired_url, facility_file=DEFAULT_FACILITY))
        service = app.service
        for make in (Actions, Activities):
            kind = make.kind
            subjects = make(service, n)
            app.engine.dispose()  # a template database must have no one connected
            raw_url = create_database(admin, base, f"raw_{kind}_{uuid.uuid4().hex[:8]}", template=wired)
            floor = PgFloor(subjects, app.policy, app.calendar, raw_url)
            effects = ", ".join(getattr(e, "__qualname__", type(e).__name__) for e in service.effects)
            report.line(f"\n{kind}: {n} subjects ({time.perf_counter() - started:.1f} s of set-up, not timed); "
                        f"effects wired: {effects}")
            seconds = interleaved({"wired": subjects.round, "raw": floor.round}, rounds)
            floor.conn.close()
            if floor.states != subjects.states:
                raise RuntimeError(f"{kind}: the sides ended in different states")
            (wired_states, wired_counts), (raw_states, raw_counts) = written(wired_url), written(raw_url)
            if wired_states != raw_states:
                raise RuntimeError(f"{kind}: the two databases hold different states or versions")
            if any(wired_states[kind][key][0] != state for key, state in subjects.states.items()):
                raise RuntimeError(f"{kind}: the wired database does not hold the states the service returned")
            if wired_counts != raw_counts:
                raise RuntimeError(f"{kind}: the floor did not write what the engine wrote:\n"
                                   f"  wired {wired_counts}\n  raw   {raw_counts}")
            report.line(f"{kind}: both databases end in the same states, with as many rows of each "
                        f"({', '.join(COUNTED)})")
            rates = {side: report.rate(f"{kind}, {label}", n, seconds[side], unit="transitions/s")
                     for side, label in (("wired", "engine as bootstrap wires it"),
                                         ("raw", "raw psycopg floor (the wired writes)"))}
            ratio = rates["wired"]["median"] / rates["raw"]["median"]
            report.line(f"{kind}, wired engine at {ratio:.3f}x of the raw floor "
                        f"({(1 / rates['wired']['median'] - 1 / rates['raw']['median']) * 1e3:.3f} ms per transition "
                        "above it)")
            figures[kind] = {side: {k: round(v, 1) for k, v in r.items()} for side, r in rates.items()}
            figures[kind]["wired_to_floor"] = round(ratio, 4)
            started = time.perf_counter()
        app.engine.dispose()
        admin.dispose()
    report.line("no target: the ratio wired/raw is reported (fsync off: the absolute rates are optimistic)")
    return report.done(figures)


if __name__ == "__main__":
    sys.exit(main())
