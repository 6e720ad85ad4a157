"""`mieux participants` and `mieux evaluation`: who an activity's forms go to, and how its evaluation stands."""
from pathlib import Path
from typing import Annotated

import typer

from mieux.cli.common import As, Json, Reason, runtime, sub_app
from mieux.render import as_json, table

participants_app = sub_app("Participants of activities: who their evaluation forms go to.")
evaluation_app = sub_app("Evaluation: forms collected from participants and experts after each activity.")
Activity = Annotated[str, typer.Argument(help="The activity: its Action and number, e.g. 2026-07/3.")]
Collection = Annotated[str, typer.Argument(help="The activity's evaluation: e.g. 2026-07/3/C.")]
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


@evaluation_app.command("close")
def close(ctx: typer.Context, collection: Collection, reason: Reason = None, actor: As = None,
          json_: Json = False) -> None:
    """Close an activity's evaluation before its deadline, with the reason (its activity is then evaluated)."""
    rt = runtime(ctx)
    who = rt.actor(actor)
    row = rt.service.transition("evaluation_collection", collection, "close", actor=who, reason=reason)
    if json_:
        typer.echo(as_json({"collection": collection.strip(), "state": row.state, "version": row.version}))
    else:
        typer.echo(f"{collection.strip()}: open -> {row.state} (close by {who}); its activity is evaluated")


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
