"""Alerts reach people for real: email to an SMTP server and chat posts to an HTTP receiver."""
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from config.settings import Settings
from domain.schemas import ActionChanges
from loopback.receivers import CHAT_TOKEN
from mieux.bootstrap import bootstrap
from store.db import transaction
from store.tables import Delivery
from tests.helpers import FICHE, request

UTC = timezone.utc
@pytest.fixture
def app(sqlite_url, clock, channels_file):
    path, secrets = channels_file
    clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))
    built = bootstrap(Settings(database_url=sqlite_url, channels_file=path, secrets_file=secrets,
                               ui_url="http://127.0.0.1:4200"), clock=clock)
    yield built
    built.engine.dispose()


def test_a_new_request_is_emailed_to_its_officer_and_the_programme_manager(app, smtp, chat):
    reference = app.service.register(request(received_on=date(2026, 3, 2)), actor="ana").reference
    done = app.outbox.dispatch()
    assert (done.routed, done.failed) == (1, 0)
    mails = {m.recipients[0]: m for m in smtp.inbox}
    assert set(mails) == {"ana.ferreira@mieux.example", "pieter.janssens@mieux.example"}
    mail = mails["ana.ferreira@mieux.example"]
    assert mail.subject == f"[MIEUX] New request: {reference} Ghana II"
    assert mail.message["From"].endswith("mieux@mieux.example>") or "mieux@mieux.example" in mail.message["From"]
    assert "Check eligibility and accept, reject or forward it" in mail.part("plain")
    assert f"<p>A new request was registered as {reference} Ghana II." in mail.part("html")
    page = f"http://127.0.0.1:4200/artifacts/key/mieux-action-{reference}"  # the Action's own page
    assert f'href="{page}"' in mail.part("html") and f"The Action in Prefect: {page}" in mail.part("plain")
    posts = [body["text"] for path, body, _ in chat.posts if path == f"/hooks/{CHAT_TOKEN}"]
    assert len(posts) == 2 and all(f"New request: {reference} Ghana II" in p for p in posts)
    assert sorted(p.split()[0] for p in posts) == ["@ana", "@pieter"]
    assert app.outbox.dispatch().sent == 0  # nothing is sent twice


def test_an_overdue_fiche_reaches_people_in_their_own_time_zone(app, smtp):
    from mieux.deadlines import fire_due

    app.service.register(request(received_on=date(2026, 3, 2)), actor="ana")
    app.outbox.dispatch()
    smtp.inbox.clear()
    app.clock.set(datetime(2026, 3, 23, 8, tzinfo=UTC))
    fire_due(app.engine, policy=app.policy, facility=app.facility, clock=app.clock)
    app.outbox.dispatch()
    mail = next(m for m in smtp.inbox if m.recipients == ["ana.ferreira@mieux.example"])
    assert mail.subject == "[MIEUX] OVERDUE: Action Fiche for 2026-01 Ghana II"
    assert "was due on Monday 23 March 2026, 09:00 CET" in mail.part("plain")


def test_approval_and_rejection_notices_go_out_immediately(app, smtp):
    reference = app.service.register(request(received_on=date(2026, 3, 2)), actor="ana").reference
    app.service.fire(reference, "accept", actor="ana")
    app.service.fire(reference, "submit_fiche", actor="lea", changes=ActionChanges(fiche=FICHE))
    app.service.fire(reference, "approve", actor="psg-devco", changes=ActionChanges(psg_decision_on=date(2026, 3, 9)))
    app.outbox.dispatch()
    subjects = {(m.recipients[0].split("@")[0], m.subject) for m in smtp.inbox}
    assert ("marta.kowalska", f"[MIEUX] Approved by the PSG: {reference} Ghana II") in subjects


def test_a_person_who_chose_no_channel_we_have_waits_in_the_outbox_instead_of_failing(app):
    with transaction(app.engine) as session:
        before = len(session.exec(select(Delivery)).all())
    app.service.register(request(received_on=date(2026, 3, 2)), actor="ana")
    app.outbox.channels.services.pop("chat")
    app.outbox.dispatch()
    with transaction(app.engine) as session:
        waiting = session.exec(select(Delivery).where(Delivery.channel == "chat")).all()
    assert before == 0 and waiting and {d.status for d in waiting} == {"pending"}
    assert {d.attempts for d in waiting} == {0}


def test_an_alert_for_someone_the_directory_does_not_know_fails_visibly_on_its_delivery(app, smtp):
    from store.tables import Alert

    action = app.service.register(request(received_on=date(2026, 3, 2)), actor="ana")
    app.outbox.dispatch()
    with transaction(app.engine) as session:
        session.add(Alert(action_id=action.id, subject_id=action.id, kind="request.received", source="test:ghost",
                          recipients=["ghost"], urgent=True, created_at=app.clock.now(),
                          data={"reference": action.reference, "name": action.name}))
    done = app.outbox.dispatch()
    assert (done.routed, done.sent, done.failed) == (1, 0, 1)
    with transaction(app.engine) as session:
        [ghost] = session.exec(select(Delivery).where(Delivery.person == "ghost")).all()
    assert (ghost.status, ghost.last_error) == ("pending", "the directory knows no person 'ghost'")


def test_a_cancelled_activity_is_emailed_with_its_action_named(app, smtp):
    from domain.activities import ActivityIn

    reference = app.service.register(request(received_on=date(2026, 3, 2)), actor="ana").reference
    app.service.fire(reference, "accept", actor="ana")
    row = app.service.add_activity(reference, ActivityIn(type="workshop", title="Kick-off workshop"), actor="ana")
    app.outbox.dispatch()
    smtp.inbox.clear()
    app.service.transition("activity", f"{reference}/{row.number}", "cancel", actor="pieter", reason="elections")
    app.outbox.dispatch()
    mail = next(m for m in smtp.inbox if m.recipients == ["marta.kowalska@mieux.example"])
    assert mail.subject == f"[MIEUX] Cancelled: {reference}/1 Kick-off workshop ({reference} Ghana II)"
    assert "was cancelled: elections." in mail.part("plain")


@pytest.mark.parametrize("password", ["S3cr3t#word", "p@ss/w:rd?x=1&y%", "sp ace+plus"])
def test_a_secret_with_url_special_characters_logs_in_and_is_redacted_in_every_form(
        password, sqlite_url, clock, tmp_path, monkeypatch, caplog):
    import logging
    from urllib.parse import quote, quote_plus

    from loopback.receivers import SmtpServer

    smtp = SmtpServer(password=password).start()
    try:
        monkeypatch.setenv("TRICKY_PASSWORD", password)
        channels = tmp_path / "channels.yaml"
        channels.write_text(f'version: 1\nurls:\n  - "{smtp.url("${TRICKY_PASSWORD}")}":\n      - tag: email\n',
                            encoding="utf-8")
        clock.set(datetime(2026, 3, 2, 8, tzinfo=UTC))
        app = bootstrap(Settings(database_url=sqlite_url, channels_file=channels), clock=clock)
        with caplog.at_level(logging.DEBUG):
            app.service.register(request(received_on=date(2026, 3, 2)), actor="ana")
            done = app.outbox.dispatch()
            logging.getLogger("apprise").debug("a line quoting %s and %s", quote(password, safe=""),
                                               quote_plus(password))
        app.engine.dispose()
    finally:
        smtp.stop()
    assert (done.sent, done.failed) == (2, 0)
    assert len(smtp.inbox) == 2
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for form in (password, quote(password, safe=""), quote_plus(password)):
        assert form not in logged
