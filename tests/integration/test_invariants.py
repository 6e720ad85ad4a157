"""The invariants the fault tests check after every kill (mieux/invariants.py) see what they must:
a sound store has no broken promise, and each kind of damage is named."""
from datetime import datetime, timezone

from sqlalchemy import text

from config.settings import Settings
from domain.schemas import ActionChanges
from mieux.bootstrap import bootstrap
from mieux.invariants import broken_promises
from store.db import transaction
from tests.helpers import new_action_in


def test_one_of_two_alerts_owed_in_the_same_instant_missing_is_a_broken_promise(database_url, clock):
    clock.set(datetime(2026, 3, 2, 8, tzinfo=timezone.utc))  # and it stands still: every act in one instant
    app = bootstrap(Settings(database_url=database_url), clock=clock)
    reference = new_action_in(app.service, "approval")  # the fiche submitted once...
    app.service.fire(reference, "return_fiche", actor="psg-devco",
                     changes=ActionChanges.model_validate({"psg_comments": "Name the partner's focal point"}))
    app.service.fire(reference, "submit_fiche", actor="lea")  # ...and again, in the same instant
    policy = app.policy
    assert broken_promises(app.engine, policy) == []
    with transaction(app.engine) as session:  # an alert lost (as a half-written change would lose it)
        session.execute(text("DELETE FROM alert WHERE id = (SELECT max(id) FROM alert WHERE kind = 'fiche.submitted')"))
    problems = broken_promises(app.engine, policy)
    assert len(problems) == 1 and "owes fiche.submitted 2 times, 1 missing" in problems[0], problems
    with transaction(app.engine) as session:  # a state the audit does not explain
        session.execute(text("UPDATE action SET state = 'implementation'"))
    assert any("is implementation, its audit says approval" in p for p in broken_promises(app.engine, policy))
    app.engine.dispose()
