"""What each kind of alert says. A kind has a subject, a summary and a next step (Jinja2 text);
two layouts, plain text and simple HTML, turn them into the message, so a new kind is one entry.

Deadline alerts are named `<deadline kind>.<point>` (fiche.reminder, psg_decision.due, ...);
kinds without an entry of their own fall back to the entry for their point, so a deadline rule
added to the policy file gets sensible messages before anyone writes words for it.

The words use what the alert's `data` holds: for a transition alert, the facts its machine
declares (`owes(..., facts=[...])`, copied when it happened; a fact not known then is None), for a
deadline alert its `deadline` and `due`. Dates are shown in the reader's time zone: `|day` for a
date or the day of a time, `|due` for a deadline a fact carries (`deadlines.fiche|due`: its moment,
and the non-working day it moved from). `next` is a kind's next step by default, `next.<role>` the
one for a reader holding that role in the facility (the first listed that they hold), so that a
programme manager told that a fiche is late is asked to follow it up, not to tell themselves.

An alert whose data names a `language` (an evaluation form's invitation and reminders, written to
people outside the team) is worded with the entry's `subject.<language>`, `summary.<language>` and
`next.<language>` where it has them, its dates and the layout's few words in that language.
"""
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from jinja2 import ChainableUndefined, Environment, StrictUndefined, UndefinedError, pass_context

log = logging.getLogger(__name__)

