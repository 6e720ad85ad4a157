"""`mieux calendar`: the team's missions and deadlines as an iCalendar file."""
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Optional

import typer

from mieux.cli.common import As, parse_date, runtime, sub_app

app = sub_app("The team's calendar: missions and deadlines for Outlook, Thunderbird or Google Calendar.")
Opt = typer.Option
DEFAULT_DAYS_BACK = 365
"""How far back an export reaches unless --from says: a calendar is for what is coming and what just
happened, and a programme's whole history (every deadline met since 2009) would bury it."""


@app.command("export")
def export(ctx: typer.Context,
           file: Annotated[Path, typer.Argument(help="The .ics file to write (replaced if it exists).")],
           person: Annotated[Optional[str], Opt("--person", help="Only what concerns this person: a project "
                                                "officer's Actions, or an expert's missions (E17).")] = None,
           action: Annotated[Optional[str], Opt("--action", help="Only this Action, e.g. 2026-07.")] = None,
           from_: Annotated[Optional[str], Opt("--from", help="From this day (YYYY-MM-DD); default a year ago: "
                                               "give an earlier day for the history before.")] = None,
           to: Annotated[Optional[str], Opt("--to", help="Up to this day (YYYY-MM-DD).")] = None) -> None:
    """Write missions and deadlines as an iCalendar file; importing a newer one updates the same events."""
    from mieux.ical import entries, render

    rt = runtime(ctx)
    start = parse_date(from_, "--from") or rt.service.today() - timedelta(days=DEFAULT_DAYS_BACK)
    found = entries(rt.app.engine, facility=rt.app.facility, person=person, action=action, start=start,
                    end=parse_date(to, "--to"))
    name = " ".join(["MIEUX", *(x.strip() for x in (person, action) if x)])
    document = render(found, name=name)
    partial = file.with_name(f".{file.name}.partial")
    partial.write_bytes(document)
    partial.replace(file)  # whole or not at all: a calendar application never reads half a file
    missions = sum(e.uid.startswith("activity-") for e in found)
    typer.echo(f"wrote {missions} mission{'' if missions == 1 else 's'} and {len(found) - missions} "
               f"deadline{'' if len(found) - missions == 1 else 's'} to {file}")


Person = Annotated[str, typer.Argument(help="Whose feed: a person of the facility.")]


@app.command("token")
def token(ctx: typer.Context, person: Person, actor: As = None) -> None:
    """Issue a person's calendar feed address (shown this once; their old one stops working)."""
    from mieux.feeds import issue

    rt = runtime(ctx)
    secret = issue(rt.app.engine, rt.app.facility, person=person.strip(), actor=rt.actor(actor),
                   now=rt.service.clock.now())
    s = rt.settings
    base = (s.feed_url or f"http://{s.feed_host}:{s.feed_port}").rstrip("/")
    typer.echo(f"{person.strip()}'s calendar feed (subscribe to it; it is shown only now, and anyone who has it "
               f"can read the calendar):\n{base}/calendar/{secret}.ics")


@app.command("revoke")
def revoke(ctx: typer.Context, person: Person, actor: As = None) -> None:
    """Stop a person's calendar feed."""
    from mieux.feeds import revoke as stop

    rt = runtime(ctx)
    count = stop(rt.app.engine, rt.app.facility, person=person.strip(), actor=rt.actor(actor),
                 now=rt.service.clock.now())
    typer.echo(f"{person.strip()}'s calendar feed {'revoked' if count else 'was not issued: nothing to revoke'}")
