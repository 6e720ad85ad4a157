"""An expert's personal data on real stores: exported whole, and erased so that their name, email
and phone occur nowhere in the database (every table, and the raw SQLite file), while the counts
programme statistics are made of stay the same and the audit trail stays append-only."""
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel, select

from domain.assignments import AssignmentIn
from domain.errors import InvalidInput, NotPermitted
from domain.experts import ExpertIn
from domain.schemas import ActionChanges
from mieux.experts import Roster
from mieux.privacy import erase, export
from store.db import transaction
from store.tables import Assignment, Audit, Erasure, Expert, KnowledgeEntry
from tests.helpers import new_action_in
from tests.integration.test_assignments import activity, wired  # noqa: F401 - the fixture

NAME, EMAIL, PHONE = "Zofia Wiśniewska", "zofia.wisniewska@udsc.gov.pl", "+48 22 555 0101"


def add_experts(engine, facility, clock) -> tuple[str, str]:
    roster = Roster(engine=engine, facility=facility, clock=clock)
    keys = []
    for name, email, phone, sex in ((NAME, EMAIL, PHONE, "woman"), ("Jan Novak", "jan@mvcr.cz", None, "man")):
        row = roster.add(ExpertIn.model_validate({
            "name": name, "email": email, "phone": phone, "sex": sex, "nationality": "PL",
            "category": "eu_member_state_administration", "administration": "Office for Foreigners",
            "administration_country": "PL", "languages": [{"language": "en", "level": "C1"}],
            "themes": ["international_protection"], "keywords": ["asylum procedures"], "cv": f"https://cv/{email}",
            "consent_on": "2026-01-15", "consent_purpose": f"EAR roster ({name})"}), actor="ana")
        keys.append(f"E{row.id}")
    return keys[0], keys[1]


def shown_trail(engine, key):
    return export(engine, key)["audit"]


def counts(engine) -> Counter:
    """What programme statistics count: experts and assignments by category, sex and country."""
    with transaction(engine) as session:
        found = session.exec(select(Expert.category, Expert.sex, Expert.administration_country, Assignment.state)
                             .join(Assignment, Assignment.expert_id == Expert.id, isouter=True)).all()
    return Counter(found)


def occurrences(engine, *values: str) -> list[str]:
    """Where any of `values` (or its JSON escape) occurs in any column of any table."""
    import json

    forms = {f for v in values for f in (v, json.dumps(v)[1:-1])}
    found = []
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                as_text = f'CAST("{column.name}" AS TEXT)'
                for form in forms:
                    hits = connection.execute(text(f'SELECT count(*) FROM "{table.name}" WHERE {as_text} LIKE :p'),
                                              {"p": f"%{form}%"}).scalar()
                    if hits:
                        found.append(f"{table.name}.{column.name}: {form}")
    return found


