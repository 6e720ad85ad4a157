"""What every command shares: the runtime, common options, input parsing, logging."""
import logging
import logging.handlers
import re
import sys
import time
from collections.abc import Iterable
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Annotated, Optional

import typer

from domain.errors import ConfigError, InvalidInput

LOG = logging.getLogger("mieux")
LOG.addHandler(logging.NullHandler())  # nothing configured (--help, machine diagram): say nothing
LOG_FILE_BYTES, LOG_FILES_KEPT = 1_000_000, 5
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
As = Annotated[Optional[str], typer.Option("--as", help="Who is acting (a person id); default $MIEUX_ACTOR.")]
Reason = Annotated[Optional[str], typer.Option("--reason", help="Why; recorded in the audit trail.")]


def sub_app(help_: str, default: str | None = None, *, bare: bool = False) -> typer.Typer:
    """A group of commands; with `default`, a first word that names none of them is that command's
    argument (`mieux evaluation 2026-07` is `mieux evaluation show 2026-07`); with `bare` too, the
    group alone or followed by options runs it (`mieux report --json` is `mieux report period --json`)."""
    return typer.Typer(help=help_, no_args_is_help=not bare, add_completion=False, pretty_exceptions_enable=False,
                       **({"cls": _defaulting(default, bare)} if default else {}))


def _defaulting(default: str, bare: bool) -> type:
    from typer.core import TyperGroup

    class Defaulting(TyperGroup):
        def parse_args(self, ctx, args: list[str]) -> list[str]:
            first = args[0] if args else None
            if first is None and bare or first is not None and first not in self.commands and first not in (
                    "--help", "-h") and (bare or not first.startswith("-")):
                args = [default, *args]
            return super().parse_args(ctx, args)

    return Defaulting


class Runtime:
    """Settings are read when a command starts, and logging starts with them; the store is opened
    only if the command needs it."""

    def __init__(self, verbosity: int = 0):
        from config.settings import Settings

        self.settings = Settings()
        self.secrets = database_secrets(self.settings)
        self.log_file = start_logging(self.settings, verbosity, self.secrets)
        LOG.info("run: mieux %s", " ".join(sys.argv[1:]))

    def close(self) -> None:
        """Release the store's connections, if the command opened it."""
        if "app" in self.__dict__:
            self.app.engine.dispose()

    @cached_property
    def app(self):
        from mieux.bootstrap import bootstrap

        app = bootstrap(self.settings)
        app.service.door = door("command line")
        return app

    @property
    def service(self):
        return self.app.service

    @property
    def zone(self):
        return self.app.facility.zone

    def actor(self, given: str | None) -> str:
        actor = given or self.settings.actor
        if not actor:
            raise InvalidInput("say who is acting: --as PERSON, or set MIEUX_ACTOR")
        return actor


