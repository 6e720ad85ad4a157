"""`mieux request`: register what arrives."""
from pathlib import Path
from typing import Annotated, Optional

import typer

from mieux.cli.actions import show
from mieux.cli.common import As, Json, read_structured, runtime, sub_app, validated

app = sub_app("Register incoming requests.")
FLAGS = {"requester_type": "--type", "project_officer": "--officer", "received_on": "--received-on",
         "focal_point": "--focal-point", "focal_point_email": "--focal-point-email", **{f: f"--{f}" for f in ("name", "requester", "countries", "region", "theme",
                                                                  "channel")}}
"""What a person typed for each field, to name it in an error."""
Opt = typer.Option


@app.command("add")
def add(
    ctx: typer.Context,
    file: Annotated[Optional[Path], Opt(help="A JSON or YAML file with the request's fields; flags override it.")] = None,
    name: Annotated[Optional[str], Opt(help='Short name, e.g. "Ghana II".')] = None,
    requester: Annotated[Optional[str], Opt(help="The requesting institution.")] = None,
    requester_type: Annotated[Optional[str], Opt("--type", help="national_authority, regional_organisation, "
                              "local_authority, judiciary, parliament, ombudsperson or civil_society.")] = None,
    countries: Annotated[Optional[str], Opt(help='Partner countries, ISO codes, space-separated: "GH TG".')] = None,
    region: Annotated[Optional[str], Opt(help="A region label from the facility file.")] = None,
    theme: Annotated[Optional[str], Opt(help="legal_migration, irregular_migration, international_protection, "
                                        "migration_development or horizontal.")] = None,
    channel: Annotated[Optional[str], Opt(help="post, email, fax or eu_delegation.")] = None,
    received_on: Annotated[Optional[str], Opt(help="Date the letter arrived (YYYY-MM-DD).")] = None,
    focal_point: Annotated[Optional[str], Opt(help="Focal point at the partner.")] = None,
    focal_point_email: Annotated[Optional[str], Opt(help="The focal point's email: the partner authority's "
                                                    "evaluation forms go there.")] = None,
    officer: Annotated[Optional[str], Opt(help="Project officer (person id).")] = None,
    actor: As = None,
    json_: Json = False,
) -> None:
    """Register a request; it gets the next reference of the year it was received."""
    from domain.schemas import RequestIn

    rt = runtime(ctx)
    who = rt.actor(actor)
    data = read_structured(file, "the request file") if file else {}
    given = {"name": name, "requester": requester, "requester_type": requester_type, "countries": countries,
             "region": region, "theme": theme, "channel": channel, "received_on": received_on,
             "focal_point": focal_point, "focal_point_email": focal_point_email, "project_officer": officer}
    data |= {k: v for k, v in given.items() if v is not None}
    action = rt.service.register(validated(RequestIn, data, "request", None if file else FLAGS), actor=who)
    if json_:
        show(rt, action, as_json=True)
    else:
        typer.echo(f"registered {action.reference} {action.name} (state: {action.state})")
