"""The annual report's figures ("2017 at a glance"), computed from the records of one year.

What counts, and by which date (the team's days):
- requests received in the year, by `received_on`, by region, requester type and theme;
- Actions ended in the year by `closed_on`, in the state they ended in (completed = closed,
  rejected, forwarded, withdrawn); Actions open at the year's end (received by then, not ended
  by then) are `ongoing` once the PSG approved them by then (`psg_decision_on`, on an Action the
  PSG did approve: a date recorded before the approval does not count; an Action past approval
  whose decision date was never recorded, as imported history often is, counts as approved), else
  `in_preparation`;
- activities organised: held (delivered or evaluated) and starting in the year, by type, by the
  region of their Action and by month; countries benefited: the partner countries of their
  Actions; deliverables by type; participants by sex (the people registered for an activity's
  forms when there are any, else the counts recorded on the activity);
- experts deployed: distinct people (not assignments) deployed or done on those activities, by
  category, Member State of their administration and sex, and the share from EU Member State
  administrations; the expert pool (experts in the roster) at the year's end and its growth over
  the year;
- the timeline: each Action open at some point of the year, from its receipt (or 1 January) to its
  end (or 31 December).
"""
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from domain.figures import share

HELD = ("delivered", "evaluated")
"""The states of an activity that took place."""
DEPLOYED = ("deployed", "completed")
APPROVED = ("implementation", "monitoring", "closure", "closed")
"""States an Action reaches only once the PSG approved it."""
NOT_APPROVED = ("request", "pre_implementation", "approval", "rejected", "forwarded")
"""States of an Action the PSG has not approved (yet, or ever)."""
ENDED = {"closed": "completed", "rejected": "rejected", "forwarded": "forwarded", "withdrawn": "withdrawn"}
EU_ADMINISTRATION = "eu_member_state_administration"


@dataclass(frozen=True)
class ActionRecord:
    reference: str
    name: str
    received_on: date
    region: str
    requester_type: str
    theme: str
    countries: tuple[str, ...]
    state: str
    closed_on: date | None
    psg_decision_on: date | None


@dataclass(frozen=True)
class ActivityRecord:
    id: int
    type: str
    start: date | None
    state: str
    region: str
    countries: tuple[str, ...]
    participants: dict = field(default_factory=dict)
    """Counts recorded on the activity: women, men, other."""
    registered: dict = field(default_factory=dict)
    """People registered for its forms, counted by sex (woman, man, undisclosed)."""
    deliverables: tuple[str, ...] = ()
    """The type of each deliverable."""


@dataclass(frozen=True)
class DeploymentRecord:
    activity_id: int
    expert_id: int
    state: str
    category: str
    country: str
    sex: str


