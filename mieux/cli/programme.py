"""`mieux programme`: the whole programme in and out as a folder of CSV files."""
from pathlib import Path
from typing import Annotated

import typer

from mieux.cli.common import Json, runtime, sub_app
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
