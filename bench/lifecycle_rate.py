"""Durable transitions per second on SQLite, for Actions and for activities, and the raw sqlite3 floor.

Target: at least 1,000 wired transitions/s for each (2-core machine), with the ratio to the floor.

Each fire is one transaction through ActionService.transition: load the subject, check role and
guards, write the new state and version, the audit row, and what its effects owe. Two services,
each on its own store: "bare" (no effects) and "wired" (as mieux.bootstrap wires it for the CLI
and `mieux serve`: the DeadlineKeeper and the TransitionAlerts, in the same transaction).
- Actions alternate `suspend` and `resume` (actor ana, with a reason): every fire stops one
  deadline and starts another with its timers (the fiche target, the on-hold watch).
- Activities alternate `prepare` and `postpone` (new dates, a reason): `prepare` meets the "dates
  and place" deadline, `postpone` starts it again on the new dates, owes an alert, and re-plans the
  deadlines of its logistics checklist (five items for a workshop in Accra with no experts yet: each
  item's deadline stopped, a new one with its timers, a `replan` row in the item's history).

The raw floor does the wired side's writes with the stdlib sqlite3 module on a copy of the wired
store (same schema, indexes, triggers and connection settings): BEGIN IMMEDIATE; SELECT the
subject and its deadlines that still count (pending, met, missed); UPDATE each deadline it stops;
INSERT each deadline it starts and its timers; UPDATE the subject WHERE id AND version; INSERT the
audit row (and the alert a postpone owes); for a postpone, the checklist's re-plans as the engine
batches them (one multi-row INSERT of the new deadlines, one executemany each for their timers and
audit rows); COMMIT.
The plans (due dates, timers) are computed before the timing: the floor times only the writes.

    .venv/bin/python bench/lifecycle_rate.py [--subjects 2000] [--rounds 5] [--quick]
"""
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

from harness import Report, interleaved

from config.facility import load_facility
from config.settings import DEFAULT_FACILITY, Settings
from domain.activities import ActivityChanges, ActivityIn
from domain.clock import SystemClock
from domain.deadlines import plan, starts
from domain.schemas import ActionChanges, RequestIn
from mieux.bootstrap import bootstrap
from mieux.service import ActionService
from store.db import SQLITE_PRAGMAS, make_engine
from store.migrate import upgrade

TARGET = 1_000  # wired transitions per second
REASONS = {"suspend": "elections", "resume": "the new government confirmed the request", "postpone": "rains"}
DATES = [(date(2027, 6, 7), date(2027, 6, 9)), (date(2027, 9, 6), date(2027, 9, 8))]  # postpone alternates
ACTIVITIES_PER_ACTION = 10
FICHE = {"objective": "Support the national labour migration strategy",
         "intervention_logic": "Peer review, then training of trainers"}


def request(i: int) -> RequestIn:
    return RequestIn.model_validate({
        "name": f"Benchmark {i}", "requester": "Ghana Immigration Service", "requester_type": "national_authority",
        "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email",
        "received_on": date(2026, 2, 27), "focal_point": "Head of Policy", "project_officer": "ana"})


# -- the two sides of the engine ------------------------------------------------------------------
def services(tmp: Path):
    """The bare and the wired service, each on its own new store, and the wired one's app."""
    (tmp / "bare").mkdir()
    bare = make_engine(f"sqlite:///{tmp / 'bare' / 'mieux.db'}")
    upgrade(bare)
    app = bootstrap(Settings(data_dir=tmp / "wired", database_url=None, facility_file=DEFAULT_FACILITY), check=False)
    upgrade(app.engine)
    return {"bare": ActionService(engine=bare, facility=load_facility(DEFAULT_FACILITY), clock=SystemClock()),
            "wired": app.service}, app


class Actions:
    """Actions flipping between request and on_hold."""

    kind = "action"

    def __init__(self, service: ActionService, n: int):
        self.service = service
        self.keys = [service.register(request(i), actor="ana").reference for i in range(n)]
        self.states = dict.fromkeys(self.keys, "request")
        for key in self.keys[1::2]:  # half start on hold: every round is the same mix of both triggers
            self.states[key] = service.fire(key, "suspend", actor="ana", reason=REASONS["suspend"]).state

    @staticmethod
    def trigger(state: str) -> str:
        return "suspend" if state == "request" else "resume"

    def round(self) -> float:
        transition, states = self.service.transition, self.states
        start = time.perf_counter()
        for key in self.keys:
            trigger = self.trigger(states[key])
            states[key] = transition("action", key, trigger, actor="ana", reason=REASONS[trigger]).state
        return time.perf_counter() - start


