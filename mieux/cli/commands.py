"""The commands of `mieux` (the typer app) and how one is run: at most one line on stderr for
anything that goes wrong, never a traceback, and an exit status that says which kind it was (see
mieux/cli/__init__.py)."""
import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from domain.errors import MieuxError
from mieux.cli import (actions, activities, assignments, calendar, comms, costs, deadlines, evaluation, experts,
                       knowledge, logistics, operations, outbox, portfolio, programme, requests, scale, sweep)
from mieux.cli import common
from mieux.cli.common import LOG, runtime, sub_app

app = sub_app("mieux-engine: every MIEUX Action a state machine that keeps its own clock.")
app.add_typer(requests.app, name="request")
app.add_typer(actions.app, name="action")
app.add_typer(activities.app, name="activity")
app.add_typer(experts.app, name="expert")
app.add_typer(assignments.app, name="assignment")
app.add_typer(logistics.app, name="logistics")
app.add_typer(calendar.app, name="calendar")
app.add_typer(comms.app, name="comms")
app.add_typer(knowledge.app, name="knowledge")
app.add_typer(evaluation.participants_app, name="participants")
app.add_typer(evaluation.evaluation_app, name="evaluation")
app.add_typer(actions.machine_app, name="machine")
app.add_typer(portfolio.app, name="portfolio")
app.add_typer(programme.app, name="programme")
app.add_typer(outbox.app, name="outbox")
app.add_typer(portfolio.report_app, name="report")
app.command("costs")(costs.costs)
app.command("deadlines")(deadlines.deadlines_command)
app.command("sweep")(sweep.sweep_command)
app.command("web")(evaluation.web_command)
app.command("backup")(operations.backup_command)
app.command("restore")(operations.restore_command)
app.command("doctor")(operations.doctor_command)
app.command("deploy")(scale.deploy_command)
app.command("worker")(scale.worker_command)


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the store, or migrate it to the current schema."""
    from mieux.bootstrap import bootstrap
    from store.migrate import upgrade

    from mieux.bootstrap import store_clock

    settings = runtime(ctx).settings
    built = bootstrap(settings, check=False)
    upgrade(built.engine)
    clock = store_clock(built.engine, settings, record=True)  # the store keeps the time it is made for
    typer.echo(f"store ready: {built.engine.url.render_as_string()}"
               + (f" (simulated clock, now {clock.now():%Y-%m-%d %H:%M} UTC)" if settings.clock == "simulated" else ""))


@app.command()
def demo(ctx: typer.Context,
         reset: Annotated[bool, typer.Option("--reset", help="Start the demo's own earlier store again from "
                                             "scratch (never a store the demo did not create).")] = False) -> None:
    """On an empty store: load the bundled portfolio, walk a new request through its lifecycle, report."""
    from mieux.cli.demo import run_demo

    run_demo(runtime(ctx).settings, echo=typer.echo, reset=reset)


@app.command()
def serve(ctx: typer.Context) -> None:
    """Run the engine: a local Prefect server (unless PREFECT_API_URL is set), the sweep, the timers and
    the admins' forms, until Ctrl-C."""
    from flows.serve import serve_engine

    serve_engine(runtime(ctx).settings, echo=typer.echo)


@app.callback()
def root(ctx: typer.Context,
         verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, show_default=False, help=(
             "Also show informational log messages on stderr (-vv: debugging too); the log file is "
             "<data dir>/logs/mieux.log."))] = 0,
         version: Annotated[bool, typer.Option("--version", is_eager=True, callback=lambda shown: _version(shown),
                                               help="Print the engine's version and exit.")] = False) -> None:
    """mieux-engine: every MIEUX Action a state machine that keeps its own clock."""
    ctx.meta["mieux.verbosity"] = verbose


def _version(shown: bool) -> None:
    if shown:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"mieux-engine {version('mieux-engine')}")
        except PackageNotFoundError:
            typer.echo("mieux-engine (not installed)")
        raise typer.Exit()


EXIT_REFUSED, EXIT_USAGE, EXIT_FAILED, EXIT_INTERRUPTED = 1, 2, 3, 130


def main() -> None:
    """Run the command sys.argv names, in this process, and exit with its status."""
    code = run(sys.argv[1:])
    common.stop_logging()
    sys.exit(code)


