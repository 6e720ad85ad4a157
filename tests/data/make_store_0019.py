"""Makes tests/data/store_0019.db.gz: a store as the release before schema 0020 left it (commit
ba7473a, the last to land at schema 0019), with records of every lifecycle.

Run from a checkout of that commit, with this repository's virtual environment:

    git worktree add /tmp/prev ba7473a
    PYTHONPATH=/tmp/prev .venv/bin/python tests/data/make_store_0019.py tests/data/store_0019.db.gz

Not part of the suite: the suite reads the file it wrote (the store itself, vacuumed and gzipped:
a SQL dump cannot carry the full-text index's virtual table).
"""
import gzip
import shutil
import sqlite3
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from config.settings import DEFAULT_FACILITY, Settings
from domain.activities import ActivityIn
from domain.assignments import AssignmentIn
from domain.clock import FixedClock
from domain.experts import ExpertIn
from mieux.bootstrap import bootstrap
from mieux.logistics import items_of
from store.migrate import upgrade
from tests.helpers import T0, new_action_in


def main(out: str) -> None:
    folder = Path(tempfile.mkdtemp())
    clock = FixedClock(T0)
    app = bootstrap(Settings(data_dir=folder, facility_file=DEFAULT_FACILITY, link_secret="k" * 40,
                             web_url="http://forms.example"), clock=clock, check=False)
    upgrade(app.engine)
    for state in ("request", "pre_implementation", "approval", "on_hold", "rejected", "implementation",
                  "monitoring", "closed"):
        new_action_in(app.service, state)
    reference = new_action_in(app.service, "implementation", name="Every lifecycle")
    expert = app.roster.add(ExpertIn.model_validate(
        {"name": "Expert One", "email": "e1@expert.example", "sex": "woman", "nationality": "PT",
         "category": "eu_member_state_administration", "administration": "SEF", "administration_country": "PT",
         "languages": [{"language": "en", "level": "C1"}], "themes": ["legal_migration"], "consent_on": "2026-01-10",
         "consent_purpose": "MIEUX roster"}), actor="pieter")
    number = app.service.add_activity(reference, ActivityIn.model_validate(
        {"type": "training", "title": "Training of trainers", "start": T0.date() + timedelta(days=60),
         "end": T0.date() + timedelta(days=62), "city": "Accra", "country": "GH", "languages": ["en"]}),
        actor="ana").number
    key = f"{reference}/{number}"
    app.service.propose_expert(key, AssignmentIn(expert=f"E{expert.id}", working_days=3, fee_per_day="450.00"), actor="ana")
    app.service.transition("assignment", f"{key}/E{expert.id}", "invite", actor="ana")
    app.service.transition("activity", key, "prepare", actor="ana")
    for line in items_of(app.engine, key)[1][:2]:
        app.service.transition("checklist_item", line.item, "done", actor="marta")
    remote = app.service.add_activity(reference, ActivityIn.model_validate(
        {"type": "workshop", "title": "Online follow-up", "start": T0.date() - timedelta(days=2), "end": T0.date(),
         "remote": True, "languages": ["en"]}), actor="ana").number
    app.service.transition("activity", f"{reference}/{remote}", "prepare", actor="ana")
    for line in items_of(app.engine, f"{reference}/{remote}")[1]:
        app.service.transition("checklist_item", line.item, "done", actor="marta")
    app.service.transition("activity", f"{reference}/{remote}", "get_ready", actor="ana")
    app.service.transition("activity", f"{reference}/{remote}", "deliver", actor="ana")
    clock.advance(days=30)
    app.fire_all_due()
    app.engine.dispose()
    with sqlite3.connect(folder / "mieux.db") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("VACUUM")
    db.close()
    with open(folder / "mieux.db", "rb") as store, gzip.open(out, "wb", compresslevel=9) as packed:
        shutil.copyfileobj(store, packed)


if __name__ == "__main__":
    main(sys.argv[1])
