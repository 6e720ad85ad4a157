"""`mieux doctor`: what this installation is made of, one line each, and every problem found.

It reads the configuration files, the store's schema revision, the Prefect API's health and
version, the channels (without sending anything) and the addresses people's links use. It writes
nothing and never shows a secret: URLs are shown with their passwords hidden, channel services by
their tag only.
"""
import os
from collections.abc import Callable
from dataclasses import dataclass

from config.settings import Settings, on_loopback
from domain.errors import MieuxError


@dataclass(frozen=True)
class Finding:
    """One line of the report: what was looked at, what was found, whether it is a problem."""

    topic: str
    said: str
    problem: bool = False


def examine(settings: Settings, *, environ: dict | None = None,
            prefect_get: Callable[[str, dict], tuple[int, object]] | None = None) -> list[Finding]:
    """Every finding, in the order a person would check them."""
    environ = os.environ if environ is None else environ
    found: list[Finding] = []

    def look(topic: str, check: Callable[[], list[Finding] | str]) -> None:
        try:
            said = check()
        except MieuxError as error:
            found.append(Finding(topic, str(error), problem=True))
            return
        found.extend([Finding(topic, said)] if isinstance(said, str) else said)

    facility = _facility(settings, found)
    far: list[str] = []
    """The channels whose messages people read elsewhere (email): their links must open there."""
    if facility is not None:
        look("deadlines", lambda: _policy(settings, facility))
        look("channels", lambda: _channels(settings, facility, far))
    look("store", lambda: _store(settings))
    look("prefect", lambda: prefect_findings(settings, environ, prefect_get))
    look("links", lambda: _links(settings, environ, far))
    look("workers", lambda: _workers(settings, environ, prefect_get or _get))
    look("clock", lambda: _clock(settings))
    return found


def _workers(settings: Settings, environ, get) -> list[Finding] | str:
    """Who runs the flows: `mieux serve` itself, or the workers of the pool the deployments are in."""
    served = "none: `mieux serve` runs the sweep, the timers and the dispatcher in one process"
    api = (environ.get("PREFECT_API_URL") or "").rstrip("/")
    if not api:
        return served
    headers = _auth(environ)
    try:
        status, sweep = get(f"{api}/deployments/name/mieux-sweep/sweep", headers)
        if status == 404:
            return ("no deployments registered yet: `mieux serve` serves them itself, or `mieux deploy` registers "
                    f"them to the work pool {settings.work_pool!r} for workers")
        if status != 200 or not isinstance(sweep, dict):
            return f"unknown: the Prefect API answered HTTP {status}"  # the prefect line says why
        pool = sweep.get("work_pool_name")
        if not pool:
            return served
        status, found = get(f"{api}/work_pools/{pool}", headers)
    except Exception as error:  # the prefect line already says the API is unreachable
        return f"unknown: the Prefect API did not answer ({type(error).__name__})"
    state = found.get("status") if status == 200 and isinstance(found, dict) else None
    if pool != settings.work_pool:
        return [Finding("workers", f"the deployments are in the work pool {pool!r} and MIEUX_WORK_POOL is "
                                   f"{settings.work_pool!r}: `mieux worker` would poll a pool with nothing in it", True)]
    if state == "READY":
        return f"the work pool {pool!r} ({found.get('type')}): ready, with a worker online"
    if state == "PAUSED":
        return [Finding("workers", f"the work pool {pool!r} is paused: no flow of the engine runs", True)]
    return [Finding("workers", f"the work pool {pool!r} has no worker online: nothing runs the sweep, the timers or "
                               "the dispatcher (start `mieux worker`)", True)]


def _clock(settings: Settings) -> list[Finding] | str:
    """The clock asked for, against the one the store keeps (read only: nothing is recorded here)."""
    import json

    asked = ("the system clock (UTC, shown in the facility's time zone)" if settings.clock == "system"
             else f"simulated (MIEUX_CLOCK=simulated, {settings.clock_speed:g}x)")
    kept = _kept_clock(settings)
    if kept is None:
        return asked
    if kept == "system":
        if settings.clock == "simulated":
            return [Finding("clock", "MIEUX_CLOCK=simulated, and the store keeps real time: it refuses a simulation "
                                     "(run one on a store of its own)", True)]
        return asked
    simulation = json.loads(kept)
    if settings.clock == "system":
        return [Finding("clock", f"the store runs a simulation (from {simulation['start'][:10]}, "
                                 f"{simulation['speed']:g}x) and MIEUX_CLOCK is not simulated: it refuses real time", True)]
    return f"simulated: the store's simulation started at {simulation['start'][:19]}, {simulation['speed']:g}x"


def _kept_clock(settings: Settings) -> str | None:
    """The clock the store recorded, or None (no store, no record, or a store the store line reports)."""
    from sqlalchemy.engine import make_url

    from store.db import make_engine, reading
    from store.tables import Setting

    if _no_store_file(make_url(settings.database())):
        return None
    engine = make_engine(settings.database())
    try:
        with reading(engine) as session:
            kept = session.get(Setting, "clock")
        return kept.value if kept else None
    except Exception:  # an unreadable store is the store line's finding
        return None
    finally:
        engine.dispose()


def _no_store_file(url) -> bool:
    """A SQLite store whose file is not there (opening it would create one: the doctor makes nothing)."""
    return url.get_backend_name() == "sqlite" and bool(url.database) and not os.path.exists(url.database)


def _auth(environ) -> dict:
    import base64

    auth = environ.get("PREFECT_API_AUTH_STRING")
    return {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()} if auth else {}


