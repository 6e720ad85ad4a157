"""Turns a table of transitions into a pytransitions machine that refuses with reasons.

A guard is a plain function `guard(subject) -> str | None`: None when it holds, otherwise the
reason a person reads. Guards do no I/O; they see only the subject (the Action with the
trigger's payload applied). A rule may also have a `when` selector, written like a guard, that
chooses between rows sharing a trigger (resume goes back to the state the Action left).
Order of checks: the trigger exists, it applies in this state, the person holds a role it
needs, then every guard is evaluated so that the refusal lists all that is missing at once.

A machine also says who may change its subject's data by hand: `owned` fields are its own
bookkeeping (the state, where an Action on hold returns to) and are never set by hand, and
`editors` names the roles that may set each other field, by hand or as a trigger's payload;
`bookkeeping(subject, source, dest, at, today)` is what a transition records besides the state
(`at` the moment, in UTC; `today` the team's date then); and
`alerts` are what its transitions owe people, keyed by trigger (the creation trigger included).
"""
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from transitions import Machine

from domain.errors import GuardFailed, IllegalTransition, InvalidInput, NotPermitted

Guard = Callable[[object], str | None]


@dataclass(frozen=True)
class Owes:
    """The alert a transition owes: its kind (which names its template), who is told, and the
    facts it carries, copied when the transition happens (the outbox never looks them up)."""

    alert: str
    tell: tuple[str, ...]
    facts: tuple[str, ...] = ()


FACT = re.compile(r"^(?:(action|activity|deadline|link)\.)?[a-z][a-z0-9_]*$")
"""A fact: a field of the subject (`psg_comments`), of a subject it belongs to (`action.name`,
`activity.start`), the due moment of one of the subject's pending deadlines
(`deadline.psg_decision`), or of the link a person answers through (`link.nonce`, never the
token: the outbox derives that when it sends)."""


def owes(alert: str, tell: Iterable[str], *, facts: Iterable[str] = ()) -> Owes:
    """The alert a trigger owes to `tell` (roles or person ids), carrying `facts` (see FACT)."""
    facts = tuple(dict.fromkeys(facts))
    wrong = [f for f in facts if not FACT.match(f)]
    if wrong:
        raise ValueError(f"{alert}: {', '.join(wrong)}: a fact is a field, action.<field>, activity.<field>, "
                         "link.<field> or deadline.<kind>")
    return Owes(alert, tuple(tell), facts)


