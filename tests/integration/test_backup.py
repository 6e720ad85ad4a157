"""Backups on real stores: the embedded store copied while transitions go on is consistent and
restores to a store equal to it table by table; a restore is refused while the engine runs, and a
file that is not a sound store of this schema is refused with the store left as it was. A
PostgreSQL store goes through pg_dump and pg_restore, the README's path, and comes back equal."""
import hashlib
import shutil
import subprocess
import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from config.settings import DEFAULT_FACILITY, Settings
from domain.errors import Conflict, InvalidInput
from mieux.backup import backup, check, restore
from mieux.bootstrap import bootstrap
from mieux.lock import engine_lock
from store.db import SCHEMA_REVISION, make_engine
from tests.helpers import new_action_in, request as new_request

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)


def every_table(engine) -> dict[str, list[tuple]]:
    """Every row of every table the engine's models describe, and the schema revision, in key order."""
    with engine.connect() as conn:
        found = {table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
                 for table in SQLModel.metadata.sorted_tables}
        found["alembic_version"] = [tuple(r) for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    return found


def programme(app) -> None:
    """Records in every lifecycle: Actions in several states (a closed one: its news items, knowledge
    entries, follow-up evaluation), activities, deadlines, timers, alerts, the month's newsletter."""
    for state in ("request", "approval", "implementation", "closed"):
        new_action_in(app.service, state)


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def app(tmp_path, clock):
    built = bootstrap(Settings(data_dir=tmp_path / "data", facility_file=DEFAULT_FACILITY), clock=clock, check=False)
    from store.migrate import upgrade

    upgrade(built.engine)
    yield built
    built.engine.dispose()


def test_a_backup_taken_while_transitions_go_on_is_consistent_and_restores_equal(app, tmp_path):
    programme(app)
    stop, registered = threading.Event(), []

    def writing():
        while not stop.is_set():
            registered.append(app.service.register(new_request(name=f"Busy {len(registered)}"), actor="ana").reference)

    writer = threading.Thread(target=writing)
    writer.start()
    try:
        while len(registered) < 20:
            stop.wait(0.01)
        copied = backup(app.settings.database(), tmp_path / "during.db")
    finally:
        stop.set()
        writer.join()
    assert copied.revision == SCHEMA_REVISION and check(copied.path).rows == copied.rows
    during = make_engine(f"sqlite:///{copied.path}")
    with during.connect() as conn:  # state and audit agree: no transaction was copied half-written
        states = dict(conn.execute(text("SELECT id, state FROM action")).all())
        last = dict(conn.execute(text(
            "SELECT a.subject_id, a.to_state FROM audit a WHERE a.subject_kind = 'action' AND a.id = "
            "(SELECT max(b.id) FROM audit b WHERE b.subject_kind = 'action' AND b.subject_id = a.subject_id)")).all())
    during.dispose()
    assert states == last and 20 <= len(states) - 4 <= len(registered)

    quiet = backup(app.settings.database(), tmp_path / "after.db")  # nothing writes now
    elsewhere = tmp_path / "elsewhere"
    restored = restore(f"sqlite:///{elsewhere / 'mieux.db'}", quiet.path, data_dir=elsewhere, head=SCHEMA_REVISION,
                       now=NOW)
    assert restored.kept is None and restored.rows == quiet.rows
    other = make_engine(f"sqlite:///{elsewhere / 'mieux.db'}")
    assert every_table(other) == every_table(app.engine)
    with other.connect() as conn:  # the full-text index came along: an entry is found by a word of its title
        entry_id, title = conn.execute(text("SELECT id, title FROM knowledge_entry ORDER BY id")).first()
        word = max(title.split(), key=len).strip(".,:;()")
        assert entry_id in conn.execute(text("SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH :w"),
                                        {"w": f'"{word}"'}).scalars().all()
    other.dispose()


def test_restore_keeps_the_replaced_store_and_is_refused_while_the_engine_runs(app, tmp_path):
    programme(app)
    saved = backup(app.settings.database(), tmp_path / "saved.db")
    app.service.register(new_request(name="After the backup"), actor="ana")
    store = app.settings.data_dir / "mieux.db"
    app.engine.dispose()
    before = sha(store)
    with engine_lock(app.settings.data_dir, what="serve"):
        with pytest.raises(Conflict, match="is in use by mieux serve"):
            restore(app.settings.database(), saved.path, data_dir=app.settings.data_dir, head=SCHEMA_REVISION, now=NOW)
    assert sha(store) == before
    assert saved.path.stat().st_mode & 0o777 == 0o600  # a backup holds everyone's data: its owner's only
    store.chmod(0o640)
    done = restore(app.settings.database(), saved.path, data_dir=app.settings.data_dir, head=SCHEMA_REVISION, now=NOW)
    assert done.kept.name == "mieux.db.replaced-20261205T120000Z"
    assert store.stat().st_mode & 0o777 == 0o640  # readable by whoever could read the store it replaced
    with make_engine(f"sqlite:///{done.kept}").connect() as conn:  # the replaced store, its last write included
        assert conn.execute(text("SELECT count(*) FROM action WHERE name = 'After the backup'")).scalar() == 1
    back = make_engine(app.settings.database())
    with back.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM action WHERE name = 'After the backup'")).scalar() == 0
    back.dispose()


def test_a_file_that_is_not_a_sound_store_of_this_schema_is_refused_and_the_store_stays(app, tmp_path):
    programme(app)
    store = app.settings.data_dir / "mieux.db"
    good = backup(app.settings.database(), tmp_path / "good.db").path
    newer = tmp_path / "newer.db"
    shutil.copy(good, newer)
    with create_engine(f"sqlite:///{newer}").begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    damaged = tmp_path / "damaged.db"
    data = bytearray(good.read_bytes())
    data[len(data) // 2:len(data) // 2 + 8192] = b"\xff" * 8192
    damaged.write_bytes(bytes(data))
    foreign = tmp_path / "foreign.db"
    with create_engine(f"sqlite:///{foreign}").begin() as conn:
        conn.execute(text("CREATE TABLE t (x)"))
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database", encoding="utf-8")
    app.engine.dispose()
    before = sha(store)
    for path, said in ((newer, "newer than this engine's"), (damaged, "damaged|not a SQLite database"),
                       (foreign, "not a mieux store"), (text_file, "not a SQLite database"),
                       (tmp_path / "missing.db", "there is no backup at")):
        with pytest.raises((InvalidInput, Exception), match=said):
            restore(app.settings.database(), path, data_dir=app.settings.data_dir, head=SCHEMA_REVISION, now=NOW)
    assert sha(store) == before and not list(app.settings.data_dir.glob("*.replaced-*"))
    with pytest.raises(Conflict, match="exists: give another file, or --overwrite"):
        backup(app.settings.database(), good)
    with pytest.raises(InvalidInput, match="use pg_dump and pg_restore"):
        backup("postgresql+psycopg://postgres@127.0.0.1:5432/mieux", tmp_path / "pg.db")


def test_a_postgresql_store_goes_through_pg_dump_and_pg_restore_and_comes_back_equal(postgres, request, tmp_path,
                                                                                     clock):
    from tests.conftest import fresh_database_url

    url = fresh_database_url("postgresql", request, tmp_path)
    built = bootstrap(Settings(data_dir=tmp_path / "data", database_url=url, facility_file=DEFAULT_FACILITY),
                      clock=clock)
    programme(built)
    parsed = make_url(url)
    where = ["--host", parsed.host, "--port", str(parsed.port), "--username", parsed.username]
    dump = tmp_path / "mieux.dump"
    # The README's path: a custom-format dump, restored into an empty database made for it.
    subprocess.run(["pg_dump", *where, "--format=custom", "--file", str(dump), parsed.database], check=True)
    _, admin = postgres
    with admin.connect() as conn:
        conn.execute(text('CREATE DATABASE "restored_here"'))
    subprocess.run(["pg_restore", *where, "--dbname", "restored_here", "--no-owner", "--exit-on-error", str(dump)],
                   check=True)
    restored = make_engine(parsed.set(database="restored_here").render_as_string(hide_password=False))
    assert every_table(restored) == every_table(built.engine)
    again = bootstrap(Settings(data_dir=tmp_path / "again", database_url=str(restored.url.render_as_string(
        hide_password=False)), facility_file=DEFAULT_FACILITY), clock=clock)
    assert again.service.register(new_request(name="After the restore"), actor="ana").reference  # its sequences came too
    again.engine.dispose()
    restored.dispose()
    built.engine.dispose()



def test_restore_is_refused_while_another_process_reads_the_store_and_changes_nothing(app, tmp_path):
    import sqlite3

    programme(app)
    saved = backup(app.settings.database(), tmp_path / "saved.db")
    store = app.settings.data_dir / "mieux.db"
    reader = sqlite3.connect(store, isolation_level=None)  # as `mieux web` would hold it, mid-read
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM action").fetchone()
    app.service.register(new_request(name="Written after the reader began"), actor="ana")  # past its snapshot
    app.engine.dispose()
    try:
        with pytest.raises(Conflict, match="is open in another process"):
            restore(app.settings.database(), saved.path, data_dir=app.settings.data_dir, head=SCHEMA_REVISION, now=NOW)
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    assert not list(store.parent.glob("mieux.db.replaced-*")) and not list(store.parent.glob(".mieux.db.restoring"))
    back = make_engine(app.settings.database())
    with back.connect() as conn:  # the store is the one it was, its last write included
        assert conn.execute(text("SELECT count(*) FROM action WHERE name = 'Written after the reader began'")).scalar() == 1
    back.dispose()
