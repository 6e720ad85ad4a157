"""`mieux sweep`: what `mieux serve` does on the clock, once, without Prefect (cron, recovery, tests)."""
import typer

from mieux.cli.common import Json, runtime
from mieux.render import as_json


def sweep_command(ctx: typer.Context, json_: Json = False) -> None:
    """Fire every deadline notice that is due, note experts' consents to renew, then route and send the alerts owed, once."""
    from mieux.experts import owe_consent_reminders

    app = runtime(ctx).app
    fired = app.fire_all_due()
    consents = owe_consent_reminders(app.engine, facility=app.facility, clock=app.clock,
                                     months=app.settings.consent_months)
    sent = app.outbox.dispatch()
    if json_:
        typer.echo(as_json({"fired": fired.fired, "coalesced": fired.coalesced, "cancelled": fired.cancelled,
                            "consents": consents, "routed": sent.routed, "sent": sent.sent, "failed": sent.failed,
                            "dead": sent.dead}))
        return
    typer.echo(f"fired {fired.fired} deadline notice(s) ({fired.coalesced} folded into them, {fired.cancelled} no "
               f"longer due); {consents} consent(s) to renew; routed {sent.routed} alert(s); sent {sent.sent}, "
               f"failed {sent.failed} (will retry), dead {sent.dead}")
