"""Every alert a machine or the deadline policy owes has words of its own, renders for each of its
readers with the facts it carries, says every fact it carries, and gives each reader a next step
that fits their role."""
from collections import namedtuple
from datetime import date, datetime, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from jinja2 import UndefinedError

from config.facility import load_facility
from config.policy import DEFAULT_DEADLINES
from config.settings import DEFAULT_FACILITY
from domain.model import Role
from mieux.subjects import KINDS as SUBJECTS, MACHINES, checked_policy
from notifications.directory import EXTERNAL
from notifications.planner import facts
from notifications.templates import KINDS, LAYOUT, entry, next_step, render
from states.machine import owes

BRUSSELS = ZoneInfo("Europe/Brussels")
OWED = sorted({owed.alert for machine in MACHINES.values() for owed in machine.alerts.values()})
DECLARED = [(kind, trigger, owed) for kind, machine in MACHINES.items() for trigger, owed in machine.alerts.items()]
POLICY = checked_policy(DEFAULT_DEADLINES, load_facility(DEFAULT_FACILITY))


Row = namedtuple("Row", "kind label due_at moved_from")
ACTION = SimpleNamespace(reference="2026-07", name="Ghana II", requester="Ghana Immigration Service",
                         countries=["GH", "TG"], received_on=date(2026, 2, 27), project_officer="ana",
                         fiche={"objective": "Support the labour migration strategy",
                                "intervention_logic": "Peer review"},
                         fiche_submitted_at=datetime(2026, 3, 4, 10, 30, tzinfo=timezone.utc),
                         psg_decision_on=date(2026, 3, 20), psg_comments="Clarify the budget of activity 2")
ACTIVITY = SimpleNamespace(start=date(2026, 9, 14), end=date(2026, 9, 16), city="Accra", country="GH", remote=False,
                           title="Training of border officers", state="preparing")
ASSIGNMENT = SimpleNamespace(working_days=3, travel_days=2, fee_per_day="450.00", contract_on=date(2026, 8, 3),
                             report_on=None)
TASK = SimpleNamespace(title="New MIEUX Action with Ghana Immigration Service: Ghana II", occasion="approval",
                       published_url="https://mieux.example/news/ghana-ii")
SAMPLES = {"action": ACTION, "activity": ACTIVITY, "assignment": ASSIGNMENT, "communication_task": TASK}
PARENTS = {"action": {}, "activity": {}, "communication_task": {},
           "assignment": {"activity": ACTIVITY, "link": SimpleNamespace(nonce="n", path="i")}}
DEADLINES = [Row("fiche", "Action Fiche due", datetime(2026, 3, 23, 8, tzinfo=timezone.utc), None),
             Row("psg_decision", "PSG decision due", datetime(2026, 3, 18, 8, tzinfo=timezone.utc), None),
             Row("invitation_answer", "Answer due", datetime(2026, 3, 23, 8, tzinfo=timezone.utc), None)]
SAID = {  # what the message shows of each fact, with the samples above
    "requester": "Ghana Immigration Service", "countries": "GH, TG", "received_on": "Friday 27 February 2026",
    "project_officer": "Ana Ferreira", "fiche": "Support the labour migration strategy",
    "fiche_submitted_at": "Wednesday 4 March 2026", "psg_decision_on": "Friday 20 March 2026",
    "psg_comments": "Clarify the budget of activity 2",
    "deadline.fiche": "Monday 23 March 2026, 09:00 CET", "deadline.psg_decision": "Wednesday 18 March 2026, 09:00 CET",
    "start": "from Monday 14 September 2026", "end": "to Wednesday 16 September 2026", "city": "in Accra",
    "country": "(GH)", "remote": "in Accra", "action.reference": "mieux action show 2026-07",
    "activity.title": "Training of border officers", "activity.start": "from Monday 14 September 2026",
    "activity.end": "to Wednesday 16 September 2026", "activity.city": "in Accra", "activity.country": "(GH)",
    "activity.remote": "in Accra", "working_days": "3 working days", "travel_days": "2 travel days",
    "fee_per_day": "EUR 450.00 per working day", "deadline.invitation_answer": "by Monday 23 March 2026",
    "title": "Ghana Immigration Service: Ghana II", "occasion": "on the approval of",
    "published_url": "https://mieux.example/news/ghana-ii",
}


