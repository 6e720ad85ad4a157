"""Load the deadline policy and check it against the machine and the facility at start-up."""
from datetime import time
from pathlib import Path

from config.facility import Facility
from config.files import load_model
from domain.calendar import BusinessCalendar
from domain.deadlines import Policy
from domain.errors import ConfigError
from domain.model import Role
from states.machine import StateMachine

DEFAULT_DEADLINES = Path(__file__).with_name("deadlines.yaml")


def load_policy(path: Path, *, facility: Facility, machine: StateMachine | None = None,
                machines: dict[str, StateMachine] | None = None,
                anchors: dict[str, set[str]] | None = None,
                relations: dict[str, set[str]] | None = None,
                fields: dict[str, set[str]] | None = None) -> Policy:
    """Read, validate and cross-check the policy; every problem is named with its place.

    Each rule is checked against the machine of its subject (`machines`, by kind; `machine` alone
    means the Action's), when `anchors` is given its anchor against the dates that subject has, and
    whom it tells against the roles, the facility's people and the people its subject names by
    relation (`relations`: an assignment's `expert`), and when `fields` is given, what its `where`
    selects on against the fields that subject has."""
    policy = load_model(path, Policy, what="the deadline policy", error=ConfigError)
    machines = machines or {"action": machine}
    problems = []
    people = {p.id for p in facility.people}
    for n, rule in enumerate(policy.deadlines):
        where = f"deadlines.{n} ({rule.kind})"
        subject = machines.get(rule.subject)
        if subject is None:
            problems.append(f"{where}.subject: unknown subject {rule.subject!r}; the subjects are {', '.join(machines)}")
            continue
        problems += [f"{where}.live_in: unknown state {s!r}" for s in rule.live_in if s not in subject.states]
        problems += [f"{where}.met_by: unknown trigger {t!r}" for t in rule.met_by if t not in subject.triggers]
        if anchors is not None and rule.anchor not in anchors.get(rule.subject, set()):
            problems.append(f"{where}.anchor: {rule.subject} has no date {rule.anchor!r}; it has "
                            f"{', '.join(sorted(anchors.get(rule.subject, set())))}")
        if fields is not None:
            problems += [f"{where}.where: {rule.subject} has no field {name!r}" for name in rule.where
                         if name not in fields.get(rule.subject, set())]
        related = (relations or {}).get(rule.subject, set())
        for notice in [*rule.reminders, rule.on_due, *rule.escalations]:
            problems += [f"{where}: tell {who!r} is neither a role nor a person of the facility"
                         + (f" nor one the {rule.subject} names ({', '.join(sorted(related))})" if related else "")
                         for who in notice.tell if who not in Role.__members__ and who not in people
                         and who not in related]
    try:
        calendar(policy, facility)
    except (NotImplementedError, KeyError, ValueError) as error:
        problems.append(f"calendar: {error}")
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    return policy


def calendar(policy: Policy, facility: Facility) -> BusinessCalendar:
    """The office calendar the policy describes, in the facility's time zone."""
    hours, minutes = map(int, policy.calendar.notify_at.split(":"))
    return BusinessCalendar(zone=facility.zone, country=policy.calendar.country,
                            subdivision=policy.calendar.subdivision, closures=policy.calendar.closures,
                            notify_at=time(hours, minutes))
