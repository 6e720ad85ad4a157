"""The Action service on real stores (SQLite and PostgreSQL): one transaction per change."""
import re
from datetime import date, timezone

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from domain.errors import Conflict, GuardFailed, IllegalTransition, InvalidInput, NotFound, NotPermitted, Refused
from domain.portfolio import HEADER
from domain.schemas import ActionChanges
from mieux.service import ActionService
from states.action import ACTION, STATES
from store.db import transaction
from store.tables import Action, Audit
from tests.helpers import FICHE, STEPS, new_action_in, request

HEADER_LINE = ",".join(HEADER)

# What a person who may fire `trigger` from `state` sends so that its guards hold.
GOOD = {
    ("approval", "reject"): ("psg-devco", "the PSG declined", {"psg_decision_on": "2026-03-20"}),
    "return_fiche": ("psg-home", None, {"psg_comments": "Sharpen the objective"}),
    "resume": ("ana", "the elections are over", {}),
}


def good(state: str, trigger: str) -> tuple[str, str | None, dict]:
    if (state, trigger) in GOOD:
        return GOOD[state, trigger]
    if trigger in GOOD:
        return GOOD[trigger]
    actor, _, reason, changes = STEPS[trigger]
    return actor, reason, changes


def snapshot(service: ActionService, reference: str) -> tuple:
    action = service.get(reference)
    return action.model_dump(exclude={"updated_at"}), len(service.history(reference))


PAIRS = [(s, t) for s in STATES for t in ACTION.triggers]


@pytest.mark.parametrize("state", STATES)
def test_every_trigger_from_every_state_succeeds_when_legal_and_changes_nothing_when_not(service, state):
    for trigger in ACTION.triggers:
        reference = new_action_in(service, state)
        before = snapshot(service, reference)
        actor, reason, changes = good(state, trigger)
        legal = bool(ACTION.rules_from(state, trigger))
        if legal:
            moved = service.fire(reference, trigger, actor=actor, reason=reason,
                                 changes=ActionChanges.model_validate(changes))
            history = service.history(reference)
            assert (history[-1].trigger, history[-1].from_state, history[-1].to_state) == (trigger, state, moved.state)
            assert moved.version == before[0]["version"] + 1
        else:
            with pytest.raises(IllegalTransition, match=f"cannot {trigger} .*: it is in {state}"):
                service.fire(reference, trigger, actor=actor, reason=reason,
                             changes=ActionChanges.model_validate(changes))
            assert snapshot(service, reference) == before


def test_a_refused_guard_keeps_the_state_and_discards_the_payload_sent_with_it(service):
    reference = service.register(request(countries=["SN", "FR"], project_officer=None), actor="ana").reference
    before = snapshot(service, reference)
    with pytest.raises(GuardFailed) as refused:
        service.fire(reference, "accept", actor="ana", changes=ActionChanges(focal_point="someone new"))
    assert refused.value.reasons == ["FR: an EU Member State cannot request MIEUX support",
                                     "no project officer is assigned"]
    assert snapshot(service, reference) == before
    assert service.get(reference).focal_point == "Head of Policy"


def test_a_person_without_the_role_is_refused_and_nothing_is_written(service):
    reference = new_action_in(service, "approval")
    before = snapshot(service, reference)
    with pytest.raises(NotPermitted, match="only a psg_member may, and the acting person is project_officer"):
        service.fire(reference, "approve", actor="ana", changes=ActionChanges(psg_decision_on=date(2026, 3, 20)))
    assert snapshot(service, reference) == before


@pytest.mark.parametrize("actor,changes,refused", [
    ("sofia", {"focal_point": "x"}, "focal_point (only a junior_project_officer or programme_manager or project_officer may)"),
    ("ana", {"psg_decision_on": "2026-03-20"}, "psg_decision_on (only a psg_member may)"),
    ("pieter", {"psg_comments": "fine"}, "psg_comments (only a psg_member may)"),
    ("marta", {"fiche": FICHE, "name": "Ghana III"}, "fiche (only a junior_project_officer or programme_manager or "
                                                      "project_officer may); name"),
])
def test_each_field_needs_its_role_by_hand_and_nothing_is_written_on_refusal(service, actor, changes, refused):
    reference = new_action_in(service, "pre_implementation")
    before = snapshot(service, reference)
    with pytest.raises(NotPermitted, match=re.escape(refused)):
        service.update(reference, ActionChanges.model_validate(changes), actor=actor)
    assert snapshot(service, reference) == before


