"""One command shows an Action whole: facts, deadlines, alerts and how they went, what comes next."""
from datetime import date, timedelta

import pytest

from tests.e2e.test_cli import REQUEST_FLAGS, Cli, registered

pytestmark = pytest.mark.slow


def test_show_has_the_deadlines_the_alerts_and_who_may_do_what_next(tmp_path):
    mieux = Cli(tmp_path, data_dir=tmp_path / "data").init()
    flags = [*REQUEST_FLAGS]
    flags[flags.index("--received-on") + 1] = (date.today() - timedelta(days=40)).isoformat()
    reference = registered(mieux("request", "add", *flags, "--as", "ana"))
    mieux("sweep").ok()  # the fiche is overdue: its notice is owed (no channel: it waits)
    shown, table, listed = mieux.many(["action", "show", reference, "--json"], ["action", "show", reference],
                                      ["deadlines", reference, "--json"])
    data = shown.json()
    assert [(d["kind"], d["status"]) for d in data["deadlines"]] == [("fiche", "pending")]
    assert [a["kind"] for a in data["alerts"]] == ["request.received", "fiche.due"]
    assert {d["status"] for a in data["alerts"] for d in a["deliveries"]} == {"pending"}
    assert data["next"][0] == {"trigger": "accept", "by": ["programme_manager", "project_officer"]}
    out = table.ok().out
    assert "Action Fiche due" in out and "fiche.due" in out and "accept (programme_manager, project_officer)" in out
    assert [(d["deadline"], d["status"], d["overdue"]) for d in listed.json()] == [("Action Fiche due", "pending", True)]
    mieux("deadlines", "2099-01").refused_in_one_line("no Action '2099-01'")
