"""The evaluation collection machine on its own: the laws of every machine, and who closes it."""
from types import SimpleNamespace

import pytest

from domain.errors import GuardFailed, NotPermitted
from states.collection import EVALUATION_COLLECTION
from tests.unit.machine_laws import machine_laws


def subject(state: str, **changes) -> SimpleNamespace:
    return SimpleNamespace(**{"state": state, "reason": "the partner's elections", "by_engine": False,
                              "changed": frozenset(), **changes})


BREAK = {"reason_given_by_a_person": {"reason": " "}}

globals().update(machine_laws(EVALUATION_COLLECTION, subject, BREAK))


def test_the_clock_closes_a_collection_without_a_reason_a_person_closing_it_early_gives_one():
    assert EVALUATION_COLLECTION.fire(subject("open", reason=None, by_engine=True), "close", label="x",
                                      roles=["engine"]) == "closed"
    with pytest.raises(GuardFailed, match="give a reason"):
        EVALUATION_COLLECTION.fire(subject("open", reason=None), "close", label="x", roles=["action_officer"])


def test_a_logistics_assistant_may_not_close_an_evaluation():
    with pytest.raises(NotPermitted):
        EVALUATION_COLLECTION.fire(subject("open"), "close", label="x", roles=["logistics_assistant"])


def test_closing_a_collection_evaluates_its_activity():
    assert EVALUATION_COLLECTION.follow_ons == {"close": ("activity", "evaluate")}
