"""`mieux programme export`: every record out as one CSV per kind, records naming each other by
their own keys (which all resolve), on SQLite and PostgreSQL; no participant is named anywhere."""
import csv
import io
import json

import pytest
from sqlmodel import select

from domain.activities import ActivityIn
from domain.errors import InvalidInput, NotPermitted
from domain.programme import FILES
from mieux.programme import export_programme
from store.db import reading
from store.tables import FormLink
from tests.integration.test_assignments import expert, propose
from tests.integration.test_evaluation import GOOD, app, delivered_activity, register  # noqa: F401 - app: fixture


def read(folder, name) -> list[dict]:
    text = (folder / name).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0].split(",") == FILES[name]
    return rows


def test_the_programme_goes_out_as_one_file_per_kind_whose_keys_all_resolve(app, tmp_path, clock):  # noqa: F811
    key = delivered_activity(app)
    register(app, tmp_path, key, people=3)
    who = expert(app.engine, app.facility, app.clock)
    reference = key.split("/")[0]
    other = app.service.add_activity(reference, ActivityIn(
        type="workshop", title="Second workshop", start=clock.now().date(), end=clock.now().date(), country="GH",
        city="Accra", deliverables=[{"type": "manual", "title": "Handbook"}]), actor="ana").number
    propose(app.service, f"{reference}/{other}", who)
    clock.advance(days=1)
    app.fire_all_due()
    with reading(app.engine) as session:
        first = session.exec(select(FormLink).order_by(FormLink.id)).first()
    assert app.evaluation.submit(app.links.token(first.nonce), GOOD).outcome == "stored"

    written = export_programme(app.engine, tmp_path / "out", zone=app.facility.zone)
    folder = tmp_path / "out"
    assert list(written) == list(FILES) and not list(folder.glob(".*.partial"))
    rows = {name: read(folder, name) for name in FILES}
    assert {name: len(r) for name, r in rows.items()} == written
    actions = {r["reference"] for r in rows["actions.csv"]}
    activities = {f"{r['action']}/{r['number']}" for r in rows["activities.csv"]}
    collections = {r["collection"] for r in rows["collections.csv"]}
    assert {r["action"] for r in rows["activities.csv"]} <= actions
    assert {r["activity"] for r in rows["deliverables.csv"]} <= activities and rows["deliverables.csv"][0]["title"] \
        == "Handbook"
    assert [(r["activity"], r["expert"], r["status"]) for r in rows["assignments.csv"]] == [
        (f"{reference}/{other}", "maria.garcia@interior.es", "proposed")]
    assert {r["email"] for r in rows["experts.csv"]} == {"maria.garcia@interior.es"}
    assert f"{key}/C" in collections and {r["collection"] for r in rows["invitations.csv"]} <= collections
    [answer] = rows["answers.csv"]
    assert answer["collection"] == f"{key}/C" and json.loads(answer["answers"])["skills_enhanced"] == 4
    assert [r["answered"] for r in rows["invitations.csv"]] == ["yes", "no", "no"]
    everything = "".join((folder / name).read_text(encoding="utf-8") for name in FILES if name != "experts.csv")
    assert "partner.example" not in everything and "Participant 1" not in everything  # nobody who answered


def test_a_folder_that_cannot_be_written_is_one_clear_error(app, tmp_path):  # noqa: F811
    (tmp_path / "taken").write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(InvalidInput, match="cannot write the programme into"):
        export_programme(app.engine, tmp_path / "taken", zone=app.facility.zone)


@pytest.fixture
def empty(database_url, tmp_path, clock, channels_file, request):
    """A second engine on a fresh store of the same kind, for the programme to come into."""
    from config.settings import DEFAULT_FACILITY, Settings
    from mieux.bootstrap import bootstrap
    from tests.conftest import fresh_database_url

    channels, secrets = channels_file
    (tmp_path / "second").mkdir()
    url = fresh_database_url("postgresql" if database_url.startswith("postgresql") else "sqlite", request,
                             tmp_path / "second")
    other = bootstrap(Settings(data_dir=tmp_path / "data-2", database_url=url, facility_file=DEFAULT_FACILITY,
                               channels_file=channels, secrets_file=secrets, link_secret="j" * 40), clock=clock)
    yield other
    other.engine.dispose()