KINDS: dict[str, dict[str, str]] = {
    "reminder": {
        "subject": "{{ deadline }} on {{ due }}: {{ action }}",
        "summary": "{{ deadline }} for {{ action }} on {{ due }}.",
        "next": "Make sure it is done before then.",
    },
    "due": {
        "subject": "OVERDUE: {{ deadline }} ({{ action }})",
        "summary": "{{ deadline }} for {{ action }} was due on {{ due }} and is now overdue.",
        "next.programme_manager": "Ask the people responsible what holds it up, and decide what happens next.",
        "next": "Do it now, or record why it is late.",
    },
    "escalation": {
        "subject": "ESCALATION: {{ deadline }} ({{ action }})",
        "summary": "{{ deadline }} for {{ action }} was due on {{ due }} and is still not done.",
        "next": "Follow up with the people responsible and decide what happens next.",
    },
    "fiche.reminder": {
        "subject": "Action Fiche due on {{ due }}: {{ action }}",
        "summary": "The Action Fiche for {{ action }} is due on {{ due }}, three weeks after the request arrived.",
        "next": "Finish the fiche with the partner's focal point and submit it "
                "(mieux action fire {{ reference }} submit_fiche).",
    },
    "fiche.due": {
        "subject": "OVERDUE: Action Fiche for {{ action }}",
        "summary": "The Action Fiche for {{ action }} was due on {{ due }} (three weeks after the request) "
                   "and has not been submitted.",
        "next.programme_manager": "Ask the project officer what holds the fiche up and when it will be submitted "
                                  "(mieux action show {{ reference }}).",
        "next": "Submit the fiche as soon as it is ready (mieux action fire {{ reference }} submit_fiche), "
                "or tell the programme manager what holds it up.",
    },
    "psg_decision.due": {
        "subject": "OVERDUE: PSG decision on {{ action }}",
        "summary": "The Project Steering Group's decision on {{ action }} was due on {{ due }}.",
        "next.psg_member": "Record the PSG's decision now: approve the fiche, return it with comments or reject it "
                           "(mieux action fire {{ reference }} approve|return_fiche|reject).",
        "next": "Ask the PSG members (DG DEVCO, DG HOME, EEAS) for their decision.",
    },
    "psg_decision.escalation": {
        "subject": "ESCALATION: still no PSG decision on {{ action }}",
        "summary": "The PSG decision on {{ action }} was due on {{ due }} and is still missing.",
        "next": "Raise it with the PSG chair.",
    },
    "final_report.reminder": {
        "subject": "Final report due on {{ due }}: {{ action }}",
        "summary": "The final report of {{ action }} is due on {{ due }}.",
        "next": "Record the final report and lessons learnt, then close the Action.",
    },
    "final_report.due": {
        "subject": "OVERDUE: final report of {{ action }}",
        "summary": "The final report of {{ action }} was due on {{ due }}.",
        "next.programme_manager": "Ask the project officer when the final report and lessons learnt will be "
                                  "recorded (mieux action show {{ reference }}).",
        "next": "Record the final report and lessons learnt, then close the Action.",
    },
    "watch.due": {
        "subject": "{{ action }} has been in {{ state }} too long",
        "summary": "{{ action }} is still in {{ state }} ({{ deadline }}: limit reached on {{ due }}).",
        "next": "Review it: move it on, suspend it or withdraw it.",
    },
    "request.received": {
        "subject": "New request: {{ action }}",
        "summary": "A new request was registered as {{ action }}.{% if requester %} It came from {{ requester }}"
                   "{% if countries %} ({{ countries|join(', ') }}){% endif %}{% if received_on %} and was received "
                   "on {{ received_on|day }}{% endif %}.{% endif %}"
                   "{% if deadlines.fiche %} The Action Fiche is due on {{ deadlines.fiche|due }}.{% endif %}"
                   "{% if project_officer %} Its project officer is {{ project_officer }}."
                   "{% elif project_officer is none %} It has no project officer yet.{% endif %}",
        "next.programme_manager": "{% if project_officer %}Check that {{ project_officer }} can take it on and that "
                                  "its eligibility is checked soon{% elif project_officer is none %}Assign it a "
                                  "project officer (mieux action update {{ reference }} --officer PERSON)"
                                  "{% else %}Check that it has a project officer and that its eligibility is checked "
                                  "soon{% endif %}{% if deadlines.fiche %}: the Action Fiche is due on "
                                  "{{ deadlines.fiche|day }}{% endif %}.",
        "next": "Check eligibility and accept, reject or forward it (mieux action show {{ reference }}).",
    },
    "fiche.submitted": {
        "subject": "For the PSG's decision: Action Fiche of {{ action }}",
        "summary": "{{ actor_name }} submitted the Action Fiche of {{ action }}{% if requester %} ({{ requester }}"
                   "{% if countries %}, {{ countries|join(', ') }}{% endif %}){% endif %} to the Project Steering "
                   "Group.{% if deadlines.psg_decision %} The PSG's decision is due on "
                   "{{ deadlines.psg_decision|due }}.{% endif %}"
                   "{% if fiche and fiche.objective %} Its objective: {{ fiche.objective }}{% endif %}",
        "next": "Read the fiche (mieux action show {{ reference }}) and record the PSG's decision"
                "{% if deadlines.psg_decision %} by {{ deadlines.psg_decision|day }}{% endif %}: approve it, "
                "return it with comments or reject it (mieux action fire {{ reference }} approve|return_fiche|reject).",
    },
    "action.approved": {
        "subject": "Approved by the PSG: {{ action }}",
        "summary": "The Project Steering Group approved {{ action }}"
                   "{% if psg_decision_on %} on {{ psg_decision_on|day }}{% endif %}"
                   "{% if fiche_submitted_at %}; its Action Fiche was first submitted on "
                   "{{ fiche_submitted_at|day }}{% endif %}.",
        "next.logistics_assistant": "Get ready to organise the travel, venues and visas of its activities "
                                    "(mieux action show {{ reference }}).",
        "next.programme_manager": "Check that experts are being recruited and the first activity planned.",
        "next": "Start recruiting experts and organising the first activity.",
    },
    "action.rejected": {
        "subject": "Rejected: {{ action }}",
        "summary": "{{ action }} was rejected"
                   "{% if previous_state == 'approval' %} by the Project Steering Group"
                   "{% if psg_decision_on %} on {{ psg_decision_on|day }}{% endif %}{% endif %}"
                   "{% if reason %}: {{ reason }}{% endif %}.",
        "next.programme_manager": "Make sure the requesting authority{% if requester %} ({{ requester }}){% endif %} "
                                  "is told of the decision.",
        "next": "Inform the requesting authority{% if requester %} ({{ requester }}){% endif %} of the decision and "
                "its reasons.",
    },
    "fiche.returned": {
        "subject": "Action Fiche returned by the PSG: {{ action }}",
        "summary": "The PSG returned the Action Fiche of {{ action }}"
                   "{% if psg_comments %} with these comments{% if actor_name %} (recorded by {{ actor_name }})"
                   "{% endif %}: {{ psg_comments }}{% else %}.{% endif %}",
        "next": "Revise the fiche with the partner{% if psg_comments %} to answer the comments{% endif %}, then "
                "submit it again (mieux action fire {{ reference }} submit_fiche).",
    },
    "activity.postponed": {
        "subject": "Postponed: {{ action }} ({{ of_action }})",
        "summary": "{{ action }} of {{ of_action }} was postponed{% if reason %}: {{ reason }}{% endif %}."
                   "{% if dates %} It is now planned {{ dates }}{% if place %}, {{ place }}{% endif %}.{% endif %}",
        "next.logistics_assistant": "Move its travel, venue and visa bookings to the new dates "
                                    "(mieux activity show {{ reference }}).",
        "next": "Re-plan its logistics for the new dates (mieux activity show {{ reference }}).",
    },
    "activity.cancelled": {
        "subject": "Cancelled: {{ action }} ({{ of_action }})",
        "summary": "{{ action }} of {{ of_action }}{% if dates %}, planned {{ dates }}"
                   "{% if place %}, {{ place }}{% endif %},{% endif %} was cancelled{% if reason %}: {{ reason }}"
                   "{% endif %}.",
        "next.logistics_assistant": "Cancel its bookings (travel, venue, visas) and recover what can be refunded.",
        "next.programme_manager": "Check that {{ of_action }} can still reach its objective without it"
                                  "{% if action_reference %} (mieux action show {{ action_reference }}){% endif %}.",
        "next": "Tell the experts and the partner, and make sure its bookings are cancelled.",
    },
    "activity_dates.reminder": {
        "subject": "Fix the dates and place of {{ action }} by {{ due }}",
        "summary": "{{ action }} of {{ of_action }} should have its dates and place fixed by {{ due }}, 45 days "
                   "before it starts.",
        "next": "Agree them with the partner, then prepare it (mieux activity fire {{ reference }} prepare).",
    },
    "activity_dates.due": {
        "subject": "OVERDUE: dates and place of {{ action }} ({{ of_action }})",
        "summary": "The dates and place of {{ action }} of {{ of_action }} were to be fixed by {{ due }}.",
        "next.programme_manager": "Ask the project officer whether it can still take place as planned, or "
                                  "whether it should be postponed (mieux activity show {{ reference }}).",
        "next": "Fix them with the partner now, or postpone the activity.",
    },
    "activity_report.due": {
        "subject": "OVERDUE: report on {{ action }} ({{ of_action }})",
        "summary": "The report on {{ action }} of {{ of_action }} was due on {{ due }}.",
        "next": "Write it and record the activity as evaluated (mieux activity fire {{ reference }} evaluate).",
    },
    "assignment.invited": {
        "subject": "Invitation: {{ activity_title }}{% if mission %} {{ mission }}{% endif %} ({{ of_action }})",
        "summary": "You are invited to contribute as an expert to {{ activity_title }}{% if mission %}, "
                   "{{ mission }}{% endif %}, part of the MIEUX Action {{ of_action }}."
                   "{% if working_days %} The assignment is {{ working_days }} working day"
                   "{% if working_days != 1 %}s{% endif %}{% if travel_days %} and {{ travel_days }} travel "
                   "day{% if travel_days != 1 %}s{% endif %}{% endif %}{% if fee_per_day %}, at a fee of "
                   "EUR {{ fee_per_day }} per working day{% endif %}, with the daily subsistence allowance of the "
                   "place of the mission.{% endif %}",
        "next.expert": "Please answer{% if deadlines.invitation_answer %} by {{ deadlines.invitation_answer|day }}"
                       "{% endif %}: accept or decline{% if form_url %} through your own link below{% else %} by "
                       "replying to this message{% endif %}.",
        "next": "Record the expert's answer (mieux assignment fire {{ reference }} accept|decline).",
    },
    "assignment.accepted": {
        "subject": "Accepted: {{ action }}",
        "summary": "{{ action }} accepted the invitation to {{ activity_title }}{% if mission %} ({{ mission }}){% endif %}"
                   ", part of {{ of_action }}.",
        "next.logistics_assistant": "Prepare the expert's travel, visa and insurance for the mission.",
        "next": "Send the contract (mieux assignment fire {{ reference }} send_contract --contract-on DATE).",
    },
    "assignment.declined": {
        "subject": "Declined: {{ action }}",
        "summary": "{{ action }} ({{ of_action }}{% if mission %}, {{ mission }}{% endif %}) was declined"
                   "{% if reason %}: {{ reason }}{% endif %}.",
        "next": "Pick another expert for it (mieux expert match {{ reference.rpartition('/')[0] }}).",
    },
    "assignment.withdrawn": {
        "subject": "Withdrawn: {{ action }}",
        "summary": "{{ action }} ({{ of_action }}{% if mission %}, {{ mission }}{% endif %}) was withdrawn"
                   "{% if reason %}: {{ reason }}{% endif %}.",
        "next.logistics_assistant": "Cancel the expert's bookings for it (travel, visa, insurance).",
        "next": "Tell the expert, and pick another one if the activity needs it "
                "(mieux expert match {{ reference.rpartition('/')[0] }}).",
    },
    "form.invitation": {
        "subject": "{{ form_title }}: {{ name }}",
        "summary": "{{ form_intro }} ({{ name }}, {{ of_action }})",
        "next": "Answer the form through your own link below{% if closes_on %} by {{ closes_on|day }}{% endif %}: "
                "it takes a few minutes{% if role != 'partner' %}, and your answers are not linked to your name{% endif %}.",
        "next.fr": "Répondez au questionnaire par votre lien personnel ci-dessous{% if closes_on %} avant le "
                   "{{ closes_on|day }}{% endif %} : cela prend quelques minutes{% if role != 'partner' %}, et vos "
                   "réponses ne sont pas associées à votre nom{% endif %}.",
        "next.es": "Responda al cuestionario con su enlace personal más abajo{% if closes_on %} antes del "
                   "{{ closes_on|day }}{% endif %}: le llevará unos minutos{% if role != 'partner' %}, y sus respuestas "
                   "no se vinculan a su nombre{% endif %}.",
    },
    "form.reminder": {
        "subject": "Reminder - {{ form_title }}: {{ name }}",
        "subject.fr": "Rappel - {{ form_title }} : {{ name }}",
        "subject.es": "Recordatorio - {{ form_title }}: {{ name }}",
        "summary": "We have not received your answers yet. {{ form_intro }} ({{ name }}, {{ of_action }})",
        "summary.fr": "Nous n'avons pas encore reçu vos réponses. {{ form_intro }} ({{ name }}, {{ of_action }})",
        "summary.es": "Todavía no hemos recibido sus respuestas. {{ form_intro }} ({{ name }}, {{ of_action }})",
        "next": "Answer the form through your own link below{% if closes_on %} by {{ closes_on|day }}{% endif %}.",
        "next.fr": "Répondez au questionnaire par votre lien personnel ci-dessous{% if closes_on %} avant le "
                   "{{ closes_on|day }}{% endif %}.",
        "next.es": "Responda al cuestionario con su enlace personal más abajo{% if closes_on %} antes del "
                   "{{ closes_on|day }}{% endif %}.",
    },
    "form.low_score": {
        "subject": "Low evaluation score ({{ score }}) for {{ action }}",
        "summary": "A {{ role }} of {{ action }} ({{ of_action }}) gave it an average of {{ score }} out of 5. "
                   "Their answers: {% for question, answer in answers %}{{ question }}: {{ answer }}"
                   "{% if not loop.last %}; {% endif %}{% endfor %}.",
        "next": "Look into what went wrong with the team and the partner while it is fresh.",
    },
    "evaluation.closed": {
        "subject": "Evaluation closed: {{ action }} ({{ answered }} of {{ invited }} answered)",
        "summary": "The evaluation forms of {{ action }} ({{ of_action }}) are closed: {{ answered }} of "
                   "{{ invited }} people answered.",
        "next": "Read the summary with mieux evaluation {{ reference.split('/')[0] }}.",
    },
    "evaluation.nobody": {
        "subject": "No one to send the evaluation forms of {{ action }} to",
        "summary": "The evaluation forms of {{ action }} ({{ of_action }}) were due to go out, and the activity has "
                   "no registered participants and no deployed experts.",
        "next": "Register its participants (mieux participants import {{ reference }} FILE.csv): each gets "
                "their form at once.",
    },
    "evaluation.no_partner_email": {
        "subject": "No email to send the partner's evaluation form of {{ name }} to",
        "summary": "The partner authority's evaluation form of {{ of_action }} was due to go out, and the Action "
                   "has no email for its focal point.",
        "next": "Record it (mieux action update {{ reference }} --focal-point-email ADDRESS), then send the form "
                "with mieux evaluation send {{ reference }}/P.",
    },
    "communication.drafted": {
        "subject": "{% if occasion == 'newsletter' %}Newsletter{% else %}News item{% endif %} to review: {{ title }}",
        "summary": "{% if occasion == 'newsletter' %}The engine prepared the month's newsletter: the Actions closed, "
                   "the activities coming up and the month's figures{% else %}The engine drafted a news item on the "
                   "{{ occasion }} of {{ of_action }}{% endif %}: \"{{ title }}\".",
        "next": "Read and edit it (mieux comms show {{ reference }}), tick its visibility checklist, then review "
                "it (mieux comms fire {{ reference }} review).",
    },
    "communication.published": {
        "subject": "Published: {{ title }}",
        "summary": "{% if of_action %}The news item \"{{ title }}\" about {{ of_action }}{% else %}\"{{ title }}\""
                   "{% endif %} is published{% if published_url %} at {{ published_url }}{% endif %}.",
        "next": "{% if of_action %}Share it with the partner and the EU Delegation.{% else %}Share it with the "
                "programme's mailing list and the EU Delegations.{% endif %}",
    },
    "newsletter_review.reminder": {
        "subject": "Newsletter to review by {{ due }}: {{ action }}",
        "summary": "The newsletter \"{{ name }}\" is to be reviewed by {{ due }}.",
        "next": "Read and edit it (mieux comms show {{ reference }}), tick its visibility checklist, then review "
                "it (mieux comms fire {{ reference }} review).",
    },
    "newsletter_review.due": {
        "subject": "OVERDUE: newsletter review ({{ action }})",
        "summary": "The newsletter \"{{ name }}\" was to be reviewed by {{ due }}.",
        "next": "Review it (mieux comms fire {{ reference }} review), or drop it with a reason.",
        "next.programme_manager": "Ask the communications officer what holds the newsletter up.",
    },
    "invitation_answer.reminder": {
        "subject": "Reminder: your answer to the invitation, by {{ due }}",
        "summary": "We have not yet had your answer to the invitation to {{ action }} ({{ of_action }}). "
                   "Please let us know by {{ due }}.",
        "next.expert": "Reply to the invitation: accept or decline.",
        "next": "Record the expert's answer (mieux assignment fire {{ reference }} accept|decline).",
    },
    "invitation_answer.due": {
        "subject": "No answer from the expert: {{ action }}",
        "summary": "The expert invited to {{ action }} ({{ of_action }}) has not answered; the answer was due "
                   "on {{ due }}.",
        "next": "Call the expert once more, or withdraw the invitation and pick another expert "
                "(mieux assignment fire {{ reference }} withdraw --reason ...).",
    },
    "contract_signature.due": {
        "subject": "OVERDUE: expert contract for {{ action }}",
        "summary": "The contract for {{ action }} ({{ of_action }}) was to be signed by {{ due }}, ten working "
                   "days before the activity starts.",
        "next.logistics_assistant": "Check with the expert that the contract was received, and hold the bookings "
                                    "until it is signed.",
        "next": "Get the contract signed now (mieux assignment fire {{ reference }} sign_contract), or withdraw "
                "the expert.",
    },
    "mission_report.reminder": {
        "subject": "Your post-mission report is due on {{ due }}",
        "summary": "Thank you for your contribution to {{ action }} ({{ of_action }}). Your post-mission report "
                   "is due on {{ due }}.",
        "next.expert": "Send your post-mission report by replying to this message.",
        "next": "Remind the expert of the post-mission report.",
    },
    "mission_report.due": {
        "subject": "OVERDUE: post-mission report of {{ action }}",
        "summary": "The post-mission report of {{ action }} ({{ of_action }}) was due on {{ due }}.",
        "next": "Ask the expert for it; once it arrives, record it "
                "(mieux assignment fire {{ reference }} complete --report-on DATE).",
    },
    "checklist_item.due": {
        "subject": "OVERDUE: {{ action }} ({{ of_action }})",
        "summary": "{{ deadline }}: {{ action }}, on the logistics checklist of {{ of_action }}, was due on "
                   "{{ due }}.",
        "next.project_officer": "Check with its owner that the mission can still go ahead as planned "
                                "(mieux logistics {{ reference.rpartition('/')[0] }}).",
        "next": "Do it now and record it (mieux logistics done {{ reference }}), or record why it is not needed "
                "(mieux logistics not-needed {{ reference }} --reason ...).",
    },
    "checklist_item.escalation": {
        "subject": "STILL OPEN: {{ action }} ({{ of_action }})",
        "summary": "{{ deadline }}: {{ action }}, on the logistics checklist of {{ of_action }}, was due on "
                   "{{ due }} and is still open.",
        "next": "Check with its owner that the mission can still go ahead as planned "
                "(mieux logistics {{ reference.rpartition('/')[0] }}).",
    },
    "expert.consent": {
        "subject": "Consent to renew: {{ action }}",
        "summary": "The data-protection consent of {{ action }}{% if consent_purpose %} ({{ consent_purpose }})"
                   "{% endif %} dates from {{ consent_on|day }}, more than {{ months }} months ago.",
        "next": "Ask the expert to renew it and record the new date (mieux expert update {{ reference }} "
                "--consent-on DATE), or erase their data (mieux expert erase {{ reference }} --confirm "
                "{{ reference }}).",
    },
    "outbox.dead": {
        "subject": "Undeliverable alert: {{ failed_kind }} to {{ person }} by {{ channel }}",
        "summary": "An alert about {{ action }} could not be delivered to {{ person }} by {{ channel }} after "
                   "{{ attempts }} attempts. Last error: {{ error }}",
        "next": "Fix the channel, then resend it: mieux outbox retry {{ delivery }}.",
    },
}

