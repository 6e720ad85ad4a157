"""`mieux report annual YEAR --html FILE --json`: the annual report of a whole programme, as a process.

Target: under 10 seconds for 1,000 Actions, 6,000 activities, 3,000 experts and 50,000 evaluation
answers (JSON and the HTML with its charts).

Setup (not timed): a fresh SQLite store, written straight into with a seeded programme: Actions
received 2020-2027 in every state, six activities each (most held), 3,000 experts, four deployments
an activity, participants counted on each activity, and for one activity in three its evaluation
collection with form links and answers (50,000 answers in all). Then the whole command, timed
around the process (start-up included), several runs.

    .venv/bin/python bench/annual_report.py [--actions 1000] [--answers 50000] [--runs 3] [--quick]
"""
import json
import os
import random
import sqlite3
import subprocess
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from harness import MIEUX, ROOT, Report, spread

TARGET_S = 10.0
YEAR = 2025
REGIONS = ["Africa (West)", "Asia", "Latin America and the Caribbean", "EU Neighbourhood (East)", "Gulf"]
STATES = ["request", "pre_implementation", "approval", "implementation", "monitoring", "closure", "closed",
          "closed", "closed", "rejected", "forwarded", "withdrawn"]
ACTIVITY_STATES = ["delivered", "evaluated", "evaluated", "evaluated", "planned", "cancelled"]
CATEGORIES = ["eu_member_state_administration"] * 6 + ["non_eu_administration", "academia"]
NOW = "2026-11-30 09:00:00.000000"


