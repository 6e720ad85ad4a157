"""Process settings, from MIEUX_* environment variables.

Every variable is checked when the settings are built: a wrong one is a ConfigError naming it
(`MIEUX_SWEEP_SECONDS: Input should be a valid integer`), never a traceback. An empty variable
counts as unset.
"""
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from domain.errors import ConfigError

DEFAULT_FACILITY = Path(__file__).with_name("facility.yaml")
DATABASES = {"sqlite": ("pysqlite",), "postgresql": ("psycopg",)}
"""The stores the engine supports, with the drivers installed for them."""
URL_EXAMPLE = "sqlite:////path/to/mieux.db or postgresql+psycopg://user:password@host:5432/mieux"


def _default_data_dir() -> Path:
    import os

    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "mieux"


class Settings(BaseSettings):
    """Where the data lives and who is acting. Secrets are SecretStr so they never print."""

    model_config = SettingsConfigDict(env_prefix="MIEUX_", extra="ignore", env_ignore_empty=True,
                                      allow_inf_nan=False)

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: SecretStr | None = None
    facility_file: Path = DEFAULT_FACILITY
    deadlines_file: Path = Path(__file__).with_name("deadlines.yaml")
    matching_file: Path = Path(__file__).with_name("matching.yaml")
    dsa_file: Path = Path(__file__).with_name("dsa.yaml")
    logistics_file: Path = Path(__file__).with_name("logistics.yaml")
    consent_months: int = Field(24, ge=1, le=240)
    """An expert's data-protection consent older than this is to be renewed: the sweep tells the
    programme manager, once for each consent date."""
    actor: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    prefect_port: int = Field(4200, ge=1, le=65_535)
    prefect_host: str = "127.0.0.1"
    """Where the local Prefect server listens; beyond loopback only with PREFECT_SERVER_API_AUTH_STRING."""
    work_pool: str = Field("mieux", min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    """The Prefect `process` work pool `mieux deploy` registers the deployments to and `mieux worker` polls."""
    feed_port: int = Field(4201, ge=0, le=65_535)
    """Where `mieux serve` serves people's calendar feeds (0: no feeds)."""
    feed_host: str = "127.0.0.1"
    feed_url: str | None = None
    """The feeds' address as calendar applications reach it (default http://FEED_HOST:FEED_PORT)."""
    web_port: int = Field(4202, ge=0, le=65_535)
    """Where `mieux serve` (and `mieux web`) serve the evaluation forms people answer (0: none)."""
    web_host: str = "127.0.0.1"
    web_url: str | None = None
    """The forms' address as people reach it from their mail (default http://WEB_HOST:WEB_PORT)."""
    link_secret: SecretStr | None = None
    """The key form links' tokens are derived with (MIEUX_LINK_SECRET; at least 32 characters).
    Unset: a random one kept in DATA_DIR/link.secret, made on first use. Every process that sends
    or answers forms must share it: set it on a scaled-out installation."""
    forms_file: Path = Path(__file__).with_name("forms.yaml")
    clock: Literal["system", "simulated"] = "system"
    """The engine's time: the system's, or a simulation's (a demo, a soak), which only a store made
    for it accepts (mieux.bootstrap)."""
    clock_start: datetime | None = None
    """Where a simulated clock begins (aware, e.g. 2026-01-05T08:00:00+01:00); default: now."""
    clock_speed: float = Field(1.0, gt=0, le=10_000_000)
    """Simulated seconds per real second."""
    sweep_seconds: int = Field(60, ge=1, le=86_400)
    resident_seconds: int | None = Field(None, ge=0, le=86_400)
    """How long the resident answering `mieux expert match` waits for a request (0: no resident).
    Read by mieux/cli/resident.py before any setting is (default 600 there); checked here, so that
    a wrong value is refused like any other setting."""
    mirror_horizon_days: float = Field(7.0, gt=0, le=366)
    """Timers due within this many days are mirrored as scheduled Prefect runs; later ones wait in the store."""
    channels_file: Path | None = None
    secrets_file: Path | None = None
    ui_url: str | None = None
    dispatch_seconds: float = Field(1.0, gt=0, le=3_600)
    outbox_max_attempts: int = Field(16, ge=1, le=1_000)
    outbox_backoff_seconds: float = Field(10.0, gt=0, le=86_400)
    outbox_backoff_cap_seconds: float = Field(600.0, gt=0, le=7 * 86_400)
    outbox_lease_seconds: float = Field(300.0, gt=0, le=86_400)

    def __init__(self, **values):
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise ConfigError("; ".join(_problem(e) for e in error.errors())) from None
        except SettingsError as error:  # a variable the environment source itself cannot parse
            raise ConfigError(f"the MIEUX_* settings: {error}") from None

    @field_validator("*", mode="before")
    @classmethod
    def _utf8(cls, value: object) -> object:
        """A variable holding bytes that are not UTF-8 (surrogates in Python) cannot be printed or stored."""
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("not UTF-8 text") from None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("data_dir")
    @classmethod
    def _directory(cls, value: Path) -> Path:
        try:
            if value.exists() and not value.is_dir():
                raise ValueError(f"{value} is a file, not a directory")
            above = next((p for p in value.absolute().parents if p.exists()), None)
            if above is not None and not above.is_dir():
                raise ValueError(f"{value} cannot be created: {above} is a file")
        except OSError as error:
            raise ValueError(f"{value} cannot be used: {error.strerror}") from None
        return value

    @field_validator("clock_start")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give its time zone, e.g. 2026-01-05T08:00:00+01:00")
        return value

    @field_validator("database_url")
    @classmethod
    def _supported(cls, value: SecretStr | None) -> SecretStr | None:
        return None if value is None else SecretStr(supported_url(value.get_secret_value()))

    def database(self) -> str:
        """The database URL: the configured one, else SQLite in the data directory."""
        if self.database_url:
            return self.database_url.get_secret_value()
        return f"sqlite:///{(self.data_dir / 'mieux.db').absolute()}"


def on_loopback(host: str | None) -> bool:
    """Is `host` this machine only (127.0.0.0/8, ::1, localhost)?"""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address((host or "").strip("[]")).is_loopback
    except ValueError:
        return False


def supported_url(url: str) -> str:
    """The database URL if it is one the engine can use (`postgresql://` meaning the installed
    psycopg driver); otherwise ValueError, whose message never contains the password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url.strip())
    except (ArgumentError, ValueError):
        raise ValueError(f"not a database URL; expected for example {URL_EXAMPLE}") from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend not in DATABASES:
        raise ValueError(f"{backend} is not supported: use SQLite or PostgreSQL ({URL_EXAMPLE})")
    if backend == "postgresql" and "+" not in parsed.drivername:
        parsed = parsed.set(drivername="postgresql+psycopg")
        driver = "psycopg"
    if driver not in DATABASES[backend]:
        raise ValueError(f"the {driver} driver is not installed: write {backend}://...")
    if backend == "postgresql":
        import psycopg

        options = {k: v for k, v in parsed.query.items() if isinstance(v, str)}
        try:
            psycopg.conninfo.make_conninfo("", **options)
        except psycopg.ProgrammingError as error:
            raise ValueError(f"in the query: {error}".strip()) from None
    return parsed.render_as_string(hide_password=False)


def _problem(error: dict) -> str:
    """One pydantic error as `MIEUX_NAME: what is wrong` (the value itself is not shown: it may be secret)."""
    name = "_".join(str(part) for part in error["loc"][:1]).upper() or "settings"
    message = error["msg"].removeprefix("Value error, ")
    return f"MIEUX_{name}: {message}"
