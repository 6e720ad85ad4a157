"""The demo cannot hurt: it runs only on an empty store or its own, never beside a running engine,
and starts its own store again only when asked and when nobody changed it since."""
import pytest

from loopback.servers import free_port
from mieux.lock import engine_lock
from tests.e2e.test_cli import REQUEST_FLAGS, Cli

pytestmark = pytest.mark.slow


def test_the_demo_refuses_a_store_it_did_not_create_and_changes_nothing(tmp_path):
    mieux = Cli(tmp_path, data_dir=tmp_path / "data").init()
    mieux("request", "add", *REQUEST_FLAGS, "--as", "ana").ok()
    before = mieux("action", "list", "--json").json()
    for args in (["demo"], ["demo", "--reset"]):
        mieux(*args).refused_in_one_line("holds 1 Action(s) the demo did not create", "point MIEUX_DATA_DIR")
    assert mieux("action", "list", "--json").json() == before


def test_the_demo_refuses_a_store_a_running_engine_holds(tmp_path):
    data = tmp_path / "data"
    with engine_lock(data, what="serve"):
        refused = Cli(tmp_path, data_dir=data)("demo")
    refused.refused_in_one_line(f"the store in {data} is in use by mieux serve (pid", "stop it first")
    assert not (data / "mieux.db").exists()


def test_the_demo_runs_again_only_when_asked_and_never_over_changes_made_after_it(tmp_path):
    mieux = Cli(tmp_path, data_dir=tmp_path / "data", prefect_port=free_port())
    assert "imported the bundled portfolio: 91 created" in mieux("demo").ok().out
    mieux("demo").refused_in_one_line("holds the demo's earlier run (92 Actions)", "mieux demo --reset")
    again = mieux("demo", "--reset").ok()
    assert "imported the bundled portfolio: 91 created" in again.out
    assert len(mieux("action", "list", "--json").json()) == 92  # the same store, started again: not 184
    mieux("request", "add", *REQUEST_FLAGS, "--as", "ana").ok()
    mieux("demo", "--reset").refused_in_one_line("was changed after the demo ran (1 change(s), the last by ana, "
                                                 "register)")
    assert len(mieux("action", "list", "--json").json()) == 93
