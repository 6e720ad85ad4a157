"""`mieux backup` and `mieux restore` as an admin runs them: the store copied and put back, and
every mistake refused in one line with nothing written."""
import json

import pytest

from tests.e2e.test_cli import REQUEST_FLAGS, registered, store  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow


def test_an_admin_backs_up_and_restores_the_store_and_no_one_else_may(store, tmp_path):  # noqa: F811
    first = registered(store("request", "add", *REQUEST_FLAGS, "--as", "ana"))
    out = store("backup", str(tmp_path / "b.db"), "--as", "pieter").ok().out
    assert out.startswith(f"backed up the store to {tmp_path / 'b.db'}: schema ") and out.endswith("integrity checked\n")
    store("backup", str(tmp_path / "b.db"), "--as", "pieter").refused_in_one_line("exists: give another file")
    store("backup", str(tmp_path / "c.db"), "--as", "ana").refused_in_one_line(
        "cannot back up the store: only an admin may, and ana is project_officer")
    store("restore", str(tmp_path / "b.db"), "--as", "ana").refused_in_one_line("only an admin may")
    store("restore", str(tmp_path / "none.db"), "--as", "pieter").refused_in_one_line("there is no backup at")
    assert not (tmp_path / "c.db").exists()

    second = registered(store("request", "add", *REQUEST_FLAGS, "--as", "ana"))
    done = store("restore", str(tmp_path / "b.db"), "--as", "pieter", "--json").json()
    assert done["file"].endswith("mieux.db") and ".replaced-" in done["kept"]
    listed = [a["reference"] for a in store("action", "list", "--json").json()]
    assert first in listed and second not in listed


def test_the_doctor_says_each_finding_in_a_line_and_exits_1_on_a_problem(store):  # noqa: F811
    run = store("doctor")
    assert run.code == 1 and "Traceback" not in run.out + run.err, run
    lines = run.out.splitlines()
    assert "PROBLEM  channels   none configured (MIEUX_CHANNELS_FILE): alerts wait in the outbox" in lines
    assert any(line.startswith("ok       store      sqlite:///") and line.endswith("current") for line in lines)
    assert lines[-1] == "1 problem"
    report = store("doctor", "--json")
    assert report.code == 1 and json.loads(report.out)["problems"] == 1
