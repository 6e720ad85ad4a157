"""An activity's evaluation on real stores and a real mail server: the collection opens when the
activity is delivered, the forms go out the next day (one link each, in the activity's language),
answers come in through the links once each, reminders reach only those who have not answered,
and on its deadline the collection closes, evaluating the activity and letting the Action close."""
import re
from pathlib import Path
from datetime import date, timedelta

import pytest
from sqlmodel import select

from config.settings import DEFAULT_FACILITY, Settings
from domain.activities import ActivityIn
from domain.errors import GuardFailed, ImportRejected, InvalidInput, NotPermitted
from mieux.bootstrap import bootstrap
from mieux.logistics import items_of
from store.db import reading
from store.tables import Alert, Audit, EvaluationCollection, FormAnswer, FormLink
from tests.helpers import T0, new_action_in

FORMS_AT = "http://forms.example/f/"
GOOD = {"relevance": ["5"], "skills_enhanced": ["4"], "difference": ["5"], "experts_quality": ["5"],
        "organisation": ["4"], "comments": ["Très utile"]}


@pytest.fixture
def app(database_url, tmp_path, clock, channels_file):
    channels, secrets = channels_file
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, facility_file=DEFAULT_FACILITY,
                        channels_file=channels, secrets_file=secrets, link_secret="k" * 40,
                        web_url="http://forms.example")
    app = bootstrap(settings, clock=clock)
    yield app
    app.engine.dispose()


def delivered_activity(app, languages=("fr",)) -> str:
    """A remote training of an Action in implementation, brought to delivered on T0 (its checklist settled)."""
    reference = new_action_in(app.service, "implementation")
    number = app.service.add_activity(reference, ActivityIn.model_validate(
        {"type": "training", "title": "Formation des formateurs", "start": T0.date() - timedelta(days=2),
         "end": T0.date(), "remote": True, "languages": list(languages)}), actor="ana").number
    key = f"{reference}/{number}"
    app.service.transition("activity", key, "prepare", actor="ana")
    for line in items_of(app.engine, key)[1]:
        app.service.transition("checklist_item", line.item, "done", actor="ana")
    app.service.transition("activity", key, "get_ready", actor="ana")
    app.service.transition("activity", key, "deliver", actor="ana")
    return key


def register(app, tmp_path, key, people=3) -> None:
    path = tmp_path / "participants.csv"
    path.write_text("name,email,sex,institution\n" + "".join(
        f"Participant {i},p{i}@partner.example,{'woman' if i % 2 else 'man'},Ministry of Labour\n"
        for i in range(1, people + 1)), encoding="utf-8")
    assert app.evaluation.import_participants(key, path, actor="ana") == people


def tokens(smtp) -> dict[str, str]:
    """The form link each participant was sent, by their address (the last one wins)."""
    found = {}
    for mail in smtp.inbox:
        match = re.search(re.escape(FORMS_AT) + r"([A-Za-z0-9_-]{43})", mail.part("html") or "")
        if match:
            found[mail.recipients[0]] = match.group(1)
    return found