def test_an_expert_is_exported_whole_then_erased_everywhere_with_the_counts_kept(wired, engine, facility,  # noqa: F811
                                                                                 clock):
    reference = new_action_in(wired, "implementation")
    key = activity(wired, reference)
    zofia, jan = add_experts(engine, facility, clock)
    for who in (zofia, jan):
        wired.propose_expert(key, AssignmentIn(expert=who, working_days=3, fee_per_day="450"), actor="ana")
        wired.transition("assignment", f"{key}/{who}", "invite", actor="ana")
    wired.transition("assignment", f"{key}/{zofia}", "decline", actor="ana", reason=f"{NAME} is on leave ({PHONE})")
    wired.update(reference, ActionChanges(focal_point=f"Head of Policy (introduced by {EMAIL})"), actor="ana",
                 reason=f"{NAME} suggested it")
    with transaction(engine) as session:  # a lesson filed in the knowledge register names her
        session.add(KnowledgeEntry(kind="good_practice", title="Peer review of asylum files",
                                   body=f"{NAME} from the Polish office led the review.", created_at=clock.now(),
                                   created_by="sofia"))

    held = export(engine, zofia)
    assert held["roster"]["name"] == NAME and held["roster"]["phone"] == PHONE
    assert [(a["assignment"], a["state"]) for a in held["assignments"]] == [(f"{key}/{zofia}", "declined")]
    assert [e["trigger"] for e in held["audit"]] == ["add", "propose", "invite", "decline"]
    assert held["audit"][0]["payload"]["phone"] == PHONE  # the roster's own changes are audited
    assert {m["kind"] for m in held["messages"]} == {"assignment.invited"}
    assert occurrences(engine, NAME, EMAIL, PHONE)  # it was there

    before = counts(engine)
    with pytest.raises(NotPermitted, match="only a programme_manager or admin may"):
        erase(engine, zofia, facility=facility, clock=clock, actor="ana")
    changed = erase(engine, zofia, facility=facility, clock=clock, actor="pieter", via="command line")
    assert set(changed) == {"action.focal_point", "alert.data", "audit.payload", "audit.reason",
                            "knowledge_entry.body"}  # values replaced
    assert occurrences(engine, NAME, EMAIL, PHONE) == []
    assert counts(engine) == before
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database)
        raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
        for value in (NAME, EMAIL, PHONE, "wisniewska"):  # the last: a word of the full-text index
            assert value.encode() not in raw and value.encode("unicode_escape") not in raw, value
    assert export(engine, jan)["roster"]["name"] == "Jan Novak"  # nobody else's data changed
    with transaction(engine) as session:
        [erasure] = session.exec(select(Erasure)).all()
        reasons = [a.reason for a in session.exec(select(Audit).order_by(Audit.id))]
    assert (erasure.person, erasure.actor, erasure.via, erasure.closed_at is not None) == (
        zofia, "pieter", "command line", True)
    assert f"{zofia} is on leave ({zofia})" in reasons
    assert [e["trigger"] for e in shown_trail(engine, zofia)][-1] == "erase"
    shown = export(engine, zofia)
    assert shown["roster"]["name"] == f"Erased expert {zofia}" and shown["roster"]["phone"] is None
    assert shown["roster"]["sex"] == "woman" and shown["roster"]["category"] == "eu_member_state_administration"
    with pytest.raises(InvalidInput, match="was erased already"):
        erase(engine, zofia, facility=facility, clock=clock, actor="pieter")


def test_outside_an_erasure_the_audit_trail_still_refuses_every_change(wired, engine, facility, clock):  # noqa: F811
    reference = new_action_in(wired, "request")
    with pytest.raises(DBAPIError, match="append-only"):
        with transaction(engine) as session:
            session.execute(text("UPDATE audit SET reason = 'rewritten' WHERE id = 1"))
    with pytest.raises(DBAPIError, match="append-only"):  # even with an erasure open, the facts stay
        with transaction(engine) as session:
            session.add(Erasure(person="E1", at=clock.now(), actor="pieter", changed={}))
            session.flush()
            session.execute(text("UPDATE audit SET actor = 'someone else' WHERE id = 1"))
    assert [e.actor for e in wired.history(reference)] == ["ana"]


def test_an_old_consent_is_a_reminder_to_the_programme_manager_once_for_each_consent_date(engine, facility, clock):
    from datetime import date

    from domain.experts import ExpertChanges
    from mieux.experts import owe_consent_reminders
    from store.tables import Alert

    zofia, jan = add_experts(engine, facility, clock)
    roster = Roster(engine=engine, facility=facility, clock=clock)
    roster.update(zofia, ExpertChanges(consent_on=date(2024, 1, 10)), actor="ana")  # clock: 2 March 2026

    def remind() -> int:
        return owe_consent_reminders(engine, facility=facility, clock=clock, months=24)

    assert remind() == 1 and remind() == 0  # once for that consent date
    roster.update(zofia, ExpertChanges(consent_on=date(2024, 2, 1)), actor="ana")  # renewed, but still too old
    roster.update(jan, ExpertChanges(consent_on=date(2024, 3, 2)), actor="ana")  # exactly 24 months: not yet
    assert remind() == 1
    with transaction(engine) as session:
        alerts = session.exec(select(Alert).order_by(Alert.id)).all()
    assert [(a.kind, a.action_id, a.subject_kind, a.recipients, a.data["consent_on"]) for a in alerts] == [
        ("expert.consent", None, "expert", ["pieter"], "2024-01-10"),
        ("expert.consent", None, "expert", ["pieter"], "2024-02-01")]
    erase(engine, zofia, facility=facility, clock=clock, actor="pieter")
    roster.update(jan, ExpertChanges(consent_on=date(2024, 1, 5)), actor="ana")
    assert remind() == 1  # Jan's; nobody is reminded of an erased expert's consent