def door(name: str) -> str:
    """How the audit names a door on this machine: `command line (Unix user ana)`."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        user = "unknown"
    return f"{name} (Unix user {user})"


_current: list[Runtime] = []  # the runtime of the command being run, for the crash report


def runtime(ctx: typer.Context) -> Runtime:
    root = ctx.find_root()
    if root.obj is None:
        root.obj = Runtime(root.meta.get("mieux.verbosity", 0))
        root.call_on_close(root.obj.close)
        _current[:] = [root.obj]
    return root.obj


def current_runtime() -> Runtime | None:
    """The runtime the running command built, if it got that far."""
    return _current[0] if _current else None


def forget_runtime() -> None:
    _current.clear()


def adopt_runtime(rt: Runtime) -> None:
    """The command about to run uses this runtime (a resident's), not one of its own."""
    _current[:] = [rt]


def parse_date(value: str | None, option: str) -> date | None:
    """A date a person typed, YYYY-MM-DD, in the years the engine accepts."""
    from domain.schemas import in_years

    if value is None:
        return None
    try:
        if not _ISO_DATE.match(value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from None
    try:
        return in_years(day)
    except ValueError as error:
        raise InvalidInput(f"{option}: {error}") from None


def validated(model, data: dict, where: str, flags: dict[str, str] | None = None):
    """Validate `data` with a pydantic model; the error names each bad field, by the flag a person
    types where `flags` gives it (`--type`, not requester_type)."""
    from pydantic import ValidationError

    from config.files import describe

    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(f"{where}: {describe(error, flags)}") from None


def read_structured(path: Path, what: str = "the file") -> dict:
    """A JSON or YAML file holding an object."""
    from config.files import read_yaml

    data = read_yaml(path, what=what, error=InvalidInput)
    if not isinstance(data, dict):
        raise InvalidInput(f"{path}: expected an object of fields")
    return data


# -- logging -----------------------------------------------------------------------------------
def database_secrets(settings) -> set[str]:
    """The database password as it may appear in text: as given, and percent-encoded in a URL."""
    if settings.database_url is None:
        return set()
    from urllib.parse import quote, quote_plus

    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url.get_secret_value())
    if not url.password:
        return set()
    rendered = url.render_as_string(hide_password=False).split("://", 1)[-1].rsplit("@", 1)[0]
    return {url.password, quote(url.password, safe=""), quote_plus(url.password), rendered.partition(":")[2]}


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without `secrets` nor any secret a channels file filled in (the channels' own Redactor,
    once they are loaded); like it, values shorter than three characters are left alone."""
    loaded = getattr(sys.modules.get("notifications.channels"), "redactor", None)  # None while it is imported
    if loaded is not None:
        text = loaded()(text)
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


class RedactingFormatter(logging.Formatter):
    """Formats a record, traceback included, then removes every known secret."""

    converter = time.gmtime
    default_time_format, default_msec_format = "%Y-%m-%dT%H:%M:%S", "%s.%03dZ"

    def __init__(self, fmt: str, secrets: set[str]):
        super().__init__(fmt)
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


class LogFile(logging.handlers.RotatingFileHandler):
    """The log file; a record that cannot be written (disk full) is dropped without a traceback."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


class ScreenLog(logging.StreamHandler):
    """Log records a person sees on stderr."""


def start_logging(settings, verbosity: int, secrets: set[str]) -> Path | None:
    """Send log records to stderr and to `<data dir>/logs/mieux.log` (rotated at LOG_FILE_BYTES,
    LOG_FILES_KEPT kept), every known secret removed. stderr shows warnings and errors, with
    --verbose informational messages too, with -vv debugging; the file records MIEUX_LOG_LEVEL
    (default INFO), or more when stderr shows more. Returns the log file, or None if it cannot
    be written (then a warning says why)."""
    screen_level = (logging.WARNING, logging.INFO)[verbosity] if verbosity < 2 else logging.DEBUG
    file_level = min(getattr(logging, settings.log_level), screen_level)
    stop_logging()  # a second command in the same process
    root = logging.getLogger()
    screen = ScreenLog(sys.stderr)
    screen.setLevel(screen_level)
    screen.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s", secrets))
    screen.addFilter(lambda record: not getattr(record, "file_only", False))
    root.addHandler(screen)
    root.setLevel(min(file_level, screen_level))
    path = settings.data_dir / "logs" / "mieux.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file = LogFile(path, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILES_KEPT, encoding="utf-8")
    except OSError as error:
        if settings.database_url is None:  # the store lives there too: nothing can work
            raise ConfigError(f"MIEUX_DATA_DIR: cannot create {settings.data_dir}: {error.strerror}") from None
        LOG.warning("no log file: cannot write %s: %s", path, error.strerror)
        return None
    file.setLevel(file_level)
    file.setFormatter(RedactingFormatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s", secrets))
    root.addHandler(file)
    return path


def stop_logging() -> None:
    """Flush and remove the handlers start_logging added (the process may run another command)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, (ScreenLog, LogFile))]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.WARNING)


def print_trail(rt, entries: list, *, as_json: bool) -> None:
    """A subject's own audit trail, oldest first, as a table or as JSON."""
    from mieux.render import as_json as dumped, local, table

    if as_json:
        typer.echo(dumped([e.model_dump(exclude={"id", "action_id", "subject_id"}) for e in entries]))
        return
    typer.echo(table(["when", "trigger", "from", "to", "by", "reason", "via"],
                     [[local(e.at, rt.zone), e.trigger, e.from_state, e.to_state, e.actor, e.reason, e.via]
                      for e in entries]))


def print_subject(rt, fields: dict, available: list[str], *, as_json: bool) -> None:
    """One subject's fields (its times in the team's zone) and the triggers that apply now."""
    from mieux.render import as_json as dumped, local

    if as_json:
        typer.echo(dumped(fields | {"available_triggers": available}))
        return
    for name in ("state_since", "created_at", "updated_at"):
        fields[name] = local(fields[name], rt.zone)
    typer.echo("\n".join(f"{k:22} {'-' if v in (None, [], {}) else v}" for k, v in fields.items()))
    typer.echo(f"{'triggers now':22} {', '.join(available) or 'none (final)'}")