class Activities:
    """Activities of Actions in implementation, flipping between planned and preparing."""

    kind = "activity"

    def __init__(self, service: ActionService, n: int):
        self.service, self.keys, self.dates = service, [], {}
        for i in range((n + ACTIVITIES_PER_ACTION - 1) // ACTIVITIES_PER_ACTION):
            ref = service.register(request(i), actor="ana").reference
            service.fire(ref, "accept", actor="ana")
            for number in range(1, ACTIVITIES_PER_ACTION + 1):
                start, end = DATES[0]
                service.add_activity(ref, ActivityIn(type="workshop", title=f"Workshop {number}", start=start, end=end,
                                                     country="GH", city="Accra"), actor="ana")
                self.keys.append(f"{ref}/{number}")
            service.fire(ref, "submit_fiche", actor="lea", changes=ActionChanges(fiche=FICHE))
            service.fire(ref, "approve", actor="psg-devco", changes=ActionChanges(psg_decision_on=date(2026, 3, 20)))
        self.keys = self.keys[:n]
        self.states = dict.fromkeys(self.keys, "planned")
        self.dates = dict.fromkeys(self.keys, 0)
        for key in self.keys:  # every one prepared once, so each has its logistics checklist before the timing
            self.states[key] = service.transition("activity", key, "prepare", actor="ana").state
        for key in self.keys[0::2]:  # and half of them back to planned: every round is the same mix
            self.dates[key] = 1
            new_start, new_end = DATES[1]
            self.states[key] = service.transition("activity", key, "postpone", actor="ana", reason=REASONS["postpone"],
                                                  changes=ActivityChanges(start=new_start, end=new_end)).state

    @staticmethod
    def trigger(state: str) -> str:
        return "prepare" if state == "planned" else "postpone"

    def round(self) -> float:
        transition, states, dates = self.service.transition, self.states, self.dates
        start = time.perf_counter()
        for key in self.keys:
            if states[key] == "planned":
                states[key] = transition("activity", key, "prepare", actor="ana").state
            else:
                dates[key] = 1 - dates[key]
                new_start, new_end = DATES[dates[key]]
                states[key] = transition("activity", key, "postpone", actor="ana", reason=REASONS["postpone"],
                                         changes=ActivityChanges(start=new_start, end=new_end)).state
        return time.perf_counter() - start


# -- the raw sqlite3 floor ------------------------------------------------------------------------
def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


class RawFloor:
    """The wired side's writes for one kind of subject, with sqlite3 on a copy of its store."""

    DEADLINE = ("INSERT INTO deadline (action_id, subject_kind, subject_id, kind, label, process, due_at, moved_from, "
                "status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) RETURNING id")
    DEADLINES = ("INSERT INTO deadline (action_id, subject_kind, subject_id, kind, label, process, due_at, moved_from, "
                 "status, started_at) VALUES {} RETURNING id, subject_id")
    TIMER = ("INSERT INTO timer (deadline_id, action_id, subject_kind, subject_id, point, seq, fire_at, tell, status) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')")
    AUDIT = ('INSERT INTO audit (action_id, subject_kind, subject_id, at, "trigger", from_state, to_state, actor, '
             "reason, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    ALERT = ("INSERT INTO alert (action_id, subject_kind, subject_id, kind, source, recipients, data, urgent, "
             "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)")

    def __init__(self, subjects, policy, calendar, path: Path):
        self.subjects, self.kind = subjects, subjects.kind
        self.states, self.dates = dict(subjects.states), dict(getattr(subjects, "dates", {}))
        self.conn = self._connect(path)
        self.rules = [r for r in policy.deadlines if r.subject == self.kind]
        self.item_rules = {r.where["kind"]: r for r in policy.deadlines if r.subject == "checklist_item"}
        self.calendar = calendar
        self.plans = {}  # (rule kind, anchor day) -> its plan, computed before the timing
        self.ids = self._ids()
        self.items: dict[int, list[tuple[int, str]]] = {}  # an activity's checklist items: (id, kind)
        for item_id, activity_id, item_kind in self.conn.execute("SELECT id, activity_id, kind FROM checklist_item "
                                                                 "ORDER BY id"):
            self.items.setdefault(activity_id, []).append((item_id, item_kind))

    @staticmethod
    def _connect(path: Path):
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        for pragma in SQLITE_PRAGMAS:  # the engine's own connection settings
            conn.execute(f"PRAGMA {pragma}")
        return conn

    def _plan(self, rule, anchor: date):
        key = (rule.kind, anchor)
        if key not in self.plans:
            self.plans[key] = plan(rule, anchor, self.calendar)
        return self.plans[key]

    def _work(self) -> list[tuple]:
        """What each fire of the next round writes, planned before the clock starts: (subject id,
        source, trigger, dest, the deadlines it starts, its checklist's re-plans)."""
        kind = self.kind
        work = []
        for key in self.subjects.keys:
            source = self.states[key]
            trigger = self.subjects.trigger(source)
            dest = {"suspend": "on_hold", "resume": "request", "prepare": "preparing", "postpone": "planned"}[trigger]
            if trigger == "postpone":
                self.dates[key] = 1 - self.dates[key]
            anchor_day = DATES[self.dates.get(key, 0)][0] if kind == "activity" else date(2026, 2, 27)
            started = [(r, self._plan(r, anchor_day if r.anchor != "entered" else date.today()))
                       for r in self.rules if starts(r, source=source, dest=dest)]
            replanned = [(item_id, self.item_rules[item_kind], self._plan(self.item_rules[item_kind], anchor_day))
                         for item_id, item_kind in self.items.get(self.ids[key], [])] if trigger == "postpone" else []
            work.append((self.ids[key], source, trigger, dest, started, replanned))
            self.states[key] = dest
        return work

    def round(self) -> float:
        execute, kind = self.conn.execute, self.kind
        table = "action" if kind == "action" else "activity"
        select_row = f"SELECT id, state, version, {'action_id' if kind == 'activity' else 'id'} FROM {table} WHERE id = ?"
        work = self._work()  # what each fire writes, planned before the clock starts
        start = time.perf_counter()
        for subject_id, source, trigger, dest, started, replanned in work:
            now = stamp(datetime.now(timezone.utc))
            execute("BEGIN IMMEDIATE")
            row_id, state, version, action_id = execute(select_row, (subject_id,)).fetchone()
            pending = [d for d in execute("SELECT id, kind, label, status, due_at FROM deadline WHERE subject_kind = ? "
                                          "AND subject_id = ? AND status IN ('pending', 'met', 'missed')",
                                          (kind, row_id)).fetchall() if d[3] == "pending"]
            for d in pending:
                execute("UPDATE deadline SET status = ?, stopped_at = ?, stopped_by = ? WHERE id = ? "
                        "AND status = 'pending'", ("cancelled", now, trigger, d[0]))
            for rule, planned in started:
                deadline_id = execute(self.DEADLINE, (action_id, kind, row_id, rule.kind, rule.label, rule.process,
                                                      stamp(planned.due_at), None, now)).fetchone()[0]
                self.conn.executemany(self.TIMER, [(deadline_id, action_id, kind, row_id, t.point, t.seq,
                                                    stamp(t.fire_at), '["project_officer"]') for t in planned.timers])
            if execute(f"UPDATE {table} SET state = ?, state_since = ?, updated_at = ?, version = ? "
                       "WHERE id = ? AND version = ?", (dest, now, now, version + 1, row_id, version)).rowcount != 1:
                raise RuntimeError(f"raw floor: {kind} {row_id} changed under us")
            execute(self.AUDIT, (action_id, kind, row_id, now, trigger, state, dest, "ana", "x", "{}"))
            if replanned:  # its checklist's deadlines move with it: each item's stopped, a new one, audited
                stopped = execute("SELECT id FROM deadline WHERE subject_kind = 'checklist_item' AND status = 'pending' "
                                  "AND subject_id IN (SELECT id FROM checklist_item WHERE activity_id = ?)",
                                  (row_id,)).fetchall()
                self.conn.executemany("UPDATE deadline SET status = 'replanned', stopped_at = ?, stopped_by = ? "
                                      "WHERE id = ? AND status = 'pending'", [(now, trigger, d) for d, in stopped])
                # as the engine writes them: the new deadlines in one INSERT, their timers and audits in one each
                values = [(action_id, "checklist_item", item_id, rule.kind, rule.label, rule.process,
                           stamp(planned.due_at), None, now) for item_id, rule, planned in replanned]
                ids = dict((subject, deadline_id) for deadline_id, subject in execute(
                    self.DEADLINES.format(", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)"] * len(values))),
                    [v for row in values for v in row]).fetchall())
                self.conn.executemany(self.TIMER, [(ids[item_id], action_id, "checklist_item", item_id, t.point,
                                                    t.seq, stamp(t.fire_at), '["owner"]')
                                                   for item_id, _, planned in replanned for t in planned.timers])
                self.conn.executemany(self.AUDIT, [(action_id, "checklist_item", item_id, now, "replan", "open", "open",
                                                    "ana", "activity.start changed", '{"deadlines": ["moved"]}')
                                                   for item_id, _, _ in replanned])
            if trigger == "postpone":
                execute(self.ALERT, (action_id, kind, row_id, "activity.postponed", f"raw:{row_id}:{now}", '["ana"]',
                                     "{}", now))
            execute("COMMIT")
        return time.perf_counter() - start

    def _ids(self) -> dict[str, int]:
        """Subject ids by key, read from the copy before the timing."""
        if self.kind == "action":
            return dict(self.conn.execute("SELECT reference, id FROM action").fetchall())
        return {f"{ref}/{number}": i for ref, number, i in self.conn.execute(
            "SELECT a.reference, t.number, t.id FROM activity t JOIN action a ON a.id = t.action_id")}


