"""SIGKILL at random moments of every lifecycle's work: a real OS process fires transitions on one
kind of subject (Actions, activities, assignments, checklist items, evaluation collections), with a
sweep and a dispatch between them, and is killed at a random instant; the next trial starts a new
process on the same store. After every kill the store must tell one story:

- every subject's state is the state its last audit row moved it to (no transition half-written);
- no pending deadline lives on a subject that left the states it lives in;
- every deadline its current state started is there (no deadline lost);
- every alert a recorded transition owes is there (no alert lost);
- no due timer is left pending once a sweep has run.

`make test` runs 3 trials per lifecycle, `make faults` 100. Each prints what it tried and what held.
"""
import multiprocessing
import os
import random
import signal
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from config.settings import DEFAULT_FACILITY, Settings
from domain.activities import ActivityChanges, ActivityIn
from domain.assignments import AssignmentChanges, AssignmentIn
from domain.clock import FixedClock
from domain.errors import MieuxError
from domain.experts import ExpertIn
from mieux.bootstrap import bootstrap
from mieux.logistics import items_of
from mieux.invariants import broken_promises
from mieux.subjects import checked_policy
from store.db import reading
from store.tables import Action, Activity, Assignment, Audit, Timer
from tests.helpers import campaign, new_action_in, request

pytestmark = [pytest.mark.faults, pytest.mark.slow]

START = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
LIFECYCLES = ["action", "activity", "assignment", "checklist_item", "evaluation_collection"]
EXPERTS = 400


def settings(url: str) -> Settings:
    return Settings(database_url=url, facility_file=DEFAULT_FACILITY, link_secret="k" * 40,
                    web_url="http://forms.example")


# -- the work each process does until it is killed ---------------------------------------------
def _work(url: str, lifecycle: str, seed: int, at: str, ready) -> None:
    clock = FixedClock(datetime.fromisoformat(at))
    app = bootstrap(settings(url), clock=clock)
    app.load_everything()
    ready.release()
    chance = random.Random(seed)
    step = WORK[lifecycle]
    for n in range(1_000_000):
        try:
            step(app, chance, n)
        except MieuxError:
            pass  # a refusal (a guard, a race lost) is part of the work: the store stays as it was
        clock.advance(hours=1)
        if n % 5 == 0:
            app.fire_all_due()
            app.outbox.dispatch()


def _action(app, chance, n):
    service = app.service
    with reading(app.engine) as session:
        found = session.exec(select(Action.reference, Action.state).where(
            Action.state.in_(("request", "pre_implementation", "on_hold")))).all()
    if not found or chance.random() < 0.3:
        service.register(request(name=f"Killed {n}"), actor="ana")
        return
    reference, state = chance.choice(found)
    if state == "request":
        service.fire(reference, "accept", actor="ana")
    elif state == "on_hold":
        service.fire(reference, "resume", actor="ana", reason="back")
    else:
        service.fire(reference, "suspend", actor="ana", reason="wait")


def _activities(app, *titles) -> list[str]:
    """The keys of the trainings of the Kills Action with these titles: Training 0 and 1 are prepared
    and postponed, experts are proposed for Training 2, Training 3's checklist is worked through."""
    with reading(app.engine) as session:
        return [f"{ref}/{number}" for ref, number in session.exec(
            select(Action.reference, Activity.number).join(Action, Activity.action_id == Action.id)
            .where(Action.name == "Kills", Activity.title.in_(titles)).order_by(Activity.number))]


def _activity(app, chance, n):
    key = chance.choice(_activities(app, "Training 0", "Training 1"))
    activity = app.service.subject("activity", key)
    if activity.state == "planned":
        app.service.transition("activity", key, "prepare", actor="ana")
    else:
        shift = timedelta(days=chance.randint(1, 30))
        app.service.transition("activity", key, "postpone", actor="ana", reason="the venue moved",
                               changes=ActivityChanges(start=activity.start + shift, end=activity.end + shift))


def _assignment(app, chance, n):
    key = _activities(app, "Training 2")[0]
    with reading(app.engine) as session:
        live = session.exec(select(Assignment.expert_id, Assignment.state).where(
            Assignment.state.in_(("proposed", "invited", "accepted")))).all()
    if not live or chance.random() < 0.4:
        with reading(app.engine) as session:
            taken = set(session.exec(select(Assignment.expert_id)))
        free = [e for e in range(1, EXPERTS + 1) if e not in taken]
        expert = chance.choice(free) if free else app.roster.add(_expert(f"Expert {n}"), actor="pieter").id
        app.service.propose_expert(key, AssignmentIn(expert=f"E{expert}", working_days=3, fee_per_day="450.00"),
                                   actor="ana")
        return
    expert, state = chance.choice(live)
    trigger = {"proposed": "invite", "invited": chance.choice(["accept", "decline"]), "accepted": "withdraw"}[state]
    app.service.transition("assignment", f"{key}/E{expert}", trigger, actor="ana",
                           reason="another expert fits better" if trigger == "withdraw" else None)


