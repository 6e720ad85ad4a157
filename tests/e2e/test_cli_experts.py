"""`mieux expert` as a person runs it: import, list, show, update, and mistakes in one line."""
import pytest

from domain.experts import HEADER
from tests.e2e.test_cli import store  # noqa: F401 - the fixture
from tests.unit.test_roster_csv import GOOD

pytestmark = pytest.mark.slow


def test_the_roster_is_imported_listed_shown_and_changed_through_the_cli(store, tmp_path):  # noqa: F811
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join([",".join(HEADER), GOOD, GOOD.replace("ana@bmi.de", "x")]) + "\n", encoding="utf-8")
    refused = store("expert", "import", str(roster), "--as", "ana").refused("line 3, column email: 'x' is not an email")
    assert "nothing imported" in refused
    roster.write_text("\n".join([",".join(HEADER), GOOD]) + "\n", encoding="utf-8")
    assert store("expert", "import", str(roster), "--as", "ana").ok().out.endswith("1 expert(s) added to the roster\n")
    [listed] = store("expert", "list", "--language", "de", "--json").json()
    assert (listed["expert"], listed["name"], listed["languages"]) == ("E1", "Ana Müller", "en:C2 de:native")
    assert store("expert", "list", "--theme", "irregular_migration").ok().out == "no expert matches\n"
    changed = store("expert", "update", "E1", "--languages", "en:C2 de:native fr:B1", "--as", "ana", "--json").json()
    assert changed["version"] == 2 and {"language": "fr", "level": "B1"} in changed["languages"]
    shown = store("expert", "show", "E1").ok().out
    assert "languages                en:C2 de:native fr:B1" in shown and "available                2027-01-04..2027-06-30" in shown
    store("expert", "update", "E1", "--languages", "en:Z9", "--as", "ana").refused_in_one_line("--languages", "0.level")
    store("expert", "show", "E7").refused_in_one_line("no expert E7")
    store("expert", "add", "--name", "Y", "--email", "y@x.eu", "--as", "psg-devco").refused_in_one_line(
        "--sex: Field required")


def test_an_activity_is_matched_against_the_roster_with_reasons_and_the_excluded_on_request(store, tmp_path):  # noqa: F811
    roster = tmp_path / "roster.csv"
    french = GOOD.replace("Ana Müller", "Luc Martin").replace("ana@bmi.de", "luc@interieur.fr") \
        .replace("en:C2 de:native", "fr:native").replace(",DE,", ",FR,")
    roster.write_text("\n".join([",".join(HEADER), GOOD, french]) + "\n", encoding="utf-8")
    store("expert", "import", str(roster), "--as", "ana").ok()
    reference = store("request", "add", "--name", "Ghana III", "--requester", "Ghana Immigration Service", "--type",
                      "national_authority", "--countries", "GH", "--region", "Africa (West)", "--theme",
                      "legal_migration", "--channel", "email", "--received-on", "2026-03-02", "--officer", "ana",
                      "--as", "ana").ok().out.split()[1]
    store("activity", "add", reference, "--type", "workshop", "--title", "Border management workshop", "--start",
          "2027-02-01", "--end", "2027-02-03", "--languages", "en", "--as", "ana").ok()
    out = store("expert", "match", f"{reference}/1", "--all").ok().out
    assert "1. E1 Ana Müller: 95 = 40 (works on legal migration) + 5 (keywords border management) + 30" in out
    assert "excluded: E2 Luc Martin: does not work in en (B2 or better)" in out
    found = store("expert", "match", f"{reference}/1", "--json").json()
    assert [c["expert"] for c in found["candidates"]] == ["E1"] and found["excluded"] == []
    assert found["candidates"][0]["score"] == sum(r["points"] for r in found["candidates"][0]["reasons"])
    bad = tmp_path / "matching.yaml"
    bad.write_text("theme: -3\n", encoding="utf-8")
    store("expert", "match", f"{reference}/1", matching_file=bad).refused_in_one_line("matching.yaml: theme")
