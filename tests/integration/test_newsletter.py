"""The month's newsletter on real stores: a communications task of no Action, prepared once the month
is over from the Actions that closed in it, the activities coming up in the next month and the
month's figures; its review deadline fires and its alert goes out by email like any other; it is
reviewed and published through the same pipeline as a news item, without a partner's approval."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from domain.activities import ActivityIn
from domain.communications import CommunicationChanges
from domain.errors import Conflict, GuardFailed, InvalidInput, NotPermitted
from mieux.newsletter import prepare
from store.db import reading
from store.tables import Alert, Audit, CommunicationTask, Deadline, Timer
from tests.helpers import new_action_in
from tests.integration.test_evaluation import app  # noqa: F401 - the fixture

APRIL_FIRST = datetime(2026, 4, 1, 5, 0, tzinfo=timezone.utc)  # 07:00 in Brussels


def add(app, reference, title, start, **fields) -> str:
    number = app.service.add_activity(reference, ActivityIn.model_validate(
        {"type": "training", "title": title, "start": start, "end": start + timedelta(days=2), **fields}),
        actor="ana").number
    return f"{reference}/{number}"


def test_a_months_newsletter_tells_what_closed_what_comes_and_the_figures_and_names_no_one(app, clock):  # noqa: F811
    closed = new_action_in(app.service, "closed", focal_point="Ms Ama Mensah, Head of Policy")  # closes on 2 March
    ongoing = new_action_in(app.service, "implementation", name="Peru labour migration",
                            received_on=date(2026, 3, 1))
    add(app, ongoing, "Training of border officers", date(2026, 4, 14), city="Lima", country="PE")
    cancelled = add(app, ongoing, "Study visit to Lisbon", date(2026, 4, 20))
    app.service.transition("activity", cancelled, "cancel", actor="ana", reason="the partner asked")
    add(app, ongoing, "Drafting session", date(2026, 5, 4))  # not next month's

    with pytest.raises(InvalidInput, match="March 2026 is not over: its newsletter can be prepared from 2026-04-01"):
        prepare(app.service, "2026-03", actor="sofia")
    clock.set(APRIL_FIRST)
    with pytest.raises(NotPermitted, match="cannot prepare the newsletter"):
        prepare(app.service, actor="lea")
    task = prepare(app.service, actor="sofia")  # last month's

    assert (task.month, task.occasion, task.state, task.action_id) == ("2026-03", "newsletter", "drafted", None)
    assert task.title == "MIEUX newsletter: March 2026"
    assert "- Ghana II, with Ghana Immigration Service (Ghana)" in task.draft
    assert "Coming up in April 2026\n- 14-16 Apr: Training of border officers (training, Lima, Peru), part of " \
           "Peru labour migration\n\n" in task.draft  # not the cancelled one, nor May's
    assert "- 1 new request for support" in task.draft and "- 1 Action completed" in task.draft
    assert "Ama Mensah" not in task.draft and "funded by the European Union" in task.draft
    assert app.service.subject("communication_task", "NL-2026-03").id == task.id

    with pytest.raises(Conflict, match="the newsletter of March 2026 exists already: NL-2026-03"):
        prepare(app.service, "2026-03", actor="sofia")
    with reading(app.engine) as session:
        assert len(session.exec(select(CommunicationTask).where(CommunicationTask.occasion == "newsletter")).all()) == 1
        deadline = session.exec(select(Deadline).where(Deadline.subject_kind == "communication_task",
                                                       Deadline.subject_id == task.id)).one()
        drafted = session.exec(select(Alert).where(Alert.kind == "communication.drafted",
                                                   Alert.subject_id == task.id)).one()
        audit = session.exec(select(Audit).where(Audit.subject_kind == "communication_task",
                                                 Audit.subject_id == task.id)).one()
    assert (deadline.kind, deadline.status, deadline.action_id) == ("newsletter_review", "pending", None)
    assert deadline.due_at.date() == date(2026, 4, 9)  # five working days: Easter Monday is not one
    assert drafted.recipients == ["sofia"] and drafted.action_id is None and "of_action" not in drafted.data
    assert (audit.trigger, audit.actor, audit.action_id, audit.to_state) == ("draft", "sofia", None, "drafted")


def test_its_overdue_review_reaches_the_team_by_email_then_it_is_published_without_a_partner(app, clock, smtp):  # noqa: F811
    clock.set(APRIL_FIRST)
    prepare(app.service, actor=None)  # the schedule: the engine itself
    app.outbox.dispatch()
    drafted = [m for m in smtp.inbox if "Newsletter to review: MIEUX newsletter: March 2026" in m.subject]
    assert drafted and "The engine prepared the month's newsletter" in drafted[0].part("plain")
    smtp.inbox.clear()

    clock.set(datetime(2026, 4, 7, 8, 0, tzinfo=timezone.utc))
    app.fire_all_due()  # the reminder, two working days before
    clock.set(datetime(2026, 4, 9, 16, 0, tzinfo=timezone.utc))
    app.fire_all_due()  # due
    app.outbox.dispatch()
    with reading(app.engine) as session:
        fired = session.exec(select(Alert).where(Alert.kind.like("newsletter_review.%")).order_by(Alert.id)).all()
        assert session.exec(select(Timer).where(Timer.status == "pending", Timer.action_id.is_(None))).all() == []
    assert [(a.kind, a.action_id) for a in fired] == [("newsletter_review.reminder", None),
                                                       ("newsletter_review.due", None)]
    overdue = {r: m for m in smtp.inbox for r in m.recipients
               if m.subject.endswith("OVERDUE: newsletter review (NL-2026-03 MIEUX newsletter: March 2026)")}
    assert set(overdue) == {"sofia.rossi@mieux.example", "pieter.janssens@mieux.example"}
    assert "mieux comms fire NL-2026-03 review" in overdue["sofia.rossi@mieux.example"].part("plain")
    assert "Ask the communications officer" in overdue["pieter.janssens@mieux.example"].part("plain")

    app.service.transition("communication_task", "NL-2026-03", "review", actor="sofia")
    with pytest.raises(GuardFailed) as refused:
        app.service.transition("communication_task", "NL-2026-03", "publish", actor="sofia")
    assert "eu_funding_acknowledged" in str(refused.value) and "partner_approved" not in str(refused.value)
    app.service.edit("communication_task", "NL-2026-03", CommunicationChanges(eu_funding_acknowledged=True),
                     actor="sofia")
    assert app.service.transition("communication_task", "NL-2026-03", "publish", actor="sofia").state == "published"
    with reading(app.engine) as session:
        assert session.exec(select(Deadline).where(Deadline.kind == "newsletter_review")).one().status == "missed"


def test_a_month_can_be_named_and_a_bad_one_is_refused_by_name(app, clock):  # noqa: F811
    clock.set(APRIL_FIRST)
    assert prepare(app.service, "2026-01", actor="sofia").title == "MIEUX newsletter: January 2026"
    for bad, said in (("2026-13", "is not a month"), ("March", "is not a month"),
                      ("2026-04", "April 2026 is not over")):
        with pytest.raises(InvalidInput, match=said):
            prepare(app.service, bad, actor="sofia")
    with reading(app.engine) as session:
        assert [t.month for t in session.exec(select(CommunicationTask))] == ["2026-01"]
