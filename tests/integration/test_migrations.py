"""The schema is managed by Alembic, on both stores."""
from pathlib import Path

import pytest
from sqlalchemy import inspect

from domain.errors import StoreNotReady
from store.db import SCHEMA_REVISION, check_schema, make_engine
from store.migrate import head, upgrade


def test_the_engine_expects_the_newest_migration():
    assert SCHEMA_REVISION == head()


def test_an_empty_database_is_not_ready_until_migrated(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(StoreNotReady, match="has no schema: run `mieux init`"):
        check_schema(engine)
    upgrade(engine)
    check_schema(engine)
    upgrade(engine)  # running init twice is harmless
    check_schema(engine)


def test_migrations_create_every_table_on_both_stores(engine):
    check_schema(engine)
    assert {"action", "audit", "reference_counter", "alembic_version"} <= set(inspect(engine).get_table_names())


def test_the_tables_match_the_migrations_on_both_stores(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from store.tables import described_here

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": described_here})
        assert compare_metadata(context, SQLModel.metadata) == []


STORE_0003 = Path(__file__).resolve().parents[1] / "data" / "store_0003.sql"
"""A store at revision 0003, as the code of that revision left it: the 91-Action demo portfolio,
new Actions walked into every state (their fiches listing activities), deadlines fired. Made by
running the engine of commit c73d18d (import_portfolio, tests.helpers.new_action_in per state,
fire_all_due) and dumping the SQLite file with sqlite3's iterdump."""


def test_a_store_at_the_previous_revision_upgrades_losing_nothing(tmp_path, facility, clock):
    import json
    import sqlite3
    from datetime import datetime

    from mieux.portfolio import report
    from mieux.service import ActionService

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as con:
        con.executescript(STORE_0003.read_text(encoding="utf-8"))
        trails = con.execute("SELECT a.reference, u.at, u.trigger, u.from_state, u.to_state, u.actor, u.reason, "
                             "u.payload FROM audit u JOIN action a ON a.id = u.action_id ORDER BY u.id").fetchall()
        pending = con.execute("SELECT a.reference, d.kind, d.due_at, d.status FROM deadline d JOIN action a "
                              "ON a.id = d.action_id ORDER BY d.id").fetchall()
        planned = {ref: (json.loads(fiche) or {}).get("activities", []) for ref, fiche in con.execute(
            "SELECT reference, fiche FROM action WHERE fiche IS NOT NULL")}
    engine = make_engine(f"sqlite:///{path}")
    service = ActionService(engine=engine, facility=facility, clock=clock)
    before = report(service)
    assert check_schema_revision(engine) == "0003"

    upgrade(engine)

    check_schema(engine)
    assert report(service) == before
    def as_read(raw) -> tuple:  # a row as sqlite3 returned it: times and JSON as text
        reference, at, *rest, payload = raw
        return (reference, datetime.fromisoformat(at), *rest, json.loads(payload))

    histories = []
    for reference in dict.fromkeys(t[0] for t in trails):
        for e in service.history(reference):
            assert (e.subject_kind, e.subject_id) == ("action", e.action_id)
            histories.append((reference, e.at.replace(tzinfo=None), e.trigger, e.from_state, e.to_state, e.actor,
                              e.reason, e.payload))
    assert histories == [as_read(t) for t in trails]
    from mieux.deadlines import deadlines

    still = [(a.reference, d.kind, d.due_at.replace(tzinfo=None), d.status)
             for d, a in deadlines(engine, now=clock.now())]
    assert still and sorted(still) == sorted((r, k, datetime.fromisoformat(due), s) for r, k, due, s in pending
                                             if s == "pending")
    assert any(planned.values())
    for reference, listed in planned.items():
        records = service.activities(reference)
        assert [(a.type, a.title, a.state) for a in records] == [
            (x["type"], x["title"], x.get("status", "planned")) for x in listed]
        assert "activities" not in (service.get(reference).fiche or {})
    engine.dispose()


def check_schema_revision(engine) -> str:
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


STORE_0019 = Path(__file__).resolve().parents[1] / "data" / "store_0019.db.gz"
"""The store as the previous release (schema 0019, commit ba7473a) left it, with records of every
lifecycle: Actions in eight states, activities, an expert invited, checklist items, evaluation
collections, news items, a knowledge entry, deadlines fired a month on. Made by
tests/data/make_store_0019.py running that release's code."""


def sqlite_rows(path, columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table (the full-text index's own included), or only `columns` of each."""
    import sqlite3

    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
        found = {}
        for table in tables if columns is None else columns:
            names = columns[table] if columns else [c[1] for c in db.execute(f'PRAGMA table_info("{table}")')]
            found[table] = sorted(db.execute(f'SELECT {", ".join(map(repr, names)).replace(chr(39), chr(34))} '
                                             f'FROM "{table}"').fetchall(), key=repr)
    db.close()
    return found


def test_the_previous_releases_store_upgrades_losing_nothing_and_the_engine_runs_on_it(tmp_path, clock):
    import gzip
    import shutil
    import sqlite3
    from datetime import timedelta

    from config.settings import DEFAULT_FACILITY, Settings
    from mieux.bootstrap import bootstrap
    from mieux.newsletter import prepare
    from store.db import reading
    from store.tables import Action, Deadline, Timer
    from sqlmodel import select

    path = tmp_path / "mieux.db"
    with gzip.open(STORE_0019, "rb") as packed, open(path, "wb") as store:
        shutil.copyfileobj(packed, store)
    before = sqlite_rows(path)
    with sqlite3.connect(path) as db:
        columns = {t: [c[1] for c in db.execute(f'PRAGMA table_info("{t}")')] for t in before}
    db.close()
    assert before["alembic_version"] == [("0019",)] and len(before["timer"]) > 100

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    check_schema(engine)
    engine.dispose()
    after = sqlite_rows(path, columns)
    assert {t: rows for t, rows in after.items() if t != "alembic_version"} == {
        t: rows for t, rows in before.items() if t != "alembic_version"}

    clock.set(clock.now() + timedelta(days=31))
    app = bootstrap(Settings(data_dir=tmp_path, facility_file=DEFAULT_FACILITY, link_secret="k" * 40), clock=clock)
    with reading(app.engine) as session:
        deadline = session.exec(select(Deadline).where(Deadline.subject_kind == "action", Deadline.status == "pending",
                                                       Deadline.kind == "fiche")).first()
        reference = session.get(Action, deadline.action_id).reference
    app.service.fire(reference, "withdraw", actor="ana", reason="the partner withdrew")  # stops its fiche deadline
    with reading(app.engine) as session:  # 0006's trigger, remade by 0020 on the rebuilt table, cancelled its timers
        assert {t.status for t in session.exec(select(Timer).where(Timer.deadline_id == deadline.id))} <= {
            "cancelled", "fired", "coalesced"}
        assert session.get(Deadline, deadline.id).status == "cancelled"
    app.fire_all_due()
    assert app.knowledge.search("logistics")[0].title.startswith("Lessons learnt")  # its full-text index came along
    assert prepare(app.service, "2026-03", actor="sofia").month == "2026-03"
    app.engine.dispose()
