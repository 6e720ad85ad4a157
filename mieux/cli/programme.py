"""`mieux programme`: the whole programme in and out as a folder of CSV files."""
from pathlib import Path
from typing import Annotated

import typer

from mieux.cli.common import As, Json, runtime, sub_app
from mieux.render import as_json, table

app = sub_app("The whole programme as a folder of CSV files, one per kind of record (Actions, activities, "
              "deliverables, experts, assignments, evaluation collections, invitations, answers).")


@app.command("export")
def export(ctx: typer.Context,
           folder: Annotated[Path, typer.Argument(help="The folder to write the files into (made if missing; files "
                                                       "of the same names are replaced).")],
           json_: Json = False) -> None:
    """Write every record of the programme, one CSV per kind, as of one moment."""
    from mieux.programme import export_programme

    rt = runtime(ctx)
    written = export_programme(rt.app.engine, folder, zone=rt.app.facility.zone)
    if json_:
        typer.echo(as_json({"folder": str(folder), "files": written}))
        return
    typer.echo(table(["file", "rows"], [[name, n] for name, n in written.items()]))
    typer.echo(f"wrote {len(written)} files to {folder}")


@app.command("import")
def import_(ctx: typer.Context,
            folder: Annotated[Path, typer.Argument(help="A folder as `mieux programme export` writes it.")],
            actor: As = None, json_: Json = False) -> None:
    """Bring a whole programme into an empty store: every file and row is checked first, and one bad row anywhere
    imports nothing (every problem is listed by file, line and column)."""
    from mieux.programme import import_programme

    rt = runtime(ctx)
    done = import_programme(rt.service, folder, actor=rt.actor(actor), forms=rt.app.evaluation.forms)
    if json_:
        typer.echo(as_json({"folder": str(folder), "files": done}))
        return
    typer.echo(table(["file", "rows"], [[name, n] for name, n in done.items()]))
    typer.echo(f"imported {sum(done.values())} records from {folder}")