TEXT = """{{ summary }}

{{ words.next }}: {{ next }}
{% if form_url %}
{{ link_word }}: {{ form_url }}
{% endif %}{% if link %}
The Action in Prefect: {{ link }}
{% endif %}
-- {{ facility }} {{ words.engine }}"""

# The link's text is its URL: the plain-text part that apprise derives from this HTML keeps it.
HTML = """<html><body>
<p>{{ summary }}</p>
<p><strong>{{ words.next }}:</strong> {{ next }}</p>
{% if form_url %}<p>{{ link_word }}: <a href="{{ form_url }}">{{ form_url }}</a></p>{% endif %}
{% if link %}<p>The Action in Prefect: <a href="{{ link }}">{{ link }}</a></p>{% endif %}
<p style="color:#666">{{ facility }} {{ words.engine }}</p>
</body></html>"""

LAYOUT = {
    "en": {"next": "Next step", "f": "Your form", "i": "Your answer", "engine": "workflow engine"},
    "fr": {"next": "Prochaine étape", "f": "Votre questionnaire", "i": "Votre réponse", "engine": "moteur de suivi"},
    "es": {"next": "Próximo paso", "f": "Su cuestionario", "i": "Su respuesta", "engine": "sistema de seguimiento"},
}
"""The layouts' own words, in each language an alert may be written in (English otherwise)."""
NAMES = {
    "fr": (("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
           ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
            "novembre", "décembre"), "{weekday} {day} {month} {year}"),
    "es": (("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
           ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
            "noviembre", "diciembre"), "{weekday} {day} de {month} de {year}"),
}
"""Weekdays, months and the order of a date in the languages other than English."""