def copy_store(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as conn:
        conn.execute("VACUUM INTO ?", (str(target),))


def main() -> int:
    report = Report("lifecycle_rate", __doc__, subjects=(2_000, 100, "subjects of each kind (= fires per round)"),
                    rounds=(5, 1, "timed rounds after one warm-up"))
    n, rounds = report.args.subjects, report.args.rounds
    figures = {"subjects": n, "rounds": rounds}
    with tempfile.TemporaryDirectory(prefix="mieux-bench-") as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        sides, app = services(tmp)
        for make in (Actions, Activities):
            subjects = {name: make(service, n) for name, service in sides.items()}
            kind = make.kind
            raw_path = tmp / f"raw-{kind}.db"
            copy_store(tmp / "wired" / "mieux.db", raw_path)
            floor = RawFloor(subjects["wired"], app.policy, app.calendar, raw_path)
            report.line(f"\n{kind}: {n} subjects in each store ({time.perf_counter() - started:.1f} s of set-up, "
                        f"not timed); effects wired: {', '.join(getattr(e, '__qualname__', type(e).__name__) for e in sides['wired'].effects)}")
            seconds = interleaved({"bare": subjects["bare"].round, "wired": subjects["wired"].round,
                                   "raw": floor.round}, rounds)
            if subjects["bare"].states != subjects["wired"].states or floor.states != subjects["wired"].states:
                raise RuntimeError(f"{kind}: the sides ended in different states")
            rates = {side: report.rate(f"{kind}, {label}", n, seconds[side], unit="transitions/s")
                     for side, label in (("bare", "engine without effects"), ("wired", "engine as bootstrap wires it"),
                                         ("raw", "raw sqlite3 floor (the wired writes)"))}
            ratio = rates["wired"]["median"] / rates["raw"]["median"]
            report.line(f"{kind}, wired engine at {ratio:.3f}x of the raw floor "
                        f"({(1 / rates['wired']['median'] - 1 / rates['raw']['median']) * 1e3:.3f} ms per transition "
                        "above it)")
            report.target(f"{kind} transitions wired >= {TARGET:,}/s", met=rates["wired"]["median"] >= TARGET,
                          detail=f"median {rates['wired']['median']:,.0f}/s")
            figures[kind] = {side: {k: round(v, 1) for k, v in r.items()} for side, r in rates.items()}
            figures[kind]["wired_to_floor"] = round(ratio, 4)
            floor.conn.close()
            started = time.perf_counter()
        for service in sides.values():
            service.engine.dispose()
    return report.done(figures)


if __name__ == "__main__":
    sys.exit(main())
