"""SQLite: reads never queue behind a writer, and writers hold the lock only while they write."""
import gc
import json
import os
import sqlite3
import subprocess
import sys
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, text

from config.settings import Settings
from domain.schemas import ActionChanges
from mieux.bootstrap import bootstrap
from mieux.deadlines import deadlines
from store.db import _KEPT, _Kept, make_engine, writing
from tests.helpers import new_action_in, request

MIEUX = Path(sys.executable).parent / "mieux"


@pytest.fixture
def database_url(sqlite_url):
    """This module is about SQLite's locks: the `service` fixture runs on SQLite only."""
    return sqlite_url


def test_reads_answer_while_another_process_holds_the_write_lock(service, sqlite_url):
    reference = new_action_in(service, "pre_implementation")
    writer = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE action SET focal_point = 'uncommitted'")
    answers, done = {}, threading.Event()

    def read():
        answers["list"] = [a.reference for a in service.summaries()]
        answers["show"] = service.get(reference).focal_point
        answers["history"] = len(service.history(reference))
        answers["deadlines"] = len(deadlines(service.engine, now=service.clock.now()))
        done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:  # a read that waited for the lock would still be waiting (the busy timeout is 30 s)
        assert done.wait(10), "a read waited for the writer's lock"
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        reader.join(35)
    assert answers == {"list": [reference], "show": "Head of Policy", "history": 2, "deadlines": 2}


def test_a_mieux_process_lists_and_shows_while_another_holds_the_write_lock(service, sqlite_url, tmp_path):
    reference = new_action_in(service, "pre_implementation")
    writer = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE action SET focal_point = 'uncommitted'")
    env = {**os.environ, "MIEUX_DATABASE_URL": sqlite_url}
    try:  # waiting for the lock would take the 30 s busy timeout: the command would not be done by then
        runs = [subprocess.run([str(MIEUX), *args], env=env, capture_output=True, text=True, timeout=25)
                for args in (["action", "list", "--json"], ["action", "show", reference, "--json"])]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert [r.returncode for r in runs] == [0, 0], runs
    assert json.loads(runs[1].stdout)["focal_point"] == "Head of Policy"


@pytest.mark.parametrize("kind", ["register", "fire", "update"])
def test_the_first_write_of_a_process_builds_the_deadline_policy_before_it_takes_the_write_lock(
        sqlite_url, clock, kind):
    setup = bootstrap(Settings(database_url=sqlite_url), clock=clock)
    reference = setup.service.register(request(received_on=date(2026, 3, 2)), actor="ana").reference
    setup.engine.dispose()
    app = bootstrap(Settings(database_url=sqlite_url), clock=clock)  # as a new `mieux` process would
    ready_at_begin = []
    event.listen(app.engine, "begin", lambda _conn: ready_at_begin.append(
        {"policy", "calendar", "deadline_keeper"} <= set(vars(app))))
    if kind == "register":
        app.service.register(request(received_on=date(2026, 3, 2)), actor="ana")
    elif kind == "fire":
        app.service.fire(reference, "accept", actor="ana")
    else:
        app.service.update(reference, ActionChanges(focal_point="x"), actor="ana")
    assert ready_at_begin and all(ready_at_begin), ready_at_begin
    app.engine.dispose()


# -- write connections kept between units of work (store.db._Kept) ---------------------------------
def _lock_is_free(sqlite_url) -> bool:
    """Can another process's connection take the write lock at once (no busy wait)?"""
    other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_a_kept_write_connection_holds_no_lock_after_a_change_or_a_refusal(service, sqlite_url):
    reference = new_action_in(service, "pre_implementation")
    assert _lock_is_free(sqlite_url)
    with pytest.raises(Exception):  # refused by a guard: the unit of work rolled back
        service.fire(reference, "submit_fiche", actor="lea")
    assert _lock_is_free(sqlite_url)
    service.update(reference, ActionChanges(focal_point="Director"), actor="ana")  # the kept connection works on
    assert _lock_is_free(sqlite_url)
    assert service.get(reference).focal_point == "Director"


