"""`mieux`: the command line. Exit 0 on success, 1 on a refusal or bad input, 2 on a usage error.

Commands that only read or write the store import neither Prefect nor Alembic.
"""
import sys

import typer

from domain.errors import MieuxError
from mieux.cli import actions, deadlines, outbox, portfolio, requests, sweep
from mieux.cli.common import runtime, sub_app

app = sub_app("mieux-engine: every MIEUX Action a state machine that keeps its own clock.")
app.add_typer(requests.app, name="request")
app.add_typer(actions.app, name="action")
app.add_typer(actions.machine_app, name="machine")
app.add_typer(portfolio.app, name="portfolio")
app.add_typer(outbox.app, name="outbox")
app.command("report")(portfolio.report_command)
app.command("deadlines")(deadlines.deadlines_command)
app.command("sweep")(sweep.sweep_command)


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the store, or migrate it to the current schema."""
    from mieux.bootstrap import bootstrap
    from store.migrate import upgrade

    built = bootstrap(runtime(ctx).settings, check=False)
    upgrade(built.engine)
    typer.echo(f"store ready: {built.engine.url.render_as_string()}")


@app.command()
def demo(ctx: typer.Context) -> None:
    """Initialise the store, load the bundled portfolio, walk a new request through its lifecycle, report."""
    from mieux.demo import run_demo

    run_demo(runtime(ctx).settings, echo=typer.echo)


@app.command()
def serve(ctx: typer.Context) -> None:
    """Run the engine: a local Prefect server (unless PREFECT_API_URL is set), the sweep, the timers and
    the admins' forms, until Ctrl-C."""
    from flows.serve import serve_engine

    serve_engine(runtime(ctx).settings, echo=typer.echo)


def main() -> None:
    """Entry point: a person's mistake becomes one line on stderr and exit 1, never a traceback."""
    try:
        app()
    except MieuxError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(1)
