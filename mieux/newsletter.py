"""The month's newsletter, prepared for review as a communications task of its own (`NL-2026-11`).

The `newsletter` deployment prepares last month's on the first of each month; the communications
officer (or the programme manager) can prepare one by hand with `mieux comms newsletter [MONTH]`.
A month is prepared once, when it is over: the task is a subject of no Action, in the
communications machine's first state, with its review deadline from the policy and the alert it
owes, all in one transaction (ActionService.create). The words are domain/newsletter.py's.
"""
from datetime import date

from sqlalchemy import select

from domain.errors import Conflict, InvalidInput
from domain.newsletter import (Closed, Coming, last_day, month_name, month_of, newsletter, next_month, place,
                               previous_month)
from domain.schemas import FIRST_YEAR
from mieux.annual import period_figures
from mieux.subjects import find_task
from states.action import CLOSED
from states.activity import CANCELLED
from states.collection import ENGINE
from states.communication import COMMS
from store.db import reading
from store.tables import Action, Activity

OCCASION = "newsletter"


def key_of(first: date) -> str:
    return f"NL-{first:%Y-%m}"


def prepare(service, month: str | None = None, *, actor: str | None, via: str | None = None):
    """Prepare the newsletter of `month` (`2026-11`; default: last month) as `actor`, a communications
    officer or programme manager, or as the engine itself (`actor` None: the schedule; no door
    reaches that). Returns the task; a Conflict if it exists."""
    if actor is None:
        actor = ENGINE
    else:
        service.require(actor, COMMS, "prepare the newsletter")
    today = service.today()
    first = month_of(month) if month else previous_month(today)
    if first.year < FIRST_YEAR:
        raise InvalidInput(f"{first:%Y-%m} is before the programme's first year ({FIRST_YEAR})")
    if last_day(first) >= today:
        raise InvalidInput(f"{month_name(first)} is not over: its newsletter can be prepared from "
                           f"{next_month(first).isoformat()}")
    exists = f"the newsletter of {month_name(first)} exists already: {key_of(first)} (mieux comms show {key_of(first)})"
    if _exists(service.engine, first):
        raise Conflict(exists)
    title, text = newsletter(first, closed=_closed(service.engine, first), coming=_coming(service.engine, first),
                             figures=period_figures(service.engine, first, last_day(first), zone=service.facility.zone),
                             facility=service.facility.name)
    return service.create("communication_task", {"action_id": None, "number": 1, "occasion": OCCASION,
                                                 "month": f"{first:%Y-%m}", "title": title, "draft": text},
                          actor=actor, unique=exists, reason=f"the newsletter of {month_name(first)}", via=via)


def _exists(engine, first: date) -> bool:
    from domain.errors import NotFound

    with reading(engine) as session:
        try:
            find_task(session, key_of(first))
        except NotFound:
            return False
        return True


def _closed(engine, first: date) -> list[Closed]:
    """The Actions that closed in the month (the team's day of closing), in that order."""
    a = Action.__table__
    with reading(engine) as session:
        found = session.execute(select(a.c.name, a.c.requester, a.c.countries)
                                .where(a.c.state == CLOSED, a.c.closed_on >= first, a.c.closed_on <= last_day(first))
                                .order_by(a.c.closed_on, a.c.reference)).all()
    return [Closed(name, requester, tuple(countries)) for name, requester, countries in found]


def _coming(engine, first: date) -> list[Coming]:
    """The activities that start in the month after, unless cancelled."""
    a, t = Action.__table__, Activity.__table__
    start = next_month(first)
    with reading(engine) as session:
        found = session.execute(select(t.c.title, t.c.type, t.c.start, t.c.end, t.c.city, t.c.country, t.c.remote,
                                       a.c.name)
                                .join_from(t, a, t.c.action_id == a.c.id)
                                .where(t.c.start >= start, t.c.start <= last_day(start), t.c.state != CANCELLED)
                                .order_by(t.c.start, t.c.id)).all()
    return [Coming(title, type_, begin, end, place(city, country, remote), action)
            for title, type_, begin, end, city, country, remote, action in found]
