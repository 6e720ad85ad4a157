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
