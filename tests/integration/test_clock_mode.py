"""The simulated clock is a supported mode, on a store of its own: a store made for real time
refuses it, a simulated store refuses real time, and every process opening a simulated store runs
the same simulation."""
from datetime import datetime, timedelta, timezone

import pytest

from config.settings import DEFAULT_FACILITY, Settings
from domain.clock import FixedClock, SimulatedClock
from domain.errors import ConfigError
from mieux.bootstrap import bootstrap, store_clock
from store.db import make_engine
from store.migrate import upgrade
from tests.helpers import request

START = datetime(2026, 1, 5, 8, tzinfo=timezone(timedelta(hours=1)))


def settings(tmp_path, **clock) -> Settings:
    return Settings(data_dir=tmp_path, facility_file=DEFAULT_FACILITY, **clock)


def made(tmp_path, **clock):
    s = settings(tmp_path, **clock)
    engine = make_engine(s.database())
    upgrade(engine)
    store_clock(engine, s, record=True)  # as `mieux init` does
    engine.dispose()


def test_a_store_made_for_real_time_refuses_a_simulated_clock(tmp_path):
    made(tmp_path)
    with pytest.raises(ConfigError, match="this store keeps real time: a simulated clock would mix"):
        bootstrap(settings(tmp_path, clock="simulated", clock_start=START))
    assert bootstrap(settings(tmp_path)).clock.__class__.__name__ == "SystemClock"


def test_a_store_with_history_from_before_the_clock_was_recorded_keeps_real_time(tmp_path):
    s = settings(tmp_path)
    engine = make_engine(s.database())
    upgrade(engine)
    engine.dispose()
    bootstrap(s, clock=FixedClock(START + timedelta(days=60))).service.register(request(), actor="ana")  # no record yet
    with pytest.raises(ConfigError, match="keeps real time"):
        bootstrap(settings(tmp_path, clock="simulated", clock_start=START))


def test_a_simulated_store_runs_one_simulation_for_every_process_and_refuses_real_time(tmp_path):
    made(tmp_path, clock="simulated", clock_start=START, clock_speed=3600)
    one = bootstrap(settings(tmp_path, clock="simulated"))
    other = bootstrap(settings(tmp_path, clock="simulated", clock_start=START + timedelta(days=99)))
    assert isinstance(one.clock, SimulatedClock) and one.clock.start == START and one.clock.speed == 3600
    assert abs(one.clock.now() - other.clock.now()) < timedelta(minutes=30)  # the store's start, not the other's
    assert START <= one.clock.now() < START + timedelta(days=1)  # an hour a second since the store was made
    reference = one.service.register(request(received_on=START.date()), actor="ana").reference
    assert one.service.history(reference)[0].at >= START
    assert one.clock.advance(days=30) - other.clock.now() > timedelta(days=29)  # a jump is this process's
    with pytest.raises(ConfigError, match="this store runs on a simulated clock"):
        bootstrap(settings(tmp_path))
