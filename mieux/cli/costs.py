"""`mieux costs`: what the experts cost, per assignment, with totals per activity, Action and year."""
from typing import Annotated, Optional

import typer

from mieux.cli.common import Json, runtime
from mieux.render import as_json, table


def costs(ctx: typer.Context,
          action: Annotated[Optional[str], typer.Option(help="Only this Action, e.g. 2026-07.")] = None,
          activity: Annotated[Optional[str], typer.Option(help="Only this activity, e.g. 2026-07/3.")] = None,
          year: Annotated[Optional[int], typer.Option(min=1900, max=9999,
                                                      help="Only activities starting in this year.")] = None,
          json_: Json = False) -> None:
    """Expert costs in euros (fee, daily allowance, insurance), exact to the cent; estimates are marked."""
    from mieux.costs import check_scope, lines, money, rate_table, totals

    check_scope(action, activity, year)
    rt = runtime(ctx)
    found = lines(rt.service.engine, rate_table(rt.settings.dsa_file), today=rt.service.today(), action=action,
                  activity=activity, year=year)
    sums = totals(found)
    if json_:
        typer.echo(as_json({
            "assignments": [{"assignment": x.assignment, "expert": x.expert, "expert_name": x.expert_name,
                             "activity": x.activity, "year": x.year, "state": x.state, "days": x.cost.days,
                             "fee": str(x.cost.fee), "dsa": str(x.cost.dsa), "insurance": str(x.cost.insurance),
                             "total": str(x.cost.total), "dsa_rate": str(x.cost.rate.eur) if x.cost.rate else None,
                             "rate_on": x.cost.rate_on, "estimate": x.cost.estimate, "problem": x.cost.problem}
                            for x in found],
            "totals": {scope: {str(k): {part: (str(v) if part not in ("experts", "estimates") else v)
                                        for part, v in parts.items()} for k, parts in by.items()}
                       for scope, by in sums.items()}}))
        return
    if not found:
        typer.echo("no expert is on an activity in this scope")
        return
    typer.echo(table(["assignment", "expert", "state", "days", "fee", "DSA", "insurance", "total", "rate"],
                     [[x.assignment, x.expert_name, x.state, x.cost.days, money(x.cost.fee), money(x.cost.dsa),
                       money(x.cost.insurance), money(x.cost.total),
                       (f"{money(x.cost.rate.eur)}/day from {x.cost.rate.from_}" if x.cost.rate else "-")
                       + (" (estimate)" if x.cost.estimate else "")] for x in found]))
    for x in found:
        if x.cost.problem:
            typer.echo(f"note: {x.assignment}: {x.cost.problem}; its total leaves the allowance out")
    for scope in ("activity", "action", "year"):
        typer.echo(f"\nper {scope}:")
        typer.echo(table([scope, "experts", "fee", "DSA", "insurance", "total"],
                         [[k, p["experts"], money(p["fee"]), money(p["dsa"]), money(p["insurance"]), money(p["total"])]
                          for k, p in sums[scope].items()]))
    everything = sums["all"]["all"]
    estimates = f" ({everything['estimates']} estimated: no contract yet)" if everything["estimates"] else ""
    typer.echo(f"\ntotal EUR {money(everything['total'])} for {everything['experts']} "
               f"assignment{'s' if everything['experts'] != 1 else ''}{estimates}")
