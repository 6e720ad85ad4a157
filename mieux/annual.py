"""The annual report: the year's records read from the store, turned into figures by domain/annual.py.

Reads a handful of columns per table in a few statements whatever the size of the programme (no
row is loaded as an ORM object); the evaluation figures are those of the forms sent in the year
(mieux.evaluation.Evaluation.period).
"""
from datetime import date

from sqlalchemy import func, select

from domain.annual import ActionRecord, ActivityRecord, DeploymentRecord, compute_annual, compute_period
from domain.errors import InvalidInput
from domain.schemas import FIRST_YEAR, LAST_YEAR
from store.db import reading
from store.tables import Action, Activity, Assignment, Expert, Participant


def annual_report(engine, year: int, *, zone, evaluation=None) -> dict:
    """The figures of `year` (see domain/annual.py); `evaluation`: the engine's mieux.evaluation.Evaluation."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(f"{year} is not a year the programme can have records of ({FIRST_YEAR}-{LAST_YEAR})")
    first, last = date(year, 1, 1), date(year, 12, 31)
    actions, activities, deployments, added = records(engine, first, last, zone=zone)
    return compute_annual(
        year, actions=actions, activities=activities, deployments=deployments, experts_added=added,
        evaluation=_evaluation(evaluation.period(first, last)) if evaluation is not None else None)


def period_figures(engine, first: date, last: date, *, zone) -> dict:
    """The figures of a shorter period, a month for the newsletter (domain.annual.compute_period)."""
    actions, activities, deployments, _ = records(engine, first, last, zone=zone)
    return compute_period(first, last, actions=actions, activities=activities, deployments=deployments)


def records(engine, first: date, last: date, *, zone) -> tuple[list[ActionRecord], list[ActivityRecord],
                                                                list[DeploymentRecord], list[date]]:
    """Every Action; the activities starting between two days, with their participants and
    deployments; the day each expert joined the roster (the team's days)."""
    a, t, s, e, p = (Action.__table__, Activity.__table__, Assignment.__table__, Expert.__table__,
                     Participant.__table__)
    with reading(engine) as session:
        connection = session.connection()
        actions = {row.id: row for row in connection.execute(select(
            a.c.id, a.c.reference, a.c.name, a.c.received_on, a.c.region, a.c.requester_type, a.c.theme, a.c.countries, a.c.state,
            a.c.closed_on, a.c.psg_decision_on))}
        activities = connection.execute(select(t.c.id, t.c.action_id, t.c.type, t.c.start, t.c.state,
                                               t.c.participants, t.c.deliverables)
                                        .where(t.c.start >= first, t.c.start <= last)).all()
        ids = [row.id for row in activities]
        registered: dict[int, dict] = {}
        deployments = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for activity_id, sex, count in connection.execute(
                    select(p.c.activity_id, p.c.sex, func.count()).where(p.c.activity_id.in_(chunk))
                    .group_by(p.c.activity_id, p.c.sex)):
                registered.setdefault(activity_id, {})[sex] = count
            deployments += [DeploymentRecord(*row) for row in connection.execute(
                select(s.c.activity_id, s.c.expert_id, s.c.state, e.c.category, e.c.administration_country, e.c.sex)
                .join_from(s, e, s.c.expert_id == e.c.id).where(s.c.activity_id.in_(chunk)))]
        added = [moment.astimezone(zone).date() if moment.tzinfo else moment.date()
                 for moment in connection.execute(select(e.c.created_at)).scalars()]
    return ([ActionRecord(r.reference, r.name, r.received_on, r.region, r.requester_type, r.theme, tuple(r.countries),
                          r.state, r.closed_on, r.psg_decision_on) for r in actions.values()],
            [ActivityRecord(r.id, r.type, r.start, r.state, actions[r.action_id].region,
                            tuple(actions[r.action_id].countries), r.participants or {},
                            registered.get(r.id, {}), tuple(d["type"] for d in r.deliverables or ()))
             for r in activities],
            deployments, added)


def _evaluation(period: dict) -> dict:
    """The forms' figures of the year as the annual report shows them: the headline shares, how
    many collections sent forms, and the response rates by form."""
    inner = period.pop("evaluation")
    return {**period, **inner}
