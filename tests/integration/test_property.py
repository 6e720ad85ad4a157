"""Properties of the Action lifecycle under random trigger sequences, with and without a store.

With a store: whatever people fire, in whatever order, the audit trail replays to the Action's
state, terminal states stay terminal, a refusal changes nothing, and the version counts the
audit rows. Without one: ACTION.fire on a plain object moves only along rows of the table.
"""
import shutil
import tempfile
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

from hypothesis import event, given, settings
from hypothesis import strategies as st

from domain.clock import FixedClock
from domain.errors import IllegalTransition, NotPermitted, Refused
from domain.model import RequesterType, Role
from domain.schemas import ActionChanges
from mieux.service import ActionService
from states.action import ACTION, REQUEST, WORKING
from states.activity import ACTIVITY as ACTIVITY_MACHINE
from store.db import make_engine
from tests.helpers import ACTOR, FICHE, PATHS, STEPS, T0, new_action_in

ACTORS = [*ACTOR.values(), "marta"]  # marta is a logistics assistant: no trigger is hers
NEEDS_REASON = {"reject", "withdraw", "suspend", "resume"}
MORE_DATA = {"return_fiche": {"psg_comments": "Add a gender analysis"},
             "reject": {"psg_decision_on": "2026-03-20"}}  # rejecting in approval needs the PSG's date


def satisfying(trigger: str) -> tuple[str | None, ActionChanges]:
    """The reason and changes that satisfy the trigger's guards (from STEPS where it has them)."""
    _, _, reason, changes = STEPS.get(trigger, (None, trigger, None, {}))
    if reason is None and trigger in NEEDS_REASON:
        reason = "r"
    return reason, ActionChanges.model_validate({**changes, **MORE_DATA.get(trigger, {})})


@contextmanager
def fresh_service(template: Path, facility):
    """An ActionService on a private copy of the migrated SQLite template."""
    folder = Path(tempfile.mkdtemp(prefix="mieux-property-"))
    shutil.copy(template, folder / "mieux.db")
    engine = make_engine(f"sqlite:///{folder / 'mieux.db'}")
    try:
        yield ActionService(engine=engine, facility=facility, clock=FixedClock(T0))
    finally:
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def a_trigger(state: str) -> st.SearchStrategy[str]:
    """Any trigger of the Action, half the time one that applies in `state`."""
    return st.sampled_from(ACTION.available(state) or ACTION.triggers) | st.sampled_from(ACTION.triggers)


def an_actor(state: str, trigger: str) -> st.SearchStrategy[str]:
    """Any of ACTORS, half the time one holding a role that may fire `trigger` in `state`."""
    permitted = sorted({ACTOR[role] for r in ACTION.rules_from(state, trigger) for role in r.roles if role in ACTOR})
    return st.sampled_from(ACTORS) | st.sampled_from(permitted or ACTORS)


@settings(max_examples=60, deadline=None)
@given(start=st.sampled_from(list(PATHS)), length=st.integers(0, 25), data=st.data())
def test_random_trigger_sequences_keep_audit_trail_state_and_version_consistent(sqlite_template, facility,
                                                                                start, length, data):
    with fresh_service(sqlite_template, facility) as service:
        reference = new_action_in(service, start)
        states = [service.get(reference).state]
        for _ in range(length):
            trigger = data.draw(a_trigger(states[-1]), label="trigger")
            actor = data.draw(an_actor(states[-1], trigger), label="actor")
            with_data = data.draw(st.sampled_from([True, True, True, False]), label="with data")
            reason, changes = satisfying(trigger) if with_data else (None, None)
            service.clock.advance(minutes=1)
            before = service.get(reference)
            try:
                service.fire(reference, trigger, actor=actor, reason=reason, changes=changes)
                event(f"fired {trigger}")
            except Refused:
                assert service.get(reference).model_dump() == before.model_dump(), "a refusal wrote something"
            states.append(service.get(reference).state)
        action = service.get(reference)
        history = service.subject_history("action", reference)
    event(f"ended in {action.state}")
    assert_replays(ACTION, history, "register", REQUEST, states)
    # register and each successful fire write one audit row and one version each
    assert action.version == len(history)


def assert_replays(machine, history, creation: str, first: str, states: list[str]) -> None:
    """The laws of a subject's history, for any machine: (1) it replays from its creation to the
    current state along rows of the table; (2) terminal states stay terminal."""
    assert (history[0].trigger, history[0].from_state, history[0].to_state) == (creation, None, first)
    moves = [h for h in history if h.trigger not in ("update", "replan")]
    for previous, entry in zip(moves, moves[1:]):
        assert entry.from_state == previous.to_state, f"{entry.trigger} did not start where {previous.trigger} ended"
        assert any(r.dest == entry.to_state for r in machine.rules_from(entry.from_state, entry.trigger)), \
            f"{entry.from_state} --{entry.trigger}--> {entry.to_state} is not a row of the table"
    assert history[-1].to_state == states[-1]
    ended = next((i for i, entry in enumerate(moves) if entry.to_state in machine.terminal), None)
    if ended is not None:
        assert ended == len(moves) - 1, [h.trigger for h in moves[ended:]]
    first_terminal = next((i for i, s in enumerate(states) if s in machine.terminal), None)
    if first_terminal is not None:
        assert set(states[first_terminal:]) == {states[first_terminal]}


