"""The scale-out set-up of the README, on one machine: the engine's store and a Prefect server on
PostgreSQL, the engine's deployments in a `process` work pool (`mieux deploy`), two `mieux worker`
processes. One Action goes from its request to the overdue-fiche email through them; then the worker
running a flow is killed: the other carries on, and the run left behind is marked Crashed by the
automation `mieux deploy` made, instead of staying Running for ever; so is a run a worker took and
never started (Pending), which would otherwise hold its deployment's one slot."""
import os
import signal
import subprocess
import time
import uuid
from datetime import date, datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import create_engine, text

from loopback.receivers import SmtpServer
from loopback.servers import free_port
from tests.e2e.test_serve import HEADER, MIEUX, wait_for

pytestmark = pytest.mark.slow
PREFECT = os.path.join(os.path.dirname(MIEUX), "prefect")
HEARTBEAT, ZOMBIE_AFTER = 30, 45


def run(*args: str, env: dict) -> str:
    done = subprocess.run([MIEUX, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"mieux {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def started(command: list[str], env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_two_workers_run_the_engine_on_postgres_and_one_killed_leaves_nothing_stuck(postgres, tmp_path):
    base, admin = postgres
    suffix = uuid.uuid4().hex[:8]
    with admin.connect() as conn:
        for name in (f"scale_{suffix}", f"prefect_{suffix}"):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    store_url = f"{base}/scale_{suffix}"
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MIEUX_", "PREFECT_"))}
    server_env = clean | {
        "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"{base.replace('+psycopg', '+asyncpg')}/prefect_{suffix}",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5"}
    smtp = SmtpServer().start()
    channels = tmp_path / "channels.yaml"
    channels.write_text(f'version: 1\nurls:\n  - "{smtp.url()}":\n      - tag: email\n', encoding="utf-8")
    env = clean | {"MIEUX_DATA_DIR": str(tmp_path / "data"), "MIEUX_DATABASE_URL": store_url,
                   "MIEUX_CHANNELS_FILE": str(channels), "MIEUX_SWEEP_SECONDS": "5", "MIEUX_ACTOR": "pieter",
                   "MIEUX_WORK_POOL": "mieux-test", "PREFECT_API_URL": api,
                   "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT), "PREFECT_WORKER_QUERY_SECONDS": "2",
                   "PREFECT_HOME": str(tmp_path / "client")}
    logs = open(tmp_path / "processes.log", "ab")
    server = started([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], server_env, logs)
    workers = []
    try:
        wait_for("the Prefect server on PostgreSQL", lambda: _get(api, "/health") is True, timeout=180)
        run("init", env=env)
        received = date.today() - timedelta(days=40)
        portfolio = tmp_path / "p.csv"
        portfolio.write_text(f"{HEADER}\n{received.year}-07,Ghana,Ghana Immigration Service,national_authority,GH,"
                             f"Africa (West),legal_migration,{received},pre_implementation,\n", encoding="utf-8")
        run("portfolio", "import", str(portfolio), env=env)
        said = run("deploy", "--zombie-after", str(ZOMBIE_AFTER), env=env)
        assert "made the work pool 'mieux-test'" in said and "sweep, dispatch, timers" in said, said
        assert run("deploy", "--zombie-after", str(ZOMBIE_AFTER), env=env).startswith("the work pool")  # again: same
        automations = _post(api, "/automations/filter", {})
        assert [a["name"] for a in automations].count("mieux: a run whose heartbeats stopped has crashed") == 1
        sweep = _get(api, "/deployments/name/mieux-sweep/sweep")
        assert sweep["entrypoint"] == "flows.deadlines.sweep" and sweep["pull_steps"] in (None, []), sweep
        assert sweep["global_concurrency_limit"]["limit"] == 1, sweep  # two sweeps never overlap
        assert sweep["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
        assert sweep["concurrency_options"]["grace_period_seconds"] == 60  # not Prefect's 300 s: see below
        assert _get(api, "/deployments/name/mieux-deadline/timers")["global_concurrency_limit"] is None

        workers = [started([MIEUX, "worker", "--name", name], env, logs) for name in ("worker-a", "worker-b")]
        fiche = wait_for("the overdue-fiche email", lambda: [m for m in smtp.inbox if "fiche" in m.subject.lower()],
                         timeout=180)
        time.sleep(10)  # two more sweeps and dispatches: nothing is sent twice by two workers
        fiche = [m for m in smtp.inbox if "fiche" in m.subject.lower()]
        recipients = [r for m in fiche for r in m.recipients]
        assert len(recipients) == len(set(recipients)) >= 1, recipients
        assert all(f"{received.year}-07" in m.subject for m in fiche)
        doctor = subprocess.run([MIEUX, "doctor"], env=env, capture_output=True, text=True, timeout=120).stdout
        assert "workers    the work pool 'mieux-test' (process): ready, with a worker online" in doctor, doctor

        # a timer run that waits for its moment (a timer 25 s away: the run starts early and waits
        # for it), so that a worker can be killed while it is in progress
        store = create_engine(store_url)
        with store.begin() as conn:
            deadline_id, timer_id = conn.execute(text(
                "SELECT deadline_id, id FROM timer WHERE status = 'pending' ORDER BY fire_at LIMIT 1")).one()
            fire_at = datetime.now(timezone.utc) + timedelta(seconds=25)
            conn.execute(text("UPDATE timer SET fire_at = :at WHERE id = :id"), {"at": fire_at, "id": timer_id})
        timers = _get(api, "/deployments/name/mieux-deadline/timers")
        flow_run = _post(api, f"/deployments/{timers['id']}/create_flow_run",
                         {"parameters": {"deadline_id": deadline_id}, "name": "killed mid-run"})
        running = wait_for("the timer run in progress", lambda: (r := _get(api, f"/flow_runs/{flow_run['id']}"))
                           and r["state_type"] == "RUNNING" and r.get("infrastructure_pid") and r, timeout=60)
        # which worker started it: the flow's process is a child of that worker's
        flow_pid = int(str(running["infrastructure_pid"]).rsplit(":", 1)[-1])
        parent = int(open(f"/proc/{flow_pid}/stat").read().rsplit(")", 1)[1].split()[1])
        victim = next(w for w in workers if w.pid == parent)
        survivor = next(w for w in workers if w is not victim)
        kill(victim)
        os.kill(flow_pid, signal.SIGKILL)
        killed_at = time.monotonic()
        # and, as if the victim had been killed while it started a sweep: a sweep run it took (Pending)
        # and never started, holding the sweeps' one slot. The automation crashes it; sweeps go on.
        taken = _taken_and_never_started(api, _get(api, "/deployments/name/mieux-sweep/sweep")["id"])

        # the other worker's sweep fires the timer at its moment, and its alert is emailed
        wait_for("the timer fired by the surviving worker", lambda: _scalar(
            store, f"SELECT status FROM timer WHERE id = {timer_id}") != "pending", timeout=180)
        assert survivor.poll() is None
        # the run left behind: Crashed once its heartbeats have stopped for ZOMBIE_AFTER seconds
        crashed = wait_for("the killed run marked Crashed", lambda: (r := _get(api, f"/flow_runs/{flow_run['id']}"))
                           and r["state_type"] == "CRASHED" and r, timeout=ZOMBIE_AFTER + 120)
        assert "no heartbeat" in crashed["state"]["message"]
        assert time.monotonic() - killed_at >= ZOMBIE_AFTER - HEARTBEAT  # not before its heartbeats stopped
        never = wait_for("the run taken and never started marked Crashed", lambda: (
            r := _get(api, f"/flow_runs/{taken}")) and r["state_type"] == "CRASHED" and r, timeout=ZOMBIE_AFTER + 120)
        assert "no start" in never["state"]["message"], never["state"]
        # and sweeps go on running through the survivor
        before = _count_completed_sweeps(api)
        try:
            wait_for("another sweep", lambda: _count_completed_sweeps(api) > before, timeout=60)
        except AssertionError:
            runs = _post(api, "/flow_runs/filter", {"sort": "EXPECTED_START_TIME_DESC", "limit": 40, "flow_runs": {
                "state": {"type": {"not_any_": ["SCHEDULED"]}}}})
            raise AssertionError("\n".join(f"{r['name']} {r['state_type']} {r['state_name']} {r['state']['message']}"
                                           for r in runs)) from None
        store.dispose()
    finally:
        for process in [*workers, server]:
            kill(process)
        smtp.stop()
        logs.close()


def _get(api: str, path: str):
    try:
        response = httpx.get(f"{api}{path}", timeout=10)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


def _post(api: str, path: str, body: dict):
    response = httpx.post(f"{api}{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def _taken_and_never_started(api: str, deployment_id: str) -> str:
    """A run of the deployment moved to Pending as a worker does when it takes one (the deployment's
    concurrency slot is taken then), with no process ever started for it. The deployment's schedule
    is paused meanwhile: its runs come every few seconds and hold the slot most of the time."""
    _post(api, f"/deployments/{deployment_id}/pause_deployment", {})
    try:
        said, until = None, time.monotonic() + 90
        while time.monotonic() < until:
            later = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
            run_ = _post(api, f"/deployments/{deployment_id}/create_flow_run",
                         {"name": "taken, never started", "state": {"type": "SCHEDULED",
                                                                    "state_details": {"scheduled_time": later}}})
            said = _post(api, f"/flow_runs/{run_['id']}/set_state", {"state": {"type": "PENDING"}, "force": False})
            if said["status"] == "ACCEPT":
                assert said["state"]["state_details"]["deployment_concurrency_lease_id"], said
                return run_["id"]
            time.sleep(1)
        raise AssertionError(f"the deployment's slot was never free: {said}")
    finally:
        _post(api, f"/deployments/{deployment_id}/resume_deployment", {})


def _scalar(engine, sql: str):
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def _count_completed_sweeps(api: str) -> int:
    return len(_post(api, "/flow_runs/filter", {"flow_runs": {"name": {"like_": "sweep"},
                                                              "state": {"type": {"any_": ["COMPLETED"]}}},
                                               "limit": 200}))


def test_a_worker_or_a_deploy_without_a_prefect_server_is_refused_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIEUX_", "PREFECT_"))} | {
        "MIEUX_DATA_DIR": str(tmp_path / "data"), "MIEUX_ACTOR": "pieter"}
    run("init", env=env)
    for command in (["worker"], ["deploy"]):
        done = subprocess.run([MIEUX, *command], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 1 and done.stderr.startswith("error: PREFECT_API_URL is not set"), done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    nobody = subprocess.run([MIEUX, "deploy", "--as", "ana"], env=env | {"PREFECT_API_URL": "http://127.0.0.1:9/api"},
                            capture_output=True, text=True, timeout=120)
    assert nobody.returncode == 1 and "only an admin may" in nobody.stderr, nobody.stderr
    down = subprocess.run([MIEUX, "worker"], env=env | {"PREFECT_API_URL": "http://127.0.0.1:9/api"},
                          capture_output=True, text=True, timeout=120)
    assert down.returncode == 1 and down.stderr == (
        "error: cannot reach the Prefect API at http://127.0.0.1:9/api: ConnectError\n"), down.stderr
