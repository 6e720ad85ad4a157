"""Process settings, from MIEUX_* environment variables."""
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_FACILITY = Path(__file__).with_name("facility.yaml")


def _default_data_dir() -> Path:
    import os

    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "mieux"


class Settings(BaseSettings):
    """Where the data lives and who is acting. Secrets are SecretStr so they never print."""

    model_config = SettingsConfigDict(env_prefix="MIEUX_", extra="ignore")

    data_dir: Path = _default_data_dir()
    database_url: SecretStr | None = None
    facility_file: Path = DEFAULT_FACILITY
    deadlines_file: Path = Path(__file__).with_name("deadlines.yaml")
    actor: str | None = None
    prefect_port: int = 4200
    sweep_seconds: int = 60
    channels_file: Path | None = None
    secrets_file: Path | None = None
    ui_url: str | None = None
    dispatch_seconds: float = 1.0
    outbox_max_attempts: int = 16
    outbox_backoff_seconds: float = 10.0
    outbox_backoff_cap_seconds: float = 600.0
    outbox_lease_seconds: float = 300.0

    def database(self) -> str:
        """The database URL: the configured one, else SQLite in the data directory."""
        if self.database_url:
            return self.database_url.get_secret_value()
        return f"sqlite:///{(self.data_dir / 'mieux.db').absolute()}"
