"""`mieux serve` as a person runs it: starts, keeps the clock, stops on Ctrl-C, resumes."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest

from loopback.servers import free_port

pytestmark = pytest.mark.slow
MIEUX = str(Path(sys.executable).parent / "mieux")
HEADER = "reference,name,requester,requester_type,countries,region,theme,received_on,status,closed_on"


def wait_for(what: str, check, timeout: float = 120, every: float = 1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def query(db: Path, sql: str):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def api(port: int, path: str, body: dict | None = None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api{path}", method="POST" if body is not None else "GET",
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)
    except OSError:
        return None


def initialised_engine(data: Path, port: int, **settings: str) -> dict:
    """The environment of an engine with its own data directory and Prefect port, after `mieux init`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIEUX_", "PREFECT_"))} | {
        "MIEUX_DATA_DIR": str(data), "MIEUX_PREFECT_PORT": str(port), "MIEUX_FEED_PORT": str(free_port()),
        "MIEUX_WEB_PORT": str(free_port()), **settings}
    subprocess.run([MIEUX, "init"], env=env, check=True, capture_output=True)
    return env


def start(env: dict) -> subprocess.Popen:
    return subprocess.Popen([MIEUX, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> str:
    """Ctrl-C, as a person would; a process that does not stop in 90 s fails the test with its output."""
    process.send_signal(signal.SIGINT)
    try:
        out, _ = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
        raise AssertionError(f"mieux serve did not stop within 90 s of Ctrl-C; it printed:\n{out}") from None
    return out


def test_serve_keeps_the_clock_stops_on_ctrl_c_and_resumes_with_nothing_lost_or_doubled(tmp_path):
    port, data = free_port(), tmp_path / "data"
    env = initialised_engine(data, port, MIEUX_SWEEP_SECONDS="5", MIEUX_ACTOR="ana", MIEUX_MIRROR_HORIZON_DAYS="90",
                             PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5")  # the watch timer is 60 days away
    portfolio = tmp_path / "p.csv"
    received = date.today() - timedelta(days=40)
    portfolio.write_text(f"{HEADER}\n{received.year}-01,Ghana,Ghana Immigration Service,national_authority,GH,"
                         f"Africa (West),legal_migration,{received},pre_implementation,\n", encoding="utf-8")
    subprocess.run([MIEUX, "portfolio", "import", str(portfolio), "--as", "pieter"], env=env, check=True,
                   capture_output=True)
    db = data / "mieux.db"

    first = start(env)
    try:
        wait_for("the overdue fiche notice", lambda: query(db, "SELECT kind FROM alert") == [("fiche.due",)])
        wait_for("timers mirrored as flow runs",
                 lambda: query(db, "SELECT count(*) FROM timer WHERE mirrored = 'scheduled'")[0][0] == 1)
        # one slow answer under a loaded machine is not a fault: the API must answer within 30 s
        wait_for("the Prefect API to answer", lambda: api(port, "/health") is True, timeout=30)
    finally:
        out = stop(first)
    assert first.returncode == 0 and "stopped" in out and "Traceback" not in out, out
    assert f"Prefect UI: http://127.0.0.1:{port}" in out
    wait_for("the Prefect server to stop", lambda: api(port, "/health") is None, timeout=30)

    sweeps = {"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}, "name": {"like_": "sweep"}}}
    second = start(env)
    try:
        wait_for("the restarted server", lambda: api(port, "/health") is True)
        before = len(api(port, "/flow_runs/filter", sweeps))
        wait_for("a sweep after the restart", lambda: len(api(port, "/flow_runs/filter", sweeps) or []) > before)
        assert query(db, "SELECT kind FROM alert") == [("fiche.due",)]
        timers = api(port, "/flow_runs/filter", {"flow_runs": {"tags": {"all_": [f"action:{received.year}-01"]}}})
        assert [(r["name"], r["state"]["type"]) for r in timers] == [
            (f"{received.year}-01 Ghana · watch pre implementation due", "SCHEDULED")]
    finally:
        out = stop(second)
    assert second.returncode == 0 and "stopped" in out and "Traceback" not in out, out


def test_ctrl_c_while_the_engine_is_still_starting_stops_it_cleanly(tmp_path):
    port = free_port()
    env = initialised_engine(tmp_path / "data", port)
    process = start(env)
    time.sleep(4)  # the local Prefect server takes longer than this to answer
    out = stop(process)
    assert process.returncode == 0 and out.rstrip().endswith("stopped") and "Traceback" not in out, out
    wait_for("the Prefect server to stop", lambda: api(port, "/health") is None, timeout=30)


def test_the_prefect_server_does_not_outlive_an_engine_that_is_killed(tmp_path):
    port = free_port()
    env = initialised_engine(tmp_path / "data", port)
    process = start(env)
    try:
        wait_for("the local Prefect server", lambda: api(port, "/health") is True)
    finally:
        process.kill()  # SIGKILL: no clean-up code of the engine runs
        process.communicate()
    wait_for("the orphaned Prefect server to stop", lambda: api(port, "/health") is None, timeout=30)


def test_serve_refuses_to_open_the_prefect_api_beyond_this_machine_without_a_credential(tmp_path):
    port = free_port()
    env = initialised_engine(tmp_path / "data", port, MIEUX_PREFECT_HOST="0.0.0.0")
    done = subprocess.run([MIEUX, "serve"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout, done  # bad settings: 1
    assert "MIEUX_PREFECT_HOST=0.0.0.0" in done.stderr and "PREFECT_SERVER_API_AUTH_STRING" in done.stderr
    assert api(port, "/health") is None  # nothing was started


def test_with_a_credential_the_api_beyond_loopback_asks_for_it_and_the_engine_uses_it(tmp_path):
    import base64

    port, data = free_port(), tmp_path / "data"
    env = initialised_engine(data, port, MIEUX_PREFECT_HOST="0.0.0.0", MIEUX_SWEEP_SECONDS="5",
                             PREFECT_SERVER_API_AUTH_STRING="admin:s3cr3t-word")
    process = start(env)
    try:
        wait_for("the local Prefect server", lambda: api(port, "/health") is True)
        sweeps = {"flow_runs": {"name": {"like_": "sweep"}}}
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/flow_runs/filter", method="POST",
                                         data=json.dumps(sweeps).encode(), headers={"content-type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401
        request.add_header("Authorization", "Basic " + base64.b64encode(b"admin:s3cr3t-word").decode())

        def sweeps_ran():
            with urllib.request.urlopen(request, timeout=10) as response:
                return len(json.load(response)) > 0
        wait_for("a sweep run by the engine, with the credential", sweeps_ran)
    finally:
        out = stop(process)
    assert process.returncode == 0 and "s3cr3t-word" not in out and "Traceback" not in out, out


def test_sigterm_stops_the_engine_as_cleanly_as_ctrl_c_even_in_the_middle_of_a_run(tmp_path):
    port = free_port()
    env = initialised_engine(tmp_path / "data", port, MIEUX_SWEEP_SECONDS="2")
    process = start(env)
    out = ""
    try:
        deadline = time.monotonic() + 120
        while "Beginning flow run" not in out and time.monotonic() < deadline:  # a sweep is running
            out += process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=90)
    out += rest
    assert "Beginning flow run" in out, out
    # Prefect's own SIGTERM handler left an un-awaited coroutine and runs half-submitted
    assert process.returncode == 0 and out.rstrip().endswith("stopped"), out
    assert "RuntimeWarning" not in out and "never awaited" not in out and "Traceback" not in out, out
    wait_for("the Prefect server to stop", lambda: api(port, "/health") is None, timeout=30)


def test_sigterm_while_the_engine_is_still_starting_stops_it_cleanly(tmp_path):
    port = free_port()
    env = initialised_engine(tmp_path / "data", port)
    process = start(env)
    out = ""
    try:
        deadline = time.monotonic() + 60
        while "starting a local Prefect server" not in out and time.monotonic() < deadline:
            out += process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=90)
    out += rest
    assert process.returncode == 0 and out.rstrip().endswith("stopped"), out
    assert "Traceback" not in out, out
    wait_for("the Prefect server to stop", lambda: api(port, "/health") is None, timeout=30)


def test_a_persons_calendar_feed_is_served_while_the_engine_runs_until_it_is_revoked(tmp_path):
    port = free_port()
    env = initialised_engine(tmp_path / "data", port)
    process = start(env)
    try:
        wait_for("the local Prefect server", lambda: api(port, "/health") is True)
        issued = subprocess.run([MIEUX, "calendar", "token", "ana", "--as", "ana"], env=env, capture_output=True,
                                text=True, timeout=60)
        url = issued.stdout.strip().splitlines()[-1]
        assert url.startswith(f"http://127.0.0.1:{env['MIEUX_FEED_PORT']}/calendar/") and url.endswith(".ics"), issued

        def fetched():
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    return response.status, response.headers["Content-Type"], response.read()
            except urllib.error.HTTPError as error:
                return error.code, None, error.read()
            except OSError:
                return None
        status, kind, body = wait_for("the feed", fetched)
        assert (status, kind) == (200, "text/calendar; charset=utf-8") and body.startswith(b"BEGIN:VCALENDAR")
        subprocess.run([MIEUX, "calendar", "revoke", "ana", "--as", "ana"], env=env, check=True, capture_output=True)
        assert fetched() == (404, None, b"no such calendar\n")
    finally:
        out = stop(process)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert process.returncode == 0 and "calendar feeds: http://127.0.0.1:" in out and token not in out, out
    logs = "".join(p.read_text(errors="replace") for p in (tmp_path / "data").rglob("*.log"))
    assert token not in logs
