"""`mieux portfolio` and `mieux report`."""
from pathlib import Path
from typing import Annotated, Optional

import typer

from mieux.cli.common import As, Json, parse_date, runtime, sub_app
from mieux.render import as_json, percent, table

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


report_app = sub_app("The programme's figures: for a period (`mieux report [--from D] [--to D]`, the default), or a "
                     "year's annual report (`mieux report annual YEAR`).", default="period", bare=True)


@report_app.command("annual")
def annual_command(
    ctx: typer.Context,
    year: Annotated[int, typer.Argument(help="The year, e.g. 2026.")],
    html: Annotated[Optional[Path], typer.Option("--html", help="Also write the report as one self-contained HTML "
                                                 "file with its charts (opens offline, prints).")] = None,
    json_: Json = False,
) -> None:
    """The year at a glance: requests, Actions, activities, experts deployed, participants, countries, deliverables,
    the expert pool and the evaluation shares, each counted from the records."""
    from mieux.annual import annual_report

    rt = runtime(ctx)
    figures = annual_report(rt.app.engine, year, zone=rt.app.facility.zone, evaluation=rt.app.evaluation)
    if html is not None:
        from domain.errors import InvalidInput
        from mieux.annual_page import annual_html

        try:
            html.write_text(annual_html(figures, facility=rt.app.facility.name), encoding="utf-8")
        except OSError as error:
            raise InvalidInput(f"cannot write {html}: {error.strerror}") from None
    typer.echo(as_json(figures) if json_ else render_annual(figures) + (f"\n\nwrote {html}" if html else ""))


def render_annual(r: dict) -> str:
    """The annual figures as a person reads them."""
    people, pool, actions = r["participants"], r["expert_pool"], r["actions"]
    eu = r["experts_from_eu_administrations_share"]
    lines = [
        f"{r['year']} at a glance",
        f"  {r['requests_received']} new requests; Actions completed {actions['completed']}, ongoing at year end "
        f"{actions['ongoing']}, in preparation {actions['in_preparation']}, rejected {actions['rejected']}, "
        f"forwarded {actions['forwarded']}, withdrawn {actions['withdrawn']}",
        f"  {r['activities_organised']} activities organised; {len(r['countries_benefited'])} countries benefited",
        f"  {r['experts_deployed']} experts deployed ({_by(r['experts_by_sex'])}); "
        f"from EU Member State administrations: {percent(eu)}",
        f"  {people['total']} participants ({percent(people['women_share'])} women, {percent(people['men_share'])} men)",
        f"  expert pool at year end: {pool['at_year_end']} ({pool['added_in_year']:+d} over the year)",
    ]
    for title, key in (("requests by region", "requests_by_region"), ("activities by type", "activities_by_type"),
                       ("activities by region", "activities_by_region"),
                       ("experts by category", "experts_by_category"),
                       ("experts by Member State", "experts_by_member_state"),
                       ("deliverables by type", "deliverables_by_type")):
        if r[key]:
            lines += ["", table([title.split(" by ")[0], "by " + title.split(" by ")[1]],
                                [[label.replace("_", " "), n] for label, n in r[key].items()])]
    if "evaluation" in r:
        shares = [[k.replace("_", " "), percent(v)] for k, v in r["evaluation"].items() if k.endswith("_share")]
        lines += ["", table(["evaluation", "share"], shares)]
    return "\n".join(lines)


def _by(counts: dict) -> str:
    total = sum(counts.values())
    return ", ".join(f"{percent(n / total)} {label}" for label, n in counts.items()) if total else "-"


@report_app.command("period")
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
                  table(["headline", "share"], [[key.replace("_", " "), percent(value)] for key, value in r.items()
                                                if key.endswith("_share")]),
                  table(["form", "invited", "answered", "response rate", "after each reminder"],
                        [[form, f["invited"], f["answered"], percent(f["response_rate"]),
                          " / ".join(percent(x) for x in f["after_each_reminder"][1:]) or "-"]
                         for form, f in r["evaluation"]["response_rates"].items()])]
    return "\n".join(parts)