def alert_data(kind: str, owed, subject=None, deadlines=DEADLINES, facility=None, parents=None) -> dict:
    """The data TransitionAlerts writes for `owed`, from the samples."""
    names = {p.id: p.name for p in facility.people} if facility else {}
    subject = subject or SAMPLES[kind]
    reference, name = {"action": ("2026-07", "Ghana II"), "activity": ("2026-07/2", "Training of border officers"),
                       "assignment": ("2026-07/2/E3", "on Training of border officers"),
                       "communication_task": ("2026-07/N1", "New MIEUX Action")}[kind]
    base = {"reference": reference, "name": name, "state": "rejected", "previous_state": "approval",
            "reason": "elections", "actor": "psg-home", "actor_name": "PSG member (DG HOME)"}
    if kind != "action":
        base["of_action"] = "2026-07 Ghana II"
    return base | facts(owed, subject=subject, action=ACTION, deadlines=deadlines,
                        name=lambda person: names.get(person, person),
                        parents=PARENTS[kind] if parents is None else parents)


def readers(tell) -> list[frozenset[str]]:
    """Each role told (an expert too), and a reader who holds none of the kind's roles."""
    return [frozenset({who}) for who in tell if who in Role.__members__ or who in EXTERNAL] + [frozenset()]


@pytest.mark.parametrize("kind", OWED)
def test_each_alert_a_transition_owes_has_its_own_template(kind):
    assert kind in KINDS


@pytest.mark.parametrize("kind,trigger,owed", DECLARED, ids=lambda v: getattr(v, "alert", v))
def test_each_fact_an_alert_declares_is_a_field_of_its_subject_or_a_deadline_of_the_policy(kind, trigger, owed):
    table = SUBJECTS[kind].table
    for fact in owed.facts:
        owner, _, field = fact.rpartition(".")
        if owner == "deadline":
            rule = POLICY.rule(field)
            assert rule is not None and rule.subject == kind, f"{owed.alert}: no {kind} deadline {field!r}"
        elif owner in SUBJECTS[kind].extras:  # not a subject: the rendering test reads it
            assert owner in PARENTS[kind], f"{owed.alert}: give PARENTS a sample {owner}"
        else:
            assert not owner or owner in SUBJECTS[kind].parents, f"{owed.alert}: a {kind} belongs to no {owner}"
            fields = (SUBJECTS[owner].table if owner else table).model_fields
            assert field in fields, f"{owed.alert}: {fact} is no field"


@pytest.mark.parametrize("kind,trigger,owed", DECLARED, ids=lambda v: getattr(v, "alert", v))
def test_each_transition_alert_renders_for_each_reader_and_says_every_fact_it_carries(kind, trigger, owed,
                                                                                      facility):
    data = alert_data(kind, owed, facility=facility)
    said = ""
    for roles in readers(owed.tell):
        message = render(owed.alert, data, zone=BRUSSELS, roles=roles)
        assert message.next and "{" not in message.text
        said += message.subject + message.text + message.html
    for fact in owed.facts:
        if fact.startswith("link."):  # the outbox makes the address from it, for its respondent only
            continue
        assert fact in SAID, f"say in SAID what {owed.alert} shows of {fact}"
        assert SAID[fact] in said, (owed.alert, fact)


def test_an_invitation_with_its_answer_link_asks_the_expert_to_answer_through_it():
    owed = MACHINES["assignment"].alerts["invite"]
    data = alert_data("assignment", owed) | {"form_url": "https://forms.example/i/TOKEN"}
    assert (data["link_nonce"], data["link_path"]) == ("n", "i")
    message = render("assignment.invited", data, zone=BRUSSELS, roles={"expert"})
    assert message.next == "Please answer by Monday 23 March 2026: accept or decline through your own link below."
    assert "Your answer: https://forms.example/i/TOKEN" in message.text


