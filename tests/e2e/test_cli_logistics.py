"""`mieux logistics` as a person runs it: a prepared activity's checklist listed, items settled and
handed over, and the activity made ready once nothing is open."""
import pytest

from tests.e2e.test_cli import FICHE_YAML, REQUEST_FLAGS, registered, store, write  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow


def test_a_prepared_activitys_checklist_is_listed_settled_and_then_lets_it_be_ready(store, tmp_path):  # noqa: F811
    reference = registered(store("request", "add", *REQUEST_FLAGS, "--as", "ana"))
    store("action", "fire", reference, "accept", "--as", "ana").ok()
    store("action", "fire", reference, "submit_fiche", "--fiche", str(write(tmp_path / "f.yaml", FICHE_YAML)),
          "--as", "lea").ok()
    store("action", "fire", reference, "approve", "--decision-date", "2026-03-20", "--as", "psg-devco").ok()
    activity = f"{reference}/1"
    assert store("logistics", "list", activity).ok().out.endswith(
        "0 items, 0 open (a checklist is made when the activity is prepared; it is planned)\n")
    store("activity", "fire", activity, "prepare", "--start", "2027-02-01", "--end", "2027-02-03", "--country", "GH",
          "--city", "Accra", "--as", "ana").ok()
    listed = store("logistics", "list", activity, "--json").json()
    items = {x["label"]: x for x in listed["items"]}
    assert listed["state"] == "preparing" and set(items) == {
        "Venue booked", "Invitation letters sent", "Agenda agreed with the partner", "Participant list received",
        "Equipment arranged"}
    assert items["Venue booked"]["due_at"].startswith("2027-01-04")  # 30 days before Monday 1 February
    out = store("logistics", "list", activity).ok().out
    assert "2027-01-04 09:00 CET" in out and out.endswith("5 items, 5 open\n")

    store("activity", "fire", activity, "get_ready", "--as", "marta").refused_in_one_line(
        "its logistics checklist has open items: L1 Venue booked; L2 Invitation letters sent")
    store("logistics", "not-needed", f"{activity}/L5", "--as", "marta").refused_in_one_line("give a reason")
    store("logistics", "done", f"{activity}/L9", "--as", "marta").refused_in_one_line(f"no checklist item '{activity}/L9'")
    store("logistics", "done", f"{activity}/L1", "--as", "psg-devco").refused_in_one_line("only a")
    assert store("logistics", "update", f"{activity}/L2", "--owner", "marta", "--as", "ana", "--json").json()[
        "owner"] == "marta"
    for n in (1, 2, 3, 4):
        assert store("logistics", "done", f"{activity}/L{n}", "--as", "marta").ok().out.endswith(
            "open -> done (done by marta)\n")
    store("logistics", "not-needed", f"{activity}/L5", "--reason", "the partner brings it", "--as", "marta").ok()
    assert "the partner brings it" in store("logistics", "list", activity).ok().out
    trail = store("logistics", "history", f"{activity}/L5", "--json").json()
    assert [e["trigger"] for e in trail] == ["add", "not_needed"]
    assert "preparing -> ready" in store("activity", "fire", activity, "get_ready", "--as", "marta").ok().out


def test_the_calendar_is_exported_as_an_ics_file_that_parses_and_mistakes_are_one_line(store, tmp_path):  # noqa: F811
    from icalendar import Calendar

    reference = registered(store("request", "add", *REQUEST_FLAGS, "--as", "ana"))
    store("action", "fire", reference, "accept", "--as", "ana").ok()
    store("action", "fire", reference, "submit_fiche", "--fiche", str(write(tmp_path / "f.yaml", FICHE_YAML)),
          "--as", "lea").ok()
    store("activity", "update", f"{reference}/1", "--start", "2027-02-01", "--end", "2027-02-03", "--as", "ana").ok()
    out = store("calendar", "export", str(tmp_path / "team.ics"), "--person", "ana").ok().out
    assert out.startswith("wrote 1 mission and ") and out.endswith(f"to {tmp_path / 'team.ics'}\n")
    document = Calendar.from_ical((tmp_path / "team.ics").read_bytes())
    summaries = [str(e["SUMMARY"]) for e in document.walk("VEVENT")]
    assert f"{reference}/1 Kick-off workshop (Ghana II)" in summaries
    assert any(s.startswith("PSG decision due: ") for s in summaries)
    store("calendar", "export", str(tmp_path / "x.ics"), "--from", "2027-02-30").refused_in_one_line("--from")
    store("calendar", "export", str(tmp_path / "x.ics"), "--person", "nobody").refused_in_one_line("nobody")
    store("calendar", "export", str(tmp_path / "x.ics"), "--from", "2027-03-01", "--to", "2027-01-01") \
        .refused_in_one_line("before --from")
    assert not (tmp_path / "x.ics").exists()