def _when(value: str, zone: ZoneInfo) -> datetime:
    moment = datetime.fromisoformat(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(zone)


def _day_of(value: str, zone: ZoneInfo) -> date:
    return _when(value, zone).date() if "T" in value else date.fromisoformat(value)


def day_text(day: date, language: str = "en") -> str:
    """A date as a message shows it: Monday 23 March 2026 (lundi 23 mars 2026, lunes 23 de marzo de 2026)."""
    if language in NAMES:
        weekdays, months, shape = NAMES[language]
        return shape.format(weekday=weekdays[day.weekday()], day=day.day, month=months[day.month - 1], year=day.year)
    return f"{day:%A} {day.day} {day:%B %Y}"


def moment_text(value: str, zone: ZoneInfo) -> str:
    """A stored time (ISO, UTC) as a reader in `zone` reads it: Monday 23 March 2026, 09:00 CET."""
    moment = _when(value, zone)
    return f"{day_text(moment.date())}, {moment:%H:%M %Z}"


def due_text(due_at: str, moved_from: str | None, zone: ZoneInfo) -> str:
    """When something is due, saying so when the count fell on a day nobody works."""
    text = moment_text(due_at, zone)
    if moved_from:
        moved = date.fromisoformat(moved_from)
        text += f" (moved from {moved:%A} {moved.day} {moved:%B}, not a working day)"
    return text


# The filters the words use. A fact that is None shows as nothing (the words test it first); a
# fact the alert does not carry at all is an error (StrictUndefined), never a silent blank.
@pass_context
def _day(context, value) -> str:
    if not value:
        return ""
    value = value["due_at"] if isinstance(value, dict) else value
    return day_text(_day_of(value, context["_zone"]), context.get("_language", "en"))


@pass_context
def _due(context, deadline) -> str:
    return due_text(deadline["due_at"], deadline.get("moved_from"), context["_zone"]) if deadline else ""


def _environment(undefined, autoescape: bool) -> Environment:
    environment = Environment(undefined=undefined, autoescape=autoescape)
    environment.filters.update(day=_day, due=_due)
    return environment


_text = _environment(StrictUndefined, autoescape=False)
_html = _environment(StrictUndefined, autoescape=True)
_tolerant = _environment(ChainableUndefined, autoescape=False)
_ENVIRONMENTS = {"text": _text, "html": _html, "tolerant": _tolerant}


@lru_cache(maxsize=1024)
def _template(environment: str, source: str):
    """Each template text is compiled once per environment, not at every message."""
    return _ENVIRONMENTS[environment].from_string(source)


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    title: str = ""     # the subject without the facility prefix
    summary: str = ""
    next: str = ""
    link: str | None = None


DIGEST_TEXT = """{% for m in messages %}- {{ m.title }}
  {{ m.summary }}
  Next step: {{ m.next }}{% if m.link %}
  The Action in Prefect: {{ m.link }}{% endif %}

{% endfor %}-- {{ facility }} workflow engine"""

DIGEST_HTML = """<html><body>
{% for m in messages %}<h3>{{ m.title }}</h3>
<p>{{ m.summary }}</p>
<p><strong>Next step:</strong> {{ m.next }}</p>
{% if m.link %}<p>The Action in Prefect: <a href="{{ m.link }}">{{ m.link }}</a></p>{% endif %}
{% endfor %}<p style="color:#666">{{ facility }} workflow engine</p>
</body></html>"""


def digest(messages: list["Message"], *, facility: str) -> "Message":
    """Several alerts for one person as one message (their daily digest)."""
    context = {"messages": messages, "facility": facility}
    return Message(subject=f"[{facility}] Daily digest: {len(messages)} reminders",
                   text=_template("text", DIGEST_TEXT).render(context),
                   html=_template("html", DIGEST_HTML).render(context))


def entry(kind: str) -> dict[str, str]:
    """The template entry for `kind`: its own, else its family's (watch.*), else its point's."""
    if kind in KINDS:
        return KINDS[kind]
    family, _, point = kind.rpartition(".")
    if family.startswith("watch") and f"watch.{point}" in KINDS:
        return KINDS[f"watch.{point}"]
    return KINDS.get(point) or KINDS["due"]


def next_step(template: dict[str, str], roles, language: str = "en") -> str:
    """The next step for a reader holding `roles`: that of the first role the entry lists and the
    reader holds, else the entry's in the alert's language, else its default."""
    for part, words in template.items():
        if part.startswith("next.") and part.removeprefix("next.") in roles:
            return words
    return template.get(f"next.{language}", template["next"])


def _activity_dates(data: dict) -> dict:
    """`dates` and `place` of an activity, from the facts an activity alert carries (if it does); an
    alert about an expert on it carries the activity's as `activity_start` ..., shown as `mission`."""
    if "activity_start" in data or "activity_city" in data:
        mission = _activity_dates({k.removeprefix("activity_"): v for k, v in data.items() if k.startswith("activity_")})
        return {"mission": ", ".join(filter(None, [mission.get("dates"), mission.get("place")]))}
    values = {}
    if "start" in data or "end" in data:
        days = [date.fromisoformat(d) for d in dict.fromkeys((data.get("start"), data.get("end"))) if d]
        values["dates"] = (f"from {day_text(days[0])} to {day_text(days[1])}" if len(days) == 2 else
                           f"on {day_text(days[0])}" if days else "")
    if {"city", "country", "remote"} & set(data):
        city, country = data.get("city"), data.get("country")
        values["place"] = ("remotely" if data.get("remote") else f"in {city} ({country})" if city and country
                           else f"in {city or country}" if city or country else "")
    return values


ACTION_KEY = re.compile(r"^\d{4}-\d{2,4}(/|$)")
"""A key that names an Action or something of it (2026-07, 2026-07/3, 2026-07/3/E17)."""


def page_key(reference: str) -> str:
    """The key of an Action's page in the Prefect UI, a Markdown artifact that the sweep keeps up to
    date (keys allow lowercase letters, digits and dashes)."""
    return f"mieux-action-{reference.lower()}"


def render(kind: str, data: dict, *, zone: ZoneInfo, roles=(), facility: str = "MIEUX", ui_url: str | None = None,
           tolerant: bool = False) -> Message:
    """The message for an alert, for a reader holding `roles`, with times shown in `zone` (theirs).

    A fact the words use and the alert does not carry fails the rendering; `tolerant` (the outbox)
    renders such an alert without it instead, with a warning: an alert written before its kind
    carried the fact is still worth sending."""
    values = {"reason": None, "deadline": "", "state": "", "failed_kind": "", "person": "", "channel": "",
              "attempts": "", "error": "", "delivery": "", "of_action": "", "form_url": None, "role": None, **data, **_activity_dates(data)}
    values["action"] = f"{data.get('reference', '')} {data.get('name', '')}".strip()
    values["state"] = str(values["state"]).replace("_", " ")
    values["due"] = due_text(data["due_at"], data.get("moved_from"), zone) if data.get("due_at") else ""
    language = data.get("language") if data.get("language") in LAYOUT else "en"
    values["_zone"], values["_language"] = zone, language
    template = entry(kind)
    parts = {"subject": template.get(f"subject.{language}", template["subject"]),
             "summary": template.get(f"summary.{language}", template["summary"]),
             "next": next_step(template, roles, language)}
    try:
        words = {part: _template("text", source).render(values) for part, source in parts.items()}
    except UndefinedError as error:
        if not tolerant:
            raise
        log.warning("alert %s of %s: %s; sent without it", kind, values["action"], error)
        words = {part: _template("tolerant", source).render(values) for part, source in parts.items()}
    link = None
    if ui_url and ACTION_KEY.match(str(data.get("reference", ""))):  # the Action's own page (an activity's: its
        # Action's); an alert about the roster (E17) has none
        link = f"{ui_url.rstrip('/')}/artifacts/key/{page_key(str(data['reference']).split('/')[0])}"
    elif ui_url:
        link = ui_url.rstrip("/")
    context = {**words, "link": link, "facility": facility, "form_url": data.get("form_url"),
               "words": LAYOUT[language], "link_word": LAYOUT[language].get(data.get("link_path") or "f")}
    return Message(subject=f"[{facility}] {words['subject']}", text=_template("text", TEXT).render(context),
                   html=_template("html", HTML).render(context), title=words["subject"], summary=words["summary"],
                   next=words["next"], link=link)