def programme(path: Path, *, actions: int, experts: int, answers: int, seed: int = 2026) -> None:
    """A valid programme (every record would pass `mieux programme import`), written straight in."""
    rng = random.Random(seed)
    last = date(2026, 11, 30)
    received = sorted(date(2019, 1, 1) + timedelta(days=rng.randrange((last - date(2019, 1, 1)).days))
                      for _ in range(actions))
    numbers: dict[int, int] = {}
    rows = []
    for n, day in enumerate(received, start=1):
        numbers[day.year] = numbers.get(day.year, 0) + 1
        state = rng.choice(STATES)
        ended = state in ("closed", "rejected", "forwarded", "withdrawn")
        rows.append((n, f"{day.year}-{numbers[day.year]:02d}", f"Action {n}",
                     json.dumps(rng.sample(["GH", "TG", "SN", "PH", "MD"], 2)), rng.choice(REGIONS), day.isoformat(),
                     state, NOW, min(day + timedelta(days=rng.randrange(30, 700)), last).isoformat() if ended else None,
                     min(day + timedelta(days=90), last).isoformat()
                     if state not in ("request", "pre_implementation", "approval", "rejected", "forwarded") else None,
                     NOW, NOW))
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO action (id, reference, name, requester, requester_type, countries, region, theme, "
            "received_on, state, state_since, closed_on, psg_decision_on, triangular, created_at, updated_at, "
            "version) VALUES (?, ?, ?, 'x', 'national_authority', ?, ?, 'legal_migration', ?, ?, ?, ?, ?, 0, ?, ?, 1)",
            rows)
        conn.executemany(
            "INSERT INTO expert (id, name, email, sex, nationality, category, administration, administration_country, "
            "languages, themes, keywords, available, unavailable, consent_on, consent_purpose, created_at, updated_at, "
            "version) VALUES (?, ?, ?, ?, 'ES', ?, 'A', ?, '[{\"language\": \"en\", \"level\": \"C1\"}]', "
            "'[\"legal_migration\"]', '[]', '[]', '[]', '2024-01-01', 'EAR', ?, ?, 1)",
            [(n, f"Expert {n}", f"e{n}@x.example", rng.choice(["woman", "man"]), rng.choice(CATEGORIES),
              rng.choice(["ES", "FR", "DE", "IT", "PL"]),
              f"{(date(2018, 1, 1) + timedelta(days=rng.randrange(3000))).isoformat()} 09:00:00.000000", NOW)
             for n in range(1, experts + 1)])
        activities = []
        for n in range(1, actions + 1):
            for number in range(1, 7):
                start = date(2020, 6, 1) + timedelta(days=rng.randrange(2900))
                activities.append((len(activities) + 1, n, number, rng.choice(["workshop", "training", "study_visit"]),
                                   f"Activity {number}", start.isoformat(), (start + timedelta(days=2)).isoformat(),
                                   json.dumps({"women": rng.randrange(20), "men": rng.randrange(20)}),
                                   json.dumps([{"type": "manual", "title": "m"}] if rng.random() < 0.2 else []),
                                   rng.choice(ACTIVITY_STATES), NOW, NOW, NOW))
        conn.executemany(
            "INSERT INTO activity (id, action_id, number, type, title, start, \"end\", remote, languages, "
            "planned_participants, participants, deliverables, state, state_since, created_at, updated_at, version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 0, '[]', '{}', ?, ?, ?, ?, ?, ?, 1)", activities)
        conn.executemany(
            "INSERT OR IGNORE INTO assignment (action_id, activity_id, expert_id, state, state_since, created_at, "
            "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            [(a[1], a[0], rng.randint(1, experts), rng.choice(["completed", "completed", "deployed", "declined"]),
              NOW, NOW, NOW) for a in activities for _ in range(4)])
        evaluated = [a for a in activities if a[9] == "evaluated"][::2]
        per = max(1, answers // max(1, len(evaluated)))
        links, given = [], []
        for c, a in enumerate(evaluated, start=1):
            conn.execute("INSERT INTO evaluation_collection (id, action_id, activity_id, purpose, state, state_since, "
                         "dispatched_at, reminders_sent, created_at, updated_at, version) "
                         "VALUES (?, ?, ?, 'activity', 'closed', ?, ?, 2, ?, ?, 1)",
                         (c, a[1], a[0], NOW, f"{a[6]} 09:00:00.000000", NOW, NOW))
            for k in range(per + per // 3):
                answered = k < per
                links.append((c, "participant", "participant", f"P{c}-{k}", "en", f"n{c}-{k}", f"h{c}-{k}", NOW,
                              rng.randrange(3), NOW if answered else None))
                if answered:
                    given.append((c, a[1], a[0], "participant", "participant", "en", json.dumps(
                        {q: rng.randint(1, 5) for q in ("relevance", "skills_enhanced", "difference",
                                                        "experts_quality", "organisation")}), 4.0, rng.randrange(3),
                        a[6]))
        conn.executemany("INSERT INTO form_link (collection_id, form, role, recipient, language, nonce, token_hash, "
                         "created_at, reminders, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", links)
        conn.executemany("INSERT INTO form_answer (collection_id, action_id, activity_id, form, role, language, "
                         "answers, score, after_reminders, submitted_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", given)
    conn.close()


def main() -> int:
    report = Report("annual_report", __doc__, actions=(1_000, 60, "Actions (six activities each)"),
                    experts=(3_000, 200, "experts in the roster"), answers=(50_000, 1_000, "evaluation answers"),
                    runs=(3, 1, "timed runs"))
    with tempfile.TemporaryDirectory(prefix="mieux-bench-annual-") as tmp:
        tmp = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MIEUX_")} | {
            "MIEUX_DATA_DIR": str(tmp / "data"), "MIEUX_ACTOR": "ana", "MPLCONFIGDIR": str(tmp / "mpl")}
        started = time.perf_counter()
        subprocess.run([MIEUX, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
        programme(tmp / "data" / "mieux.db", actions=report.args.actions, experts=report.args.experts,
                  answers=report.args.answers)
        report.line(f"setup: {report.args.actions:,} Actions, {report.args.actions * 6:,} activities, "
                    f"{report.args.experts:,} experts, about {report.args.answers:,} answers "
                    f"({time.perf_counter() - started:.1f} s, not timed)")
        command = [MIEUX, "report", "annual", str(YEAR), "--json", "--html", str(tmp / "annual.html")]
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)  # matplotlib's font cache, once
        seconds, figures = [], {}
        for _ in range(report.args.runs):
            start = time.perf_counter()
            done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
            seconds.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise RuntimeError(f"mieux report annual exited {done.returncode}: {done.stderr[-2000:]}")
            figures = json.loads(done.stdout)
        size = (tmp / "annual.html").stat().st_size
    answered = sum(f["answered"] for f in figures["evaluation"]["response_rates"].values())
    timing = spread(seconds)
    report.line(f"the whole command (JSON and HTML): median {timing['median']:.2f} s (min {timing['min']:.2f}, "
                f"max {timing['max']:.2f}); the HTML {size / 1024:.0f} KiB; {figures['activities_organised']:,} "
                f"activities organised and {answered:,} answers counted for {YEAR}")
    report.target(f"under {TARGET_S:.0f} s", met=timing["median"] < TARGET_S, detail=f"{timing['median']:.2f} s")
    return report.done({"seconds_median": round(timing["median"], 3), "html_bytes": size,
                        "activities_organised": figures["activities_organised"], "answers_counted": answered})


if __name__ == "__main__":
    raise SystemExit(main())
