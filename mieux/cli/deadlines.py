"""`mieux deadlines`: what is due, and what is overdue."""
from typing import Annotated, Optional

import typer

from mieux.cli.common import Json, runtime
from mieux.render import as_json, local, table


def deadlines_command(ctx: typer.Context,
                      reference: Annotated[Optional[str], typer.Argument(
                          help="Only this Action's (and its activities'), whatever their status.")] = None,
                      overdue: Annotated[bool, typer.Option("--overdue", help="Only those past due.")] = False,
                      json_: Json = False) -> None:
    """Pending deadlines, soonest first; or every deadline of one Action."""
    from mieux.deadlines import deadlines

    rt = runtime(ctx)
    now = rt.app.clock.now()
    if reference is not None:
        action = rt.service.get(reference)
        rows = [(d, action) for d in rt.service.deadlines_of(reference)
                if not overdue or (d.status == "pending" and d.due_at <= now)]
    else:
        rows = deadlines(rt.app.engine, now=now, overdue_only=overdue)
    if json_:
        typer.echo(as_json([{"reference": a.reference, "name": a.name, "state": a.state, "kind": d.kind,
                             "deadline": d.label, "process": d.process, "due_at": d.due_at,
                             "overdue": d.status == "pending" and d.due_at <= now, "status": d.status,
                             "started_at": d.started_at} for d, a in rows]))
        return
    typer.echo(table(["reference", "name", "deadline", "due", "days left", "state"],
                     [[a.reference, a.name, d.label, local(d.due_at, rt.zone),
                       d.status if d.status != "pending" else "overdue" if d.due_at <= now else (d.due_at - now).days,
                       a.state] for d, a in rows]))
    typer.echo(f"{len(rows)} deadline(s){' overdue' if overdue else ''}")
