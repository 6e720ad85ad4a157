"""Real OS processes race on one Action, on SQLite and on PostgreSQL: the store lets exactly one win.

Each worker is a spawned process with its own engine and ActionService. It connects, reports
ready and waits for a shared start signal, so the workers fire at the same moment.
"""
import multiprocessing
import traceback

import pytest

from config.facility import load_facility
from config.settings import DEFAULT_FACILITY
from domain import errors
from domain.clock import SystemClock
from domain.errors import Conflict, IllegalTransition
from domain.schemas import ActionChanges
from mieux.service import ActionService
from store.db import make_engine
from tests.helpers import new_action_in

pytestmark = pytest.mark.slow

WORKERS = 6
EDITORS, EDITS_EACH = 4, 6
START_TIMEOUT = 60


# -- what runs in each worker process ----------------------------------------------------------
def _fire(service, reference, _worker, trigger, reason, expected_version):
    """Fire one trigger as ana; report the state and version it left."""
    action = service.fire(reference, trigger, actor="ana", reason=reason, expected_version=expected_version)
    return {"trigger": trigger, "state": action.state, "version": action.version}


def _update_with_retries(service, reference, worker, count):
    """Do `count` updates, each with the version just read; on Conflict read again and retry."""
    conflicts = 0
    for n in range(count):
        for _attempt in range(500):
            version = service.get(reference).version
            try:
                service.update(reference, ActionChanges(focal_point=f"worker {worker} edit {n}"),
                               actor="ana", expected_version=version)
                break
            except Conflict:
                conflicts += 1
        else:
            raise RuntimeError(f"worker {worker} gave up on edit {n} after 500 conflicts")
    return {"conflicts": conflicts}


def _update_without_version(service, reference, worker, count):
    """Do `count` updates asserting no version, as a person who did not pass --if-version."""
    for n in range(count):
        service.update(reference, ActionChanges(focal_point=f"worker {worker} edit {n}"), actor="ana")
    return {}


JOBS = {"fire": _fire, "update": _update_with_retries, "blind_update": _update_without_version}


def _failure(error: BaseException) -> tuple:
    """An exception, reported by name (domain errors do not all survive pickling)."""
    return ("error", type(error).__module__, type(error).__qualname__, str(error), traceback.format_exc())


def _worker(url, reference, worker, job, args, ready, go, results):
    """One process: own engine and service, wait for the start signal, run the job, report."""
    outcome = None
    try:
        engine = make_engine(url)
        service = ActionService(engine=engine, facility=load_facility(DEFAULT_FACILITY), clock=SystemClock())
        with engine.connect():  # open the pooled connection before the race, not during it
            pass
    except BaseException as error:
        outcome = _failure(error)
    ready.put(worker)
    if outcome is None:
        try:
            if not go.wait(START_TIMEOUT):
                raise RuntimeError("no start signal")
            outcome = ("ok", JOBS[job](service, reference, worker, *args))
        except Exception as error:
            outcome = _failure(error)
        engine.dispose()
    results.put((worker, outcome))


def race(url: str, reference: str, jobs: list[tuple[str, tuple]]) -> list[tuple]:
    """Start one spawned process per job, release them together, return each one's outcome."""
    ctx = multiprocessing.get_context("spawn")
    ready, results, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    processes = [ctx.Process(target=_worker, args=(url, reference, i, job, args, ready, go, results))
                 for i, (job, args) in enumerate(jobs)]
    try:
        for p in processes:
            p.start()
        for _ in processes:
            ready.get(timeout=START_TIMEOUT)
        go.set()
        outcomes = dict(results.get(timeout=START_TIMEOUT) for _ in processes)
        for p in processes:
            p.join(timeout=START_TIMEOUT)
        assert [p.exitcode for p in processes] == [0] * len(processes)
        return [outcomes[i] for i in range(len(processes))]
    finally:
        for p in processes:
            if p.is_alive():
                p.kill()
                p.join()


