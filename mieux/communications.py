"""Communications tasks: the engine drafts a news item when an Action is approved and when it closes.

`Communications` is a spawner of the transition service: the task it returns is added in the same
transaction as the Action's transition, in its machine's first state (states/communication.py),
with a draft made from the fiche and the results (domain/communications.py) and its deadline from
the policy. Everything after that is people's work through `mieux comms`.
"""
from sqlalchemy import func
from sqlmodel import Session, select

from domain.communications import Held, news_draft
from mieux.subjects import COMMUNICATIONS, activities_of
from states.action import CLOSED, IMPLEMENTATION
from store.tables import CommunicationTask

OCCASION = {("approve", IMPLEMENTATION): "approval", ("close", CLOSED): "closure"}
"""The Action's transitions that make a news item, and the occasion each is."""


def draft_news(session: Session, action, event, *, facility: str = "MIEUX") -> list[tuple]:
    """Spawner: the news item an Action's approval or closure makes (once per occasion)."""
    occasion = OCCASION.get((event.trigger, event.dest)) if event.subject == "action" and event.moved else None
    if occasion is None:
        return []
    t = CommunicationTask.__table__
    numbers = session.execute(select(func.max(t.c.number)).where(t.c.action_id == action.id)).scalar() or 0
    done = session.execute(select(func.count()).select_from(t).where(t.c.action_id == action.id,
                                                                    t.c.occasion == occasion)).scalar()
    if done:
        return []
    held = [Held(a.type, a.title, a.state, **{k: int(v) for k, v in (a.participants or {}).items()
                                               if k in ("women", "men", "other")},
                 deliverables=tuple(d["type"] for d in a.deliverables or ()))
            for a in activities_of(session, action.id)]
    title, text = news_draft(occasion, name=action.name, requester=action.requester, countries=action.countries,
                             objective=(action.fiche or {}).get("objective"), activities=held, facility=facility)
    return [(COMMUNICATIONS, {"action_id": action.id, "number": numbers + 1, "occasion": occasion, "title": title,
                              "draft": text})]


def tasks(engine, reference: str | None = None) -> list[tuple[str, CommunicationTask]]:
    """Communications tasks with their keys, oldest first (the newsletters among them); only one
    Action's when `reference` is given."""
    from mieux.subjects import find_action
    from store.db import reading
    from store.tables import Action

    with reading(engine) as session:
        query = select(CommunicationTask, Action.reference).outerjoin(Action, CommunicationTask.action_id == Action.id)
        if reference is not None:
            query = query.where(CommunicationTask.action_id == find_action(session, reference).id)
        return [(f"{ref}/N{task.number}" if ref else f"NL-{task.month}", task) for task, ref in
                session.exec(query.order_by(CommunicationTask.created_at, CommunicationTask.id)).all()]
