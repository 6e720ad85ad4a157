"""The roster in the store, on SQLite and PostgreSQL: imports are all or nothing, emails unique,
changes versioned, and only the people who keep the roster may change it."""
import pytest
from sqlmodel import select

from domain.errors import Conflict, ImportRejected, InvalidInput, NotFound, NotPermitted
from domain.experts import HEADER, ExpertChanges, ExpertIn
from mieux.experts import Roster
from store.db import reading
from store.tables import Expert
from tests.unit.test_roster_csv import GOOD


@pytest.fixture
def roster(engine, facility, clock):
    return Roster(engine=engine, facility=facility, clock=clock)


def write(tmp_path, *rows: str):
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([",".join(HEADER), *rows]) + "\n", encoding="utf-8")
    return path


def stored(engine) -> list[Expert]:
    with reading(engine) as session:
        return list(session.exec(select(Expert).order_by(Expert.id)))


def test_an_import_with_one_bad_row_imports_nothing_and_a_good_one_imports_all(roster, engine, tmp_path):
    portugal = GOOD.replace("Ana Müller", "João Silva").replace("ana@bmi.de", "joao@aima.pt").replace(",DE,", ",PT,")
    with pytest.raises(ImportRejected):
        roster.import_file(write(tmp_path, GOOD, portugal, GOOD.replace("ana@bmi.de", "nope")), actor="ana")
    assert stored(engine) == []
    assert roster.import_file(write(tmp_path, GOOD, portugal), actor="ana") == 2
    assert [(e.name, e.nationality) for e in stored(engine)] == [("Ana Müller", "DE"), ("João Silva", "PT")]
    with pytest.raises(ImportRejected) as again:  # the same people again: refused by email, whatever its case
        roster.import_file(write(tmp_path, GOOD.replace("ana@bmi.de", "ANA@bmi.de")), actor="ana")
    assert again.value.problems == ["line 2, column email: ANA@bmi.de is already in the roster as E1"]
    assert len(stored(engine)) == 2


def test_experts_are_found_by_theme_language_category_and_country(roster, tmp_path):
    academic = (GOOD.replace("Ana Müller", "Eva Bauer").replace("ana@bmi.de", "eva@univie.ac.at")
                .replace("eu_member_state_administration", "academia").replace(",DE,en:C2 de:native,", ",AT,fr:B2,")
                .replace("legal_migration;horizontal", "international_protection"))
    roster.import_file(write(tmp_path, GOOD, academic), actor="ana")
    assert [e.name for e in roster.find()] == ["Ana Müller", "Eva Bauer"]
    assert [e.name for e in roster.find(language="FR")] == ["Eva Bauer"]
    assert [e.name for e in roster.find(theme="horizontal")] == ["Ana Müller"]
    assert [e.name for e in roster.find(category="academia", country="at")] == ["Eva Bauer"]
    assert roster.find(country="PT") == []


def test_changes_are_versioned_refused_on_a_stale_version_and_keep_emails_unique(roster, engine, tmp_path):
    roster.import_file(write(tmp_path, GOOD), actor="ana")
    other = roster.add(ExpertIn.model_validate({
        "name": "Piet de Vries", "email": "piet@ind.nl", "sex": "man", "nationality": "NL",
        "category": "eu_member_state_administration", "administration": "IND", "administration_country": "NL",
        "languages": [{"language": "nl", "level": "native"}], "themes": ["irregular_migration"],
        "consent_on": "2026-11-02", "consent_purpose": "EAR roster"}), actor="lea")
    changed = roster.update("e1", ExpertChanges(phone="+49 30 9999"), actor="pieter")
    assert (changed.phone, changed.version) == ("+49 30 9999", 2)
    with pytest.raises(Conflict, match="at version 2, not 1"):
        roster.update("E1", ExpertChanges(phone="+49 30 1111"), actor="ana", expected_version=1)
    with pytest.raises(InvalidInput, match="PIET@ind.nl is already in the roster as E2"):
        roster.update("E1", ExpertChanges(email="PIET@ind.nl"), actor="ana")
    with pytest.raises(InvalidInput, match="nothing to change"):
        roster.update("E1", ExpertChanges(), actor="ana")
    assert roster.get(f"E{other.id}").name == "Piet de Vries"
    assert [e.phone for e in stored(engine)] == ["+49 30 9999", None]


def test_only_the_people_who_keep_the_roster_may_change_it_and_unknown_experts_are_named(roster, tmp_path):
    with pytest.raises(NotPermitted, match="cannot import experts: only a programme_manager"):
        roster.import_file(write(tmp_path, GOOD), actor="psg-devco")
    with pytest.raises(NotFound, match="no expert E404"):
        roster.get("E404")
    with pytest.raises(InvalidInput, match="like E17"):
        roster.get("Ana Müller")


def test_experts_are_recipients_an_alert_naming_one_is_emailed_to_them(sqlite_url, clock, channels_file, smtp, tmp_path):
    from config.settings import Settings
    from mieux.bootstrap import bootstrap
    from store import rows
    from store.db import transaction
    from tests.helpers import request

    path, secrets = channels_file
    app = bootstrap(Settings(database_url=sqlite_url, channels_file=path, secrets_file=secrets), clock=clock)
    try:
        app.roster.import_file(write(tmp_path, GOOD), actor="ana")
        action = app.service.register(request(), actor="ana")
        app.outbox.dispatch()
        smtp.inbox.clear()
        with transaction(app.engine) as session:  # what an invitation will owe (the assignments part)
            rows.add_alert(session, action_id=action.id, subject_kind="action", subject_id=action.id,
                           kind="action.approved", source="test:expert", recipients=["E1", "E99"], urgent=True,
                           created_at=clock.now(), data={"reference": action.reference, "name": action.name,
                                                         "state": "implementation", "psg_decision_on": None,
                                                         "fiche_submitted_at": None})
        done = app.outbox.dispatch()
    finally:
        app.engine.dispose()
    assert [m.recipients for m in smtp.inbox] == [["ana@bmi.de"]]
    assert done.sent == 1 and done.failed == 1  # E99 is nobody: a visible failure, not a silent drop
