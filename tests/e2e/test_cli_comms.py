"""`mieux comms newsletter` as a person runs it: a past month's newsletter drafted, listed among the
communications tasks, shown, and every mistake refused in one line with nothing written."""
import pytest

from tests.e2e.test_cli import store  # noqa: F401 - the fixture

pytestmark = pytest.mark.slow


def test_a_months_newsletter_is_drafted_once_listed_and_shown(store):  # noqa: F811
    out = store("comms", "newsletter", "2026-01", "--as", "sofia").ok().out
    assert out == "NL-2026-01 MIEUX newsletter: January 2026: drafted for review (mieux comms show NL-2026-01)\n"
    listed = store("comms", "list", "--json").json()["tasks"]
    assert [(t["task"], t["occasion"], t["state"]) for t in listed] == [("NL-2026-01", "newsletter", "drafted")]
    shown = store("comms", "show", "nl-2026-01").ok().out
    assert "Actions closed this month\n- No Action closed this month." in shown
    assert "Coming up in February 2026" in shown and "- 0 new requests for support" in shown

    store("comms", "newsletter", "2026-01", "--as", "sofia").refused_in_one_line(
        "the newsletter of January 2026 exists already: NL-2026-01")
    store("comms", "newsletter", "2026-01", "--as", "lea").refused_in_one_line(
        "cannot prepare the newsletter: only a communications_officer or programme_manager may")
    store("comms", "newsletter", "2099-01", "--as", "sofia").refused_in_one_line("January 2099 is not over")
    store("comms", "newsletter", "January", "--as", "sofia").refused_in_one_line("'January' is not a month")
    store("comms", "show", "NL-2026-02").refused_in_one_line("no newsletter of 2026-02")
    assert len(store("comms", "list", "--json").json()["tasks"]) == 1
    trail = store("comms", "history", "NL-2026-01", "--json").json()
    assert [(e["trigger"], e["actor"]) for e in trail] == [("draft", "sofia")]
