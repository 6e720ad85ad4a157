"""Alerts carry the facts their readers need, and a next step that fits each reader's role: the
emails a real SMTP server on loopback receives (issue 10, point 5)."""
from datetime import date, datetime, timezone

import pytest
import yaml
from sqlmodel import select

from config.settings import DEFAULT_FACILITY, Settings
from domain.activities import ActivityChanges, ActivityIn
from domain.schemas import ActionChanges
from mieux.bootstrap import bootstrap
from mieux.deadlines import fire_due
from store.db import reading
from store.tables import Delivery
from tests.helpers import FICHE, request

UTC = timezone.utc
PSG = ["psg.devco@commission.example", "psg.home@commission.example", "psg.eeas@eeas.example"]


def build(sqlite_url, clock, channels_file, **settings):
    path, secrets = channels_file
    clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))  # Monday 2 March 2026, 09:00 in Brussels
    return bootstrap(Settings(database_url=sqlite_url, channels_file=path, secrets_file=secrets, **settings),
                     clock=clock)


@pytest.fixture
def app(sqlite_url, clock, channels_file):
    built = build(sqlite_url, clock, channels_file)
    yield built
    built.engine.dispose()


def mails(app, smtp) -> dict:
    """Dispatch what is owed; the emails received since the last call, by address."""
    smtp.inbox.clear()
    assert app.outbox.dispatch().failed == 0
    return {m.recipients[0]: m for m in smtp.inbox}


def registered(app) -> str:
    return app.service.register(request(received_on=date(2026, 3, 2)), actor="ana").reference


def submitted(app, smtp) -> str:
    reference = registered(app)
    app.service.fire(reference, "accept", actor="ana")
    app.service.fire(reference, "submit_fiche", actor="lea", changes=ActionChanges(fiche=FICHE))
    return reference


def test_the_officer_told_that_the_psg_returned_the_fiche_reads_the_psgs_comments(app, smtp):
    reference = submitted(app, smtp)
    mails(app, smtp)
    comments = "Clarify the budget of the study visit & who hosts it in Vienna"
    app.service.fire(reference, "return_fiche", actor="psg-home", changes=ActionChanges(psg_comments=comments))
    mail = mails(app, smtp)["ana.ferreira@mieux.example"]
    assert mail.subject == f"[MIEUX] Action Fiche returned by the PSG: {reference} Ghana II"
    assert f"with these comments (recorded by PSG member (DG HOME)): {comments}" in mail.part("plain")
    assert "Clarify the budget of the study visit &amp; who hosts it in Vienna" in mail.part("html")


def test_a_new_request_says_on_which_day_its_fiche_is_due_and_the_manager_is_asked_to_check_the_officer(app, smtp):
    reference = registered(app)
    received = mails(app, smtp)
    [fiche] = [d for d in app.service.deadlines_of(reference) if d.kind == "fiche"]
    assert fiche.due_at == datetime(2026, 3, 23, 8, tzinfo=UTC)
    for address in ("ana.ferreira@mieux.example", "pieter.janssens@mieux.example"):
        text = received[address].part("plain")
        assert "was received on Monday 2 March 2026" in text
        assert "The Action Fiche is due on Monday 23 March 2026, 09:00 CET." in text
        assert "Its project officer is Ana Ferreira." in text
    assert "Next step: Check eligibility and accept, reject or forward it" in \
        received["ana.ferreira@mieux.example"].part("plain")
    manager = received["pieter.janssens@mieux.example"].part("plain")
    assert "Next step: Check that Ana Ferreira can take it on" in manager


def test_each_psg_member_is_told_a_fiche_awaits_their_decision_and_by_when(app, smtp):
    reference = registered(app)
    mails(app, smtp)
    app.service.fire(reference, "accept", actor="ana")
    app.service.fire(reference, "submit_fiche", actor="lea", changes=ActionChanges(fiche=FICHE))
    received = mails(app, smtp)
    [decision] = [d for d in app.service.deadlines_of(reference) if d.kind == "psg_decision"]
    assert decision.due_at == datetime(2026, 3, 16, 8, tzinfo=UTC)  # 10 working days after Monday 2 March
    assert sorted(received) == sorted(PSG)
    for address in PSG:
        mail = received[address]
        assert mail.subject == f"[MIEUX] For the PSG's decision: Action Fiche of {reference} Ghana II"
        text = mail.part("plain")
        assert "Léa Martin submitted the Action Fiche" in text
        assert "The PSG's decision is due on Monday 16 March 2026, 09:00 CET." in text
        assert f"Its objective: {FICHE['objective']}" in text
        assert "record the PSG's decision by Monday 16 March 2026: approve it" in text


