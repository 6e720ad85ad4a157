"""An expert answers their invitation through their own link, on real stores and a real mail server:
the invitation email carries the link (for the expert only), the link opens the mission and its
terms, one answer counts (accept or decline, with a word), and a link whose assignment no longer
awaits an answer opens nothing."""
import re

import pytest
from sqlmodel import select

from mieux.subjects import find_assignment
from store.db import reading
from store.tables import Alert, Audit, InvitationLink
from tests.helpers import new_action_in
from tests.integration.test_assignments import activity, expert, propose
from tests.integration.test_evaluation import app  # noqa: F401 - the fixture

ANSWER_AT = "http://forms.example/i/"


def invited(app, email="maria.garcia@interior.es") -> tuple[str, str]:  # noqa: F811
    """An expert invited to an activity of a new Action; returns the assignment's key and the expert."""
    reference = new_action_in(app.service, "implementation")
    key = activity(app.service, reference)
    who = expert(app.engine, app.facility, app.clock, email=email)
    propose(app.service, key, who)
    app.service.transition("assignment", f"{key}/{who}", "invite", actor="ana")
    return f"{key}/{who}", who


def answer_link(smtp, email: str) -> str:
    for mail in smtp.inbox:
        if mail.recipients == [email] and (found := re.search(re.escape(ANSWER_AT) + r"([A-Za-z0-9_-]{43})",
                                                              mail.part("html") or "")):
            return found.group(1)
    raise AssertionError(f"no answer link was sent to {email}")


def test_the_expert_accepts_through_the_link_in_the_invitation_once(app, smtp):  # noqa: F811
    key, who = invited(app)
    app.outbox.dispatch()
    token = answer_link(smtp, "maria.garcia@interior.es")
    invitation = next(m for m in smtp.inbox if m.recipients == ["maria.garcia@interior.es"]).part("html")
    assert "accept or decline through your own link below" in invitation
    with reading(app.engine) as session:
        stored = session.exec(select(InvitationLink)).one()
        alert = session.exec(select(Alert).where(Alert.kind == "assignment.invited")).one()
    assert token not in str(alert.data) and stored.token_hash != token  # the token itself is never stored

    page = app.invitations.page(token)
    assert (page.expert, page.activity, page.place, page.working_days, page.fee_per_day) == (
        "Maria Garcia", "Training of border officers", "Accra, GH", 3, "450.00")
    assert app.invitations.answer(token, "maybe").startswith("invalid: choose")
    assert app.invitations.answer(token, "accept", "Glad to") == "accepted"
    assert app.invitations.answer(token, "decline") == "unavailable"  # once
    assert app.invitations.page(token) is None
    with reading(app.engine) as session:
        assignment = find_assignment(session, key)
        trail = session.exec(select(Audit).where(Audit.subject_kind == "assignment").order_by(Audit.id)).all()[-1]
        accepted = session.exec(select(Alert).where(Alert.kind == "assignment.accepted")).one()
    assert assignment.state == "accepted"
    assert accepted.recipients == ["ana", "marta"]  # the officer sends the contract, logistics gets ready
    assert (trail.trigger, trail.actor, trail.via, trail.reason) == ("accept", who, "link", "Glad to")


def test_a_decline_tells_the_officer_and_an_answer_recorded_by_the_officer_ends_the_link(app, smtp):  # noqa: F811
    key, _ = invited(app)
    other, _ = invited(app, email="jan.novak@mv.cz")
    app.outbox.dispatch()
    first, second = answer_link(smtp, "maria.garcia@interior.es"), answer_link(smtp, "jan.novak@mv.cz")
    assert app.invitations.answer(first, "decline", "On leave that week") == "declined"
    with reading(app.engine) as session:
        declined = session.exec(select(Alert).where(Alert.kind == "assignment.declined")).one()
    assert declined.recipients == ["ana"] and declined.data["reason"] == "On leave that week"
    assert "form_url" not in declined.data

    app.service.transition("assignment", other, "accept", actor="ana")  # the officer recorded it by phone
    assert app.invitations.page(second) is None
    assert app.invitations.answer(second, "decline") == "unavailable"


@pytest.mark.parametrize("token", ["", "x" * 43, "../../etc/passwd", "A" * 500])
def test_an_unknown_or_malformed_link_opens_nothing(app, token):  # noqa: F811
    assert app.invitations.page(token) is None and app.invitations.answer(token, "accept") == "unavailable"


def test_a_link_whose_activity_was_cancelled_opens_nothing(app, smtp):  # noqa: F811
    key, _ = invited(app)
    app.outbox.dispatch()
    token = answer_link(smtp, "maria.garcia@interior.es")
    app.service.transition("activity", key.rpartition("/")[0], "cancel", actor="ana", reason="the partner's elections")
    assert app.invitations.page(token) is None and app.invitations.answer(token, "decline") == "unavailable"
