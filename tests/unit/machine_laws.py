"""The laws every state machine obeys, as tests any machine's test module takes in:

    globals().update(machine_laws(ACTIVITY, subject, BREAK))

`subject(state, **changes)` makes a subject in `state` whose data satisfies every guard; `BREAK`
names, for each guard, the changes that break it (a new guard without an entry fails a test);
`aim(subject, rule)` readies a subject for one rule where the table chooses between rows by a
selector (resume goes back to the state the Action left).
"""
from collections.abc import Callable

import pytest

from domain.errors import GuardFailed, IllegalTransition, NotPermitted
from domain.model import Role
from states.machine import StateMachine

RELATIVE = ["action_officer"]


def machine_laws(machine: StateMachine, subject: Callable, breaks: dict[str, dict],
                 aim: Callable = lambda subject, rule: None) -> dict[str, Callable]:
    """The law tests for `machine`, by name."""
    everyone = [*Role, *RELATIVE]
    pairs = [(state, trigger) for state in machine.states for trigger in machine.triggers]
    guarded = [(rule, guard) for rule in machine.rules for guard in rule.guards]
    one_role = {rule: sorted(rule.roles)[:1] for rule in machine.rules}

    def legal_rule(state: str, trigger: str):
        rules = machine.rules_from(state, trigger)
        return next((r for r in rules if r.when is None or r.when(subject(state)) is None), None)

    @pytest.mark.parametrize("state,trigger", pairs, ids=[f"{s}-{t}" for s, t in pairs])
    def test_every_state_and_trigger_pair_moves_or_is_refused_as_the_table_says(state, trigger):
        thing = subject(state)
        rule = legal_rule(state, trigger)
        if rule is None:
            with pytest.raises(IllegalTransition, match=f"cannot {trigger} the subject: it is in {state}"):
                machine.fire(thing, trigger, label="the subject", roles=everyone)
            assert thing.state == state
        else:
            assert machine.fire(thing, trigger, label="x", roles=one_role[rule]) == rule.dest
            assert thing.state == rule.dest

    @pytest.mark.parametrize("rule,guard", guarded,
                             ids=[f"{r.trigger}-from-{r.source[0]}-{g.__name__}" for r, g in guarded])
    def test_each_guard_refuses_with_its_own_reason_and_the_state_stays(rule, guard):
        state = rule.source[0]
        thing = subject(state, **breaks[guard.__name__])
        aim(thing, rule)
        with pytest.raises(GuardFailed) as refused:
            machine.fire(thing, rule.trigger, label="the subject", roles=one_role[rule])
        assert refused.value.reasons == [guard(thing)]
        assert str(refused.value) == f"cannot {rule.trigger} the subject: {guard(thing)}"
        assert thing.state == state

    @pytest.mark.parametrize("rule", machine.rules, ids=[f"{r.trigger}-to-{r.dest}" for r in machine.rules])
    def test_a_person_without_the_triggers_role_is_refused_and_the_state_stays(rule):
        state = rule.source[0]
        thing = subject(state)
        aim(thing, rule)
        outsider = [r for r in everyone if r not in {x for x in machine.rules_from(state, rule.trigger)
                                                      for x in x.roles}][:1]
        with pytest.raises(NotPermitted, match=f"only a {' or '.join(sorted(rule.roles))} may"):
            machine.fire(thing, rule.trigger, label="x", roles=outsider)
        assert thing.state == state

    def test_every_guard_is_covered_by_a_way_to_break_it():
        assert {g.__name__ for r in machine.rules for g in r.guards} == set(breaks)

    @pytest.mark.parametrize("state", sorted(machine.terminal))
    def test_terminal_states_have_no_way_out(state):
        assert machine.available(state) == []

    def test_the_diagram_is_drawn_from_the_table_with_every_trigger_and_guard():
        text = machine.mermaid()
        assert "stateDiagram-v2" in text
        for rule in machine.rules:
            assert f"{rule.source[0]} --> {rule.dest}: {rule.trigger}" in text
            for guard in rule.guards:
                assert guard.__name__ in text

    def test_its_alerts_name_only_its_own_triggers_and_every_editable_field_has_editors():
        assert set(machine.alerts) <= {*machine.triggers, machine.creation}
        assert not machine.owned & set(machine.editors)

    return {name: value for name, value in locals().items() if name.startswith("test_")}