@pytest.mark.parametrize("kind,trigger,owed", DECLARED, ids=lambda v: getattr(v, "alert", v))
def test_each_transition_alert_renders_when_its_facts_are_not_known_yet(kind, trigger, owed, facility):
    def blank(sample):
        return SimpleNamespace(**{name: None for name in vars(sample)})

    data = alert_data(kind, owed, subject=blank(SAMPLES[kind]), deadlines=[], facility=facility,
                      parents={name: blank(row) for name, row in PARENTS[kind].items()})
    for roles in readers(owed.tell):
        message = render(owed.alert, data, zone=BRUSSELS, roles=roles)
        assert " on ." not in message.text and "()" not in message.text, message.text


def test_a_new_request_says_when_the_fiche_is_due_and_says_so_when_it_moved_off_a_sunday(facility):
    owed = MACHINES["action"].alerts["register"]
    moved = [Row("fiche", "Action Fiche due", datetime(2026, 8, 17, 7, tzinfo=timezone.utc), date(2026, 8, 16))]
    text = render("request.received", alert_data("action", owed, deadlines=moved, facility=facility),
                  zone=BRUSSELS).text
    assert "The Action Fiche is due on Monday 17 August 2026, 09:00 CEST (moved from Sunday 16 August, " \
           "not a working day)." in text
    assert "received on Friday 27 February 2026" in text


def test_times_are_shown_in_the_readers_own_time_zone(facility):
    owed = MACHINES["action"].alerts["submit_fiche"]
    text = render("fiche.submitted", alert_data("action", owed, facility=facility), zone=ZoneInfo("Asia/Tokyo"),
                  roles={"psg_member"}).text
    assert "due on Wednesday 18 March 2026, 17:00 JST" in text


def test_every_deadline_of_the_shipped_policy_renders_at_each_of_its_points():
    for rule in POLICY.deadlines:
        for point, tell in points(rule):
            for roles in readers(tell):
                message = render(rule.alert(point), {"reference": "2026-07/3", "name": "Workshop",
                                                          "deadline": rule.label, "due_at": "2026-05-01T07:00:00+00:00",
                                                          "of_action": "2026-07 Ghana II", "state": "planned"},
                                 zone=BRUSSELS, roles=roles)
                assert "2026-07/3 Workshop" in message.subject + message.text, (rule.kind, point)


def points(rule):
    """(point, who is told) for each notice of a deadline rule."""
    return [("due", rule.on_due.tell), *(("reminder", r.tell) for r in rule.reminders),
            *(("escalation", e.tell) for e in rule.escalations)]


def told():
    """(kind, role) for every alert kind and every role it tells, from the machines and the policy."""
    pairs = {(owed.alert, who) for _, _, owed in DECLARED for who in owed.tell}
    for rule in POLICY.deadlines:
        pairs |= {(rule.alert(point), who) for point, tell in points(rule) for who in tell}
    return sorted((kind, who) for kind, who in pairs if who in Role.__members__)


@pytest.mark.parametrize("kind,role", told())
def test_no_reader_is_asked_to_tell_or_ask_the_holder_of_their_own_role(kind, role):
    words = {"psg_member": "psg member"}.get(role, role.replace("_", " "))
    step = next_step(entry(kind), {role}).lower()
    assert f"the {words}" not in step, f"{kind} tells a {role}: {step}"


def test_the_programme_manager_told_of_a_late_fiche_is_asked_to_follow_it_up_and_the_officer_to_submit_it():
    data = {"reference": "2026-07", "name": "Ghana II", "due_at": "2026-03-23T08:00:00+00:00"}
    manager = render("fiche.due", data, zone=BRUSSELS, roles={"programme_manager", "admin"})
    officer = render("fiche.due", data, zone=BRUSSELS, roles={"project_officer"})
    assert manager.next.startswith("Ask the project officer what holds the fiche up")
    assert "programme manager" not in manager.text
    assert officer.next.startswith("Submit the fiche as soon as it is ready")