def test_the_approval_notice_gives_the_psgs_decision_date_and_each_reader_their_own_next_step(app, smtp):
    reference = submitted(app, smtp)
    mails(app, smtp)
    app.service.fire(reference, "approve", actor="psg-devco", changes=ActionChanges(psg_decision_on=date(2026, 3, 9)))
    received = mails(app, smtp)
    news = received.pop("sofia.rossi@mieux.example")  # the communications officer: the news item drafted
    assert "News item to review: New MIEUX Action with Ghana Immigration Service" in news.subject
    assert set(received) == {"ana.ferreira@mieux.example", "pieter.janssens@mieux.example",
                             "marta.kowalska@mieux.example"}
    for mail in received.values():
        assert f"The Project Steering Group approved {reference} Ghana II on Monday 9 March 2026; its Action Fiche " \
               "was first submitted on Monday 2 March 2026." in mail.part("plain")
    steps = {address: mail.part("plain").split("Next step: ")[1].splitlines()[0] for address, mail in received.items()}
    assert steps == {
        "ana.ferreira@mieux.example": "Start recruiting experts and organising the first activity.",
        "pieter.janssens@mieux.example": "Check that experts are being recruited and the first activity planned.",
        "marta.kowalska@mieux.example": f"Get ready to organise the travel, venues and visas of its activities "
                                        f"(mieux action show {reference})."}


def test_the_programme_manager_told_of_a_late_fiche_is_not_asked_to_tell_the_programme_manager(app, smtp):
    reference = registered(app)
    mails(app, smtp)
    app.clock.set(datetime(2026, 3, 23, 8, tzinfo=UTC))
    fire_due(app.engine, policy=app.policy, facility=app.facility, clock=app.clock)
    received = mails(app, smtp)
    manager = received["pieter.janssens@mieux.example"].part("plain")
    officer = received["ana.ferreira@mieux.example"].part("plain")
    assert "programme manager" not in manager
    assert f"Next step: Ask the project officer what holds the fiche up and when it will be submitted " \
           f"(mieux action show {reference})." in manager
    assert "Next step: Submit the fiche as soon as it is ready" in officer


def test_a_postponed_activity_says_its_new_dates_and_place_and_logistics_are_asked_to_move_the_bookings(app, smtp):
    reference = submitted(app, smtp)
    activity = app.service.add_activity(reference, ActivityIn(type="study_visit", title="Study visit to Vienna",
                                                              start=date(2026, 6, 8), end=date(2026, 6, 12),
                                                              country="AT", city="Vienna"), actor="ana")
    key = f"{reference}/{activity.number}"
    mails(app, smtp)
    app.service.transition("activity", key, "postpone", actor="ana", reason="elections",
                           changes=ActivityChanges(start=date(2026, 9, 14), end=date(2026, 9, 18)))
    mail = mails(app, smtp)["marta.kowalska@mieux.example"]
    text = mail.part("plain")
    assert "It is now planned from Monday 14 September 2026 to Friday 18 September 2026, in Vienna (AT)." in text
    assert f"Next step: Move its travel, venue and visa bookings to the new dates (mieux activity show {key})." in text


def test_a_role_nobody_holds_is_a_failed_delivery_that_says_so_not_a_silent_drop(sqlite_url, clock, channels_file,
                                                                                 smtp, tmp_path):
    facility = yaml.safe_load(DEFAULT_FACILITY.read_text(encoding="utf-8"))
    facility["people"] = [p for p in facility["people"] if "psg_member" not in p["roles"]]
    path = tmp_path / "facility.yaml"
    path.write_text(yaml.safe_dump(facility, allow_unicode=True), encoding="utf-8")
    app = build(sqlite_url, clock, channels_file, facility_file=path)
    try:
        reference = submitted(app, smtp)
        done = app.outbox.dispatch()
        with reading(app.engine) as session:
            [nobody] = session.exec(select(Delivery).where(Delivery.person == "role:psg_member")).all()
    finally:
        app.engine.dispose()
    assert done.failed == 1 and reference
    assert (nobody.status, nobody.last_error) == ("pending", "nobody in the facility file holds the role psg_member")


def test_a_transition_alert_copies_its_facts_and_the_deadlines_started_in_its_own_transaction(engine, facility, clock,
                                                                                              policy, office_calendar):
    from mieux.deadlines import DeadlineKeeper
    from mieux.service import ActionService
    from mieux.subjects import MACHINES, parents_of, people_of
    from notifications.directory import Directory
    from notifications.planner import TransitionAlerts
    from store.tables import Alert

    service = ActionService(engine=engine, facility=facility, clock=clock, effects=[
        DeadlineKeeper(policy, office_calendar), TransitionAlerts(Directory(facility), MACHINES.values(), parents=parents_of,
                                                                   people=people_of)])
    reference = service.register(request(received_on=date(2026, 2, 27)), actor="ana").reference
    service.fire(reference, "accept", actor="ana")
    service.fire(reference, "submit_fiche", actor="lea", changes=ActionChanges(fiche=FICHE))
    with reading(engine) as session:
        alerts = {a.kind: a for a in session.exec(select(Alert))}
    new, submitted = alerts["request.received"], alerts["fiche.submitted"]
    assert {k: new.data[k] for k in ("requester", "countries", "received_on", "project_officer", "deadlines")} == {
        "requester": "Ghana Immigration Service", "countries": ["GH"], "received_on": "2026-02-27",
        "project_officer": "Ana Ferreira", "deadlines": {"fiche": {
            "label": "Action Fiche due", "due_at": "2026-03-20T08:00:00+00:00", "moved_from": None}}}
    assert submitted.recipients == ["psg-devco", "psg-home", "psg-eeas"]
    assert submitted.data["deadlines"] == {"psg_decision": {
        "label": "PSG decision due", "due_at": "2026-03-16T08:00:00+00:00", "moved_from": None}}
    assert submitted.data["fiche"]["objective"] == FICHE["objective"]
