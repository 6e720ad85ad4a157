"""`mieux expert` as a person runs it: import, list, show, update, and mistakes in one line."""
import pytest

from domain.experts import HEADER
from tests.e2e.test_cli import store  # noqa: F401 - the fixture
from tests.unit.test_roster_csv import GOOD

pytestmark = pytest.mark.slow


def ghana_request(store) -> str:  # noqa: F811
    """A new request through the CLI; its reference."""
    return store("request", "add", "--name", "Ghana III", "--requester", "Ghana Immigration Service", "--type",
                 "national_authority", "--countries", "GH", "--region", "Africa (West)", "--theme",
                 "legal_migration", "--channel", "email", "--received-on", "2026-03-02", "--officer", "ana",
                 "--as", "ana").ok().out.split()[1]


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


def two_experts_and_a_workshop(store, folder) -> str:  # noqa: F811
    """Ana Müller (German, English) and Luc Martin (French only) in the roster, and a workshop in
    English of a new request; the workshop's key."""
    roster = folder / "roster.csv"
    french = GOOD.replace("Ana Müller", "Luc Martin").replace("ana@bmi.de", "luc@interieur.fr") \
        .replace("en:C2 de:native", "fr:native").replace(",DE,", ",FR,")
    roster.write_text("\n".join([",".join(HEADER), GOOD, french]) + "\n", encoding="utf-8")
    store("expert", "import", str(roster), "--as", "ana").ok()
    reference = ghana_request(store)
    store("activity", "add", reference, "--type", "workshop", "--title", "Border management workshop", "--start",
          "2027-02-01", "--end", "2027-02-03", "--languages", "en", "--as", "ana").ok()
    return f"{reference}/1"


def test_an_activity_is_matched_against_the_roster_with_reasons_and_the_excluded_on_request(store, tmp_path):  # noqa: F811
    reference = two_experts_and_a_workshop(store, tmp_path).split("/")[0]
    out = store("expert", "match", f"{reference}/1", "--all").ok().out
    assert "1. E1 Ana Müller: 95 = 40 (works on legal migration) + 5 (keywords border management) + 30" in out
    assert "excluded: E2 Luc Martin: does not work in en (B2 or better)" in out
    found = store("expert", "match", f"{reference}/1", "--json").json()
    assert [c["expert"] for c in found["candidates"]] == ["E1"] and found["excluded"] == []
    assert found["candidates"][0]["score"] == sum(r["points"] for r in found["candidates"][0]["reasons"])
    bad = tmp_path / "matching.yaml"
    bad.write_text("theme: -3\n", encoding="utf-8")
    store("expert", "match", f"{reference}/1", matching_file=bad).refused_in_one_line("matching.yaml: theme")


def test_an_expert_is_proposed_invited_and_followed_through_the_cli(store, tmp_path):  # noqa: F811
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join([",".join(HEADER), GOOD]) + "\n", encoding="utf-8")
    store("expert", "import", str(roster), "--as", "ana").ok()
    reference = ghana_request(store)
    store("activity", "add", reference, "--type", "workshop", "--title", "Border management workshop", "--start",
          "2027-02-01", "--end", "2027-02-03", "--country", "GH", "--city", "Accra", "--as", "ana").ok()
    activity = f"{reference}/1"
    store("assignment", "propose", activity, "E1", "--fee-per-day", "450.125", "--as", "ana").refused_in_one_line(
        "--fee-per-day", "more than two decimals")
    assert store("assignment", "propose", activity, "E1", "--fee-per-day", "450", "--as", "ana").ok().out == \
        f"proposed {activity}/E1 (state: proposed)\n"
    store("assignment", "fire", f"{activity}/E1", "invite", "--as", "ana").refused_in_one_line(
        "its terms are not set (--working-days)")
    out = store("assignment", "fire", f"{activity}/E1", "invite", "--working-days", "3", "--as", "ana").ok().out
    assert out == f"{activity}/E1: proposed -> invited (invite by ana)\n"
    [listed] = store("assignment", "list", activity, "--json").json()
    assert (listed["assignment"], listed["expert_name"], listed["state"], listed["fee_per_day"]) == (
        f"{activity}/E1", "Ana Müller", "invited", "450.00")
    shown = store("assignment", "show", f"{activity}/E1").ok().out
    assert "triggers now           accept, decline, withdraw" in shown
    assert store("assignment", "show", f"{activity}/E1", "--json").json()["available_triggers"] == [
        "accept", "decline", "withdraw"]
    assert store("activity", "show", activity, "--json").json()["state"] == "planned"  # it crashed (exit 3)
    trail = store("assignment", "history", f"{activity}/E1", "--json").json()
    assert [e["trigger"] for e in trail] == ["propose", "invite"]
    store("assignment", "fire", f"{activity}/E9", "accept", "--as", "ana").refused_in_one_line(
        f"no assignment '{activity}/E9'")
    [line] = store("costs", "--activity", activity, "--json").json()["assignments"]
    assert (line["fee"], line["dsa"], line["insurance"], line["total"], line["dsa_rate"], line["estimate"]) == (
        "1350.00", "684.00", "10.50", "2044.50", "228.00", True)  # no contract yet: today's Accra rate
    out = store("costs", "--year", "2027").ok().out
    assert out.endswith("total EUR 2,044.50 for 1 assignment (1 estimated: no contract yet)\n")
    store("costs", "--year", "2027", "--action", reference).refused_in_one_line("at most one of")


def test_an_experts_data_is_exported_and_erased_through_the_cli_only_when_confirmed(store, tmp_path):  # noqa: F811
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join([",".join(HEADER), GOOD]) + "\n", encoding="utf-8")
    store("expert", "import", str(roster), "--as", "ana").ok()
    out = tmp_path / "e1.json"
    assert store("expert", "export", "E1", "--out", str(out), "--as", "ana").ok().out == \
        f"wrote everything held about E1 to {out}\n"
    assert '"name": "Ana Müller"' in out.read_text(encoding="utf-8")
    store("expert", "erase", "E1", "--confirm", "E2", "--as", "pieter").refused_in_one_line("is not E1")
    store("expert", "erase", "E1", "--confirm", "E1", "--as", "ana").refused_in_one_line(
        "only a programme_manager or admin may")
    assert store("expert", "erase", "E1", "--confirm", "e1", "--as", "pieter").ok().out.startswith(
        "erased E1's personal data")
    assert store("expert", "show", "E1", "--json").json()["name"] == "Erased expert E1"
    trail = store("expert", "history", "E1", "--json").json()
    assert [(e["trigger"], e["actor"]) for e in trail] == [("import", "ana"), ("erase", "pieter")]
    assert trail[0]["via"].startswith("command line (Unix user ")
