"""The knowledge register on SQLite (FTS5) and PostgreSQL (tsvector): a closing Action files its
lessons and deliverables in the same transaction; search finds a lesson by a word of its body
(stemmed), ranks a title match first, filters by theme, region, activity type and year, and
stays in step after an edit and an erasure."""
import pytest
from sqlalchemy import text, update
from sqlmodel import select

from domain.activities import ActivityChanges
from domain.errors import InvalidInput, NotPermitted
from domain.schemas import ActionChanges
from store.db import reading, transaction
from store.tables import KnowledgeEntry
from tests.helpers import new_action_in
from tests.integration.test_evaluation import app  # noqa: F401 - the fixture

LESSONS = ("Involving the statistics office from the first workshop made the labour migration strategy "
           "easier to monitor; translating the handbooks early saved weeks.")


def closed_with_lessons(app) -> str:  # noqa: F811
    reference = new_action_in(app.service, "closure")
    app.service.edit("activity", f"{reference}/1", ActivityChanges.model_validate(
        {"deliverables": [{"type": "manual", "title": "Handbook for labour inspectors"}]}), actor="ana")
    app.service.edit("action", reference, ActionChanges(lessons_learnt=LESSONS, final_report="Done."), actor="ana")
    app.service.fire(reference, "close", actor="ana")
    return reference


def test_a_closing_action_files_its_lessons_and_deliverables_and_search_finds_them(app, tmp_path):  # noqa: F811
    reference = closed_with_lessons(app)
    with reading(app.engine) as session:
        filed = session.exec(select(KnowledgeEntry).order_by(KnowledgeEntry.id)).all()
    assert [(e.kind, e.title) for e in filed] == [("lessons_learnt", "Lessons learnt: Ghana II"),
                                                  ("deliverable", "Handbook for labour inspectors")]
    assert {(e.theme, e.region) for e in filed} == {("legal_migration", "Africa (West)")}

    hits = app.knowledge.search("translating handbook")  # stemmed: translating / handbooks
    assert [h.kind for h in hits] == ["lessons_learnt"] and "[" in hits[0].passage
    assert hits[0].reference == reference
    both = app.knowledge.search("handbook")
    assert [h.title for h in both][0] == "Handbook for labour inspectors"  # the title match first
    assert len(both) == 2
    assert app.knowledge.search("handbook", theme="horizontal") == []
    assert [h.kind for h in app.knowledge.search("handbook", activity_type=filed[1].activity_type)] == ["deliverable"]
    assert app.knowledge.search("handbook", year=filed[0].year + 1) == []


def test_the_index_follows_an_edit_and_an_erasure(app):  # noqa: F811
    closed_with_lessons(app)
    with transaction(app.engine) as session:
        session.exec(update(KnowledgeEntry).where(KnowledgeEntry.kind == "lessons_learnt")
                     .values(body="Seconded officials from Lisbon shared their case management practice."))
    assert app.knowledge.search("statistics") == []
    assert [h.kind for h in app.knowledge.search("seconded officials")] == ["lessons_learnt"]
    with transaction(app.engine) as session:  # what an erasure does: the name replaced in every text column
        session.exec(text("UPDATE knowledge_entry SET body = replace(body, 'Lisbon', 'E17')"))
    assert app.knowledge.search("Lisbon") == [] and len(app.knowledge.search("E17")) == 1


def test_case_studies_are_the_knowledge_officers_and_bad_searches_say_what_is_wrong(app, tmp_path):  # noqa: F811
    entry = app.knowledge.add(kind="case_study", title="Diaspora bonds in Cabo Verde",
                              body="How remittances were channelled into local development.", actor="sofia",
                              theme="migration_development", year=2024)
    assert [h.id for h in app.knowledge.search("remittance")] == [entry]
    with pytest.raises(NotPermitted):
        app.knowledge.add(kind="case_study", title="x", body="y", actor="marta")
    with pytest.raises(InvalidInput, match="--kind: 'lessons_learnt' is not one of good_practice, case_study"):
        app.knowledge.add(kind="lessons_learnt", title="x", body="y", actor="sofia")
    with pytest.raises(InvalidInput, match="--region: 'Atlantis' is not a region of the facility file"):
        app.knowledge.add(kind="case_study", title="x", body="y", actor="sofia", region="Atlantis")
    with pytest.raises(InvalidInput, match="give some words"):
        app.knowledge.search(" ,;' ")
    with pytest.raises(InvalidInput, match="--theme: 'sport' is not one of"):
        app.knowledge.search("bonds", theme="sport")
    assert app.knowledge.search('bonds" OR "x') == []  # the words are words, never query syntax
