"""Generating and writing the team's calendar (.ics) for a programme of 1,000 Actions and 6,000 activities.

Target: under 2 s, for the export a person runs (`mieux calendar export FILE`: the last 12 months
and everything ahead). The whole history (`--from 2009-01-01`) is timed too and printed beside it.

The store: 1,000 Actions imported as a portfolio (received 2009-2026), six activities each dated
across their year of receipt and the next, the last of them reaching into 2027; each Action with
its fiche and PSG deadlines, each activity with its dates-and-place and report deadlines (met
when past, pending when ahead), so 15,000 deadlines and 6,000 missions in all. Timed in process:
reading the store, building every event, rendering with icalendar, writing the file.

    .venv/bin/python bench/calendar_export.py [--actions 1000] [--rounds 5] [--quick]
"""
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from harness import Report, interleaved
from portfolio_gen import write_csv

from config.settings import DEFAULT_FACILITY, Settings
from mieux.bootstrap import bootstrap
from mieux.ical import entries, render
from mieux.portfolio import import_portfolio
from store.migrate import upgrade
from store.tables import Action, Activity, Deadline

TARGET = 2.0  # seconds
ACTIVITIES_PER_ACTION = 6
UTC = timezone.utc


def populate(app, n: int) -> int:
    """Activities and deadlines for every Action, in bulk; returns the number of deadlines."""
    chance = random.Random(2026)
    now = datetime.now(UTC)
    today = now.date()
    with app.engine.begin() as conn:
        actions = conn.execute(Action.__table__.select().with_only_columns(
            Action.__table__.c.id, Action.__table__.c.received_on)).all()
        conn.execute(Activity.__table__.insert(), [
            {"action_id": action_id, "number": k, "type": "workshop", "title": f"Workshop {k}",
             "start": (start := received + timedelta(days=60 + 60 * k + chance.randint(0, 20))),
             "end": start + timedelta(days=2), "country": "GH", "city": "Accra", "remote": False, "languages": ["en"],
             "planned_participants": {}, "participants": {}, "deliverables": [],
             "state": "evaluated" if start < today else "planned", "state_since": now, "created_at": now,
             "updated_at": now, "version": 1}
            for action_id, received in actions for k in range(1, ACTIVITIES_PER_ACTION + 1)])
        activities = conn.execute(Activity.__table__.select().with_only_columns(
            Activity.__table__.c.id, Activity.__table__.c.action_id, Activity.__table__.c.start)).all()

        def deadline(action_id, kind_name, subject_id, kind, label, due: date):
            at = datetime(due.year, due.month, due.day, 8, tzinfo=UTC)
            return {"action_id": action_id, "subject_kind": kind_name, "subject_id": subject_id, "kind": kind,
                    "label": label, "process": "implementation", "due_at": at,
                    "status": "met" if due < today else "pending", "started_at": now}

        rows = [deadline(i, "action", i, kind, label, received + timedelta(days=days)) for i, received in actions
                for kind, label, days in (("fiche", "Action Fiche due", 21), ("psg_decision", "PSG decision due", 40),
                                          ("final_report", "Final report due", 900))]
        rows += [deadline(action_id, "activity", i, kind, label, start + timedelta(days=days))
                 for i, action_id, start in activities
                 for kind, label, days in (("activity_dates", "Activity dates and place to be fixed", -45),
                                           ("activity_report", "Activity report due", 14))]
        conn.execute(Deadline.__table__.insert(), rows)
    return len(rows)


def main() -> int:
    report = Report("calendar_export", __doc__, actions=(1_000, 50, "Actions in the programme"),
                    rounds=(5, 1, "timed rounds after one warm-up"))
    n, rounds = report.args.actions, report.args.rounds
    with tempfile.TemporaryDirectory(prefix="mieux-bench-ical-") as tmp:
        tmp = Path(tmp)
        app = bootstrap(Settings(data_dir=tmp / "data", database_url=None, facility_file=DEFAULT_FACILITY), check=False)
        upgrade(app.engine)
        import_portfolio(app.service, write_csv(tmp / "portfolio.csv", n), actor="pieter")
        deadlines = populate(app, n)
        today = app.service.today()
        counts = {}

        def export(start: date, name: str):
            def run() -> float:
                began = time.perf_counter()
                found = entries(app.engine, facility=app.facility, start=start)
                (tmp / f"{name}.ics").write_bytes(render(found, name="MIEUX"))
                counts[name] = len(found)
                return time.perf_counter() - began
            return run

        seconds = interleaved({"default": export(today - timedelta(days=365), "default"),
                               "history": export(date(2009, 1, 1), "history")}, rounds)
        report.line(f"{n:,} Actions, {n * ACTIVITIES_PER_ACTION:,} activities, {deadlines:,} deadlines")
        figures = {"actions": n, "activities": n * ACTIVITIES_PER_ACTION, "deadlines": deadlines}
        for name, label in (("default", "the last 12 months and ahead (the default)"),
                            ("history", "the whole history (--from 2009-01-01)")):
            median = sorted(seconds[name])[len(seconds[name]) // 2]
            size = (tmp / f"{name}.ics").stat().st_size
            report.line(f"{label}: {counts[name]:,} events, {size / 1e6:.1f} MB, median {median:.3f} s "
                        f"(min {min(seconds[name]):.3f}, max {max(seconds[name]):.3f})")
            figures[name] = {"events": counts[name], "median_s": round(median, 3), "bytes": size}
        report.target(f"the default export under {TARGET:.0f} s", met=figures["default"]["median_s"] < TARGET,
                      detail=f"median {figures['default']['median_s']:.3f} s")
        app.engine.dispose()
    return report.done(figures)


if __name__ == "__main__":
    sys.exit(main())