def _checklist_item(app, chance, n):
    key = _activities(app, "Training 3")[0]
    line = chance.choice(items_of(app.engine, key)[1])
    if line.state == "open":
        app.service.transition("checklist_item", line.item, "done", actor="marta")
    else:
        app.service.transition("checklist_item", line.item, "reopen", actor="marta", reason="not confirmed")


def _evaluation_collection(app, chance, n):
    reference = _activities(app, "Training 3")[0].split("/")[0]
    today = app.service.today()
    number = app.service.add_activity(reference, ActivityIn.model_validate(
        {"type": "workshop", "title": f"Online {n}", "start": today - timedelta(days=1), "end": today,
         "remote": True, "languages": ["en"]}), actor="ana").number
    key = f"{reference}/{number}"
    app.service.transition("activity", key, "prepare", actor="ana")
    for line in items_of(app.engine, key)[1]:
        app.service.transition("checklist_item", line.item, "done", actor="marta")
    app.service.transition("activity", key, "get_ready", actor="marta")
    app.service.transition("activity", key, "deliver", actor="ana")
    app.service.transition("evaluation_collection", f"{key}/C", "close", actor="pieter", reason="enough answers")


WORK = {"action": _action, "activity": _activity, "assignment": _assignment, "checklist_item": _checklist_item,
        "evaluation_collection": _evaluation_collection}


# -- the store before the first trial ----------------------------------------------------------
def prepared_store(app) -> None:
    """An Action in implementation ("Kills") with trainings to prepare and postpone, one of them
    prepared (its checklist), and a roster to propose experts from."""
    reference = new_action_in(app.service, "implementation", name="Kills")
    for n in range(4):
        app.service.add_activity(reference, ActivityIn.model_validate(
            {"type": "training", "title": f"Training {n}", "start": date(2026, 9, 7) + timedelta(weeks=n),
             "end": date(2026, 9, 9) + timedelta(weeks=n), "city": "Accra", "country": "GH",
             "languages": ["en"]}), actor="ana")
    app.service.transition("activity", _activities(app, "Training 3")[0], "prepare", actor="ana")
    for e in range(EXPERTS):
        app.roster.add(_expert(f"Expert {e}"), actor="pieter")


def _expert(name: str) -> ExpertIn:
    """An expert for the roster (the campaign adds more once every one of them was proposed)."""
    return ExpertIn.model_validate(
        {"name": name, "email": f"{name.replace(' ', '.').lower()}.{random.getrandbits(32)}@expert.example",
         "sex": "woman", "nationality": "PT", "category": "eu_member_state_administration", "administration": "SEF",
         "administration_country": "PT", "languages": [{"language": "en", "level": "C1"}],
         "themes": ["legal_migration"], "consent_on": "2026-01-10", "consent_purpose": "roster"})


def test_kills_at_random_moments_of_every_lifecycle_leave_one_consistent_story(database_url, clock):
    trials = campaign(3, 100)
    policy = checked_policy(settings(database_url).deadlines_file, bootstrap(settings(database_url)).facility)
    clock.set(START)
    app = bootstrap(settings(database_url), clock=clock)
    prepared_store(app)
    ctx = multiprocessing.get_context("spawn")
    chance = random.Random(trials)
    done: Counter = Counter()
    day = START
    for lifecycle in LIFECYCLES:
        for trial in range(trials):
            day += timedelta(days=2)
            with reading(app.engine) as session:
                before = len(session.exec(select(Audit.id)).all())
            ready = ctx.Semaphore(0)
            process = ctx.Process(target=_work, args=(database_url, lifecycle, chance.randrange(10**9), day.isoformat(),
                                                      ready))
            process.start()
            assert ready.acquire(timeout=120), f"{lifecycle} trial {trial}: the process never got ready"
            time.sleep(chance.uniform(0.05, 1.5))
            os.kill(process.pid, signal.SIGKILL)
            process.join(30)
            assert process.exitcode == -signal.SIGKILL, f"{lifecycle} trial {trial} ended by itself: {process.exitcode}"
            problems = broken_promises(app.engine, policy)
            assert problems == [], f"{lifecycle} trial {trial}: {problems[:5]}"
            with reading(app.engine) as session:
                done[lifecycle] += len(session.exec(select(Audit.id)).all()) - before
    clock.set(day + timedelta(days=400))
    app.fire_all_due()
    with reading(app.engine) as session:
        left = session.exec(select(Timer).where(Timer.status == "pending", Timer.fire_at <= clock.now())).all()
    print(f"\n{trials} kills per lifecycle on {app.engine.dialect.name}; audit rows written before the kills: "
          f"{dict(done)}; after each: state and audit agree, no deadline or alert lost; {len(left)} due timers "
          "left after the final sweep")
    assert left == [] and all(done[lc] > 0 for lc in LIFECYCLES)
    app.engine.dispose()