def _no_bookkeeping(subject, source: str, dest: str, at, today=None) -> None:
    subject.state_since = at


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

    def __init__(self, noun: str, states: list[str], rules: list[Rule], *, terminal: Iterable[str],
                 owned: Iterable[str] = ("state",), editors: dict[str, Iterable[str]] | None = None,
                 kind: str | None = None, creation: str = "add", bookkeeping: Callable = _no_bookkeeping,
                 alerts: dict[str, Owes] | None = None, follow_ons: dict[str, tuple[str, str]] | None = None):
        self.noun = noun
        self.follow_ons = dict(follow_ons or {})
        """trigger -> (kind, trigger) the engine fires on the subject's parent of that kind in the same
        transaction, when the parent is where that trigger applies (a closed collection evaluates its activity)."""
        self.kind = kind or noun.lower().replace(" ", "_")
        self.creation = creation
        self.bookkeeping = bookkeeping
        self.alerts = dict(alerts or {})
        self.states = list(states)
        self.rules = list(rules)
        self.terminal = frozenset(terminal)
        self.owned = frozenset(owned)
        self.editors = {name: frozenset(roles) for name, roles in (editors or {}).items()}
        self.triggers = list(dict.fromkeys(r.trigger for r in rules))
        self.roles = frozenset().union(*(r.roles for r in self.rules), *self.editors.values())
        """Every role the machine names (a role relative to the subject counts only where named)."""
        self._machine = Machine(model=None, **self._definition(guards=False))
        """What fires: it chooses between rows of one trigger by their `when`; `fire` has checked
        every guard before it asks (all of them, so that a refusal gives every reason at once)."""
        self._from: dict[tuple[str, str], list[Rule]] = {}

    def _definition(self, *, guards: bool = True) -> dict:
        transitions = [{"trigger": r.trigger, "source": list(r.source), "dest": r.dest,
                        "conditions": [_condition(g) for g in (r.when, *(r.guards if guards else ())) if g]}
                       for r in self.rules]
        return {"states": self.states, "initial": self.states[0], "transitions": transitions,
                "auto_transitions": False, "send_event": True}

    def rules_from(self, state: str, trigger: str | None = None) -> list[Rule]:
        """The rules that leave `state`, optionally only those of one trigger."""
        if trigger is not None:  # every transition asks twice: looked up once per (state, trigger)
            found = self._from.get((state, trigger))
            if found is None:
                found = self._from[state, trigger] = [r for r in self.rules_from(state) if r.trigger == trigger]
            return list(found)
        return [r for r in self.rules if state in r.source]

    def available(self, state: str) -> list[str]:
        """Triggers that apply in `state`, in table order."""
        return list(dict.fromkeys(r.trigger for r in self.rules_from(state)))

    def next_steps(self, state: str) -> dict[str, list[str]]:
        """What can be done from `state`: each trigger, in table order, with the roles that may fire it."""
        return {t: sorted({role for r in self.rules_from(state, t) for role in r.roles}) for t in self.available(state)}

    def fire(self, subject, trigger: str, *, label: str, roles: Iterable[str]) -> str:
        """Move `subject` by `trigger`, or raise a Refused error naming why; returns the new state.

        `subject.state` is read and, on success only, written by pytransitions.
        """
        state = subject.state
        candidates = self.applicable(state, trigger, label=label, roles=roles)
        chosen = [r for r in candidates if r.when is None or r.when(subject) is None]
        if not chosen:
            raise GuardFailed(f"cannot {trigger} {label}: " + "; ".join(
                reasons := _reasons([r.when for r in candidates], subject)), reasons)
        if reasons := _reasons(chosen[0].guards, subject):
            raise GuardFailed(f"cannot {trigger} {label}: {'; '.join(reasons)}", reasons)
        if not self._machine.events[trigger].trigger(subject):
            raise AssertionError(f"pytransitions refused {trigger} from {state} after every guard held")
        return subject.state

    def applicable(self, state: str, trigger: str, *, label: str, roles: Iterable[str]) -> list[Rule]:
        """The rules `trigger` may take from `state` for a person with `roles`, or IllegalTransition or
        NotPermitted saying why none (the checks that need no data: before any is applied)."""
        if trigger not in self.triggers:
            import difflib

            near = difflib.get_close_matches(trigger.lower().replace("-", "_"), self.triggers, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise IllegalTransition(f"{trigger!r} is not a trigger of the {self.noun}; "
                                    f"the triggers are {', '.join(self.triggers)}{hint}")
        candidates = self.rules_from(state, trigger)
        if not candidates:
            allowed = ", ".join(self.available(state)) or "none (it is final)"
            raise IllegalTransition(f"cannot {trigger} {label}: it is in {state}, "
                                    f"where the triggers are {allowed}")
        needed = set().union(*(r.roles for r in candidates))
        if not needed & set(roles):
            raise NotPermitted(f"cannot {trigger} {label}: only a {' or '.join(sorted(needed))} may, "
                               f"and the acting person is {' and '.join(sorted(roles)) or 'without a role'}")
        return candidates

    def check_fields(self, fields: Iterable[str], *, label: str) -> None:
        """Refuse, naming them, fields the machine keeps itself or that are no field at all."""
        fields = sorted(set(fields))
        owned = [f for f in fields if f in self.owned]
        if owned:
            raise InvalidInput(f"{', '.join(owned)} of {label}: kept by the {self.noun}'s state machine, "
                               "never set by hand; fire a trigger instead")
        unknown = [f for f in fields if f not in self.editors]
        if unknown:
            raise InvalidInput(f"{', '.join(unknown)}: not a field of the {self.noun} that can be changed; "
                               f"the fields are {', '.join(sorted(self.editors))}")

    def check_edit(self, fields: Iterable[str], *, label: str, roles: Iterable[str]) -> None:
        """Refuse, naming every field at once, unless the person may set each of `fields` by hand."""
        if not fields:
            return
        self.check_fields(fields, label=label)
        fields, roles = sorted(set(fields)), set(roles)
        refused = [f"{f} (only a {' or '.join(sorted(self.editors[f]))} may)" for f in fields
                   if not self.editors[f] & roles]
        if refused:
            raise NotPermitted(f"cannot change {'; '.join(refused)} of {label}: the acting person is "
                               f"{' and '.join(sorted(roles)) or 'without a role'}")

    def mermaid(self) -> str:
        """The machine as a Mermaid stateDiagram, drawn by pytransitions from this same table."""
        from transitions.extensions.diagrams import GraphMachine

        class Drawing:
            """A throwaway model: GraphMachine draws only for a model it holds."""

        drawing = Drawing()
        GraphMachine(model=drawing, graph_engine="mermaid", show_conditions=True,
                     title=self.noun, **self._definition())
        return drawing.get_graph().draw(None)
