"""SQLite: reads never queue behind a writer, and writers hold the lock only while they write."""
import json
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event

from config.settings import Settings
from domain.schemas import ActionChanges
from mieux.bootstrap import bootstrap
from mieux.deadlines import deadlines
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
