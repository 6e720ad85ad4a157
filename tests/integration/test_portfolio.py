"""Importing and exporting the portfolio against real stores."""
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from domain.errors import ImportRejected, InvalidInput, NotPermitted
from domain.portfolio import HEADER
from mieux.cli.demo import PORTFOLIO
from mieux.portfolio import export_portfolio, import_portfolio, report
from mieux.service import ActionService
from store.db import make_engine
from tests.helpers import new_action_in, request

AFTER_DEMO_DATA = datetime(2026, 11, 22, 9, tzinfo=timezone.utc)
ROWS = [
    "2017-03,Madagascar,Ministry of Interior,national_authority,MG,Africa (West),irregular_migration,2017-02-11,closed,2019-06-30",
    '2018-01,Côte d’Ivoire II,"Ministère de l’Intérieur, DGAT",national_authority,CI,Africa (West),legal_migration,2018-01-20,implementation,',
    "2019-02,COMESA II,COMESA Secretariat,regional_organisation,KE UG ZM,Asia,horizontal,2019-04-02,rejected,2019-06-01",
]


def write(tmp_path: Path, *rows: str, name="portfolio.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([",".join(HEADER), *rows]) + "\n", encoding="utf-8")
    return path


def test_a_valid_file_places_each_action_in_its_state_audited_as_imported(service, tmp_path):
    done = import_portfolio(service, write(tmp_path, *ROWS), actor="pieter")
    assert (done.created, done.updated) == (3, 0)
    assert [(a.reference, a.name, a.state, a.closed_on) for a in service.actions()] == [
        ("2017-03", "Madagascar", "closed", date(2019, 6, 30)),
        ("2018-01", "Côte d’Ivoire II", "implementation", None),
        ("2019-02", "COMESA II", "rejected", date(2019, 6, 1))]
    [entry] = service.history("2018-01")
    assert (entry.trigger, entry.from_state, entry.to_state, entry.actor, entry.payload) == (
        "import", None, "implementation", "pieter", {"file": "portfolio.csv", "line": 3})


def test_a_file_with_bad_rows_imports_nothing_and_lists_every_bad_row(service, tmp_path):
    bad = write(tmp_path, ROWS[0], ROWS[1].replace(",CI,", ",CI ZZ,"), ROWS[2].replace("rejected", "binned"))
    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(service, bad, actor="pieter")
    assert rejected.value.problems == [
        "line 3, column countries: ZZ: not ISO 3166-1 alpha-2 country code(s)",
        "line 4, column status: 'binned' is not one of request, pre_implementation, approval, implementation, "
        "monitoring, closure, on_hold, closed, rejected, forwarded, withdrawn"]
    assert service.actions() == []


def test_an_existing_reference_is_refused_unless_updating(service, tmp_path):
    import_portfolio(service, write(tmp_path, *ROWS), actor="pieter")
    again = write(tmp_path, ROWS[1].replace("implementation,", "monitoring,"), name="again.csv")
    with pytest.raises(ImportRejected, match="line 2, column reference: 2018-01 already exists"):
        import_portfolio(service, again, actor="pieter")
    assert service.get("2018-01").state == "implementation"
    done = import_portfolio(service, again, actor="pieter", update=True)
    assert (done.created, done.updated) == (0, 1)
    entry = service.history("2018-01")[-1]
    assert (entry.trigger, entry.from_state, entry.to_state) == ("import", "implementation", "monitoring")


def test_only_the_programme_manager_or_an_admin_may_import_history(service, tmp_path):
    with pytest.raises(NotPermitted, match="cannot import a portfolio: only a admin or programme_manager may"):
        import_portfolio(service, write(tmp_path, *ROWS), actor="sofia")
    assert service.actions() == []


def test_an_update_cannot_move_an_action_the_engine_moved_and_imports_nothing(service, tmp_path):
    reference = new_action_in(service, "pre_implementation")  # 2026-01, moved by accept
    import_portfolio(service, write(tmp_path, *ROWS), actor="pieter")
    row = (f"{reference},Ghana II,Ghana Immigration Service,national_authority,GH,Africa (West),legal_migration,"
           "2026-02-27,{status},{closed}")
    moved = write(tmp_path, row.format(status="closed", closed="2026-03-01"), ROWS[1].replace("implementation,", "monitoring,"),
                  name="moved.csv")
    with pytest.raises(ImportRejected) as rejected:
        import_portfolio(service, moved, actor="pieter", update=True)
    assert rejected.value.problems == [f"line 2, column status: {reference} is in pre_implementation, where the "
                                       "engine's triggers put it; only a trigger moves it (mieux action fire)"]
    assert (service.get(reference).state, service.get("2018-01").state) == ("pre_implementation", "implementation")
    renamed = write(tmp_path, row.format(status="pre_implementation", closed="").replace("Ghana II", "Ghana III"),
                    name="renamed.csv")
    import_portfolio(service, renamed, actor="pieter", update=True)
    assert (service.get(reference).name, service.get(reference).state) == ("Ghana III", "pre_implementation")


def test_new_requests_are_numbered_after_imported_references(service, tmp_path):
    import_portfolio(service, write(tmp_path, *ROWS), actor="pieter")
    assert service.register(request(received_on=date(2017, 12, 1)), actor="ana").reference == "2017-04"
    assert service.register(request(received_on=date(2020, 1, 6)), actor="ana").reference == "2020-01"


def test_a_file_that_is_not_utf8_is_refused_by_name(service, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((",".join(HEADER) + "\n" + ROWS[1] + "\n").encode("latin-1", errors="replace"))
    path.write_bytes(path.read_bytes().replace(b"?", b"\xf4"))
    with pytest.raises(InvalidInput, match="not UTF-8"):
        import_portfolio(service, path, actor="pieter")


def test_export_then_import_into_an_empty_store_reproduces_the_report(service, facility, clock, tmp_path, sqlite_url):
    clock.set(AFTER_DEMO_DATA)
    import_portfolio(service, PORTFOLIO, actor="pieter")
    reference = new_action_in(service, "monitoring", received_on=date(2026, 2, 2), name="Ghana III")
    service.fire(reference, "suspend", actor="ana", reason="elections")
    exported = tmp_path / "export.csv"
    count = export_portfolio(service, exported)
    other = ActionService(engine=make_engine(sqlite_url), facility=facility, clock=clock)
    import_portfolio(other, exported, actor="pieter")
    ours, theirs = report(service), report(other)
    # The CSV carries no fiche dates, so fiche timeliness is the one figure that cannot travel.
    ours.pop("fiche_timeliness"), theirs.pop("fiche_timeliness")
    assert theirs == ours and ours["requests_received"] == count and ours["on_hold"] >= 1
    assert exported.read_text(encoding="utf-8") == (export_portfolio(other, tmp_path / "again.csv") and
                                                    (tmp_path / "again.csv").read_text(encoding="utf-8"))


def test_the_bundled_demo_portfolio_imports_cleanly(service, clock):
    clock.set(AFTER_DEMO_DATA)
    done = import_portfolio(service, PORTFOLIO, actor="pieter")
    assert done.created >= 80
    figures = report(service)
    assert figures["requests_received"] == done.created
    assert figures["completed"] > 0 and figures["in_preparation"] > 0 and figures["ongoing"] > 0
