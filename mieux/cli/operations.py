"""`mieux backup` and `mieux restore`: the embedded store copied while the engine runs, and put back."""
from pathlib import Path
from typing import Annotated

import typer

from mieux.cli.common import As, Json, runtime
from mieux.render import as_json


def _admin(rt, actor: str | None, what: str) -> str:
    """The acting person, if they may `what` (the facility file says; the store is not opened)."""
    from config.facility import load_facility
    from domain.errors import NotPermitted
    from mieux.backup import ADMINS

    who = rt.actor(actor)
    person = load_facility(rt.settings.facility_file).person(who)
    roles = sorted(str(r) for r in person.roles)
    if not set(roles) & set(ADMINS):
        raise NotPermitted(f"cannot {what}: only an admin may, and {who} is {' and '.join(roles)}")
    return who


def _shown(copied) -> dict:
    return {"file": str(copied.path), "schema": copied.revision, "tables": copied.tables, "rows": copied.rows,
            "bytes": copied.size, **({"kept": str(copied.kept)} if copied.kept else {})}


def backup_command(ctx: typer.Context,
                   file: Annotated[Path, typer.Argument(help="The backup file to write.")],
                   overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace FILE if it exists.")] = False,
                   actor: As = None, json_: Json = False) -> None:
    """Copy the embedded SQLite store to FILE, consistent while the engine runs (admins only)."""
    from mieux.backup import backup

    rt = runtime(ctx)
    who = _admin(rt, actor, "back up the store")
    copied = backup(rt.settings.database(), file, overwrite=overwrite)
    from mieux.cli.common import LOG

    LOG.info("backup by %s to %s: schema %s, %d rows", who, copied.path, copied.revision, copied.rows)
    if json_:
        typer.echo(as_json(_shown(copied)))
        return
    typer.echo(f"backed up the store to {copied.path}: schema {copied.revision}, {copied.tables} tables, "
               f"{copied.rows:,} rows, {copied.size:,} bytes; integrity checked")


def restore_command(ctx: typer.Context,
                    file: Annotated[Path, typer.Argument(help="A backup made by mieux backup.")],
                    actor: As = None, json_: Json = False) -> None:
    """Make a backup the store (admins only; refused while `mieux serve` runs on it). The store it
    replaces is kept beside it as mieux.db.replaced-<time>."""
    from datetime import datetime, timezone

    from mieux.backup import restore
    from store.db import SCHEMA_REVISION

    rt = runtime(ctx)
    who = _admin(rt, actor, "restore the store")
    copied = restore(rt.settings.database(), file, data_dir=rt.settings.data_dir, head=SCHEMA_REVISION,
                     now=datetime.now(timezone.utc))
    from mieux.cli.common import LOG

    LOG.info("restore by %s from %s: schema %s, %d rows", who, file, copied.revision, copied.rows)
    if json_:
        typer.echo(as_json(_shown(copied)))
        return
    typer.echo(f"restored {file} as the store {copied.path}: schema {copied.revision}, {copied.tables} tables, "
               f"{copied.rows:,} rows" + (f"; the store it replaced is kept as {copied.kept}" if copied.kept else ""))
    if copied.revision < SCHEMA_REVISION:
        typer.echo(f"its schema is older than this engine's ({SCHEMA_REVISION}): run `mieux init` to migrate it")


def doctor_command(ctx: typer.Context, json_: Json = False) -> None:
    """Check this installation: the configuration files, the store's schema, the Prefect API and its
    version, the channels (nothing is sent), the addresses links use, the clock. One line each;
    exit 1 if any is a problem."""
    from mieux.doctor import examine

    rt = runtime(ctx)
    found = examine(rt.settings)
    problems = [f for f in found if f.problem]
    if json_:
        typer.echo(as_json({"problems": len(problems),
                            "findings": [{"topic": f.topic, "found": f.said, "problem": f.problem} for f in found]}))
    else:
        for f in found:
            typer.echo(f"{'PROBLEM' if f.problem else 'ok':8} {f.topic:10} {f.said}")
        typer.echo(f"{len(problems)} problem{'' if len(problems) == 1 else 's'}")
    if problems:
        raise typer.Exit(1)
