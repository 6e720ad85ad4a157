"""Fixtures: fresh migrated stores on SQLite and on a real PostgreSQL server, a facility, a clock."""
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from config.facility import load_facility
from config.policy import DEFAULT_DEADLINES, calendar
from config.settings import DEFAULT_FACILITY
from domain.clock import FixedClock
from loopback.servers import postgres_server
from mieux.deadlines import DeadlineKeeper
from mieux.service import ActionService
from mieux.subjects import checked_policy
from store.db import make_engine
from store.migrate import upgrade
from tests.helpers import T0

os.environ["MIEUX_RESIDENT_SECONDS"] = "0"  # `mieux expert match` run in a test's own process starts no resident
STORES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def facility():
    return load_facility(DEFAULT_FACILITY)


@pytest.fixture
def clock():
    return FixedClock(T0)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "mieux.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres():
    """One PostgreSQL server for the whole session, with a migrated template database."""
    with postgres_server() as base:
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE mieux_template"))
        template = make_engine(f"{base}/mieux_template")
        upgrade(template)
        template.dispose()
        yield base, admin
        admin.dispose()


def fresh_database_url(kind: str, request, tmp_path: Path) -> str:
    """The URL of a new, migrated, empty database of `kind`."""
    if kind == "sqlite":
        path = tmp_path / f"mieux-{uuid.uuid4().hex[:8]}.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    base, admin = request.getfixturevalue("postgres")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE mieux_template'))
    return f"{base}/{name}"


@pytest.fixture(params=STORES)
def database_url(request, tmp_path) -> str:
    """A fresh migrated database, once on SQLite and once on PostgreSQL."""
    return fresh_database_url(request.param, request, tmp_path)


@pytest.fixture
def sqlite_url(request, tmp_path) -> str:
    return fresh_database_url("sqlite", request, tmp_path)


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def policy(facility):
    return checked_policy(DEFAULT_DEADLINES, facility)


@pytest.fixture(scope="session")
def office_calendar(policy, facility):
    return calendar(policy, facility)


@pytest.fixture
def service(engine, facility, clock, policy, office_calendar):
    """The service as the engine wires it: deadlines start and stop inside transitions."""
    return ActionService(engine=engine, facility=facility, clock=clock,
                         effects=[DeadlineKeeper(policy, office_calendar)])


@pytest.fixture(scope="session")
def prefect_api():
    """Prefect's test harness (a throwaway server), started once for the whole session."""
    os.environ.update({"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                       "PREFECT_HOME": tempfile.mkdtemp(prefix="mieux-prefect-"),
                       "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90"})
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90), \
            temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