def test_data_sent_with_a_trigger_needs_the_same_roles_as_an_edit(service):
    reference = new_action_in(service, "pre_implementation")
    before = snapshot(service, reference)
    with pytest.raises(NotPermitted, match=re.escape("psg_decision_on (only a psg_member may) of")):
        service.fire(reference, "suspend", actor="ana", reason="elections",
                     changes=ActionChanges(psg_decision_on=date(2026, 3, 20)))
    assert snapshot(service, reference) == before


def test_the_psg_records_its_own_decision_and_the_knowledge_officer_the_lessons(service):
    reference = new_action_in(service, "approval")
    assert service.update(reference, ActionChanges(psg_comments="noted"), actor="psg-eeas").psg_comments == "noted"
    assert service.update(reference, ActionChanges(lessons_learnt="x"), actor="sofia").lessons_learnt == "x"


def test_resume_of_an_action_imported_on_hold_goes_where_the_person_says_and_is_audited(service, tmp_path):
    from mieux.portfolio import import_portfolio

    path = tmp_path / "p.csv"
    path.write_text(f"{HEADER_LINE}\n2025-07,Togo,Ministry,national_authority,TG,Africa (West),legal_migration,"
                    "2025-05-02,on_hold,\n", encoding="utf-8")
    import_portfolio(service, path, actor="pieter")
    with pytest.raises(GuardFailed, match="say where it goes"):
        service.fire("2025-07", "resume", actor="ana", reason="talks resumed")
    assert service.fire("2025-07", "resume", actor="ana", reason="talks resumed", to="approval").state == "approval"
    assert service.history("2025-07")[-1].payload == {"to": "approval"}


def test_every_transition_is_audited_with_who_when_why_and_payload(service, clock):
    reference = new_action_in(service, "pre_implementation")
    clock.advance(days=2)
    service.fire(reference, "suspend", actor="pieter", reason="elections in the partner country")
    entry = service.history(reference)[-1]
    assert (entry.trigger, entry.from_state, entry.to_state, entry.actor, entry.reason) == (
        "suspend", "pre_implementation", "on_hold", "pieter", "elections in the partner country")
    assert entry.at == clock.now() and entry.at.tzinfo is not None and entry.at.utcoffset().total_seconds() == 0
    action = service.get(reference)
    assert (action.suspended_from, action.state_since) == ("pre_implementation", clock.now())
    resumed = service.fire(reference, "resume", actor="ana", reason="new government confirmed the request")
    assert (resumed.state, resumed.suspended_from) == ("pre_implementation", None)


def test_submitting_the_fiche_records_the_first_submission_time_only(service, clock):
    reference = new_action_in(service, "approval")
    first = service.get(reference).fiche_submitted_at
    clock.advance(days=5)
    service.fire(reference, "return_fiche", actor="psg-home", changes=ActionChanges(psg_comments="more detail"))
    service.fire(reference, "submit_fiche", actor="lea")
    assert service.get(reference).fiche_submitted_at == first


def test_references_follow_the_year_of_receipt_and_are_never_reused(service):
    refs = [service.register(request(received_on=d), actor="ana").reference
            for d in (date(2025, 12, 30), date(2026, 1, 2), date(2025, 11, 3), date(2026, 1, 9))]
    assert refs == ["2025-01", "2026-01", "2025-02", "2026-02"]
    service.fire("2026-02", "withdraw", actor="ana", reason="duplicate letter")
    assert service.register(request(received_on=date(2026, 1, 10)), actor="ana").reference == "2026-03"


def test_the_audit_trail_cannot_be_edited_or_deleted_even_with_raw_sql(service, engine):
    reference = new_action_in(service, "pre_implementation")
    for statement in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"):
        with pytest.raises(Exception, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(statement))
    assert [e.actor for e in service.history(reference)] == ["ana", "ana"]


def test_a_stale_expected_version_is_a_conflict_and_writes_nothing(service):
    reference = new_action_in(service, "pre_implementation")
    version = service.get(reference).version
    service.update(reference, ActionChanges(focal_point="New focal point"), actor="ana", expected_version=version)
    before = snapshot(service, reference)
    with pytest.raises(Conflict, match=f"is at version {version + 1}, not {version}"):
        service.fire(reference, "withdraw", actor="ana", reason="x", expected_version=version)
    assert snapshot(service, reference) == before


def test_updates_are_audited_without_moving_the_action(service):
    reference = new_action_in(service, "pre_implementation")
    updated = service.update(reference, ActionChanges(fiche=FICHE), actor="lea", reason="draft from the partner")
    entry = service.history(reference)[-1]
    assert (entry.trigger, entry.from_state, entry.to_state, entry.actor) == (
        "update", "pre_implementation", "pre_implementation", "lea")
    assert updated.fiche["objective"] == FICHE["objective"]  # the activities it lists become records
    assert [(a.number, a.title, a.state) for a in service.activities(reference)] == [
        (1, "Kick-off workshop", "delivered")]
    with pytest.raises(InvalidInput, match="nothing to change"):
        service.update(reference, ActionChanges(), actor="lea")