def run(args: list[str], *, warm=None) -> int:
    """Run one command: whatever happens, at most one line on stderr, and the exit status that says
    what kind. `warm`: the runtime a resident keeps (its settings and store already open)."""
    common.forget_runtime()
    if warm is not None:
        common.adopt_runtime(warm)
    started = time.monotonic()
    try:
        if problem := non_utf8_argument(args):
            typer.echo(f"error: {problem}", err=True)
            code = EXIT_USAGE
        else:
            app(args=args, obj=warm, prog_name="mieux")  # exits by itself: 0, 2 on a usage error (click), 130 on Ctrl-C (typer)
            code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0 if done.code is None else EXIT_REFUSED
    except MieuxError as error:
        typer.echo(f"error: {error}", err=True)
        LOG.info("refused: %s", error)
        code = EXIT_REFUSED
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except Exception as error:  # the last line of defence: a bug, reported without a traceback
        try:
            line = crash(error)
        except Exception as also:  # even the report failed: still one line
            line = f"unexpected failure ({type(error).__name__}); no report could be written ({type(also).__name__})"
        typer.echo(f"error: {line}", err=True)
        code = EXIT_FAILED
    LOG.info("exit %s after %.2f s", code, time.monotonic() - started)
    return code


def non_utf8_argument(args: list[str]) -> str | None:
    """What is wrong with the first argument that is not UTF-8 text (Python holds such bytes as
    surrogates, which can be neither stored nor printed), or None."""
    for n, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            after = f" (after {args[n - 2][:40]})" if n > 1 else ""
            return f"argument {n}{after} is not UTF-8 text: {os.fsencode(arg)!r}; give it in UTF-8"
    return None


def crash(error: BaseException) -> str:
    """Write the full report of an unexpected failure, every known secret removed, under the data
    directory (the temporary directory if that is unusable); return the line telling a person where."""
    import tempfile

    rt = common.current_runtime()
    settings = rt.settings if rt else None
    what = f"unexpected failure in `mieux {' '.join(_command_words(sys.argv[1:]))}` ({type(error).__name__})"
    secrets = _secrets(rt)
    if rt is not None:
        rt.secrets |= secrets  # the log's formatters share this set: the traceback below is redacted too
    LOG.error("%s", what, exc_info=error, extra={"file_only": True})
    report = common.redact(_report(error, settings), secrets)
    data_dir = settings.data_dir if settings else _data_dir()
    try:
        return f"{what}; the full report is in {_write_report(report, data_dir / 'crash')}"
    except OSError as unusable:
        try:
            path = _write_report(report, Path(tempfile.gettempdir()) / "mieux-crash")
        except OSError as also:
            return f"{what}; no report could be written ({also.strerror or also})"
        return (f"{what}; the data directory {data_dir} is unusable ({unusable.strerror or unusable}), "
                f"so the full report is in {path}")


def _report(error: BaseException, settings) -> str:
    import platform
    import traceback
    from importlib.metadata import PackageNotFoundError, version

    try:
        engine = version("mieux-engine")
    except PackageNotFoundError:
        engine = "unknown"
    try:
        from sqlalchemy.engine import make_url

        store = make_url(settings.database()).render_as_string() if settings else "settings not read"
    except Exception as problem:  # the report is written whatever is broken
        store = f"unknown ({type(problem).__name__})"
    return "\n".join([
        "mieux: unexpected failure",
        f"time: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}",
        f"command: mieux {' '.join(sys.argv[1:])}",
        f"mieux-engine {engine}; Python {platform.python_version()} on {platform.platform()}",
        f"store: {store}",
        "",
        "".join(traceback.format_exception(error)),
    ])


def _secrets(rt) -> set[str]:
    """Everything that must not be in the report: the database password, the channels' secrets."""
    found = set()
    try:
        if rt is None:
            from config.settings import Settings

            settings = Settings()
            found |= common.database_secrets(settings)
        else:
            settings = rt.settings
            found |= rt.secrets
        if settings.channels_file or settings.secrets_file:
            from notifications.channels import secrets_of

            found |= secrets_of(settings.channels_file, secrets_file=settings.secrets_file)
    except Exception:  # settings that cannot be read hold no secret the report could show
        pass
    return found


def _write_report(text: str, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{time.strftime('%Y-%m-%dT%H-%M-%S', time.gmtime())}-{os.urandom(2).hex()}.txt"
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as out:
        out.write(text)
    return path


def _data_dir() -> Path:
    """The data directory as the environment names it, when the settings were never read."""
    from config.settings import _default_data_dir

    return Path(os.environ.get("MIEUX_DATA_DIR") or _default_data_dir())


def _command_words(args: list[str]) -> list[str]:
    """The command's own words (`action show`), not the values a person gave it."""
    command, words = typer.main.get_command(app), []
    for arg in args:
        if arg.startswith("-") and not words:
            continue  # a root option (-v)
        command = getattr(command, "commands", {}).get(arg)
        if command is None:
            break
        words.append(arg)
    return words