def test_forms_go_out_the_day_after_delivery_one_answer_per_link_reminders_to_the_silent_then_the_close(
        app, tmp_path, clock, smtp):
    key = delivered_activity(app)
    register(app, tmp_path, key)
    with reading(app.engine) as session:
        collection = session.exec(select(EvaluationCollection)).one()
    assert collection.state == "open" and collection.dispatched_at is None

    clock.advance(days=1)
    app.fire_all_due()
    app.outbox.dispatch()
    sent = tokens(smtp)
    assert sorted(sent) == ["p1@partner.example", "p2@partner.example", "p3@partner.example"]
    invitation = next(m for m in smtp.inbox if m.recipients == ["p1@partner.example"]).part("html")
    assert "Répondez au questionnaire par votre lien personnel" in invitation  # in the form's language
    with reading(app.engine) as session:
        links = session.exec(select(FormLink).order_by(FormLink.id)).all()
        stored = {row.data.get("link_nonce") for row in session.exec(select(Alert)).all()}
    assert [(x.recipient[0], x.form, x.language) for x in links] == [("P", "participant", "fr")] * 3
    assert not {sent_token for sent_token in sent.values()} & stored  # the token itself is never stored
    assert app.evaluation.page(sent["p1@partner.example"]).language == "fr"

    assert app.evaluation.submit(sent["p1@partner.example"], GOOD).outcome == "stored"
    assert app.evaluation.submit(sent["p1@partner.example"], GOOD).outcome == "unavailable"  # replayed
    assert app.evaluation.page(sent["p1@partner.example"]) is None

    smtp.inbox.clear()
    clock.advance(days=7)
    app.fire_all_due()
    app.outbox.dispatch()
    assert sorted(tokens(smtp)) == ["p2@partner.example", "p3@partner.example"]  # reminders to the silent only

    clock.advance(days=15)
    app.fire_all_due()
    with reading(app.engine) as session:
        collection = session.get(EvaluationCollection, collection.id)
        answers = session.exec(select(FormAnswer)).all()
        trail = session.exec(select(Audit).where(Audit.subject_kind == "activity").order_by(Audit.id)).all()
        closed = session.exec(select(Alert).where(Alert.kind == "evaluation.closed")).one()
    assert collection.state == "closed"
    assert (trail[-1].trigger, trail[-1].to_state, trail[-1].actor) == ("evaluate", "evaluated", "engine")
    assert [(a.role, a.answers["skills_enhanced"], a.after_reminders) for a in answers] == [("participant", 4, 0)]
    assert "p1" not in str(answers[0].answers) and (closed.data["invited"], closed.data["answered"]) == (3, 1)
    assert closed.recipients == ["ana"]
    assert app.evaluation.page(sent["p2@partner.example"]) is None  # closed: the link opens nothing


def test_an_answer_with_an_error_stores_nothing_and_the_link_still_works(app, tmp_path, clock):
    key = delivered_activity(app, languages=("es", "en"))
    register(app, tmp_path, key, people=1)
    clock.advance(days=1)
    app.fire_all_due()
    with reading(app.engine) as session:
        link = session.exec(select(FormLink)).one()
    token = app.links.token(link.nonce)
    assert link.language == "es"
    done = app.evaluation.submit(token, {**GOOD, "relevance": ["6"], "forged": ["x"]})
    assert done.outcome == "invalid" and done.errors
    with reading(app.engine) as session:
        assert session.exec(select(FormAnswer)).all() == []
        assert session.get(FormLink, link.id).answered_at is None
    assert app.evaluation.submit(token, GOOD).outcome == "stored"


def test_a_low_score_tells_the_project_officer_with_the_answer(app, tmp_path, clock):
    key = delivered_activity(app)
    register(app, tmp_path, key, people=1)
    clock.advance(days=1)
    app.fire_all_due()
    with reading(app.engine) as session:
        link = session.exec(select(FormLink)).one()
    low = {"relevance": ["1"], "skills_enhanced": ["2"], "difference": ["1"], "experts_quality": ["2"],
           "organisation": ["1"], "comments": ["<script>alert(1)</script> trop long"]}
    assert app.evaluation.submit(app.links.token(link.nonce), low).outcome == "stored"
    with reading(app.engine) as session:
        alert = session.exec(select(Alert).where(Alert.kind == "form.low_score")).one()
    assert alert.recipients == ["ana"] and alert.data["score"] == 1.4
    assert ["The activity was relevant to my work", 1] in alert.data["answers"]


def test_the_action_cannot_start_closure_while_an_activitys_forms_are_coming_in(app, tmp_path, clock):
    key = delivered_activity(app)
    reference = key.split("/")[0]
    app.service.transition("action", reference, "finish_implementation", actor="ana")
    from domain.schemas import ActionChanges

    app.service.edit("action", reference, ActionChanges(monitoring_completed_on=date(2026, 3, 2)), actor="ana")
    with pytest.raises(GuardFailed, match=r"evaluation forms are still being collected for \d+ Formation"):
        app.service.transition("action", reference, "start_closure", actor="ana")
    with pytest.raises(GuardFailed, match="give a reason"):
        app.service.transition("evaluation_collection", f"{key}/C", "close", actor="ana")
    with pytest.raises(NotPermitted):
        app.service.transition("evaluation_collection", f"{key}/C", "close", actor="lea", reason="x")
    app.service.transition("evaluation_collection", f"{key}/C", "close", actor="ana", reason="the partner's elections")
    assert app.service.subject("activity", key).state == "evaluated"
    assert app.service.transition("action", reference, "start_closure", actor="ana").state == "closure"