@pytest.mark.parametrize("call,error,message", [
    (lambda s: s.get("2099-99"), NotFound, "no Action '2099-99'"),
    (lambda s: s.fire("2026-01", "accept", actor="bob"), NotFound, "unknown person 'bob'"),
    (lambda s: s.register(request(region="Atlantis"), actor="ana"), InvalidInput, "region 'Atlantis' is not one of"),
    (lambda s: s.register(request(project_officer="marta"), actor="ana"), InvalidInput, "marta is not a project officer"),
    (lambda s: s.register(request(received_on=date(2026, 3, 3)), actor="ana"), InvalidInput,
     "received_on: 2026-03-03 is in the future"),
    (lambda s: s.register(request(), actor="sofia"), NotPermitted, "cannot register a request: only a"),
    (lambda s: s.actions(["finished"]), InvalidInput, "unknown state finished"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(service, call, error, message):
    service.register(request(), actor="ana")
    before = snapshot(service, "2026-01")
    with pytest.raises(error, match=message):
        call(service)
    assert snapshot(service, "2026-01") == before


def test_effects_write_in_the_same_transaction_and_observers_hear_after_commit(engine, facility, clock):
    seen, effects_ran = [], []

    def effect(session, action, event):
        effects_ran.append(event.trigger)
        if event.trigger == "withdraw":
            raise RuntimeError("the deadline table is unavailable")
        session.add(Audit(action_id=action.id, subject_id=action.id, at=event.at, trigger="effect", from_state=event.dest,
                          to_state=event.dest, actor="engine"))

    service = ActionService(engine=engine, facility=facility, clock=clock, effects=[effect],
                            observers=[seen.append])
    reference = service.register(request(), actor="ana").reference
    service.fire(reference, "accept", actor="ana")
    assert [e.trigger for e in service.history(reference)] == ["register", "effect", "accept", "effect"]
    assert [(e.trigger, e.source, e.dest) for e in seen] == [("register", None, "request"),
                                                             ("accept", "request", "pre_implementation")]
    with pytest.raises(RuntimeError):
        service.fire(reference, "withdraw", actor="ana", reason="changed their mind")
    assert service.get(reference).state == "pre_implementation"
    assert len(service.history(reference)) == 4 and len(seen) == 2


def test_a_race_lost_without_an_expected_version_is_retried_on_the_fresh_row_and_checked_again(
        engine, facility, clock):
    from sqlalchemy.orm.exc import StaleDataError

    races_to_lose = {"suspend": 2, "withdraw": 99}
    tried = []

    def losing(session, action, event):  # what a concurrent writer committing first looks like
        tried.append((event.trigger, action.state))
        if races_to_lose.get(event.trigger, 0):
            races_to_lose[event.trigger] -= 1
            raise StaleDataError("UPDATE statement on table 'action' expected to update 1 row(s); 0 were matched.")

    service = ActionService(engine=engine, facility=facility, clock=clock, effects=[losing])
    reference = service.register(request(), actor="ana").reference
    assert service.fire(reference, "suspend", actor="ana", reason="elections").state == "on_hold"
    assert tried[1:] == [("suspend", "on_hold")] * 3  # lost twice, won on the third go
    assert [e.trigger for e in service.history(reference)] == ["register", "suspend"]
    with pytest.raises(Conflict, match="changed by someone else at the same time"):
        service.fire(reference, "withdraw", actor="ana", reason="x")
    assert len(tried) == 4 + ActionService.RETRIES
    version = service.get(reference).version
    races_to_lose["resume"] = 1
    with pytest.raises(Conflict):  # asked for a version: told at once
        service.fire(reference, "resume", actor="ana", reason="x", expected_version=version)
    assert (service.get(reference).state, service.get(reference).version) == ("on_hold", version)


def test_times_are_stored_in_utc_and_read_back_aware(service, engine):
    reference = new_action_in(service, "pre_implementation")
    with transaction(engine) as session:
        action = session.exec(select(Action).where(Action.reference == reference)).one()
        assert action.state_since.tzinfo is not None
        assert action.state_since.astimezone(timezone.utc) == action.state_since
        assert session.exec(select(func.count()).select_from(Audit)).one() == 2


def test_a_refused_error_is_a_mieux_error_people_can_read(service):
    reference = new_action_in(service, "closed")
    with pytest.raises(Refused) as refused:
        service.fire(reference, "suspend", actor="ana", reason="x")
    assert str(refused.value) == ("cannot suspend 2026-01 Ghana II: it is in closed, where the triggers are "
                                  "none (it is final)")