def compute_annual(year: int, *, actions: Iterable[ActionRecord], activities: Iterable[ActivityRecord],
                   deployments: Iterable[DeploymentRecord], experts_added: Iterable[date],
                   evaluation: dict | None = None) -> dict:
    """Every figure of the year's report; `evaluation` (the forms' headline shares and response
    rates over the forms sent in the year) is added as it is."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    actions = list(actions)
    received = [a for a in actions if first <= a.received_on <= last]
    ended = _ended(actions, first, last)
    open_at_end = [a for a in actions if a.received_on <= last and not (a.closed_on and a.closed_on <= last)]
    held = _held(activities, first, last)
    deployed = _deployed(deployments, held)
    added = sorted(experts_added)
    pool_end = sum(1 for d in added if d <= last)
    pool_start = sum(1 for d in added if d < first)
    women, men, other = _participants(held)
    return {
        "year": year,
        "requests_received": len(received),
        "requests_by_region": _count(a.region for a in received),
        "requests_by_requester_type": _count(a.requester_type for a in received),
        "requests_by_theme": _count(a.theme for a in received),
        "actions": {"completed": ended["completed"], "rejected": ended["rejected"], "forwarded": ended["forwarded"],
                    "withdrawn": ended["withdrawn"],
                    "ongoing": sum(1 for a in open_at_end if _approved_by(a, last)),
                    "in_preparation": sum(1 for a in open_at_end if not _approved_by(a, last))},
        "activities_organised": len(held),
        "activities_by_type": _count(a.type for a in held),
        "activities_by_region": _count(a.region for a in held),
        "activities_by_month": {f"{year}-{m:02d}": sum(1 for a in held if a.start.month == m) for m in range(1, 13)},
        "countries_benefited": sorted({c for a in held for c in a.countries}),
        "deliverables_by_type": _count(t for a in held for t in a.deliverables),
        "participants": {"total": women + men + other, "women": women, "men": men, "other": other,
                         "women_share": share(women, women + men + other),
                         "men_share": share(men, women + men + other)},
        "experts_deployed": len(deployed),
        "experts_by_category": _count(d.category for d in deployed.values()),
        "experts_by_member_state": _count(d.country for d in deployed.values()),
        "experts_by_sex": _count(d.sex for d in deployed.values()),
        "experts_by_category_and_sex": {category: _count(d.sex for d in deployed.values() if d.category == category)
                                        for category in _count(d.category for d in deployed.values())},
        "experts_from_eu_administrations_share": share(
            sum(1 for d in deployed.values() if d.category == EU_ADMINISTRATION), len(deployed)),
        "timeline": [{"reference": a.reference, "name": a.name, "from": max(a.received_on, first).isoformat(),
                      "to": min(a.closed_on or last, last).isoformat(), "state": a.state}
                     for a in sorted(actions, key=lambda a: (a.received_on, a.reference))
                     if a.received_on <= last and not (a.closed_on and a.closed_on < first)],
        "expert_pool": {"at_year_end": pool_end, "added_in_year": pool_end - pool_start,
                        "growth": share(pool_end - pool_start, pool_start)},
        **({"evaluation": evaluation} if evaluation is not None else {}),
    }


def compute_period(first: date, last: date, *, actions: Iterable[ActionRecord], activities: Iterable[ActivityRecord],
                   deployments: Iterable[DeploymentRecord]) -> dict:
    """The figures of a shorter period (a month, for the newsletter), counted as the year's are:
    requests received, Actions completed, activities held (by type), countries benefited,
    participants by sex, experts deployed (distinct people)."""
    actions = list(actions)
    held = _held(activities, first, last)
    women, men, other = _participants(held)
    return {"from": first.isoformat(), "to": last.isoformat(),
            "requests_received": sum(1 for a in actions if first <= a.received_on <= last),
            "actions_completed": _ended(actions, first, last)["completed"],
            "activities_held": len(held), "activities_by_type": _count(a.type for a in held),
            "countries_benefited": sorted({c for a in held for c in a.countries}),
            "participants": {"total": women + men + other, "women": women, "men": men, "other": other},
            "experts_deployed": len(_deployed(deployments, held))}


def _ended(actions: list[ActionRecord], first: date, last: date) -> Counter:
    """Actions ended between two days, by how they ended (completed, rejected ...)."""
    return Counter(ENDED[a.state] for a in actions if a.closed_on and first <= a.closed_on <= last
                   and a.state in ENDED)


def _held(activities: Iterable[ActivityRecord], first: date, last: date) -> list[ActivityRecord]:
    """The activities that took place and started between two days."""
    return [a for a in activities if a.state in HELD and a.start and first <= a.start <= last]


def _deployed(deployments: Iterable[DeploymentRecord], held: list[ActivityRecord]) -> dict[int, DeploymentRecord]:
    """The distinct experts deployed on those activities, by expert id."""
    held_ids = {a.id for a in held}
    return {d.expert_id: d for d in deployments if d.activity_id in held_ids and d.state in DEPLOYED}


def _approved_by(action: ActionRecord, day: date) -> bool:
    if action.psg_decision_on is not None:  # a date the PSG recorded before approving does not approve it
        return action.psg_decision_on <= day and action.state not in NOT_APPROVED
    return action.state in APPROVED


def _participants(held: list[ActivityRecord]) -> tuple[int, int, int]:
    """Women, men and others who took part: registered people where an activity has them, else its counts."""
    women = men = other = 0
    for a in held:
        if a.registered:
            women, men = women + a.registered.get("woman", 0), men + a.registered.get("man", 0)
            other += sum(n for sex, n in a.registered.items() if sex not in ("woman", "man"))
        else:
            women, men = women + a.participants.get("women", 0), men + a.participants.get("men", 0)
            other += a.participants.get("other", 0)
    return women, men, other


def _count(labels: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(labels).items(), key=lambda kv: (-kv[1], kv[0])))
