"""Experts answer their invitation to an activity through their own link: accept or decline.

Inviting an expert (the assignment's `invite`) makes an invitation link, whose token the
invitation email carries (rendered at send time, like a form link's: notifications/links.py). The
link opens a page with the mission and its terms; the answer fires `accept` or `decline` on the
assignment as the expert (`E17`, holding only the `invited_expert` role, by the `link` door), in
one transaction with the link's use, so an answer counts once. A link whose assignment is no
longer invited (answered by the officer meanwhile, withdrawn), whose activity no longer goes ahead, or
that is unknown opens nothing.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, select

from sqlalchemy.orm.exc import StaleDataError

from domain.errors import Conflict, Refused
from domain.schemas import text_problem
from mieux.subjects import ASSIGNMENTS, activity_of, action_of
from notifications.links import SHAPE, FormLinks, digest, new_nonce
from states.assignment import INVITED, INVITED_EXPERT, OPEN_ACTIVITY
from store import rows
from store.db import reading, transaction
from store.tables import Activity, Assignment, Expert, InvitationLink

REASON_MAX = 1000
"""The longest reason an expert may give for declining."""
ANSWERS = ("accept", "decline")


@dataclass(frozen=True)
class Invitation:
    """What an invitation link opens: the mission, as the expert reads it."""

    expert: str
    activity: str
    of_action: str
    start: date | None
    end: date | None
    place: str
    working_days: int | None
    travel_days: int | None
    fee_per_day: str | None


class Invitations:
    """Invitation links: made when an expert is invited, answered through the web."""

    def __init__(self, *, engine, links: FormLinks, service):
        self.engine, self.links, self.service = engine, links, service

    def __call__(self, session: Session, row, event) -> None:
        """Effect: an expert invited now gets their link (before the invitation alert is written,
        which carries its nonce)."""
        if event.subject == "assignment" and event.trigger == "invite" and event.moved:
            nonce = new_nonce()
            session.add(InvitationLink(assignment_id=row.id, nonce=nonce, token_hash=self.links.token_hash(nonce),
                                       created_at=event.at))
            session.flush()

    def page(self, token: str) -> Invitation | None:
        """The invitation a link opens, or None (unknown, answered, or no longer awaiting an answer)."""
        with reading(self.engine) as session:
            found = _link(session, token)
            if found is None:
                return None
            link, assignment = found
            activity, action = activity_of(session, assignment), action_of(session, assignment)
            expert = session.get(Expert, assignment.expert_id)
            place = "online" if activity.remote else ", ".join(filter(None, [activity.city, activity.country]))
            return Invitation(expert.name, activity.title, f"{action.reference} {action.name}", activity.start,
                              activity.end, place, assignment.working_days, assignment.travel_days,
                              assignment.fee_per_day)

    def answer(self, token: str, choice: str, reason: str = "") -> str:
        """Accept or decline through a link: `accepted`, `declined`, `unavailable`, or `invalid: why`."""
        reason = reason.replace("\r\n", "\n").strip()
        if choice not in ANSWERS:
            return "invalid: choose whether you accept or decline"
        if len(reason) > REASON_MAX or (reason and text_problem(reason, lines=True)):
            return f"invalid: the comment must be plain text of at most {REASON_MAX} characters"
        now = self.service.clock.now()
        try:
            with transaction(self.engine) as session:
                found = _link(session, token)
                if found is None:
                    return "unavailable"
                link, assignment = found
                claimed = session.exec(update(InvitationLink).where(InvitationLink.id == link.id,
                                                                    InvitationLink.answered_at.is_(None))
                                       .values(answered_at=now).execution_options(synchronize_session=False)).rowcount
                if claimed != 1:  # answered meanwhile, by a submission that got here first
                    return "unavailable"
                events = self.service.fire_as(session, ASSIGNMENTS.name, assignment, choice,
                                              actor=f"E{assignment.expert_id}", roles={INVITED_EXPERT},
                                              reason=reason or None, via="link")
        except Refused as refused:  # a guard says no (the activity closed meanwhile): nothing is stored
            return f"invalid: {refused}"
        except (StaleDataError, Conflict):  # the officer recorded an answer at the same moment: theirs stands
            return "unavailable"
        self.service.notify(*events)
        return "accepted" if choice == "accept" else "declined"


def _link(session: Session, token: str):
    """The unanswered link a token opens and its assignment (read with Core, as a transition saves
    it), while the assignment awaits the answer."""
    if not SHAPE.match(token or ""):
        return None
    link = session.exec(select(InvitationLink).where(InvitationLink.token_hash == digest(token))).first()
    if link is None or link.answered_at is not None:
        return None
    table = Assignment.__table__
    values = session.execute(select(table).where(table.c.id == link.assignment_id)).first()
    assignment = rows.loaded(Assignment, dict(values._mapping))
    activity = session.get(Activity, assignment.activity_id)
    return (link, assignment) if assignment.state == INVITED and activity.state in OPEN_ACTIVITY else None
