"""Mistakes people make in their first week get a hint: the flag they typed, the word they meant."""
import pytest

from tests.e2e.test_cli import REQUEST_FLAGS, Cli, registered

pytestmark = pytest.mark.slow


def test_near_misses_are_named_by_what_the_person_typed_and_get_a_suggestion(tmp_path):
    mieux = Cli(tmp_path, data_dir=tmp_path / "data").init()
    reference = registered(mieux("request", "add", *REQUEST_FLAGS, "--as", "ana"))
    missing, trigger, short, version = mieux.many(
        ["request", "add", "--name", "Togo I", "--as", "ana"],
        ["action", "fire", reference, "Finish_Implementation", "--as", "ana"],
        ["action", "show", "26-11"], ["--version"])
    line = missing.refused_in_one_line("--requester: Field required", "--type: Field required",
                                       "--received-on: Field required")
    assert "requester_type" not in line
    trigger.refused_in_one_line("'Finish_Implementation' is not a trigger", "(did you mean finish_implementation?)")
    short.refused_in_one_line("no Action '26-11': a reference is the year of receipt and a number, like 2026-07")
    assert version.ok().out.startswith("mieux-engine ")
