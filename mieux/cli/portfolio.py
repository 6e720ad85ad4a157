"""`mieux portfolio` and `mieux report`."""
from pathlib import Path
from typing import Annotated, Optional

import typer

from mieux.cli.common import As, Json, parse_date, runtime, sub_app
from mieux.render import as_json, table

app = sub_app("Import the programme's history; export the portfolio.")
File = Annotated[Path, typer.Argument(help="A portfolio CSV file.")]
PORTFOLIO_BYTES = 50_000_000
"""The largest portfolio read: some 300,000 rows (10,000 rows take 1.5 MB)."""


@app.command("import")
def import_(ctx: typer.Context, file: File,
            update: Annotated[bool, typer.Option("--update", help="Replace Actions that already exist.")] = False,
            actor: As = None) -> None:
    """Import a portfolio CSV; one bad row imports nothing, and every bad row is listed."""
    from config.files import check_readable
    from domain.errors import InvalidInput
    from mieux.portfolio import import_portfolio

    rt = runtime(ctx)
    check_readable(file, what="the portfolio", error=InvalidInput, limit=PORTFOLIO_BYTES)
    done = import_portfolio(rt.service, file, actor=rt.actor(actor), update=update)
    typer.echo(f"imported {file}: {done.created} created, {done.updated} updated")


@app.command("export")
def export(ctx: typer.Context, file: File) -> None:
    """Write every Action to a portfolio CSV."""
    from mieux.portfolio import export_portfolio

    count = export_portfolio(runtime(ctx).service, file)
    typer.echo(f"exported {count} Action(s) to {file}")


def report_command(
    ctx: typer.Context,
    from_: Annotated[Optional[str], typer.Option("--from", help="First day of receipt (YYYY-MM-DD).")] = None,
    to: Annotated[Optional[str], typer.Option("--to", help="Last day of receipt (YYYY-MM-DD).")] = None,
    json_: Json = False,
) -> None:
    """The programme's figures for requests received in the period (default: all), statuses as of now, and the
    evaluation figures of the forms sent in the period."""
    from mieux.portfolio import report

    rt = runtime(ctx)
    start, end = parse_date(from_, "--from"), parse_date(to, "--to")
    figures = report(rt.service, start=start, end=end)
    figures |= rt.app.evaluation.period(start, end)
    typer.echo(as_json(figures) if json_ else render_report(figures))


def render_report(r: dict) -> str:
    """The report as a person reads it."""
    period = f"{r['period']['from'] or 'the beginning'} to {r['period']['to'] or 'today'}"
    status = [[label.replace("_", " "), r[label]] for label in
              ("completed", "ongoing", "in_preparation", "on_hold", "rejected", "forwarded", "withdrawn")]
    timely = r["fiche_timeliness"]
    share = timely["share_within_21_days"]
    parts = [
        f"Requests received from {period}: {r['requests_received']}",
        "", table(["status now", "actions"], status),
        "", table(["region", "requests"], [list(kv) for kv in r["by_region"].items()]),
        "", table(["requester type", "requests"], [list(kv) for kv in r["by_requester_type"].items()]),
        "", table(["theme", "requests"], [list(kv) for kv in r["by_theme"].items()]),
        "", f"Countries requesting: {len(r['countries_requesting'])} ({' '.join(r['countries_requesting'])})",
        f"Action Fiches submitted: {timely['fiches_submitted']}; median days from receipt: "
        f"{timely['median_days'] if timely['median_days'] is not None else '-'}; within 21 days: "
        f"{f'{share:.0%}' if share is not None else '-'}",
    ]
    if "evaluation" in r:
        parts += ["", f"Evaluation forms sent from {period}: {r['evaluation']['collections']} collection(s)",
                  table(["headline", "share"], [[key.replace("_", " "), _share(value)] for key, value in r.items()
                                                if key.endswith("_share")]),
                  table(["form", "invited", "answered", "response rate", "after each reminder"],
                        [[form, f["invited"], f["answered"], _share(f["response_rate"]),
                          " / ".join(_share(x) for x in f["after_each_reminder"][1:]) or "-"]
                         for form, f in r["evaluation"]["response_rates"].items()])]
    return "\n".join(parts)


def _share(value) -> str:
    return "-" if value is None else f"{value:.0%}"
