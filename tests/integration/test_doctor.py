"""`mieux doctor` against real parts: a sound installation has no problem (its Prefect API the test
harness's own server), and each broken part is one line saying what is wrong, with no secret shown."""
import pytest

from config.settings import DEFAULT_FACILITY, Settings
from loopback.receivers import CHAT_TOKEN, SMTP_PASSWORD
from mieux.doctor import examine
from store.db import SCHEMA_REVISION, make_engine
from store.migrate import upgrade

pytestmark = pytest.mark.slow


def settings(tmp_path, channels_file, **overrides) -> Settings:
    channels, secrets = channels_file
    return Settings(**{"data_dir": tmp_path / "data", "facility_file": DEFAULT_FACILITY, "channels_file": channels,
                       "secrets_file": secrets, "ui_url": "https://prefect.mieux.example",
                       "web_url": "https://forms.mieux.example", "feed_url": "https://feeds.mieux.example",
                       **overrides})


def migrated(s: Settings) -> Settings:
    s.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(s.database())
    upgrade(engine)
    engine.dispose()
    return s


def problems(found) -> list[str]:
    return [f"{f.topic}: {f.said}" for f in found if f.problem]


def test_a_sound_installation_has_no_problem_and_its_prefect_server_says_its_version(prefect_api, tmp_path,
                                                                                    channels_file):
    from prefect import __version__
    from prefect.settings import PREFECT_API_URL

    found = examine(migrated(settings(tmp_path, channels_file)), environ={"PREFECT_API_URL": PREFECT_API_URL.value()})
    assert problems(found) == []
    said = {f.topic: f.said for f in found}
    assert said["prefect"].endswith(f": healthy, Prefect {__version__} (this engine's: {__version__})")
    assert said["store"].endswith(f"schema {SCHEMA_REVISION}, current")
    assert said["channels"].startswith("admin, chat, email configured")
    text = "\n".join(f.said for f in found)
    assert SMTP_PASSWORD not in text and CHAT_TOKEN not in text


def test_each_broken_part_is_one_line_saying_what_is_wrong(tmp_path, channels_file):
    channels, secrets = channels_file
    email_only = tmp_path / "email.yaml"
    email_only.write_text("\n".join(line for line in channels.read_text(encoding="utf-8").splitlines()
                                     if "mmost" not in line and "tag: chat" not in line) + "\n", encoding="utf-8")
    broken = settings(tmp_path, (email_only, secrets), ui_url=None, web_url="ftp://forms", feed_port=0)
    found = examine(broken, environ={"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert problems(found) == [
        "channels: ana gets alerts on chat, and the channels file has no chat service",
        "channels: pieter gets alerts on chat, and the channels file has no chat service",
        f"store: there is no store at {tmp_path / 'data' / 'mieux.db'}: run `mieux init`",
        "prefect: cannot reach the Prefect API at http://127.0.0.1:9/api: ConnectError",
        "links: the Prefect UI in alerts: http://127.0.0.1:9, this machine only, and messages are read elsewhere "
        "(email): set MIEUX_UI_URL to the address people reach",
        "links: the evaluation forms and invitations: 'ftp://forms' is not an http(s) address"]
    assert not (tmp_path / "data" / "mieux.db").exists()  # the doctor made no store
    assert "the calendar feeds: not served" in [f.said for f in found]


def test_a_prefect_server_of_another_version_is_named_before_it_gives_422s(tmp_path, channels_file):
    # No second Prefect release can run here: the server's answers are given as another version's would be.
    answers = {"/health": (200, True), "/admin/version": (200, "2.19.3")}
    found = examine(migrated(settings(tmp_path, channels_file)),
                    environ={"PREFECT_API_URL": "https://prefect.mieux.example/api", "PREFECT_API_AUTH_STRING": "u:p"},
                    prefect_get=lambda url, headers: answers[url.removeprefix("https://prefect.mieux.example/api")])
    assert problems(found) == [
        "prefect: the Prefect server at https://prefect.mieux.example/api is 2.19.3 and this engine's Prefect is "
        f"{__import__('prefect').__version__}: run the same version everywhere (a mismatch gives HTTP 422s)"]
    refused = examine(migrated(settings(tmp_path, channels_file)),
                      environ={"PREFECT_API_URL": "https://prefect.mieux.example/api"},
                      prefect_get=lambda url, headers: (401, None))
    assert problems(refused) == ["prefect: https://prefect.mieux.example/api refuses this engine's credentials "
                                 "(PREFECT_API_AUTH_STRING)"]


API = "https://prefect.mieux.example/api"


def answered(**more):
    """The answers of a sound Prefect server of this version, and `more` (path: (status, body))."""
    answers = {"/health": (200, True), "/admin/version": (200, __import__("prefect").__version__), **more}
    return lambda url, headers: answers.get(url.removeprefix(API), (404, None))


@pytest.mark.parametrize("sweep, pool, line, problem", [
    (None, None, "no deployments registered yet: `mieux serve` serves them itself, or `mieux deploy` registers them "
                 "to the work pool 'mieux' for workers", False),
    ({"work_pool_name": None}, None,
     "none: `mieux serve` runs the sweep, the timers and the dispatcher in one process", False),
    ({"work_pool_name": "mieux"}, {"status": "READY", "type": "process"},
     "the work pool 'mieux' (process): ready, with a worker online", False),
    ({"work_pool_name": "mieux"}, {"status": "NOT_READY", "type": "process"},
     "the work pool 'mieux' has no worker online: nothing runs the sweep, the timers or the dispatcher "
     "(start `mieux worker`)", True),
    ({"work_pool_name": "mieux"}, {"status": "PAUSED", "type": "process"},
     "the work pool 'mieux' is paused: no flow of the engine runs", True),
    ({"work_pool_name": "elsewhere"}, {"status": "READY", "type": "process"},
     "the deployments are in the work pool 'elsewhere' and MIEUX_WORK_POOL is 'mieux': `mieux worker` would poll "
     "a pool with nothing in it", True),
])
def test_the_workers_line_says_who_runs_the_flows_and_a_pool_without_workers_is_a_problem(
        tmp_path, channels_file, sweep, pool, line, problem):
    more = {}
    if sweep is not None:
        more["/deployments/name/mieux-sweep/sweep"] = (200, sweep)
    if pool is not None:
        more[f"/work_pools/{sweep['work_pool_name']}"] = (200, pool)
    found = examine(migrated(settings(tmp_path, channels_file)), environ={"PREFECT_API_URL": API},
                    prefect_get=answered(**more))
    workers = [f for f in found if f.topic == "workers"]
    assert [(f.said, f.problem) for f in workers] == [(line, problem)]
    assert [f for f in found if f.problem and f.topic != "workers"] == []


def test_the_clock_line_reads_the_clock_the_store_keeps(tmp_path, channels_file):
    from mieux.bootstrap import store_clock

    simulated = settings(tmp_path, channels_file, clock="simulated", clock_speed=3600)
    migrated(simulated)
    engine = make_engine(simulated.database())
    store_clock(engine, simulated)  # the first simulated run records its simulation
    engine.dispose()
    said = {f.topic: (f.said, f.problem) for f in examine(simulated, environ={})}
    assert said["clock"][0].startswith("simulated: the store's simulation started at ") and not said["clock"][1]
    real = {f.topic: (f.said, f.problem) for f in examine(settings(tmp_path, channels_file), environ={})}
    assert real["clock"] == ("the store runs a simulation (from " + said["clock"][0][45:55] + ", 3600x) and MIEUX_CLOCK "
                             "is not simulated: it refuses real time", True)