ACTIVITY_DATA = {"postpone": {"start": "2026-07-06", "end": "2026-07-08"}, "prepare": {"city": "Accra"}}
ACTIVITY_ACTORS = ["ana", "jonas", "lea", "marta", "pieter", "sofia"]  # jonas is not the Action's officer


@settings(max_examples=40, deadline=None)
@given(length=st.integers(0, 20), data=st.data())
def test_random_activity_trigger_sequences_keep_its_audit_trail_and_state_consistent(sqlite_template, facility,
                                                                                    length, data):
    from domain.activities import ActivityChanges, ActivityIn

    with fresh_service(sqlite_template, facility) as service:
        reference = new_action_in(service, "implementation")
        service.add_activity(reference, ActivityIn(type="workshop", title="Training", start=date(2026, 6, 1),
                                                   end=date(2026, 6, 3), country="GH"), actor="ana")
        key = f"{reference}/2"
        states = [service.subject("activity", key).state]
        for _ in range(length):
            trigger = data.draw(st.sampled_from(ACTIVITY_MACHINE.available(states[-1]) or ACTIVITY_MACHINE.triggers)
                                | st.sampled_from(ACTIVITY_MACHINE.triggers), label="trigger")
            actor = data.draw(st.sampled_from(ACTIVITY_ACTORS), label="actor")
            changes = ActivityChanges.model_validate(data.draw(st.sampled_from([ACTIVITY_DATA.get(trigger, {}), {}])))
            service.clock.advance(days=data.draw(st.integers(0, 40), label="days later"))
            before = service.subject("activity", key).model_dump()
            try:
                service.transition("activity", key, trigger, actor=actor, reason=data.draw(st.sampled_from(["r", None])),
                                   changes=changes)
                event(f"fired {trigger}")
            except Refused:
                assert service.subject("activity", key).model_dump() == before, "a refusal wrote something"
            states.append(service.subject("activity", key).state)
        history = service.subject_history("activity", key)
    event(f"ended in {states[-1]}")
    assert_replays(ACTIVITY_MACHINE, history, "add", "planned", states)


# -- the machine alone -------------------------------------------------------------------------
ACTIVITY_ROWS = st.builds(SimpleNamespace, title=st.sampled_from(["Workshop", "Study visit"]),
                          state=st.sampled_from(ACTIVITY_MACHINE.states))
FICHES = st.none() | st.just(FICHE) | st.fixed_dictionaries(
    {}, optional={"objective": st.sampled_from(["", "An objective"]),
                  "intervention_logic": st.sampled_from(["", "A logic"])})


def maybe(value) -> st.SearchStrategy:
    """`value` three times in four, else None."""
    return st.sampled_from([value, value, value, None])


SUBJECTS = st.builds(
    SimpleNamespace,
    state=st.sampled_from(ACTION.states),
    reason=st.sampled_from(["r", "r", "r", "", "  ", None]),
    countries=st.lists(st.sampled_from(["GH", "TG", "MA", "SN", "FR"]), min_size=1, max_size=3),
    requester_type=st.sampled_from(list(RequesterType)),
    received_on=st.dates(date(2012, 1, 1), date(2027, 12, 31)),
    project_officer=maybe("ana"),
    forwarded_to=maybe("Migration Partnership Facility"),
    fiche=FICHES,
    psg_comments=maybe("Add a gender analysis"),
    psg_decision_on=maybe(date(2026, 3, 20)),
    monitoring_completed_on=maybe(date(2026, 9, 1)),
    final_report=maybe("https://example.org/report.pdf"),
    lessons_learnt=maybe("Start the logistics early"),
    suspended_from=st.sampled_from(WORKING) | st.none(),
    to=st.none() | st.sampled_from(ACTION.states),
    activities=st.lists(ACTIVITY_ROWS, max_size=3),
    collecting=st.lists(st.sampled_from(["1 Workshop", "2 Training of trainers"]), max_size=1),
)


@settings(max_examples=500, deadline=timedelta(seconds=1))
@given(subject=SUBJECTS, data=st.data())
def test_a_fire_either_moves_along_a_permitted_row_whose_guards_hold_or_leaves_the_state_alone(subject, data):
    source = subject.state
    applicable = st.sampled_from(ACTION.available(source) or ACTION.triggers)
    trigger = data.draw(st.one_of(applicable, applicable, applicable, st.sampled_from(ACTION.triggers)),
                        label="trigger")
    rows = ACTION.rules_from(source, trigger)
    permitted = sorted({role for r in rows for role in r.roles}) or list(Role)
    roles = data.draw(st.frozensets(st.sampled_from(list(Role)), max_size=2)
                      | st.frozensets(st.sampled_from(permitted), min_size=1), label="roles")
    before = dict(vars(subject))
    try:
        dest = ACTION.fire(subject, trigger, label="the Action", roles=list(roles))
    except Refused as refusal:
        assert subject.state == source
        assert vars(subject) == before
        if not rows:
            assert isinstance(refusal, IllegalTransition)
        elif not any(r.roles & roles for r in rows):
            assert isinstance(refusal, NotPermitted)
        event(type(refusal).__name__)
        return
    event("moved")
    assert dest == subject.state
    assert dest in {r.dest for r in rows}
    assert any(r.dest == dest and r.roles & roles
               and all(check(subject) is None for check in (r.when, *r.guards) if check)
               for r in rows), f"{source} --{trigger}--> {dest} although no row's guards all hold"
    assert source not in ACTION.terminal
