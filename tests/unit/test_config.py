"""The facility file and the settings: wrong files are refused with the place of the mistake."""
from pathlib import Path

import pytest

from config.facility import load_facility
from config.settings import DEFAULT_FACILITY, Settings
from domain.errors import ConfigError, NotFound
from domain.model import Role


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "facility.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_facility_file_is_valid_and_has_every_role_the_lifecycle_needs():
    facility = load_facility(DEFAULT_FACILITY)
    for role in (Role.project_officer, Role.junior_project_officer, Role.programme_manager, Role.psg_member):
        assert facility.with_role(role)
    assert facility.timezone == "Europe/Brussels"


@pytest.mark.parametrize("text,message", [
    ("regions: [Asia]\npeople: []", "people: List should have at least 1 item"),
    ("regions: [Asia, Asia]\npeople: [{id: a, name: A, roles: [admin]}]", "duplicate region: Asia"),
    ("regions: [Asia]\npeople: [{id: a, name: A, roles: [boss]}]", "people.0.roles.0: Input should be"),
    ("timezone: Mars/Olympus\nregions: [Asia]\npeople: [{id: a, name: A, roles: [admin]}]",
     "timezone: 'Mars/Olympus' is not an IANA time zone"),
    ("regions: [Asia]\npeople: [{id: a, name: A, roles: [admin]}, {id: a, name: B, roles: [admin]}]",
     "duplicate person id: a"),
    ("regions: [Asia\npeople: [", "not valid YAML"),
    ("regions: [Asia]\npeople: [{id: a, name: A, roles: [admin], pager: 12}]", "people.0.pager: Extra inputs"),
])
def test_a_wrong_facility_file_is_refused_saying_where(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(")):
        load_facility(write(tmp_path, text))


def test_a_missing_facility_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the facility file"):
        load_facility(tmp_path / "nope.yaml")


def test_an_unknown_person_is_named_with_who_is_known():
    with pytest.raises(NotFound, match="unknown person 'bob': the facility file knows ana, jonas"):
        load_facility(DEFAULT_FACILITY).person("bob")


def test_settings_come_from_the_environment_and_hide_the_database_password(monkeypatch, tmp_path):
    monkeypatch.setenv("MIEUX_DATA_DIR", str(tmp_path))
    assert Settings().database() == f"sqlite:///{tmp_path}/mieux.db"
    monkeypatch.setenv("MIEUX_DATABASE_URL", "postgresql+psycopg://mieux:hunter2@db/mieux")
    settings = Settings()
    assert settings.database().endswith(":hunter2@db/mieux")
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())