def _facility(settings: Settings, found: list[Finding]):
    from config.facility import load_facility

    try:
        facility = load_facility(settings.facility_file)
    except MieuxError as error:
        found.append(Finding("facility", str(error), problem=True))
        return None
    found.append(Finding("facility", f"{facility.name}, {len(facility.people)} people, time zone "
                                     f"{facility.timezone} ({settings.facility_file})"))
    return facility


def _policy(settings: Settings, facility) -> str:
    from mieux.subjects import checked_policy

    policy = checked_policy(settings.deadlines_file, facility)
    return f"{len(policy.deadlines)} deadline rules, checked against every machine ({settings.deadlines_file})"


def _channels(settings: Settings, facility, far: list[str]) -> list[Finding]:
    from notifications.channels import load_channels

    channels = load_channels(settings.channels_file, secrets_file=settings.secrets_file)
    far += channels.read_elsewhere()
    if not channels.names:
        return [Finding("channels", "none configured (MIEUX_CHANNELS_FILE): alerts wait in the outbox", problem=True)]
    found = [Finding("channels", f"{', '.join(channels.names)} configured, none sent to by this check")]
    for person in facility.people:
        for channel in person.channels:
            if channel not in channels.names:
                found.append(Finding("channels", f"{person.id} gets alerts on {channel}, and the channels file has "
                                                 f"no {channel} service", problem=True))
            elif channel == "email" and not person.email:
                found.append(Finding("channels", f"{person.id} gets alerts by email and has no email address",
                                     problem=True))
    return found


def _store(settings: Settings) -> list[Finding] | str:
    from sqlalchemy.engine import make_url

    from store.db import SCHEMA_REVISION, check_schema, make_engine

    url = make_url(settings.database())
    if _no_store_file(url):
        return [Finding("store", f"there is no store at {url.database}: run `mieux init`", True)]  # none made here
    engine = make_engine(settings.database())
    try:
        check_schema(engine)
    finally:
        engine.dispose()
    return f"{engine.url.render_as_string()}: schema {SCHEMA_REVISION}, current"


def _get(url: str, headers: dict) -> tuple[int, object]:
    import httpx

    response = httpx.get(url, headers=headers, timeout=5)
    return response.status_code, response.json() if response.content else None


def prefect_findings(settings: Settings, environ, get=None) -> list[Finding]:
    from prefect import __version__ as ours

    get = get or _get
    api = environ.get("PREFECT_API_URL")
    if not api:
        return [Finding("prefect", f"no PREFECT_API_URL: `mieux serve` starts a local Prefect {ours} server on "
                                   f"{settings.prefect_host}:{settings.prefect_port}")]
    headers = _auth(environ)
    shown = api.split("@")[-1] if "@" in api else api
    try:
        status, _ = get(f"{api.rstrip('/')}/health", headers)
        if status == 401:
            return [Finding("prefect", f"{shown} refuses this engine's credentials (PREFECT_API_AUTH_STRING)", True)]
        if status != 200:
            return [Finding("prefect", f"{shown} answers its health check with HTTP {status}", True)]
        status, version = get(f"{api.rstrip('/')}/admin/version", headers)
    except Exception as error:  # any failure to reach it is the finding
        return [Finding("prefect", f"cannot reach the Prefect API at {shown}: {type(error).__name__}", True)]
    if status != 200 or not isinstance(version, str):
        return [Finding("prefect", f"{shown} does not say its version (HTTP {status})", True)]
    if version.split(".")[:2] != ours.split(".")[:2]:
        return [Finding("prefect", f"the Prefect server at {shown} is {version} and this engine's Prefect is {ours}: "
                                   "run the same version everywhere (a mismatch gives HTTP 422s)", True)]
    return [Finding("prefect", f"{shown}: healthy, Prefect {version} (this engine's: {ours})")]


def _links(settings: Settings, environ, far: list[str]) -> list[Finding]:
    """The addresses people's links use: the Prefect UI in alerts, the forms and the feeds; one that
    opens only on this machine is a problem when people read their messages elsewhere (`far`)."""
    from urllib.parse import urlsplit

    found = []
    for what, variable, url, default in (
            ("the Prefect UI in alerts", "MIEUX_UI_URL", settings.ui_url,
             (environ.get("PREFECT_API_URL") or "").removesuffix("/").removesuffix("/api")
             or f"http://{settings.prefect_host}:{settings.prefect_port}"),
            ("the evaluation forms and invitations", "MIEUX_WEB_URL", settings.web_url,
             f"http://{settings.web_host}:{settings.web_port}" if settings.web_port else None),
            ("the calendar feeds", "MIEUX_FEED_URL", settings.feed_url,
             f"http://{settings.feed_host}:{settings.feed_port}" if settings.feed_port else None)):
        address = (url or default) if default else None  # a port of 0: not served, whatever its address
        if address and "@" in address.split("//", 1)[-1].split("/", 1)[0]:  # never a password in the report
            scheme, _, rest = address.partition("//")
            address = f"{scheme}//{rest.split('@', 1)[1]}"
        if address is None:
            found.append(Finding("links", f"{what}: not served"))
            continue
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            found.append(Finding("links", f"{what}: {address!r} is not an http(s) address", True))
        elif on_loopback(parts.hostname):
            found.append(Finding("links", f"{what}: {address}, this machine only, and messages are read elsewhere "
                                          f"({', '.join(far)}): set {variable} to the address people reach"
                                 if far else f"{what}: {address}, this machine only", problem=bool(far)))
        else:
            found.append(Finding("links", f"{what}: {address}"))
    if settings.link_secret is None:
        found.append(Finding("links", "tokens derived with the key in DATA_DIR/link.secret (set MIEUX_LINK_SECRET "
                                      "when several processes send or answer forms)"))
    else:
        found.append(Finding("links", "tokens derived with MIEUX_LINK_SECRET"))
    return found
