"""Nobody goes around the machine from the command line: its own fields are never set by hand,
each field needs its role, history imports cannot move what the engine moved; `mieux sweep`."""
import json
import sys
from datetime import date, timedelta

import pytest

from loopback.receivers import SmtpServer
from tests.e2e.test_cli import HEADER, REQUEST_FLAGS, Cli, registered, write

pytestmark = pytest.mark.slow


def test_suspend_then_setting_where_it_left_by_hand_cannot_send_a_request_to_closure(store):
    reference = registered(store("request", "add", *REQUEST_FLAGS, "--as", "ana"))
    store("action", "fire", reference, "suspend", "--reason", "elections", "--as", "ana").ok()
    as_knowledge_officer, as_officer, state = store.many(
        ["action", "update", reference, "--set", "suspended_from=closure", "--as", "sofia"],
        ["action", "update", reference, "--set", "suspended_from=closure", "--set", "state=closure", "--as", "ana"],
        ["action", "update", reference, "--set", "state_since=2020-01-01", "--as", "pieter"])
    as_knowledge_officer.refused_in_one_line(f"suspended_from of {reference}: kept by the Action's state machine")
    as_officer.refused_in_one_line("state, suspended_from of", "never set by hand")
    state.refused_in_one_line("state_since of")
    resumed = store("action", "fire", reference, "resume", "--reason", "calm again", "--as", "ana").ok()
    assert "on_hold -> request" in resumed.out
    assert [e["trigger"] for e in store("action", "history", reference, "--json").json()] == [
        "register", "suspend", "resume"]


def test_each_field_needs_its_role_and_unknown_fields_are_named(store):
    reference = registered(store("request", "add", *REQUEST_FLAGS, "--as", "ana"))
    psg_date, by_psg, logistics, bogus, version = store.many(
        ["action", "update", reference, "--set", "psg_decision_on=2026-03-20", "--as", "pieter"],
        ["action", "update", reference, "--set", "psg_comments=see the annex", "--as", "psg-home"],
        ["action", "update", reference, "--set", "name=Ghana III", "--as", "marta"],
        ["action", "update", reference, "--set", "colour=blue", "--as", "ana"],
        ["action", "update", reference, "--set", "version=9", "--as", "ana"])
    psg_date.refused_in_one_line("cannot change psg_decision_on (only a psg_member may)",
                                 "the acting person is admin and programme_manager")
    assert "updated psg_comments" in by_psg.ok().out
    logistics.refused_in_one_line("name (only a junior_project_officer or programme_manager or project_officer may)")
    bogus.refused_in_one_line("colour: not a field of the Action that can be changed")
    version.refused_in_one_line("version: not a field")
    shown = store("action", "show", reference, "--json").json()
    assert (shown["name"], shown["psg_decision_on"], shown["psg_comments"]) == ("Ghana II", None, "see the annex")


def test_a_portfolio_update_cannot_move_an_action_the_engine_moved_nor_be_run_by_anyone(store, tmp_path):
    reference = registered(store("request", "add", *REQUEST_FLAGS, "--as", "ana"))
    row = (f"{reference},Ghana II,Ghana Immigration Service,national_authority,GH TG,Africa (West),legal_migration,"
           "2026-02-27,closure,")
    closing = write(tmp_path / "closing.csv", f"{HEADER}\n{row}\n")
    by_officer, by_manager = store.many(["portfolio", "import", str(closing), "--update", "--as", "ana"],
                                        ["portfolio", "import", str(closing), "--update", "--as", "pieter"])
    by_officer.refused_in_one_line("cannot import a portfolio: only a admin or programme_manager may")
    by_manager.refused(f"line 2, column status: {reference} is in request, where the engine's triggers put it")
    assert store("action", "show", reference, "--json").json()["state"] == "request"


def test_sweep_fires_what_is_due_and_sends_it_by_email_without_prefect(store, tmp_path):
    smtp = SmtpServer().start()
    try:
        flags = [*REQUEST_FLAGS]
        flags[flags.index("--received-on") + 1] = (date.today() - timedelta(days=40)).isoformat()
        store("request", "add", *flags, "--as", "ana").ok()
        channels = write(tmp_path / "channels.yaml", f'version: 1\nurls:\n  - "{smtp.url()}":\n      - tag: email\n')
        first = store("sweep", "--json", channels_file=channels)
        assert json.loads(first.ok().out) == {"fired": 1, "coalesced": 1, "cancelled": 0, "consents": 0, "routed": 2,
                                              "sent": 4, "failed": 0, "dead": 0}, first
        again = json.loads(store("sweep", "--json", channels_file=channels).ok().out)
        assert (again["fired"], again["routed"], again["sent"]) == (0, 0, 0)
    finally:
        smtp.stop()
    subjects = sorted(m.subject for m in smtp.inbox)
    assert len(subjects) == 4 and sum("overdue" in s.lower() for s in subjects) >= 2, subjects


def test_sweep_imports_no_prefect(store):
    probe = ("import sys\nfrom mieux.cli import main\nsys.argv = ['mieux', 'sweep']\ntry:\n    main()\n"
             "except SystemExit:\n    pass\nprint('prefect loaded:', 'prefect' in sys.modules)")
    assert store(sys.executable, "-c", probe).ok().out.strip().endswith("prefect loaded: False")


@pytest.fixture
def store(tmp_path) -> Cli:
    return Cli(tmp_path, data_dir=tmp_path / "data").init()
