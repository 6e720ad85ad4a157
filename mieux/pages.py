"""An Action's own page, as Markdown: what admins open from an alert's link (a Prefect artifact,
whose key page in the UI shows it: see flows/mirror.py).

It holds what `mieux action show` prints: the state and key facts, the activities, every deadline
(pending ones first, overdue ones marked), the alerts and how each delivery went, the latest
history, and what can be done next and by whom.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from mieux.render import local
from mieux.service import ActionService
from states.action import ACTION

HISTORY_SHOWN = 15


def _cell(value) -> str:
    text = "-" if value is None or value == "" else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: list[str], rows: list[list]) -> list[str]:
    """A Markdown table's lines (cells escaped), or "none"."""
    if not rows:
        return ["_none_", ""]
    return [f"| {' | '.join(headers)} |", f"|{'---|' * len(headers)}",
            *(f"| {' | '.join(_cell(c) for c in row)} |" for row in rows), ""]


def action_page(service: ActionService, reference: str, *, now: datetime, zone: ZoneInfo) -> str:
    """The Markdown page of one Action, as of `now`, times in the team's zone."""
    action = service.get(reference)
    keys = service.subject_keys(reference)
    activities, deadlines = service.activities(reference), service.deadlines_of(reference)
    alerts, history = service.alerts_of(reference), service.history(reference)

    def when(moment):
        return local(moment, zone)

    facts = [["state", f"**{action.state.replace('_', ' ')}** since {when(action.state_since)}"],
             ["requester", f"{action.requester} ({action.requester_type.replace('_', ' ')})"],
             ["countries", ", ".join(action.countries)], ["region", action.region],
             ["theme", action.theme.replace("_", " ")], ["received on", action.received_on],
             ["project officer", action.project_officer], ["focal point", action.focal_point],
             ["fiche submitted", when(action.fiche_submitted_at)], ["PSG decision on", action.psg_decision_on],
             ["PSG comments", action.psg_comments], ["closed on", action.closed_on], ["version", action.version]]
    lines = [f"# {action.reference} {action.name}", "", *markdown_table(["", ""], [f for f in facts if f[1] is not None])]
    lines += ["## Activities", "", *markdown_table(["activity", "state", "type", "title", "dates"], [
        [f"{reference}/{a.number}", a.state, a.type.replace("_", " "), a.title,
         " to ".join(str(d) for d in (a.start, a.end) if d) or "to be set"] for a in activities])]
    ordered = sorted(deadlines, key=lambda d: (d.status != "pending", d.due_at))
    lines += ["## Deadlines", "", *markdown_table(["of", "deadline", "due", "status"], [
        [keys.get((d.subject_kind, d.subject_id)), d.label, when(d.due_at),
         ("**OVERDUE**" if d.status == "pending" and d.due_at <= now else d.status)] for d in ordered])]
    lines += ["## Alerts", "", *markdown_table(["when", "alert", "to"], [
        [when(a.created_at), a.kind, ", ".join(f"{d.person} by {d.channel}: {d.status}" for d in sent)
         or "not yet routed"] for a, sent in reversed(alerts)])]
    shown = history[-HISTORY_SHOWN:]
    lines += [f"## History (latest {len(shown)} of {len(history)}; all: `mieux action history {reference}`)", "",
              *markdown_table(["when", "subject", "trigger", "from", "to", "by", "via"], [
                  [when(e.at), keys.get((e.subject_kind, e.subject_id)), e.trigger, e.from_state, e.to_state,
                   e.actor, e.via] for e in reversed(shown)])]
    nexts = [[f"`{t}`", ", ".join(roles)] for t, roles in ACTION.next_steps(action.state).items()]
    lines += ["## What can be done next", "", *(markdown_table(["trigger", "who may"], nexts) if nexts else
                                                ["Nothing: the Action is closed for good.", ""])]
    lines += [f"_As of {when(now)}. Fire a trigger with the fire-trigger deployment, or "
              f"`mieux action fire {reference} TRIGGER`._"]
    return "\n".join(lines)
