"""The communications task machine on its own: the laws of every machine, the visibility checklist
that holds publication back, and who may do what."""
from types import SimpleNamespace

import pytest

from domain.communications import Held, news_draft
from domain.errors import GuardFailed, NotPermitted
from states.communication import COMMUNICATION_TASK
from tests.unit.machine_laws import machine_laws


def subject(state: str, **changes) -> SimpleNamespace:
    return SimpleNamespace(**{"state": state, "reason": "the partner asked", "title": "News", "draft": "Text",
                              "eu_funding_acknowledged": True, "partner_approved": True, "photos_consented": None,
                              "occasion": "approval", "changed": frozenset(), **changes})


BREAK = {"reason_given": {"reason": ""}, "visibility_checked": {"partner_approved": False},
         "text_written": {"draft": "  "}}

globals().update(machine_laws(COMMUNICATION_TASK, subject, BREAK))


@pytest.mark.parametrize("changes, missing", [
    ({"eu_funding_acknowledged": False}, "the EU's funding is acknowledged"),
    ({"photos_consented": False}, "everyone in the photos consented"),
    ({"partner_approved": False, "eu_funding_acknowledged": False}, "funding is acknowledged (eu_funding_acknowledged); "
                                                                    "the partner approved"),
])
def test_nothing_is_published_before_its_visibility_checklist_is_done(changes, missing):
    with pytest.raises(GuardFailed, match=missing.replace("(", r"\(").replace(")", r"\)")):
        COMMUNICATION_TASK.fire(subject("reviewed", **changes), "publish", label="x", roles=["communications_officer"])
    assert COMMUNICATION_TASK.fire(subject("reviewed", photos_consented=True), "publish", label="x",
                                   roles=["communications_officer"]) == "published"


def test_a_newsletter_needs_no_partners_approval_but_the_rest_of_its_checklist():
    newsletter = subject("reviewed", occasion="newsletter", partner_approved=False)
    assert COMMUNICATION_TASK.fire(newsletter, "publish", label="x", roles=["communications_officer"]) == "published"
    with pytest.raises(GuardFailed) as refused:
        COMMUNICATION_TASK.fire(subject("reviewed", occasion="newsletter", partner_approved=False,
                                        eu_funding_acknowledged=False), "publish", label="x",
                                roles=["communications_officer"])
    assert "eu_funding_acknowledged" in str(refused.value) and "partner" not in str(refused.value)


def test_the_action_officer_may_send_an_item_back_but_not_publish_it():
    assert COMMUNICATION_TASK.fire(subject("reviewed"), "revise", label="x", roles=["action_officer"]) == "drafted"
    with pytest.raises(NotPermitted):
        COMMUNICATION_TASK.fire(subject("reviewed"), "publish", label="x", roles=["action_officer"])


ACTIVITIES = [Held("workshop", "Kick-off", "evaluated", women=12, men=9, deliverables=("strategy",)),
              Held("training", "Training of trainers", "delivered", women=5, men=6, other=1,
                   deliverables=("manual", "strategy")),
              Held("study_visit", "Visit to Lisbon", "cancelled", women=3)]


def test_the_closure_news_tells_the_results_counted_from_the_activities_that_took_place():
    title, text = news_draft("closure", name="Ghana II", requester="Ghana Immigration Service", countries=["GH"],
                             objective="Support the labour migration strategy.", activities=ACTIVITIES)
    assert title == "Ghana II: results of the MIEUX Action with Ghana Immigration Service"
    assert "2 activities took place, with 33 participants (17 women, 15 men)." in text  # not the cancelled visit
    assert "It produced: manual, strategy." in text and "Its objective: Support the labour migration strategy." in text


def test_the_approval_news_lists_the_planned_activities_and_says_who_funds_it():
    title, text = news_draft("approval", name="Ghana II", requester="Ghana Immigration Service", countries=["GH", "TG"],
                             objective=None, activities=ACTIVITIES[:1])
    assert title == "New MIEUX Action with Ghana Immigration Service: Ghana II"
    assert "(Ghana, Togo)" in text and "Planned activities: Kick-off (workshop)." in text
    assert text.endswith("The Action is funded by the European Union.")
