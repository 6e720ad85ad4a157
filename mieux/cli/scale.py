"""`mieux deploy` and `mieux worker`: the engine on a Prefect server and its workers, instead of one
`mieux serve` (the scale-out set-up of the README)."""
from typing import Annotated

import typer

from mieux.cli.common import As, Json, runtime
from mieux.render import as_json


def deploy_command(ctx: typer.Context,
                   zombie_after: Annotated[int | None, typer.Option(
                       "--zombie-after", min=31, max=86_400,
                       help="Seconds without a heartbeat after which a run is marked Crashed (default: three "
                            "heartbeats, PREFECT_FLOWS_HEARTBEAT_FREQUENCY).")] = None,
                   actor: As = None, json_: Json = False) -> None:
    """Register the engine's deployments to the work pool MIEUX_WORK_POOL (made if missing, type
    `process`) on the Prefect server PREFECT_API_URL, with the automation that crashes runs whose
    worker died. Run it again after each upgrade (admins only)."""
    import os

    from flows.pool import check_server, register
    from mieux.cli.common import LOG
    from mieux.cli.operations import _admin

    rt = runtime(ctx)
    who = _admin(rt, actor, "register the deployments")
    url = check_server(rt.settings, dict(os.environ))
    done = register(rt.settings, pool=rt.settings.work_pool, zombie_after=zombie_after)
    LOG.info("deploy by %s to pool %s at %s: %s", who, done.pool, url, ", ".join(done.deployments))
    if json_:
        typer.echo(as_json({"api": url, "pool": done.pool, "created_pool": done.created_pool,
                            "deployments": done.deployments, "zombie_after_seconds": done.zombie_after}))
        return
    typer.echo(f"{'made the' if done.created_pool else 'the'} work pool {done.pool!r} at {url}; registered "
               f"{len(done.deployments)} deployments: {', '.join(done.deployments)}")
    typer.echo(f"a run without a heartbeat for {done.zombie_after} s is marked Crashed; start workers with "
               f"`mieux worker` (same settings, same Prefect)")


def worker_command(ctx: typer.Context,
                   name: Annotated[str | None, typer.Option("--name", help="The worker's name in the UI.")] = None,
                   limit: Annotated[int | None, typer.Option(
                       "--limit", min=1, max=1_000, help="At most this many runs at once.")] = None) -> None:
    """Run the engine's flows from the work pool MIEUX_WORK_POOL until Ctrl-C: checks the settings, the
    store and the Prefect server (same version), then becomes `prefect worker start`. Runs inherit
    this environment: start every worker with the engine's settings."""
    from flows.pool import start_worker

    rt = runtime(ctx)
    start_worker(rt.settings, pool=rt.settings.work_pool, name=name, limit=limit)