def programme_with_history(app, tmp_path, clock) -> str:  # noqa: F811
    """An activity delivered, evaluated (one answer after a reminder) and closed; an expert on another."""
    key = delivered_activity(app)
    register(app, tmp_path, key, people=2)
    who = expert(app.engine, app.facility, app.clock)
    reference = key.split("/")[0]
    other = app.service.add_activity(reference, ActivityIn(
        type="workshop", title="Second workshop", start=clock.now().date(), end=clock.now().date(), country="GH",
        city="Accra", deliverables=[{"type": "manual", "title": "Handbook"}]), actor="ana").number
    propose(app.service, f"{reference}/{other}", who)
    clock.advance(days=8)
    app.fire_all_due()
    with reading(app.engine) as session:
        first = session.exec(select(FormLink).order_by(FormLink.id)).first()
    assert app.evaluation.submit(app.links.token(first.nonce), GOOD).outcome == "stored"
    clock.advance(days=15)
    app.fire_all_due()
    return key


def test_export_then_import_into_an_empty_store_gives_the_same_files_and_the_same_reports(app, empty, tmp_path,  # noqa: F811
                                                                                         clock):
    from mieux.annual import annual_report
    from mieux.programme import import_programme

    programme_with_history(app, tmp_path, clock)
    export_programme(app.engine, tmp_path / "first", zone=app.facility.zone)
    done = import_programme(empty.service, tmp_path / "first", actor="pieter", forms=empty.evaluation.forms)
    assert done["answers.csv"] == 1 and done["experts.csv"] == 1
    export_programme(empty.engine, tmp_path / "second", zone=empty.facility.zone)
    for name in FILES:
        assert (tmp_path / "second" / name).read_text(encoding="utf-8") == \
            (tmp_path / "first" / name).read_text(encoding="utf-8"), name
    year = clock.now().year
    first = annual_report(app.engine, year, zone=app.facility.zone, evaluation=app.evaluation)
    second = annual_report(empty.engine, year, zone=empty.facility.zone, evaluation=empty.evaluation)
    assert first == second and second["evaluation"]["participants_skills_enhanced_share"] == 1.0
    with pytest.raises(InvalidInput, match="the store already holds 1 Action"):
        import_programme(empty.service, tmp_path / "first", actor="pieter", forms=empty.evaluation.forms)


def test_one_bad_row_in_any_file_imports_nothing_and_every_problem_is_listed(app, empty, tmp_path, clock):  # noqa: F811
    from domain.errors import ImportRejected
    from mieux.programme import import_programme
    from store.tables import Action

    programme_with_history(app, tmp_path, clock)
    folder = tmp_path / "out"
    export_programme(app.engine, folder, zone=app.facility.zone)
    activities = (folder / "activities.csv").read_text(encoding="utf-8")
    (folder / "activities.csv").write_text(activities.replace(",training,", ",juggling,", 1), encoding="utf-8")
    assignments = (folder / "assignments.csv").read_text(encoding="utf-8")
    (folder / "assignments.csv").write_text(assignments.replace("maria.garcia@interior.es", "nobody@x.example"),
                                            encoding="utf-8")
    (folder / "answers.csv").write_text((folder / "answers.csv").read_text(encoding="utf-8")
                                        .replace('"skills_enhanced"', '"skills"'), encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        import_programme(empty.service, folder, actor="pieter", forms=empty.evaluation.forms)
    said = rejected.value.problems
    assert any(p.startswith("activities.csv, line 3, column type: Input should be") for p in said), said
    assert "assignments.csv, line 2, column expert: 'nobody@x.example' is not an expert of experts.csv" in said
    assert any(p.startswith("answers.csv, line 2, column answers: skills are not questions") for p in said), said
    with reading(empty.engine) as session:
        assert session.exec(select(Action)).all() == []
    with pytest.raises(NotPermitted):
        import_programme(empty.service, folder, actor="lea", forms=empty.evaluation.forms)
