"""How `mieux serve` starts: the Prefect API stays on this machine unless a credential guards it; long waits say so."""
import pytest

from config.settings import Settings
from domain.errors import ConfigError
from flows.serve import exposure, on_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts_are_this_machine(host):
    assert on_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.5", "mieux.example.org", "::", "", None])
def test_every_other_host_is_beyond_it(host):
    assert not on_loopback(host)


def test_a_local_server_on_loopback_needs_no_credential():
    assert exposure(Settings(), {}) == {}


def test_a_local_server_beyond_loopback_without_a_credential_is_refused_and_says_what_to_set():
    with pytest.raises(ConfigError) as refused:
        exposure(Settings(prefect_host="0.0.0.0"), {})
    assert "MIEUX_PREFECT_HOST=0.0.0.0" in str(refused.value)
    assert "PREFECT_SERVER_API_AUTH_STRING" in str(refused.value) and "as any person" in str(refused.value)


def test_with_a_credential_the_engine_sends_it_as_a_client_and_never_shows_it():
    client = exposure(Settings(prefect_host="0.0.0.0"), {"PREFECT_SERVER_API_AUTH_STRING": "admin:s3cret"})
    assert client == {"PREFECT_API_AUTH_STRING": "admin:s3cret"}


def test_a_remote_prefect_api_needs_the_client_credential():
    with pytest.raises(ConfigError) as refused:
        exposure(Settings(), {"PREFECT_API_URL": "http://prefect.example.org:4200/api"})
    assert "prefect.example.org" in str(refused.value) and "PREFECT_API_AUTH_STRING" in str(refused.value)
    assert exposure(Settings(), {"PREFECT_API_URL": "http://prefect.example.org:4200/api",
                                 "PREFECT_API_AUTH_STRING": "admin:s3cret"}) == {}
    assert exposure(Settings(), {"PREFECT_API_URL": "http://127.0.0.1:4300/api"}) == {}


def test_a_long_wait_says_so_every_few_seconds_and_gives_up_at_its_timeout():
    from flows.serve import wait_until

    said, answers = [], iter([False] * 6 + [True])
    assert wait_until(lambda: next(answers), timeout=10, echo=said.append, waiting="still starting", every=0.02,
                      poll=0.01) is True
    assert said and all(line.startswith("still starting: ") and line.endswith(" s so far") for line in said)
    assert wait_until(lambda: False, timeout=0.05, echo=said.append, waiting="w", every=1, poll=0.01) is False
