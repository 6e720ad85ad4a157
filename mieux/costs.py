"""What experts cost: each assignment that holds an expert (not declined or withdrawn) costed on its
activity's place at the DSA rate its contract's date picks (domain.costs), with totals per
activity, per Action and per year (the year the activity starts), exact to the cent."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import select

from config.files import load_model
from domain.costs import ZERO, Cost, RateTable, cost
from domain.errors import ConfigError, InvalidInput
from mieux.subjects import find_action, find_activity
from states.assignment import GONE
from store.db import reading
from store.tables import Action, Activity, Assignment, Expert


def rate_table(path) -> RateTable:
    return load_model(path, RateTable, what="the DSA file", error=ConfigError)


@dataclass(frozen=True)
class Line:
    """One assignment's cost, and what it belongs to."""

    assignment: str
    expert: str
    expert_name: str
    activity: str
    activity_title: str
    action: str
    year: int | None
    state: str
    cost: Cost


def lines(engine, table: RateTable, *, today: date, action: str | None = None, activity: str | None = None,
          year: int | None = None) -> list[Line]:
    """The cost of every assignment in scope (an Action, an activity, a year; or all), in order."""
    query = (select(Assignment, Activity, Action.reference, Expert.name)
             .join(Activity, Assignment.activity_id == Activity.id).join(Action, Assignment.action_id == Action.id)
             .join(Expert, Assignment.expert_id == Expert.id).where(Assignment.state.not_in(GONE))
             .order_by(Action.reference, Activity.number, Assignment.id))
    with reading(engine) as session:
        if activity:
            query = query.where(Assignment.activity_id == find_activity(session, activity).id)
        elif action:
            query = query.where(Assignment.action_id == find_action(session, action).id)
        found = list(session.exec(query))
    result = []
    for row, where, reference, name in found:
        when = where.start.year if where.start else None
        if year is not None and when != year:
            continue
        result.append(Line(f"{reference}/{where.number}/E{row.expert_id}", f"E{row.expert_id}", name,
                           f"{reference}/{where.number}", where.title, reference, when, row.state,
                           cost(working_days=row.working_days, travel_days=row.travel_days, fee_per_day=row.fee_per_day,
                                contract_on=row.contract_on, country=where.country, city=where.city,
                                remote=where.remote, table=table, today=today)))
    return result


def totals(found: list[Line]) -> dict[str, dict]:
    """Totals (fee, DSA, insurance, total) per activity, per Action, per year, and overall."""
    def add(into: dict, key, line: Line) -> None:
        sums = into.setdefault(key, {"fee": ZERO, "dsa": ZERO, "insurance": ZERO, "total": ZERO, "experts": 0,
                                     "estimates": 0})
        c = line.cost
        for part, value in (("fee", c.fee), ("dsa", c.dsa), ("insurance", c.insurance), ("total", c.total)):
            sums[part] += value
        sums["experts"] += 1
        sums["estimates"] += c.estimate

    by: dict[str, dict] = {"activity": {}, "action": {}, "year": {}, "all": {}}
    for line in found:
        add(by["activity"], line.activity, line)
        add(by["action"], line.action, line)
        add(by["year"], line.year if line.year is not None else "undated", line)
        add(by["all"], "all", line)
    return by


def check_scope(action: str | None, activity: str | None, year: int | None) -> None:
    if sum(x is not None for x in (action, activity, year)) > 1:
        raise InvalidInput("give at most one of --action, --activity, --year")


def money(value: Decimal) -> str:
    return f"{value:,.2f}"
