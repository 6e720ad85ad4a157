"""What each kind of alert says. A kind has a subject, a summary and a next step (Jinja2 text);
two layouts, plain text and simple HTML, turn them into the message, so a new kind is one entry.

Deadline alerts are named `<deadline kind>.<point>` (fiche.reminder, psg_decision.due, ...);
kinds without an entry of their own fall back to the entry for their point, so a deadline rule
added to the policy file gets sensible messages before anyone writes words for it.
"""
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment, StrictUndefined

KINDS: dict[str, dict[str, str]] = {
    "reminder": {
        "subject": "{{ deadline }} on {{ due }}: {{ action }}",
        "summary": "{{ deadline }} for {{ action }} on {{ due }}.",
        "next": "Make sure it is done before then.",
    },
    "due": {
        "subject": "OVERDUE: {{ deadline }} ({{ action }})",
        "summary": "{{ deadline }} for {{ action }} was due on {{ due }} and is now overdue.",
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
        "next": "Submit the fiche as soon as it is ready, or tell the programme manager what holds it up.",
    },
    "psg_decision.due": {
        "subject": "OVERDUE: PSG decision on {{ action }}",
        "summary": "The Project Steering Group's decision on {{ action }} was due on {{ due }}.",
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
        "next": "Record the final report and lessons learnt, then close the Action.",
    },
    "watch.due": {
        "subject": "{{ action }} has been in {{ state }} too long",
        "summary": "{{ action }} is still in {{ state }} ({{ deadline }}: limit reached on {{ due }}).",
        "next": "Review it: move it on, suspend it or withdraw it.",
    },
    "request.received": {
        "subject": "New request: {{ action }}",
        "summary": "A new request was registered as {{ action }}. The Action Fiche is due three weeks after "
                   "its receipt.",
        "next": "Check eligibility and accept, reject or forward it (mieux action show {{ reference }}).",
    },
    "action.approved": {
        "subject": "Approved by the PSG: {{ action }}",
        "summary": "The Project Steering Group approved {{ action }}.",
        "next": "Start recruiting experts and organising the first activity.",
    },
    "action.rejected": {
        "subject": "Rejected: {{ action }}",
        "summary": "{{ action }} was rejected{% if reason %}: {{ reason }}{% endif %}.",
        "next": "Inform the requesting authority.",
    },
    "fiche.returned": {
        "subject": "Action Fiche returned by the PSG: {{ action }}",
        "summary": "The PSG returned the Action Fiche of {{ action }} with comments.",
        "next": "Revise the fiche with the partner and submit it again.",
    },
    "activity.postponed": {
        "subject": "Postponed: {{ action }} ({{ of_action }})",
        "summary": "{{ action }} of {{ of_action }} was postponed{% if reason %}: {{ reason }}{% endif %}.",
        "next": "Re-plan its logistics for the new dates (mieux activity show {{ reference }}).",
    },
    "activity.cancelled": {
        "subject": "Cancelled: {{ action }} ({{ of_action }})",
        "summary": "{{ action }} of {{ of_action }} was cancelled{% if reason %}: {{ reason }}{% endif %}.",
        "next": "Cancel its bookings and tell the experts and the partner.",
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
        "next": "Fix them with the partner now, or postpone the activity.",
    },
    "activity_report.due": {
        "subject": "OVERDUE: report on {{ action }} ({{ of_action }})",
        "summary": "The report on {{ action }} of {{ of_action }} was due on {{ due }}.",
        "next": "Write it and record the activity as evaluated (mieux activity fire {{ reference }} evaluate).",
    },
    "outbox.dead": {
        "subject": "Undeliverable alert: {{ failed_kind }} to {{ person }} by {{ channel }}",
        "summary": "An alert about {{ action }} could not be delivered to {{ person }} by {{ channel }} after "
                   "{{ attempts }} attempts. Last error: {{ error }}",
        "next": "Fix the channel, then resend it: mieux outbox retry {{ delivery }}.",
    },
}

TEXT = """{{ summary }}

Next step: {{ next }}
{% if link %}
In Prefect: {{ link }}
{% endif %}
-- {{ facility }} workflow engine"""

HTML = """<html><body>
<p>{{ summary }}</p>
<p><strong>Next step:</strong> {{ next }}</p>
{% if link %}<p><a href="{{ link }}">Open in Prefect</a></p>{% endif %}
<p style="color:#666">{{ facility }} workflow engine</p>
</body></html>"""

_text = Environment(undefined=StrictUndefined, autoescape=False)
_html = Environment(undefined=StrictUndefined, autoescape=True)


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
  In Prefect: {{ m.link }}{% endif %}

{% endfor %}-- {{ facility }} workflow engine"""

DIGEST_HTML = """<html><body>
{% for m in messages %}<h3>{{ m.title }}</h3>
<p>{{ m.summary }}</p>
<p><strong>Next step:</strong> {{ m.next }}</p>
{% if m.link %}<p><a href="{{ m.link }}">Open in Prefect</a></p>{% endif %}
{% endfor %}<p style="color:#666">{{ facility }} workflow engine</p>
</body></html>"""


def digest(messages: list["Message"], *, facility: str) -> "Message":
    """Several alerts for one person as one message (their daily digest)."""
    context = {"messages": messages, "facility": facility}
    return Message(subject=f"[{facility}] Daily digest: {len(messages)} reminders",
                   text=_text.from_string(DIGEST_TEXT).render(context),
                   html=_html.from_string(DIGEST_HTML).render(context))


def entry(kind: str) -> dict[str, str]:
    """The template entry for `kind`: its own, else its family's (watch.*), else its point's."""
    if kind in KINDS:
        return KINDS[kind]
    family, _, point = kind.rpartition(".")
    if family.startswith("watch") and f"watch.{point}" in KINDS:
        return KINDS[f"watch.{point}"]
    return KINDS.get(point) or KINDS["due"]


def render(kind: str, data: dict, *, zone: ZoneInfo, facility: str = "MIEUX", ui_url: str | None = None) -> Message:
    """The message for an alert, with times shown in `zone` (the recipient's)."""
    values = {"reason": None, "deadline": "", "state": "", "failed_kind": "", "person": "", "channel": "",
              "attempts": "", "error": "", "delivery": "", "of_action": "", **data}
    values["action"] = f"{data.get('reference', '')} {data.get('name', '')}".strip()
    values["state"] = str(values["state"]).replace("_", " ")
    if data.get("due_at"):
        values["due"] = datetime.fromisoformat(data["due_at"]).astimezone(zone).strftime("%A %d %B %Y, %H:%M %Z")
        if data.get("moved_from"):  # the count fell on a weekend, holiday or closure
            values["due"] += f" (moved from {date.fromisoformat(data['moved_from']):%A %d %B}, not a working day)"
    else:
        values["due"] = ""
    template = entry(kind)
    words = {part: _text.from_string(template[part]).render(values) for part in ("subject", "summary", "next")}
    link = None
    if ui_url:
        run = data.get("flow_run_id")
        link = f"{ui_url.rstrip('/')}/runs/flow-run/{run}" if run else f"{ui_url.rstrip('/')}/runs"
    context = {**words, "link": link, "facility": facility}
    return Message(subject=f"[{facility}] {words['subject']}", text=_text.from_string(TEXT).render(context),
                   html=_html.from_string(HTML).render(context), title=words["subject"], summary=words["summary"],
                   next=words["next"], link=link)
