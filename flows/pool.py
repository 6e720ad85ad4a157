"""Scale-out: the engine's deployments registered to a Prefect `process` work pool (`mieux deploy`)
and run by `prefect worker` processes (`mieux worker`), instead of served by one `mieux serve`.

Nothing is uploaded: a worker runs each flow from the installed package (`flows.deadlines.sweep`),
in a process that inherits the worker's environment, so the engine's settings and secrets stay in
the environment of the machines that run it and never enter Prefect's database."""
import os
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from config.settings import Settings
from domain.errors import ConfigError

ZOMBIE_AUTOMATION = "mieux: a run whose heartbeats stopped has crashed"
ONE_AT_A_TIME = {"sweep", "dispatch", "figures", "newsletter"}
"""Deployments of which two runs must not overlap: a run that comes while one is in progress is
cancelled (the next one comes soon, and each is idempotent), so a backlog of runs that went Late
while every worker was down comes to one run, not dozens. Timers and the admins' forms are not
limited: each is about its own deadline or request."""
START_GRACE_SECONDS = 60
"""How long a one-at-a-time run may take from Pending (its worker took it) to Running before Prefect
takes its slot back. Prefect's default is 300 s: a worker killed while it started a sweep stopped
every sweep for five minutes. A run that started renews its slot itself."""
PATH_SETTINGS = ("MIEUX_DATA_DIR", "MIEUX_FACILITY_FILE", "MIEUX_DEADLINES_FILE", "MIEUX_MATCHING_FILE",
                 "MIEUX_DSA_FILE", "MIEUX_LOGISTICS_FILE", "MIEUX_FORMS_FILE", "MIEUX_CHANNELS_FILE",
                 "MIEUX_SECRETS_FILE")
"""Settings that are paths: made absolute for a worker, whose flow runs start in a temporary directory."""


def api_url(environ: dict) -> str:
    """The Prefect server the pool lives on: a work pool needs one that outlives any single process."""
    url = environ.get("PREFECT_API_URL")
    if not url:
        raise ConfigError("PREFECT_API_URL is not set: workers and `mieux deploy` need the address of a running "
                          "Prefect server (http://HOST:4200/api); `mieux serve` alone needs none")
    return url.rstrip("/")


def check_server(settings: Settings, environ: dict) -> str:
    """The server's address once it answers with this engine's credentials and Prefect version; a
    ConfigError saying what is wrong otherwise (a version mismatch fails later as HTTP 422s)."""
    from flows.serve import exposure
    from mieux.doctor import prefect_findings

    url = api_url(environ)
    exposure(settings, environ)  # a remote API without a credential is refused here too
    problems = [finding.said for finding in prefect_findings(settings, environ) if finding.problem]
    if problems:
        raise ConfigError(problems[0])
    return url


@dataclass
class Registered:
    pool: str
    created_pool: bool
    deployments: list[str]
    zombie_after: int


def heartbeat_seconds() -> int:
    """How often a flow run says it is alive (PREFECT_FLOWS_HEARTBEAT_FREQUENCY; Prefect's default 180 s)."""
    from prefect.settings import get_current_settings

    return max(get_current_settings().flows.heartbeat_frequency or 180, 30)


def register(settings: Settings, *, pool: str, zombie_after: int | None = None) -> Registered:
    """Create the process work pool if missing, register every deployment to it (again: this is also
    the upgrade step), and (re)create the automation that crashes runs whose heartbeats stopped."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound

    from flows.serve import deployments

    beat = heartbeat_seconds()
    zombie_after = zombie_after or 3 * beat
    if zombie_after <= beat:
        raise ConfigError(f"--zombie-after {zombie_after}: a run says it is alive every {beat} s "
                          "(PREFECT_FLOWS_HEARTBEAT_FREQUENCY), so a healthy run would be taken for dead; "
                          f"give more than {beat}")
    created = False
    with get_client(sync_client=True) as client:
        try:
            existing = client.read_work_pool(pool)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process",
                                                   description="The mieux engine's flows (mieux deploy)"))
            created = True
        else:
            if existing.type != "process":
                raise ConfigError(f"the work pool {pool!r} is of type {existing.type!r}: the engine's runs need a "
                                  "`process` pool (they import the installed package); name another pool")
    served = deployments(settings, pool=pool)
    for deployment in served:  # what prefect.deploy does without an image, minus its console output
        deployment.apply(work_pool_name=pool)
    zombie_automation(zombie_after)
    return Registered(pool=pool, created_pool=created, deployments=[d.name for d in served],
                      zombie_after=zombie_after)


def zombie_automation(seconds: int) -> None:
    """A run that stops sending heartbeats (its worker or process was killed), or that a worker took
    (Pending) and never started, is marked Crashed after `seconds`, instead of staying Running or
    Pending for ever and holding its deployment's concurrency slot. Made again on each
    `mieux deploy`, so its window follows the settings."""
    from prefect.automations import Automation
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification
    from prefect.client.schemas.objects import StateType

    while True:  # the one an earlier deploy made (two, if two deploys raced)
        try:
            Automation.read(name=ZOMBIE_AUTOMATION).delete()
        except ValueError:
            break  # none left
    Automation(
        name=ZOMBIE_AUTOMATION,
        description="Made by mieux deploy: a flow run whose heartbeats stopped, or that a worker took and never "
                    "started (its worker was killed), is Crashed.",
        trigger=EventTrigger(
            # from the moment it runs, not only from its first heartbeat: a process killed within a
            # second of starting may never have sent one (its events go out in the background); and
            # from the moment a worker takes it: a worker killed while it starts the run leaves it Pending
            after={"prefect.flow-run.Pending", "prefect.flow-run.Running", "prefect.flow-run.heartbeat"},
            expect={"prefect.flow-run.Running", "prefect.flow-run.heartbeat", "prefect.flow-run.Completed",
                    "prefect.flow-run.Failed",
                    "prefect.flow-run.Cancelled", "prefect.flow-run.Crashed"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"}, posture=Posture.Proactive, threshold=1,
            within=timedelta(seconds=seconds)),
        actions=[ChangeFlowRunState(state=StateType.CRASHED,
                                    message=f"no heartbeat (or no start) for {seconds} s: its worker or process stopped")],
    ).create()


def worker_environment(environ: dict) -> dict:
    """The worker's environment: the engine's own, with every path setting made absolute."""
    env = dict(environ)
    for name in PATH_SETTINGS:
        if env.get(name):
            env[name] = str(Path(env[name]).expanduser().absolute())
    return env


def worker_command(pool: str, name: str | None, limit: int | None) -> list[str]:
    prefect = str(Path(sys.executable).parent / "prefect")  # this environment's, as `mieux serve` starts its server
    return [prefect, "worker", "start", "--pool", pool, "--type", "process",
            *(["--name", name] if name else []), *(["--limit", str(limit)] if limit else [])]


def start_worker(settings: Settings, *, pool: str, name: str | None, limit: int | None) -> None:
    """Check the settings, the store and the server, then become `prefect worker start` (this process
    is replaced: signals reach the worker itself)."""
    from mieux.bootstrap import bootstrap

    check_server(settings, dict(os.environ))
    bootstrap(settings).load_everything()  # a worker whose runs cannot open the store is refused now
    os.execve((command := worker_command(pool, name, limit))[0], command, worker_environment(dict(os.environ)))
