"""Communications tasks on real stores: approving an Action drafts a news item from its fiche for
the communications officer, with its review deadline; closing it drafts the results; neither names
a person; the item is reviewed, checked and published through the generic subject pipeline."""
import pytest
from sqlmodel import select

from domain.errors import GuardFailed, NotPermitted
from domain.communications import CommunicationChanges
from store.db import reading
from store.tables import Alert, CommunicationTask, Deadline
from tests.helpers import new_action_in
from tests.integration.test_evaluation import app  # noqa: F401 - the fixture


def test_approval_drafts_a_news_item_for_the_communications_officer_with_its_deadline(app):  # noqa: F811
    reference = new_action_in(app.service, "implementation", focal_point="Ms Ama Mensah, Head of Policy")
    task = app.service.subject("communication_task", f"{reference}/N1")
    assert (task.occasion, task.state, task.title) == ("approval", "drafted",
                                                       "New MIEUX Action with Ghana Immigration Service: Ghana II")
    assert "funded by the European Union" in task.draft and "Ama Mensah" not in task.draft  # no one's name
    with reading(app.engine) as session:
        deadline = session.exec(select(Deadline).where(Deadline.subject_kind == "communication_task")).one()
        alert = session.exec(select(Alert).where(Alert.kind == "communication.drafted")).one()
    assert (deadline.kind, deadline.status) == ("news_review", "pending")
    assert alert.recipients == ["sofia"] and alert.data["occasion"] == "approval"

    with pytest.raises(NotPermitted):
        app.service.transition("communication_task", f"{reference}/N1", "review", actor="lea")
    app.service.transition("communication_task", f"{reference}/N1", "review", actor="sofia")
    with reading(app.engine) as session:
        assert session.get(Deadline, deadline.id).status == "met"
    with pytest.raises(GuardFailed, match="the visibility checklist is not done"):
        app.service.transition("communication_task", f"{reference}/N1", "publish", actor="sofia")
    app.service.edit("communication_task", f"{reference}/N1",
                     CommunicationChanges(eu_funding_acknowledged=True, partner_approved=True,
                                          published_url="https://mieux.example/news/ghana-ii"), actor="sofia")
    assert app.service.transition("communication_task", f"{reference}/N1", "publish",
                                  actor="sofia").state == "published"
    with reading(app.engine) as session:
        published = session.exec(select(Alert).where(Alert.kind == "communication.published")).one()
    assert published.recipients == ["ana"] and published.data["published_url"].endswith("ghana-ii")


def test_closing_drafts_the_results_as_a_task_of_its_own(app):  # noqa: F811
    reference = new_action_in(app.service, "closed")
    with reading(app.engine) as session:
        tasks = session.exec(select(CommunicationTask).order_by(CommunicationTask.number)).all()
    assert [(t.number, t.occasion) for t in tasks] == [(1, "approval"), (2, "closure")]
    assert tasks[1].title == "Ghana II: results of the MIEUX Action with Ghana Immigration Service"
    assert "has closed" in tasks[1].draft
    assert app.service.subject("communication_task", f"{reference}/N2").state == "drafted"