def test_a_participants_file_with_bad_rows_registers_nobody_and_lists_every_row(app, tmp_path):
    key = delivered_activity(app)
    path = tmp_path / "bad.csv"
    path.write_text("name,email,sex,institution\nAma,ama@x.example,woman,GIS\nKofi,not-an-email,man,GIS\n"
                    ",kwame@x.example,male,GIS\nAma again,AMA@x.example,woman,GIS\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        app.evaluation.import_participants(key, path, actor="ana")
    text = str(refused.value)
    assert "line 3, column email" in text and "line 4, column name" in text and "line 4, column sex" in text
    assert "line 5, column email: AMA@x.example is also on line 2" in text
    assert app.evaluation.participants(key) == []


def _submit_at(url: str, data_dir: str, token: str, start_at: float) -> str:
    """In a process of its own: an engine on the store, then the same submission as the others, at once."""
    import time

    settings = Settings(data_dir=Path(data_dir), database_url=url, facility_file=DEFAULT_FACILITY, link_secret="k" * 40)
    app = bootstrap(settings)
    _ = app.evaluation
    time.sleep(max(0.0, start_at - time.time()))
    try:
        return app.evaluation.submit(token, GOOD).outcome
    finally:
        app.engine.dispose()


def test_one_link_submitted_from_eight_processes_at_once_stores_one_answer(app, database_url, tmp_path, clock):
    import multiprocessing
    import time

    key = delivered_activity(app)
    register(app, tmp_path, key, people=1)
    clock.advance(days=1)
    app.fire_all_due()
    with reading(app.engine) as session:
        token = app.links.token(session.exec(select(FormLink)).one().nonce)
    start_at = time.time() + 8  # every process ready (imports, engine) before any submits
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        outcomes = pool.starmap(_submit_at, [(database_url, str(tmp_path / "data"), token, start_at)] * 8)
    assert sorted(outcomes) == ["stored"] + ["unavailable"] * 7
    with reading(app.engine) as session:
        assert len(session.exec(select(FormAnswer)).all()) == 1


PARTNER_GOOD = {"experience": ["excellent"], "relevance": ["5"], "ownership": ["4"], "sustainability": ["4"]}


def test_the_partner_authority_evaluates_the_action_in_monitoring_and_six_months_after_it_closed(
        app, tmp_path, clock, smtp):
    key = delivered_activity(app, languages=("es",))
    reference = key.split("/")[0]
    from domain.schemas import ActionChanges

    app.service.edit("action", reference, ActionChanges(focal_point_email="focal@partner.example"), actor="ana")
    app.service.transition("action", reference, "finish_implementation", actor="ana")
    partner = app.service.subject("evaluation_collection", f"{reference}/P")
    assert (partner.state, partner.purpose, partner.activity_id) == ("open", "partner", None)

    clock.advance(days=1)
    app.fire_all_due()
    app.outbox.dispatch()
    sent = tokens(smtp)
    assert list(sent) == ["focal@partner.example"]  # the activity's participants: none registered
    page = app.evaluation.page(sent["focal@partner.example"])
    assert (page.language, page.activity, page.role) == ("es", "Ghana II", "partner")  # the activities' language
    invitation = next(m for m in smtp.inbox if m.recipients == ["focal@partner.example"]).part("html")
    assert "le llevará unos minutos." in invitation  # a partner's answers are theirs: never called anonymous
    assert app.evaluation.submit(sent["focal@partner.example"], PARTNER_GOOD).outcome == "stored"

    app.service.transition("evaluation_collection", f"{key}/C", "close", actor="ana", reason="no participants")
    app.service.edit("action", reference, ActionChanges(monitoring_completed_on=date(2026, 3, 2)), actor="ana")
    app.service.transition("action", reference, "start_closure", actor="ana")  # the partner's collection: no guard
    clock.advance(days=21)
    app.fire_all_due()
    assert app.service.subject("evaluation_collection", f"{reference}/P").state == "closed"
    assert app.service.subject("activity", key).state == "evaluated"  # the partner's closing evaluates no activity
    with reading(app.engine) as session:
        answer = session.exec(select(FormAnswer).where(FormAnswer.form == "partner")).one()
    assert (answer.activity_id, answer.role, answer.answers["experience"]) == (None, "partner", "excellent")

    app.service.edit("action", reference, ActionChanges(final_report="Done.", lessons_learnt="Many."), actor="ana")
    app.service.transition("action", reference, "close", actor="ana")
    assert app.service.subject("evaluation_collection", f"{reference}/F").dispatched_at is None
    smtp.inbox.clear()
    clock.advance(days=182)
    app.fire_all_due()
    app.outbox.dispatch()
    assert tokens(smtp) == {}  # six months are 183 days
    clock.advance(days=1)
    app.fire_all_due()
    app.outbox.dispatch()
    follow_up = tokens(smtp)["focal@partner.example"]
    assert [q.key for q in app.evaluation.page(follow_up).form.questions][:2] == ["what_changed", "adopted_policy"]


def test_no_focal_point_email_tells_the_officer_and_the_form_goes_once_it_is_known(app, clock, smtp):
    reference = new_action_in(app.service, "implementation")
    app.service.transition("action", reference, "finish_implementation", actor="ana")
    clock.advance(days=1)
    app.fire_all_due()
    with reading(app.engine) as session:
        alert = session.exec(select(Alert).where(Alert.kind == "evaluation.no_partner_email")).one()
    assert alert.recipients == ["ana"]
    with pytest.raises(NotPermitted):
        app.evaluation.send_missing(f"{reference}/P", actor="psg-devco")
    with pytest.raises(InvalidInput, match="has no email for its focal point: record it first"):
        app.evaluation.send_missing(f"{reference}/P", actor="ana")
    from domain.schemas import ActionChanges

    app.service.edit("action", reference, ActionChanges(focal_point_email="focal@partner.example"), actor="ana")
    assert app.evaluation.send_missing(f"{reference}/P", actor="ana") == [f"F{app.service.get(reference).id}"]
    assert app.evaluation.send_missing(f"{reference}/P", actor="ana") == []  # once
    app.outbox.dispatch()
    assert list(tokens(smtp)) == ["focal@partner.example"]


def test_the_summary_and_the_report_count_answers_and_response_rates_after_each_reminder(app, tmp_path, clock):
    """Four participants: one answers before any reminder (skills 4), one after the first (3), one
    after the second (5), one never; the partner rates the Action good."""
    key = delivered_activity(app)
    reference = key.split("/")[0]
    register(app, tmp_path, key, people=4)
    clock.advance(days=1)
    app.fire_all_due()

    def answer(n: int, skills: str) -> None:
        with reading(app.engine) as session:
            link = session.exec(select(FormLink).where(FormLink.recipient.like("P%")).order_by(FormLink.id)).all()[n]
        assert app.evaluation.submit(app.links.token(link.nonce), {**GOOD, "skills_enhanced": [skills]}).outcome \
            == "stored"

    answer(0, "4")
    clock.advance(days=7)
    app.fire_all_due()
    answer(1, "3")
    clock.advance(days=7)
    app.fire_all_due()
    answer(2, "5")
    clock.advance(days=8)
    app.fire_all_due()

    summary = app.evaluation.summary(reference)
    [collection] = summary["collections"]
    participant = collection["forms"]["participant"]
    assert (collection["collection"], collection["state"], collection["reminders_sent"]) == (f"{key}/C", "closed", 2)
    assert (participant["invited"], participant["answered"], participant["response_rate"]) == (4, 3, 0.75)
    assert participant["response_rate_by_wave"] == [0.25, 0.5, 0.75]
    skills = participant["questions"]["skills_enhanced"]
    assert (skills["answered"], skills["positive_share"], skills["median"]) == (3, 0.667, 4)  # 4 and 5 of 3, 4, 5
    assert participant["questions"]["comments"] == {"kind": "text", "answered": 3}  # never the words

    figures = app.evaluation.period(None, None)
    assert figures["participants_skills_enhanced_share"] == 0.667
    assert figures["experts_peer_to_peer_share"] is None and figures["partners_good_or_excellent_share"] is None
    assert figures["evaluation"]["response_rates"]["participant"]["after_each_reminder"] == [0.25, 0.5, 0.75]
    sent_on = date.fromisoformat(collection["forms_sent_on"])
    assert app.evaluation.period(sent_on + timedelta(days=1), None)["evaluation"] == {
        "collections": 0, "response_rates": {}}
    assert app.evaluation.period(sent_on, sent_on)["evaluation"]["collections"] == 1
