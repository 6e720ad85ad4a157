"""`mieux comms`: the news items the engine drafts about Actions, edited, reviewed and published."""
from pathlib import Path
from typing import Annotated, Optional

import typer

from mieux.cli.common import As, Json, Reason, print_trail, runtime, sub_app, validated
from mieux.render import as_json, table

app = sub_app("Communications: the news item drafted when an Action is approved and when it closes, the month's "
              "newsletter, their visibility checklist, review and publication.")
Task = Annotated[str, typer.Argument(help="The task: a news item by its Action and number, e.g. 2026-07/N1; a "
                                          "newsletter by its month, e.g. NL-2026-11.")]
TRIGGERS = ("review", "revise", "publish", "drop")
CHECKLIST = ("eu_funding_acknowledged", "partner_approved", "photos_consented")


def _shown(key: str, t) -> dict:
    return {"task": key, "occasion": t.occasion, "title": t.title, "state": t.state,
            **{name: getattr(t, name) for name in CHECKLIST}, "published_url": t.published_url, "draft": t.draft,
            "version": t.version}


@app.command("list")
def list_(ctx: typer.Context,
          reference: Annotated[Optional[str], typer.Argument(help="Only this Action's (e.g. 2026-07).")] = None,
          json_: Json = False) -> None:
    """Communications tasks, oldest first: what each is about and where it stands."""
    from mieux.communications import tasks

    shown = [_shown(key, t) for key, t in tasks(runtime(ctx).app.engine, reference.strip() if reference else None)]
    if json_:
        typer.echo(as_json({"tasks": shown}))
        return
    typer.echo(table(["task", "occasion", "state", "title"], [[t["task"], t["occasion"], t["state"], t["title"]]
                                                              for t in shown]))
    typer.echo(f"{len(shown)} task{'' if len(shown) == 1 else 's'}")


@app.command("newsletter")
def newsletter(ctx: typer.Context,
               month: Annotated[Optional[str], typer.Argument(help="The month, e.g. 2026-11 (default: last month).")] = None,
               actor: As = None, json_: Json = False) -> None:
    """Prepare a month's newsletter for review: the Actions closed, the activities coming up in the next
    month, the month's figures. The `newsletter` deployment does it on the first of each month."""
    from mieux.newsletter import prepare

    rt = runtime(ctx)
    row = prepare(rt.service, month, actor=rt.actor(actor))
    key = f"NL-{row.month}"
    if json_:
        typer.echo(as_json(_shown(key, row)))
        return
    typer.echo(f"{key} {row.title}: drafted for review (mieux comms show {key})")


@app.command("show")
def show(ctx: typer.Context, task: Task, json_: Json = False) -> None:
    """One task: its draft and its visibility checklist."""
    row = runtime(ctx).service.subject("communication_task", task)
    shown = _shown(task.strip(), row)
    if json_:
        typer.echo(as_json(shown))
        return
    ticks = "\n".join(f"  [{'x' if shown[n] else ' ' if shown[n] is False else '-'}] {n}" for n in CHECKLIST)
    typer.echo(f"{task.strip()} ({row.occasion}, {row.state}): {row.title}\n\n{row.draft}\n\nvisibility checklist "
               f"(- for photos: there are none):\n{ticks}")


@app.command("fire")
def fire(ctx: typer.Context, task: Task,
         trigger: Annotated[str, typer.Argument(help=f"One of {', '.join(TRIGGERS)}.")],
         reason: Reason = None, actor: As = None, json_: Json = False) -> None:
    """Move a task: review it, send it back to drafting, publish it, or drop it (with the reason)."""
    rt = runtime(ctx)
    who = rt.actor(actor)
    before = rt.service.subject("communication_task", task).state
    row = rt.service.transition("communication_task", task, trigger, actor=who, reason=reason)
    if json_:
        typer.echo(as_json(_shown(task.strip(), row)))
    else:
        typer.echo(f"{task.strip()} {row.title}: {before} -> {row.state} ({trigger} by {who})")


@app.command("update")
def update(ctx: typer.Context, task: Task,
           title: Annotated[Optional[str], typer.Option(help="The item's title.")] = None,
           draft: Annotated[Optional[Path], typer.Option(help="A text file with the item's new text.")] = None,
           eu_funding_acknowledged: Annotated[Optional[bool], typer.Option(
               "--eu-funding-acknowledged/--no-eu-funding-acknowledged", help="The EU's funding is acknowledged.")] = None,
           partner_approved: Annotated[Optional[bool], typer.Option(
               "--partner-approved/--no-partner-approved", help="The partner approved the text.")] = None,
           photos_consented: Annotated[Optional[bool], typer.Option(
               "--photos-consented/--photos-without-consent",
               help="Everyone in the photos consented (or not yet); leave it unset when there are no photos.")] = None,
           published_url: Annotated[Optional[str], typer.Option(help="Where it was published.")] = None,
           reason: Reason = None, actor: As = None, json_: Json = False) -> None:
    """Edit a task's text and tick its visibility checklist, without moving it (audited)."""
    from domain.communications import CommunicationChanges

    rt = runtime(ctx)
    data = {k: v for k, v in (("title", title), ("eu_funding_acknowledged", eu_funding_acknowledged),
                              ("partner_approved", partner_approved), ("photos_consented", photos_consented),
                              ("published_url", published_url)) if v is not None}
    if draft is not None:
        from config.files import read_text
        from domain.errors import InvalidInput

        data["draft"] = read_text(draft, what="the draft", error=InvalidInput, limit=100_000)
    row = rt.service.edit("communication_task", task, validated(CommunicationChanges, data, "communications task"),
                          actor=rt.actor(actor), reason=reason)
    if json_:
        typer.echo(as_json(_shown(task.strip(), row)))
    else:
        typer.echo(f"{task.strip()}: updated {', '.join(sorted(data))} (version {row.version})")


@app.command("history")
def history(ctx: typer.Context, task: Task, json_: Json = False) -> None:
    """The task's own audit trail, oldest first."""
    rt = runtime(ctx)
    print_trail(rt, rt.service.subject_history("communication_task", task), as_json=json_)
