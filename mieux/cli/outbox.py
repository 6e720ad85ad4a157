"""`mieux outbox`: what was sent, what waits, what failed; send now; resend."""
from typing import Annotated

import typer

from mieux.cli.common import Json, runtime
from mieux.render import as_json, local, table

app = typer.Typer(help="The alerts owed to people: see them, send them, resend a failed one.",
                  add_completion=False, pretty_exceptions_enable=False, invoke_without_command=True)


@app.callback()
def show(ctx: typer.Context,
         failed: Annotated[bool, typer.Option("--failed", help="Only dead deliveries and those that failed.")] = False,
         json_: Json = False) -> None:
    """Deliveries, newest first (with no sub-command)."""
    if ctx.invoked_subcommand:
        return
    rt = runtime(ctx)
    outbox = rt.app.outbox
    rows = outbox.deliveries(failed_only=failed)
    configured = set(outbox.channels.names)
    if json_:
        typer.echo(as_json([{"id": d.id, "alert": a.kind, "reference": a.data.get("reference"), "person": d.person,
                             "channel": d.channel, "status": d.status, "attempts": d.attempts, "digest": d.digest,
                             "next_attempt_at": d.next_attempt_at, "sent_at": d.sent_at, "error": d.last_error,
                             "channel_configured": d.channel in configured} for d, a in rows]))
        return
    typer.echo(table(["id", "alert", "action", "to", "channel", "status", "tries", "when", "error"],
                     [[d.id, a.kind, a.data.get("reference"), d.person, d.channel,
                       d.status if d.channel in configured or d.status != "pending" else "waiting: no such channel",
                       d.attempts, local(d.sent_at or d.next_attempt_at, rt.zone), d.last_error] for d, a in rows]))
    typer.echo(f"{len(rows)} deliver{'y' if len(rows) == 1 else 'ies'}; channels configured: "
               f"{', '.join(sorted(configured)) or 'none (set MIEUX_CHANNELS_FILE)'}")


@app.command("dispatch")
def dispatch(ctx: typer.Context) -> None:
    """Route new alerts and send everything that is due, once."""
    done = runtime(ctx).app.outbox.dispatch()
    typer.echo(f"routed {done.routed} alert(s); sent {done.sent}, failed {done.failed} (will retry), dead {done.dead}")


@app.command("retry")
def retry(ctx: typer.Context, delivery: Annotated[int, typer.Argument(
        min=1, max=2_147_483_647, help="The delivery id (see mieux outbox).")]) -> None:
    """Send a failed delivery again at the next dispatch, with a fresh retry budget."""
    row = runtime(ctx).app.outbox.retry(delivery)
    typer.echo(f"delivery {row.id} to {row.person} by {row.channel} will be sent at the next dispatch")
