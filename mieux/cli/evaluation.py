"""`mieux participants` and `mieux evaluation`: who an activity's forms go to, and how its evaluation stands."""
from pathlib import Path
from typing import Annotated

import typer

from mieux.cli.common import As, Json, Reason, runtime, sub_app
from mieux.render import as_json, percent, table

participants_app = sub_app("Participants of activities: who their evaluation forms go to.")
evaluation_app = sub_app("Evaluation: forms collected from participants and experts after each activity, and from "
                         "the partner authority in monitoring and six months after closing. "
                         "`mieux evaluation ACTION` is `mieux evaluation show ACTION`.", default="show")
Activity = Annotated[str, typer.Argument(help="The activity: its Action and number, e.g. 2026-07/3.")]
Collection = Annotated[str, typer.Argument(help="An evaluation collection: an activity's (2026-07/3/C), the partner's "
                                                "(2026-07/P) or its six-month follow-up (2026-07/F).")]
Reference = Annotated[str, typer.Argument(help="The Action's reference, e.g. 2026-07.")]
File = Annotated[Path, typer.Argument(help="A CSV whose header is name,email,sex,institution.")]


@participants_app.command("import")
def import_(ctx: typer.Context, activity: Activity, file: File, actor: As = None, json_: Json = False) -> None:
    """Register an activity's participants from a CSV (all rows or none); if its forms went out, the new ones get theirs now."""
    rt = runtime(ctx)
    added = rt.app.evaluation.import_participants(activity.strip(), file, actor=rt.actor(actor))
    if json_:
        typer.echo(as_json({"activity": activity.strip(), "registered": added}))
    else:
        typer.echo(f"registered {added} participant{'' if added == 1 else 's'} for {activity.strip()}")


@participants_app.command("list")
def list_(ctx: typer.Context, activity: Activity, json_: Json = False) -> None:
    """An activity's participants."""
    rows = runtime(ctx).app.evaluation.participants(activity.strip())
    shown = [{"participant": f"P{p.id}", "name": p.name, "email": p.email, "sex": p.sex,
              "institution": p.institution} for p in rows]
    if json_:
        typer.echo(as_json({"activity": activity.strip(), "participants": shown}))
        return
    typer.echo(table(["participant", "name", "email", "sex", "institution"], [list(p.values()) for p in shown]))
    typer.echo(f"{len(shown)} participant{'' if len(shown) == 1 else 's'}")


@evaluation_app.command("show")
def show(ctx: typer.Context, reference: Reference, json_: Json = False) -> None:
    """An Action's evaluation: each collection's forms, response rates after each reminder, and per question
    the share answering positively (agree 4-5, good or excellent, yes) and the median."""
    summary = runtime(ctx).app.evaluation.summary(reference)
    typer.echo(as_json(summary) if json_ else render_summary(summary))


def render_summary(summary: dict) -> str:
    """An Action's evaluation as a person reads it."""
    lines = [f"{summary['action']} {summary['name']}: evaluation"]
    if not summary["collections"]:
        lines.append("no evaluation yet: an activity's opens when it is delivered, the partner's when the Action "
                     "enters monitoring")
    for c in summary["collections"]:
        lines += ["", f"{c['collection']} {c['evaluates']}: {c['state']}; forms sent {c['forms_sent_on'] or 'not yet'}"
                      f"{'; closes ' + c['closes_on'] if c['closes_on'] and c['state'] == 'open' else ''}; "
                      f"reminders sent {c['reminders_sent']}"]
        lines += _forms(c["forms"])
    if len(summary["collections"]) > 1:
        lines += ["", "All collections together"] + _forms(summary["overall"])
    return "\n".join(lines)


def _forms(forms: dict) -> list[str]:
    lines = []
    for name, f in forms.items():
        waves = ", ".join(f"{percent(r)} after {w} reminder{'' if w == 1 else 's'}"
                          for w, r in enumerate(f["response_rate_by_wave"]) if w)
        lines.append(f"  {name} form: {f['answered']} of {f['invited']} answered ({percent(f['response_rate'])}"
                     f"{'; ' + percent(f['response_rate_by_wave'][0]) + ' before any reminder, ' + waves if waves else ''})")
        rows = [[key, q["answered"], percent(q.get("positive_share")), q.get("median") if q.get("median") is not None
                 else "-"] for key, q in f["questions"].items() if q["kind"] != "text"]
        if rows and f["answered"]:
            lines += ["    " + line for line in table(["question", "answers", "positive", "median"], rows).splitlines()]
    return lines



@evaluation_app.command("send")
def send(ctx: typer.Context, collection: Collection, actor: As = None, json_: Json = False) -> None:
    """Send a collection's form to whoever should have it and has none yet (a focal point's email recorded
    late, an expert deployed late)."""
    rt = runtime(ctx)
    sent = rt.app.evaluation.send_missing(collection, actor=rt.actor(actor))
    if json_:
        typer.echo(as_json({"collection": collection.strip(), "sent_to": sent}))
    else:
        typer.echo(f"{collection.strip()}: form sent to {', '.join(sent)}" if sent
                   else f"{collection.strip()}: everyone it goes to has their form already")


@evaluation_app.command("close")
def close(ctx: typer.Context, collection: Collection, reason: Reason = None, actor: As = None,
          json_: Json = False) -> None:
    """Close an evaluation before its deadline, with the reason (an activity's: the activity is then evaluated)."""
    rt = runtime(ctx)
    who = rt.actor(actor)
    row = rt.service.transition("evaluation_collection", collection, "close", actor=who, reason=reason)
    if json_:
        typer.echo(as_json({"collection": collection.strip(), "state": row.state, "version": row.version}))
    else:
        evaluated = "; its activity is evaluated" if row.activity_id is not None else ""
        typer.echo(f"{collection.strip()}: open -> {row.state} (close by {who}){evaluated}")


def web_command(ctx: typer.Context) -> None:
    """Serve the evaluation forms (MIEUX_WEB_HOST:MIEUX_WEB_PORT) until Ctrl-C; `mieux serve` serves them too."""
    from mieux.web.server import WebServer

    rt = runtime(ctx)
    settings = rt.app.settings
    server = WebServer(rt.app, settings.web_host, settings.web_port)
    typer.echo(f"evaluation forms: {settings.web_url or f'http://{settings.web_host}:{server.port}'}/f/TOKEN "
               "(Ctrl-C stops)")
    server.start()
    try:
        while server.is_alive():
            server.join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