def test_disposing_the_engine_closes_the_kept_write_connections_and_the_next_change_opens_another(service):
    reference = new_action_in(service, "pre_implementation")
    kept = _KEPT[service.engine]
    [connection] = kept.idle
    driver = connection.connection.driver_connection
    service.engine.dispose()
    assert kept.idle == [] and connection.closed
    with pytest.raises(sqlite3.ProgrammingError):  # the SQLite connection itself is closed
        driver.execute("SELECT 1")
    service.update(reference, ActionChanges(focal_point="Director"), actor="ana")
    assert len(kept.idle) == 1 and kept.idle[0] is not connection


def test_a_write_connection_in_use_when_the_engine_is_disposed_is_closed_when_given_back(service):
    kept = _KEPT[service.engine]
    with writing(service.engine) as session:
        in_use = session.connection()
        service.engine.dispose()
    assert in_use.closed and in_use not in kept.idle


def test_a_forked_child_never_uses_its_parents_kept_write_connections(service):
    reference = new_action_in(service, "pre_implementation")
    kept = _KEPT[service.engine]
    [parents] = kept.idle
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: one change on its own connection, then report what it used
        code = 1
        try:
            service.update(reference, ActionChanges(focal_point="Child"), actor="ana")
            os.write(write, json.dumps({"parents_reused": any(c is parents for c in kept.idle)}).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as answer:
        report = json.loads(answer.read() or "{}")
    assert os.waitpid(child, 0)[1] == 0 and report == {"parents_reused": False}
    assert kept.idle == [parents] and not parents.closed  # the parent's own is still there, and works
    service.update(reference, ActionChanges(focal_point="Parent"), actor="ana")
    assert service.get(reference).focal_point == "Parent"


def test_no_more_write_connections_are_kept_than_a_few_writers_need_at_once(service):
    kept = _KEPT[service.engine]
    taken = [kept.take(service.engine) for _ in range(_Kept.KEEP + 2)]  # as many writers at once
    assert len({id(connection) for connection, _ in taken}) == len(taken)
    for connection, generation in taken:
        kept.give_back(connection, generation)
    assert len(kept.idle) == _Kept.KEEP
    assert [c.closed for c, _ in taken].count(True) == 2  # the others went back to the pool


def test_engines_dropped_without_dispose_keep_no_more_than_a_few_connections_and_are_freed(tmp_path):
    dropped = []
    for i in range(_Kept.KEEP_IN_PROCESS + 3):
        engine = make_engine(f"sqlite:///{tmp_path / f'store{i}.db'}")
        with writing(engine) as session:
            session.connection().execute(text("CREATE TABLE t (x)"))
        dropped.append(weakref.ref(engine))
        del engine, session
    assert sum(len(kept.idle) for kept in list(_KEPT.values())) <= _Kept.KEEP_IN_PROCESS
    gc.collect()
    assert dropped[0]() is None, "the first engine, whose kept connection went back to its pool, is still alive"


def test_threads_writing_at_once_share_the_kept_connections_and_every_change_lands(service):
    references = [new_action_in(service, "pre_implementation") for _ in range(6)]

    def edit(reference):
        for n in range(10):
            service.update(reference, ActionChanges(focal_point=f"{reference} {n}"), actor="ana")
        return reference

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert sorted(pool.map(edit, references)) == sorted(references)
    assert [service.get(r).focal_point for r in references] == [f"{r} 9" for r in references]
    kept = _KEPT[service.engine]
    assert 1 <= len(kept.idle) <= _Kept.KEEP
    assert all((kept, c) in _Kept._everywhere for c in kept.idle)
    assert all(c in owner.idle for owner, c in _Kept._everywhere) and len(_Kept._everywhere) <= _Kept.KEEP_IN_PROCESS
