"""`mieux serve`: the running engine. A local Prefect server unless one is configured, and the
deployments served from this process: the sweep, the timers, and the admins' forms."""
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from config.settings import Settings, on_loopback

Echo = Callable[[str], None]


def _die_with_parent() -> None:
    """In the server's process: be sent SIGTERM if the engine dies, even by SIGKILL (Linux)."""
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: the server is stopped by the engine's own shutdown only


def prefect_healthy(api_url: str) -> bool:
    """Does the Prefect API at `api_url` answer its health check?"""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def exposure(settings: Settings, environ: dict) -> dict[str, str]:
    """Refuse a Prefect API reachable beyond this machine without a credential; the client
    settings the engine's own calls and runs need.

    Anyone who reaches the Prefect API can run the admin forms as any person of the facility, so
    it stays on loopback unless a shared credential guards it: PREFECT_SERVER_API_AUTH_STRING
    for the local server (the engine's runs then send it as PREFECT_API_AUTH_STRING), or
    PREFECT_API_AUTH_STRING for a configured remote PREFECT_API_URL."""
    from urllib.parse import urlparse

    from domain.errors import ConfigError

    configured = environ.get("PREFECT_API_URL")
    if configured:
        host = urlparse(configured).hostname
        if not on_loopback(host) and not environ.get("PREFECT_API_AUTH_STRING"):
            raise ConfigError(f"PREFECT_API_URL points at {host}, beyond this machine, and PREFECT_API_AUTH_STRING "
                              "is not set: the engine refuses an API anyone on the network could use as any person")
        return {}
    if on_loopback(settings.prefect_host):
        return {}
    credential = environ.get("PREFECT_SERVER_API_AUTH_STRING")
    if not credential:
        raise ConfigError(f"MIEUX_PREFECT_HOST={settings.prefect_host} would open the Prefect API and UI beyond this "
                          "machine without a password, and anyone reaching them could act as any person: set "
                          "PREFECT_SERVER_API_AUTH_STRING=user:password (or keep the host on 127.0.0.1)")
    return {"PREFECT_API_AUTH_STRING": credential}


@contextmanager
def prefect_server(settings: Settings, *, echo: Echo, timeout: float = 180) -> Iterator[str]:
    """The Prefect API to use: PREFECT_API_URL if set, else a local server (SQLite, loopback unless
    guarded by a credential, UI)."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        yield configured.rstrip("/")
        return
    api_url = f"http://127.0.0.1:{settings.prefect_port}/api"
    if prefect_healthy(api_url):
        echo(f"using the Prefect server already running at {api_url}")
        yield api_url
        return
    home = (settings.data_dir / "prefect").absolute()
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "DO_NOT_TRACK": "1", "PREFECT_UI_API_URL": api_url}
    log = open(home / "server.log", "ab")
    echo(f"starting a local Prefect server (data in {home}; log in {home / 'server.log'})")
    server = subprocess.Popen([str(Path(sys.executable).parent / "prefect"), "server", "start", "--host",
                               settings.prefect_host, "--port", str(settings.prefect_port)], env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent)
    try:
        def up() -> bool:
            if server.poll() is not None:
                raise RuntimeError(f"the Prefect server stopped on start; see {home / 'server.log'}")
            return prefect_healthy(api_url)

        started = wait_until(up, timeout=timeout, echo=echo,
                             waiting=f"still starting the Prefect server (its log: {home / 'server.log'})")
        if not started:
            raise RuntimeError(f"the Prefect server did not answer within {timeout:.0f} s")
        yield api_url
    finally:
        drain_prefect_workers()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def wait_until(ready: Callable[[], bool], *, timeout: float, echo: Echo, waiting: str, every: float = 10,
               poll: float = 0.5) -> bool:
    """Poll `ready` until it is true (True) or `timeout` passes (False), saying `waiting`, with the
    seconds so far, every `every` seconds: a long silent wait looks like a hang."""
    start = time.monotonic()
    told = start
    while not ready():
        if _TERMINATED.is_set():
            raise KeyboardInterrupt  # SIGTERM came where raising at once was not safe
        now = time.monotonic()
        if now - start > timeout:
            return False
        if now - told >= every:
            echo(f"{waiting}: {now - start:.0f} s so far")
            told = now
        time.sleep(poll)
    return True


def drain_prefect_workers(timeout: float = 5) -> None:
    """Send the logs and events still queued in this process before the server they go to stops."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=timeout)
    EventsWorker.drain_all(timeout=timeout)


FIGURES_CRON = "0 6 * * 1"
"""When the year's figures are published: Mondays at 06:00 UTC, before the team's day starts."""
NEWSLETTER_CRON = "0 7 1 * *"
"""When last month's newsletter is prepared: on the first of each month at 07:00 in the team's time
zone (so that the month is over there)."""


