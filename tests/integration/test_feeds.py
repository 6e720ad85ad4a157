"""People's calendar feeds over real HTTP: the right token opens the person's calendar; a wrong,
revoked or malformed one gets the same 404, which says nothing about whether the person exists;
the token is kept only as its hash and never reaches a log."""
import logging
import secrets
import sqlite3
import urllib.error
import urllib.request
from datetime import date

import pytest
from icalendar import Calendar

from config.settings import DEFAULT_FACILITY, Settings
from domain.activities import ActivityIn
from domain.errors import NotFound, NotPermitted
from flows.feed import FeedServer
from mieux.bootstrap import bootstrap
from mieux.feeds import issue, revoke
from store.migrate import upgrade
from tests.helpers import new_action_in


@pytest.fixture
def served(tmp_path, clock):
    app = bootstrap(Settings(data_dir=tmp_path / "data", database_url=None, facility_file=DEFAULT_FACILITY),
                    clock=clock, check=False)
    upgrade(app.engine)
    server = FeedServer(app, "127.0.0.1", 0)
    server.start()
    yield app, f"http://127.0.0.1:{server.port}"
    server.stop()
    app.engine.dispose()


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_right_token_opens_the_persons_calendar_and_nothing_else_does(served, clock, caplog, tmp_path):
    app, base = served
    reference = new_action_in(app.service, "pre_implementation")
    app.service.add_activity(reference, ActivityIn(type="workshop", title="Kick-off", start=date(2026, 6, 8),
                                                   end=date(2026, 6, 9), country="GH", city="Accra"), actor="ana")
    caplog.set_level(logging.DEBUG)
    token = issue(app.engine, app.facility, person="ana", actor="ana", now=clock.now())
    status, body = get(f"{base}/calendar/{token}.ics")
    assert status == 200
    assert f"{reference}/1 Kick-off (Ghana II)" in [str(e["SUMMARY"]) for e in Calendar.from_ical(body).walk("VEVENT")]

    refused = {get(f"{base}/calendar/{secrets.token_urlsafe(32)}.ics"),  # a wrong token of the right shape
               get(f"{base}/calendar/ana.ics"), get(f"{base}/calendar/{token}x.ics"), get(f"{base}/calendar/"),
               get(f"{base}/{token}.ics")}
    assert refused == {(404, b"no such calendar\n")}

    again = issue(app.engine, app.facility, person="ana", actor="pieter", now=clock.now())  # the old one stops
    assert get(f"{base}/calendar/{token}.ics") == (404, b"no such calendar\n")
    assert get(f"{base}/calendar/{again}.ics")[0] == 200
    assert revoke(app.engine, app.facility, person="ana", actor="ana", now=clock.now()) == 1
    assert get(f"{base}/calendar/{again}.ics") == (404, b"no such calendar\n")

    stored = sqlite3.connect(tmp_path / "data" / "mieux.db").execute("SELECT token_hash FROM calendar_token").fetchall()
    assert len(stored) == 2 and token not in str(stored) and again not in str(stored)
    assert token not in caplog.text and again not in caplog.text


def test_only_the_person_or_a_programme_manager_issues_a_feed_and_only_for_someone_who_exists(served, clock):
    app, _ = served
    with pytest.raises(NotPermitted, match="only ana, a programme_manager or an admin may"):
        issue(app.engine, app.facility, person="ana", actor="marta", now=clock.now())
    with pytest.raises(NotFound):
        issue(app.engine, app.facility, person="nobody", actor="pieter", now=clock.now())