def test_a_next_step_is_that_of_the_first_role_the_kind_lists_that_the_reader_holds_else_the_default():
    template = {"next.logistics_assistant": "book", "next.programme_manager": "follow up", "next": "do it"}
    assert next_step(template, {"programme_manager", "logistics_assistant"}) == "book"
    assert next_step(template, {"programme_manager", "admin"}) == "follow up"
    assert next_step(template, {"knowledge_officer"}) == next_step(template, ()) == "do it"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_next_step_by_role_names_a_role_of_the_facility(kind):
    assert "next" in KINDS[kind]
    assert {p.removeprefix("next.") for p in KINDS[kind] if p.startswith("next.")} <= {
        *Role.__members__, *EXTERNAL, *LAYOUT}
    assert {p.partition(".")[2] for p in KINDS[kind] if p.startswith(("subject.", "summary."))} <= set(LAYOUT)


@pytest.mark.parametrize("language, subject, step, day, form", [
    ("fr", "Rappel - Évaluation : Formation", "Répondez au questionnaire", "lundi 23 mars 2026", "Votre questionnaire"),
    ("es", "Recordatorio - Evaluación: Formación", "Responda al cuestionario", "lunes 23 de marzo de 2026",
     "Su cuestionario"),
    ("de", "Reminder - Evaluation: Training", "Answer the form", "Monday 23 March 2026", "Your form"),
])
def test_a_form_reminder_is_worded_in_the_forms_language_its_date_too(language, subject, step, day, form):
    title, name = {"fr": ("Évaluation", "Formation"), "es": ("Evaluación", "Formación")}.get(
        language, ("Evaluation", "Training"))
    data = {"reference": "2026-07/3", "name": name, "of_action": "2026-07 Ghana II", "form_title": title,
            "form_intro": "...", "closes_on": "2026-03-23T08:00:00+00:00", "language": language,
            "form_url": "https://forms.example/f/x"}
    message = render("form.reminder", data, zone=BRUSSELS, roles={"participant"})
    assert message.title == subject
    assert message.next.startswith(step) and day in message.next
    assert f"{form}: https://forms.example/f/x" in message.text and f"{form}: <a" in message.html


def test_an_alert_lacking_a_fact_its_words_use_fails_unless_rendered_tolerantly_as_the_outbox_does(caplog):
    old = {"reference": "2026-07", "name": "Ghana II", "state": "request", "actor": "ana"}  # written before facts
    with pytest.raises(UndefinedError, match="requester"):
        render("request.received", old, zone=BRUSSELS)
    message = render("request.received", old, zone=BRUSSELS, roles={"programme_manager"}, tolerant=True)
    assert message.summary == "A new request was registered as 2026-07 Ghana II."
    assert message.next == "Check that it has a project officer and that its eligibility is checked soon."
    assert "sent without it" in caplog.text


def test_a_fact_is_a_field_a_field_of_the_action_or_activity_or_a_deadline():
    assert owes("x", ["admin"], facts=["start", "action.name", "deadline.fiche", "start", "activity.end"]).facts == (
        "start", "action.name", "deadline.fiche", "activity.end")
    with pytest.raises(ValueError, match="expert.name: a fact is a field"):
        owes("x", ["admin"], facts=["expert.name"])
    with pytest.raises(AttributeError, match="alert x carries 'budget', but the SimpleNamespace has no field"):
        facts(owes("x", ["admin"], facts=["budget"]), subject=ACTIVITY, action=ACTION)


def test_a_consent_to_renew_names_the_expert_and_links_to_no_action_page():
    data = {"reference": "E17", "name": "Maria Garcia", "consent_on": "2024-01-10", "consent_purpose": "EAR roster",
            "months": 24}
    message = render("expert.consent", data, zone=BRUSSELS, roles={"programme_manager"}, ui_url="http://ui")
    assert message.summary == ("The data-protection consent of E17 Maria Garcia (EAR roster) dates from Wednesday "
                               "10 January 2024, more than 24 months ago.")
    assert "mieux expert update E17 --consent-on DATE" in message.next
    assert message.link == "http://ui"
    assert render("activity.postponed", {"reference": "2026-07/3", "name": "x"}, zone=BRUSSELS,
                  ui_url="http://ui", tolerant=True).link == "http://ui/artifacts/key/mieux-action-2026-07"