def deployments(settings: Settings, *, pool: str | None = None) -> list:
    """What `mieux serve` serves; with a work pool's name, the same deployments for `mieux deploy`:
    run from the installed package by workers, and those of which two runs must not overlap limited
    to one at a time."""
    from config.facility import load_facility
    from flows.admin import fire_trigger, register_request
    from flows.deadlines import deadline_timer, sweep
    from prefect.schedules import Cron

    from flows.figures import prepare_newsletter, publish_figures
    from flows.outbox import dispatch

    facility = load_facility(settings.facility_file)
    people = sorted(person.id for person in facility.people)

    def made(flow, name: str, **options):
        if pool:
            from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
            from prefect.deployments.runner import EntrypointType

            from flows.pool import ONE_AT_A_TIME, START_GRACE_SECONDS

            options["entrypoint_type"] = EntrypointType.MODULE_PATH
            if name in ONE_AT_A_TIME:
                options["concurrency_limit"] = ConcurrencyLimitConfig(
                    limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW,
                    grace_period_seconds=START_GRACE_SECONDS)
        return flow.to_deployment(name=name, **options)

    admin = [made(fire_trigger, "fire-trigger", tags=["mieux", "admin"],
                  description="Fire a trigger on an Action (same guards and roles as the CLI)."),
             made(register_request, "register-request", tags=["mieux", "admin"],
                  description="Register a new request.")]
    for deployment in admin:
        choose_from(deployment, "acting_person", people)
    return [
        made(sweep, "sweep", interval=settings.sweep_seconds, tags=["mieux"],
             description="Fire due deadlines, mirror timers, publish events and the status table."),
        # served, the engine's own loop dispatches every second and this is the backstop; on workers it
        # is the only dispatcher, as often as the sweep
        made(dispatch, "dispatch", interval=settings.sweep_seconds if pool else max(settings.sweep_seconds, 30),
             tags=["mieux"], description="Send the alerts owed."),
        made(deadline_timer, "timers", tags=["mieux"], description="One scheduled run per deadline timer."),
        made(publish_figures, "figures", cron=FIGURES_CRON, tags=["mieux"],
             description="The year's figures as an artifact, every Monday morning; in January last year's whole "
                         "report too."),
        made(prepare_newsletter, "newsletter", schedules=[Cron(NEWSLETTER_CRON, timezone=facility.timezone)],
             tags=["mieux"], description="Last month's newsletter drafted for the communications officer's review, "
                                         "on the first of each month."),
        *admin,
    ]


def choose_from(deployment, parameter: str, values: list[str]) -> None:
    """Make a text parameter of a deployment a choice list: the form offers only these values and the
    server refuses a run with any other (deployments enforce their parameter schema). The people
    are known only at start-up (the facility file), so the flow's signature cannot name them."""
    schema = deployment._parameter_openapi_schema  # Prefect sets `enum` on it the same way for fixed job variables
    schema.properties[parameter]["enum"] = values
    deployment.enforce_parameter_schema = True


def serve_engine(settings: Settings, *, echo: Echo) -> None:
    """Run the engine until Ctrl-C (or SIGTERM), at any moment, starting up included; a restart
    resumes where it stopped."""
    previous = signal.signal(signal.SIGTERM, _interrupt)  # while starting; the runner then takes SIGTERM itself
    try:
        _serve(settings, echo)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    echo("stopped")


_TERMINATED = threading.Event()
"""SIGTERM came while starting. The KeyboardInterrupt it raises may land where Python ignores
exceptions (a finaliser, logging's lock): start-up then checks this before it serves."""


def _interrupt(_signum, frame) -> None:
    """SIGTERM takes Ctrl-C's way out: every context manager on the way (the Prefect server, the
    engine's lock) closes behind it. Not inside logging or threading, where an exception leaves a
    lock held and the next log line hangs the process: there the flag is left for the start-up's
    own checks (its waits, and before it serves)."""
    _TERMINATED.set()
    where = frame.f_code.co_filename if frame else ""
    if not where.endswith(("logging/__init__.py", "threading.py")):
        raise KeyboardInterrupt


