"""Turns a table of transitions into a pytransitions machine that refuses with reasons.

A guard is a plain function `guard(subject) -> str | None`: None when it holds, otherwise the
reason a person reads. Guards do no I/O; they see only the subject (the Action with the
trigger's payload applied). A rule may also have a `when` selector, written like a guard, that
chooses between rows sharing a trigger (resume goes back to the state the Action left).
Order of checks: the trigger exists, it applies in this state, the person holds a role it
needs, then every guard is evaluated so that the refusal lists all that is missing at once.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from transitions import Machine

from domain.errors import GuardFailed, IllegalTransition, NotPermitted

Guard = Callable[[object], str | None]


@dataclass(frozen=True)
class Rule:
    """One row of a transitions table."""

    trigger: str
    source: tuple[str, ...]
    dest: str
    roles: frozenset[str]
    guards: tuple[Guard, ...] = ()
    when: Guard | None = None


def rule(trigger: str, source: str | Iterable[str], dest: str, *, roles: Iterable[str],
         guards: Iterable[Guard] = (), when: Guard | None = None) -> Rule:
    """A row of the table; `source` is a state or several."""
    sources = (source,) if isinstance(source, str) else tuple(source)
    return Rule(trigger, sources, dest, frozenset(roles), tuple(guards), when)


def _condition(guard: Guard) -> Callable:
    def check(event) -> bool:
        return guard(event.model) is None

    check.__name__ = guard.__name__
    return check


def _reasons(guards: Iterable[Guard], subject) -> list[str]:
    return list(dict.fromkeys(r for g in guards if (r := g(subject))))


class StateMachine:
    """A lifecycle: states, rules and the roles each rule needs; one instance serves every subject."""

    def __init__(self, noun: str, states: list[str], rules: list[Rule], *, terminal: Iterable[str]):
        self.noun = noun
        self.states = list(states)
        self.rules = list(rules)
        self.terminal = frozenset(terminal)
        self.triggers = list(dict.fromkeys(r.trigger for r in rules))
        self._machine = Machine(model=None, **self._definition())

    def _definition(self) -> dict:
        transitions = [{"trigger": r.trigger, "source": list(r.source), "dest": r.dest,
                        "conditions": [_condition(g) for g in (r.when, *r.guards) if g]}
                       for r in self.rules]
        return {"states": self.states, "initial": self.states[0], "transitions": transitions,
                "auto_transitions": False, "send_event": True}

    def rules_from(self, state: str, trigger: str | None = None) -> list[Rule]:
        """The rules that leave `state`, optionally only those of one trigger."""
        return [r for r in self.rules
                if state in r.source and (trigger is None or r.trigger == trigger)]

    def available(self, state: str) -> list[str]:
        """Triggers that apply in `state`, in table order."""
        return list(dict.fromkeys(r.trigger for r in self.rules_from(state)))

    def fire(self, subject, trigger: str, *, label: str, roles: Iterable[str]) -> str:
        """Move `subject` by `trigger`, or raise a Refused error naming why; returns the new state.

        `subject.state` is read and, on success only, written by pytransitions.
        """
        if trigger not in self.triggers:
            raise IllegalTransition(f"{trigger!r} is not a trigger of the {self.noun}; "
                                    f"the triggers are {', '.join(self.triggers)}")
        state = subject.state
        candidates = self.rules_from(state, trigger)
        if not candidates:
            allowed = ", ".join(self.available(state)) or "none (it is final)"
            raise IllegalTransition(f"cannot {trigger} {label}: it is in {state}, "
                                    f"where the triggers are {allowed}")
        needed = set().union(*(r.roles for r in candidates))
        if not needed & set(roles):
            raise NotPermitted(f"cannot {trigger} {label}: only a {' or '.join(sorted(needed))} may, "
                               f"and the acting person is {' and '.join(sorted(roles)) or 'without a role'}")
        chosen = [r for r in candidates if r.when is None or r.when(subject) is None]
        if not chosen:
            raise GuardFailed(f"cannot {trigger} {label}: " + "; ".join(
                reasons := _reasons([r.when for r in candidates], subject)), reasons)
        if reasons := _reasons(chosen[0].guards, subject):
            raise GuardFailed(f"cannot {trigger} {label}: {'; '.join(reasons)}", reasons)
        if not self._machine.events[trigger].trigger(subject):
            raise AssertionError(f"pytransitions refused {trigger} from {state} after every guard held")
        return subject.state

    def mermaid(self) -> str:
        """The machine as a Mermaid stateDiagram, drawn by pytransitions from this same table."""
        from transitions.extensions.diagrams import GraphMachine

        class Drawing:
            """A throwaway model: GraphMachine draws only for a model it holds."""

        drawing = Drawing()
        GraphMachine(model=drawing, graph_engine="mermaid", show_conditions=True,
                     title=self.noun, **self._definition())
        return drawing.get_graph().draw(None)
