"""`mieux programme export`: every record out as one CSV per kind, records naming each other by
their own keys (which all resolve), on SQLite and PostgreSQL; no participant is named anywhere."""
import csv
import io
import json

import pytest
from sqlmodel import select

from domain.activities import ActivityIn
from domain.errors import InvalidInput
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