def _serve(settings: Settings, echo: Echo) -> None:
    from mieux.bootstrap import bootstrap

    from mieux.lock import engine_lock

    if settings.clock == "simulated":
        from domain.errors import ConfigError

        raise ConfigError("mieux serve runs on real time (Prefect schedules its runs by the wall clock): a simulated "
                          "clock is for the CLI, the demo and the soak")
    app = bootstrap(settings)
    app.load_everything()
    client = exposure(settings, dict(os.environ))  # before anything starts
    if os.environ.get("PREFECT_API_URL"):  # a server of another Prefect version would answer with HTTP 422s
        from flows.pool import check_server

        check_server(settings, dict(os.environ))
    with engine_lock(settings.data_dir, what="serve"), prefect_server(settings, echo=echo) as api_url:
        os.environ.update({"PREFECT_API_URL": api_url, **client})  # flow runs the runner starts inherit them
        from flows import runtime

        from flows.outbox import DispatchLoop

        runtime.install(app)
        app.outbox.ui_url = settings.ui_url or api_url.removesuffix("/api")
        from urllib.parse import urlsplit

        if on_loopback(urlsplit(app.outbox.ui_url).hostname) and (far := app.outbox.channels.read_elsewhere()):
            echo(f"warning: alert links point at {app.outbox.ui_url}, which opens only on this machine, while "
                 f"{', '.join(far)} deliver(s) to people elsewhere: set MIEUX_UI_URL to the address they use")
        loop = DispatchLoop(app.outbox, settings.dispatch_seconds,
                            on_error=lambda error: echo(f"dispatch failed, will retry: {app.outbox.channels.redact(str(error))}"))
        echo(f"Prefect UI: {api_url.removesuffix('/api')}")
        echo(f"store: {app.engine.url.render_as_string()}; sweep every {settings.sweep_seconds} s; "
             f"channels: {', '.join(app.outbox.channels.names) or 'none configured'}; Ctrl-C stops")
        loop.start()
        feeds = start_feeds(app, settings, echo)
        web = start_web(app, settings, echo)
        try:
            run_deployments(deployments(settings))
        finally:
            loop.stop()
            for server in (feeds, web):
                if server:
                    server.stop()


def start_feeds(app, settings: Settings, echo: Echo):
    """People's calendar feeds, unless switched off (MIEUX_FEED_PORT=0) or their port is taken: the
    engine keeps the clock without them, and says so."""
    from flows.feed import FeedServer

    return _start_server(FeedServer, app, echo, what="calendar feeds", setting="FEED", host=settings.feed_host,
                         port=settings.feed_port, url=settings.feed_url,
                         shown="/calendar/TOKEN.ics (mieux calendar token PERSON)")


def start_web(app, settings: Settings, echo: Echo):
    """The evaluation forms' web pages, unless switched off (MIEUX_WEB_PORT=0) or their port is taken:
    forms already sent cannot be answered until they are back, and the engine says so."""
    from mieux.web.server import WebServer

    return _start_server(WebServer, app, echo, what="evaluation forms", setting="WEB", host=settings.web_host,
                         port=settings.web_port, url=settings.web_url, shown="/f/TOKEN")


def _start_server(server_class, app, echo: Echo, *, what: str, setting: str, host: str, port: int, url: str | None,
                  shown: str):
    """A server thread of the engine on `host:port` (port 0 in the settings: none), or a warning."""
    if not port:
        return None
    try:
        server = server_class(app, host, port)
    except OSError as error:
        echo(f"warning: {what} are off: cannot listen on {host}:{port} ({error.strerror or error}); "
             f"set MIEUX_{setting}_PORT to a free port")
        return None
    server.start()
    echo(f"{what}: {url or f'http://{host}:{server.port}'}{shown}")
    return server


def run_deployments(served: list) -> None:
    """What `prefect.serve` does, with SIGTERM taking the way out asyncio gives Ctrl-C."""
    import asyncio

    from prefect.runner import Runner

    stop = _Stop()

    class EngineRunner(Runner):
        def handle_sigterm(self, *args, **kwargs) -> None:
            # Prefect 3.8.8 calls its sync stop() here, inside the running loop: that only makes a
            # coroutine it never awaits, and exits with runs half-submitted
            stop()

    runner = EngineRunner(pause_on_shutdown=True)
    for deployment in served:
        runner.add_deployment(deployment)

    async def main() -> None:
        stop.task = asyncio.current_task()
        signal.signal(signal.SIGTERM, stop)  # until the runner installs its own, the same
        if _TERMINATED.is_set():  # told to stop while starting, and the interrupt was swallowed
            return
        await runner.start()

    try:
        asyncio.run(main())
    except asyncio.CancelledError:
        pass  # stopped by SIGTERM


class _Stop:
    """SIGTERM to a running loop: the first cancels the serving task, whose clean-up stops the runs in
    progress and pauses the schedules; a second interrupts at once.

    Raising at whatever point the loop was (in a stream's callback, holding a lock) printed a traceback
    when a run was in progress, and could leave the stop waiting: the task is cancelled from the loop."""

    def __init__(self):
        self.task = None
        self.asked = False

    def __call__(self, *_args) -> None:
        if self.asked or self.task is None:
            raise KeyboardInterrupt
        self.asked = True
        self.task.get_loop().call_soon_threadsafe(self.task.cancel)
