"""`mieux logistics`: each mission's logistics checklist, item by item (open, done, not needed)."""
from dataclasses import asdict
from typing import Annotated, Optional

import typer

from mieux.cli.common import As, Json, Reason, print_trail, runtime, sub_app, validated
from mieux.render import as_json, local, table

app = sub_app("Logistics checklists: what each mission needs done (venue, flights, visas ...), who owns it, when due.")
Item = Annotated[str, typer.Argument(help="The item: its activity and number, e.g. 2026-07/3/L4.")]
Activity = Annotated[str, typer.Argument(help="The activity: its Action and number, e.g. 2026-07/3.")]


@app.command("list")
def list_(ctx: typer.Context, activity: Activity, json_: Json = False) -> None:
    """An activity's checklist: each item, its owner, when it is due and where it stands."""
    from mieux.logistics import items_of

    rt = runtime(ctx)
    state, lines = items_of(rt.app.engine, activity.strip())
    if json_:
        typer.echo(as_json({"activity": activity.strip(), "state": state, "items": [asdict(x) for x in lines]}))
        return
    zone = rt.zone
    typer.echo(table(["item", "what", "owner", "due", "state", "note"],
                     [[x.item, x.label, x.owner, local(x.due_at, zone) if x.state == "open" else None, x.state,
                       x.note] for x in lines]))
    still = sum(x.state == "open" for x in lines)
    typer.echo(f"{len(lines)} item{'' if len(lines) == 1 else 's'}, {still} open"
               + ("" if lines else f" (a checklist is made when the activity is prepared; it is {state})"))


def _fire(ctx: typer.Context, item: str, trigger: str, reason: str | None, actor: str | None, json_: bool) -> None:
    rt = runtime(ctx)
    who = rt.actor(actor)
    before = rt.service.subject("checklist_item", item).state
    row = rt.service.transition("checklist_item", item, trigger, actor=who, reason=reason)
    if json_:
        typer.echo(as_json({"item": item.strip(), "label": row.label, "state": row.state, "version": row.version}))
    else:
        typer.echo(f"{item.strip()} {row.label}: {before} -> {row.state} ({trigger} by {who})")


@app.command("done")
def done(ctx: typer.Context, item: Item, actor: As = None, json_: Json = False) -> None:
    """Record that an item is done (its deadline is met)."""
    _fire(ctx, item, "done", None, actor, json_)


@app.command("not-needed")
def not_needed(ctx: typer.Context, item: Item, reason: Reason = None, actor: As = None, json_: Json = False) -> None:
    """Record that an item is not needed, and why (--reason)."""
    _fire(ctx, item, "not_needed", reason, actor, json_)


@app.command("reopen")
def reopen(ctx: typer.Context, item: Item, reason: Reason = None, actor: As = None, json_: Json = False) -> None:
    """Open an item again (a booking fell through), with the reason."""
    _fire(ctx, item, "reopen", reason, actor, json_)


@app.command("history")
def history(ctx: typer.Context, item: Item, json_: Json = False) -> None:
    """The item's own audit trail, oldest first."""
    rt = runtime(ctx)
    print_trail(rt, rt.service.subject_history("checklist_item", item), as_json=json_)


@app.command("update")
def update(ctx: typer.Context, item: Item,
           owner: Annotated[Optional[str], typer.Option(help="Who owns it: a role or a person id.")] = None,
           label: Annotated[Optional[str], typer.Option(help="What it says.")] = None,
           reason: Reason = None, actor: As = None, json_: Json = False) -> None:
    """Hand an item to another owner or reword it, without moving it (audited)."""
    from domain.logistics import ItemChanges

    rt = runtime(ctx)
    data = {k: v for k, v in (("owner", owner), ("label", label)) if v is not None}
    row = rt.service.edit("checklist_item", item, validated(ItemChanges, data, "checklist item",
                                                            {"owner": "--owner", "label": "--label"}),
                          actor=rt.actor(actor), reason=reason)
    if json_:
        typer.echo(as_json({"item": item.strip(), "label": row.label, "owner": row.owner, "state": row.state,
                            "version": row.version}))
    else:
        typer.echo(f"{item.strip()}: updated {', '.join(sorted(data))} (version {row.version})")