def error_class(outcome: tuple) -> type:
    """The exception class a worker reported; fails the test with the traceback if it is not ours."""
    _, module, name, message, trace = outcome
    assert module == errors.__name__, f"a worker raised {module}.{name}: {message}\n{trace}"
    return getattr(errors, name)


def split(outcomes: list[tuple]) -> tuple[list[dict], list[type]]:
    """The successful workers' results, and the error classes of the others."""
    wins = [o[1] for o in outcomes if o[0] == "ok"]
    losses = [error_class(o) for o in outcomes if o[0] == "error"]
    return wins, losses


# -- the races ---------------------------------------------------------------------------------
def test_of_six_processes_accepting_one_request_exactly_one_succeeds(service, database_url):
    reference = new_action_in(service, "request")
    before = service.get(reference).version

    outcomes = race(database_url, reference, [("fire", ("accept", None, None))] * WORKERS)

    wins, losses = split(outcomes)
    assert len(wins) == 1
    assert len(losses) == WORKERS - 1
    # writers queue (BEGIN IMMEDIATE on SQLite, the row locked FOR UPDATE on PostgreSQL): each loser
    # sees the winner's state and is told the trigger no longer applies, not that it lost a race
    assert set(losses) == {IllegalTransition}, losses
    after = service.get(reference)
    assert after.state == "pre_implementation"
    assert after.version == before + 1
    assert [h.trigger for h in service.history(reference)].count("accept") == 1


def test_concurrent_edits_with_expected_versions_lose_no_update(service, database_url):
    reference = new_action_in(service, "request")
    assert service.get(reference).version == 1

    outcomes = race(database_url, reference, [("update", (EDITS_EACH,))] * EDITORS)

    wins, losses = split(outcomes)
    assert losses == []
    assert len(wins) == EDITORS
    history = service.history(reference)
    assert [h.trigger for h in history].count("update") == EDITORS * EDITS_EACH
    assert len(history) == 1 + EDITORS * EDITS_EACH
    assert service.get(reference).version == 1 + EDITORS * EDITS_EACH
    edits = sorted(h.payload["focal_point"] for h in history if h.trigger == "update")
    assert edits == sorted(f"worker {w} edit {n}" for w in range(EDITORS) for n in range(EDITS_EACH))


def test_concurrent_edits_without_an_expected_version_all_land_and_none_is_a_conflict(service, database_url):
    reference = new_action_in(service, "request")

    outcomes = race(database_url, reference, [("blind_update", (EDITS_EACH,))] * (2 * EDITORS))

    wins, losses = split(outcomes)
    assert (len(wins), losses) == (2 * EDITORS, [])
    history = service.history(reference)
    assert [h.trigger for h in history].count("update") == 2 * EDITORS * EDITS_EACH
    assert service.get(reference).version == 1 + 2 * EDITORS * EDITS_EACH


def test_withdraw_and_suspend_racing_from_one_version_leave_one_winner_and_conflicts(service, database_url):
    reference = new_action_in(service, "pre_implementation")
    seen = service.get(reference).version
    setup = len(service.history(reference))
    jobs = [("fire", ("withdraw", "x", seen)), ("fire", ("suspend", "y", seen))] * (WORKERS // 2)

    outcomes = race(database_url, reference, jobs)

    wins, losses = split(outcomes)
    assert len(wins) == 1
    assert losses == [Conflict] * (WORKERS - 1)
    winner = wins[0]
    expected_state = {"withdraw": "withdrawn", "suspend": "on_hold"}[winner["trigger"]]
    after = service.get(reference)
    assert after.state == winner["state"] == expected_state
    assert after.version == seen + 1 == winner["version"]
    history = service.history(reference)
    assert len(history) == setup + 1
    last = history[-1]
    assert (last.trigger, last.from_state, last.to_state) == (winner["trigger"], "pre_implementation",
                                                              expected_state)
    assert last.reason == {"withdraw": "x", "suspend": "y"}[winner["trigger"]]
