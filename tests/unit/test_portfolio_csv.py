"""Reading the portfolio CSV: every bad row is reported by line and column, nothing half-read."""
from datetime import date

import pytest

from domain.errors import ImportRejected
from domain.portfolio import HEADER, read_portfolio, write_portfolio
from states.action import STATES, TERMINAL

REGIONS = {"africa (west)": "Africa (West)", "asia": "Asia"}
GOOD_ROW = "2017-03,Madagascar,Ministry of Interior,national_authority,MG,Africa (West),horizontal,2017-02-11,closed,2019-06-30"


def read(*rows: str, header: str = ",".join(HEADER)):
    return read_portfolio("\n".join([header, *rows]) + "\n", source="p.csv",
                          region_label=lambda label: REGIONS.get(label.strip().casefold()),
                          states=STATES, terminal=TERMINAL, today=date(2026, 11, 22))


def problems(*rows: str) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        read(*rows)
    return rejected.value.problems


def test_a_valid_row_is_read_with_typed_values():
    [row] = read(GOOD_ROW)
    assert (row.reference, row.countries, row.received_on, row.closed_on, row.line) == (
        "2017-03", ("MG",), date(2017, 2, 11), date(2019, 6, 30), 2)


def test_unicode_names_and_quoted_commas_survive_a_write_and_read():
    rows = read('2018-01,"Côte d’Ivoire II","Ministère de l’Intérieur, DGAT",national_authority,CI SN,'
                'Africa (West),legal_migration,2018-01-20,implementation,')
    assert rows[0].name == "Côte d’Ivoire II" and rows[0].requester == "Ministère de l’Intérieur, DGAT"
    again = read_portfolio(write_portfolio(rows), source="x", region_label=lambda x: REGIONS.get(x.casefold()),
                           states=STATES, terminal=TERMINAL, today=date(2026, 11, 22))
    assert [r.__dict__ for r in again] == [r.__dict__ for r in rows]


def test_every_bad_row_is_listed_with_its_line_and_column():
    found = problems(
        GOOD_ROW,
        "2017-3,Madagascar II,Ministry,national_authority,MG,Africa (West),horizontal,2017-02-11,closed,",
        "2018-04,Tunisia,Ministry,ministry,TN XX,Mars,health,2018-02-30,open,",
        "2019-01,Haiti,Ministry,national_authority,HT,Asia,horizontal,2019-05-01,implementation,2020-01-01",
        "2020-02,Peru,Ministry,national_authority,PE,Asia,horizontal,2021-01-01,closed,2020-12-01",
        "2015-07,Kenya,Parliament,parliament,KE,Asia,horizontal,2015-07-01,closed,2016-01-01",
        "2026-09,Chad,Ministry,national_authority,TD,Asia,horizontal,2027-01-01,request,",
        "2017-03,Madagascar again,Ministry,national_authority,MG,Asia,horizontal,2017-05-01,request,",
        "2021-01,too,few,fields",
        "2022-01,,Ministry,national_authority,,Asia,horizontal,2022-01-01,request,",
    )
    assert found == [
        "line 3, column reference: '2017-3' is not a reference like 2017-03 (year-sequence)",
        "line 4, column requester_type: 'ministry' is not one of national_authority, regional_organisation, "
        "local_authority, judiciary, parliament, ombudsperson, civil_society",
        "line 4, column countries: XX: not ISO 3166-1 alpha-2 country code(s)",
        "line 4, column region: 'Mars' is not a configured region",
        "line 4, column theme: 'health' is not one of legal_migration, irregular_migration, "
        "international_protection, migration_development, horizontal",
        "line 4, column received_on: '2018-02-30' is not a date (YYYY-MM-DD)",
        "line 4, column status: 'open' is not one of request, pre_implementation, approval, implementation, "
        "monitoring, closure, on_hold, closed, rejected, forwarded, withdrawn",
        "line 5, column closed_on: is given but status implementation is not final "
        "(closed, forwarded, rejected, withdrawn)",
        "line 6, column reference: 2020-02 does not carry the year of receipt 2021",
        "line 6, column closed_on: 2020-12-01 is before received_on 2021-01-01",
        "line 7, column requester_type: a parliament could not request before 2016",
        "line 8, column received_on: 2027-01-01 is in the future",
        "line 8, column reference: 2026-09 does not carry the year of receipt 2027",
        "line 9, column reference: 2017-03 is also on line 2",
        "line 10: 4 fields, expected 10",
        "line 11, column name: is empty",
        "line 11, column countries: is empty; give space-separated ISO codes like 'GH TG'",
    ]


def test_a_wrong_header_is_refused_showing_the_expected_one():
    with pytest.raises(ImportRejected, match="line 1: the header must be exactly reference,name,"):
        read(GOOD_ROW, header="ref,name,requester,type,countries,region,theme,received,status,closed")


def test_an_empty_file_is_refused():
    with pytest.raises(ImportRejected, match="the file is empty"):
        read_portfolio("", source="p.csv", region_label=REGIONS.get, states=STATES, terminal=TERMINAL,
                       today=date(2026, 1, 1))


def test_a_byte_order_mark_and_blank_lines_are_tolerated():
    text = "\ufeff" + ",".join(HEADER) + "\n\n" + GOOD_ROW + "\n\n"
    rows = read_portfolio(text, source="p.csv", region_label=lambda x: REGIONS.get(x.casefold()), states=STATES,
                          terminal=TERMINAL, today=date(2026, 11, 22))
    assert [r.reference for r in rows] == ["2017-03"]


def test_region_labels_are_matched_without_regard_to_case_and_stored_as_configured():
    [row] = read(GOOD_ROW.replace("Africa (West)", "AFRICA (WEST)"))
    assert row.region == "Africa (West)"
