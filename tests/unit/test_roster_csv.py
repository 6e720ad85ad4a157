"""The roster CSV: every bad row listed by line and column, nothing half-read."""
import pytest

from domain.errors import ImportRejected
from domain.experts import HEADER, read_roster

GOOD = ("Ana Müller,ana@bmi.de,+49 30 1234,woman,DE,eu_member_state_administration,Bundesministerium des Innern,DE,"
        "en:C2 de:native,legal_migration;horizontal,asylum;border management,https://ear.example/cv/1.pdf,"
        "2027-01-04..2027-06-30,2027-03-01..2027-03-05,2026-11-01,EAR roster,NL focal point")


def roster(*rows: str) -> str:
    return "\n".join([",".join(HEADER), *rows]) + "\n"


def test_a_good_row_becomes_an_expert_with_typed_fields_and_unicode_kept():
    [(line, expert)] = read_roster(roster(GOOD), source="r.csv")
    assert line == 2 and expert.name == "Ana Müller" and expert.administration_country == "DE"
    assert [(s.language, s.level) for s in expert.languages] == [("en", "C2"), ("de", "native")]
    assert [str(t) for t in expert.themes] == ["legal_migration", "horizontal"]
    assert expert.keywords == ["asylum", "border management"]
    assert [(str(w.start), str(w.end)) for w in expert.available] == [("2027-01-04", "2027-06-30")]
    assert expert.unavailable[0].overlaps(expert.unavailable[0].start, expert.unavailable[0].end)


def test_every_bad_row_is_listed_by_line_and_column_and_nothing_is_returned():
    bad_email = GOOD.replace("ana@bmi.de", "ana-at-bmi")
    bad_many = GOOD.replace("ana@bmi.de", "b@c.eu").replace("woman", "alien").replace("en:C2", "xx:C2") \
        .replace("2027-03-01..2027-03-05", "2027-03-05..2027-03-01")
    with pytest.raises(ImportRejected) as rejected:
        read_roster(roster(GOOD, bad_email, bad_many, GOOD.replace("Ana", "Anna")), source="r.csv")
    problems = rejected.value.problems
    assert "line 3, column email: 'ana-at-bmi' is not an email address" in problems
    assert any(p.startswith("line 4, column sex:") for p in problems)
    assert any(p.startswith("line 4, column languages: 0.language:") and "ISO 639-1" in p for p in problems)
    assert any(p.startswith("line 4, column unavailable: 0:") and "before it starts" in p for p in problems)
    assert "line 5, column email: ana@bmi.de is also on line 2" in problems  # the same person twice
    assert str(rejected.value).startswith("r.csv: ") and "nothing imported" in str(rejected.value)


def test_required_fields_missing_a_wrong_header_and_a_short_row_are_named():
    with pytest.raises(ImportRejected) as rejected:
        read_roster(roster(",x@y.eu,,woman,DE,academia,Uni,DE,en:C1,horizontal,,,,,,,", "a,b"), source="r.csv")
    assert "line 2, column name: required" in rejected.value.problems
    assert "line 2, column consent_on: required" in rejected.value.problems
    assert f"line 3: 2 columns, expected {len(HEADER)}" in rejected.value.problems
    with pytest.raises(ImportRejected, match="line 1: the header must be name,email"):
        read_roster("name,mail\n", source="r.csv")


def test_a_window_without_its_two_ends_says_how_to_write_one():
    with pytest.raises(ImportRejected) as rejected:
        read_roster(roster(GOOD.replace("2027-01-04..2027-06-30", "January")), source="r.csv")
    assert rejected.value.problems == [
        "line 2, column available: 'January' is not a window: write START..END, like 2027-01-04..2027-03-31"]
