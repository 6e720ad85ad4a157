"""Property (issue 8): whatever a person types, the CLI answers without a traceback, exits 0, 1 or 2,
and a command that is refused (1) or misused (2) leaves the store exactly as it was.

Hypothesis builds command lines from the typer app itself, so a new command or option is fuzzed
as soon as it exists: every argument and option gets plausible values (references, people,
dates, triggers, prepared good and bad files), random unicode, bytes that are not UTF-8 (as
Python hands them over: surrogate escapes), huge and negative numbers. The bulk runs in process
(`mieux.cli.main` with sys.argv set) for speed; a few real processes carry raw non-UTF-8 bytes.
`make test` runs a small sample; `make faults` (MIEUX_FAULT_CAMPAIGN=1) the long campaign.
"""
import io
import json
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import get_args, get_origin

import pytest
import typer
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, create_engine, select

from mieux.cli import app, main
from states.action import ACTION
from tests.e2e.test_cli import FICHE_YAML, HEADER, GOOD_ROWS, REQUEST_FILE, Cli
from tests.helpers import campaign

pytestmark = [pytest.mark.faults, pytest.mark.slow]

NOT_RUN = {"serve", "demo", "web"}  # long-running: only their parsing is fuzzed (an extra argument, or --help)
PEOPLE = ["ana", "lea", "pieter", "psg-devco", "bob", ""]
DATES = ["2026-02-27", "2026-03-20", "1899-12-31", "1900-01-01", "2999-12-31", "9999-12-31", "0001-01-01",
         "2026-02-30", "2026-W09-5", "20260227", "２０２６-01-01"]
REFERENCES = ["2026-01", "2026-02", "2026-03", "2026-001", "1-01", "2017-01", "2026-99"]
FIELDS = ["name", "requester", "requester_type", "countries", "region", "theme", "channel", "focal_point",
          "project_officer", "fiche", "psg_decision_on", "psg_comments", "monitoring_completed_on", "final_report",
          "lessons_learnt", "forwarded_to", "suspended_from", "state", "version", "reference", "colour"]
PLAUSIBLE = {
    "actor": PEOPLE, "officer": PEOPLE, "reference": REFERENCES, "trigger": [*ACTION.triggers, "explode"],
    "state": [*ACTION.states, "nonsense"], "received_on": DATES, "decision_date": DATES, "monitoring_done": DATES,
    "from_": DATES, "to": DATES + [*ACTION.states], "countries": ["GH", "GH TG", "FR GH", "ß", "XX", ""],
    "requester_type": ["national_authority", "parliament", "ministry"],
    "theme": ["legal_migration", "horizontal", "health"], "channel": ["email", "post", "pigeon"],
    "region": ["Africa (West)", "asia", "Atlantis"], "name": ["Ghana II", "Côte d’Ivoire", "x" * 301],
    "activity": ["1=delivered", "1=cancelled", "2=planned", "0=delivered", "²=delivered", "1=exploded",
                 "99999999999999999999=delivered", "=", "1"],
    "delivery": ["1", "2", "0", "-1", "2147483647", "2147483648", "99999999999999999999", "abc"],
    "if_version": ["1", "2", "0", "-5", "99999999999999999999", "x"],
}


def set_values() -> st.SearchStrategy[str]:
    return st.builds(lambda field, value: f"{field}={value}", st.sampled_from(FIELDS),
                     st.sampled_from(["Ghana III", "", "GH", "9999-12-31", "2026-03-01", "request", "ana", "\x01"])
                     | st.text(max_size=12))


# -- the store and the prepared files ------------------------------------------------------------
def prepare_files(folder: Path) -> list[str]:
    """Good and bad request, fiche and portfolio files; the paths, plus some that are not files."""
    folder.mkdir()
    texts = {
        "request.json": json.dumps(REQUEST_FILE), "request.yaml": "name: Mali\nreceived_on: 2026-02-30\n",
        "request-nul.json": json.dumps(REQUEST_FILE | {"name": "To\0go"}), "fiche.yaml": FICHE_YAML,
        "fiche-late.yaml": "activities:\n  - {type: workshop, title: Late, start: 9999-01-01}\n",
        "deep.json": "[" * 50_000 + "]" * 50_000, "list.yaml": "- a\n- b\n", "empty.yaml": "",
        "portfolio.csv": "\n".join([HEADER, *GOOD_ROWS[:2]]) + "\n",
        "portfolio-bad.csv": "\n".join([HEADER, GOOD_ROWS[0].replace("2017-01", "2017-001"),
                                        GOOD_ROWS[1].replace("ECOWAS", "ECO\0WAS")]) + "\n",
        "portfolio-long.csv": f"{HEADER}\n2017-01,{'x' * 140_000},R\n",
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "latin1.yaml").write_bytes("name: Direcci\xf3n\n".encode("latin-1"))
    return [*map(str, sorted(folder.iterdir())), str(folder), str(folder / "missing.json"), "/dev/null", ""]


def dump(engine) -> dict:
    """Every row of every table, in primary-key order."""
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as conn:
        return {name: [tuple(row) for row in conn.execute(
            select(table).order_by(*table.primary_key.columns))]
            for name, table in tables.tables.items()}


class InProcess:
    """`mieux` run by calling its entry point in this process: what a person would see, and the exit status."""

    def __init__(self, monkeypatch, environment: dict):
        for name in [n for n in os.environ if n.startswith("MIEUX_") and n not in ("MIEUX_FAULT_CAMPAIGN",
                                                                                   "MIEUX_RESIDENT_SECONDS")]:
            monkeypatch.delenv(name)  # (no resident: this process answers every command it is given)
        for name, value in environment.items():
            monkeypatch.setenv(f"MIEUX_{name.upper()}", str(value))
        self.monkeypatch = monkeypatch

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        self.monkeypatch.setattr(sys, "argv", ["mieux", *argv])
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main()
                code = 0
            except SystemExit as done:
                code = done.code
        return code, out.getvalue(), err.getvalue()


def ok(result: tuple[int, str, str]) -> str:
    code, out, err = result
    assert code == 0, (code, out, err)
    return out


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fuzzed_store(request, tmp_path, monkeypatch):
    """A store with Actions in a few states, the CLI on it in process, and the prepared files."""
    from tests.conftest import fresh_database_url

    url = fresh_database_url(request.param, request, tmp_path)
    mieux = InProcess(monkeypatch, {"data_dir": tmp_path / "data", "database_url": url})
    files = prepare_files(tmp_path / "files")
    for _ in range(3):
        ok(mieux("request", "add", "--file", str(tmp_path / "files" / "request.json"), "--as", "ana"))
    ok(mieux("action", "fire", "2026-02", "accept", "--as", "ana"))
    ok(mieux("action", "fire", "2026-03", "accept", "--as", "ana"))
    ok(mieux("action", "fire", "2026-03", "submit_fiche", "--fiche", str(tmp_path / "files" / "fiche.yaml"),
             "--as", "lea"))
    engine = create_engine(url)
    yield mieux, files, engine, request.param
    engine.dispose()


# -- command lines built from the app ------------------------------------------------------------
def commands(command=None, path=()) -> list[tuple[tuple[str, ...], object]]:
    """(words, click command) for every command that runs, groups with their own options included."""
    command = command or typer.main.get_command(app)
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        return [(path, command)]
    found = [(path, command)] if path and getattr(command, "invoke_without_command", False) else []
    for name, sub in subcommands.items():
        found += commands(sub, (*path, name))
    return found


COMMANDS = commands()


def junk() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=20),
        st.integers(min_value=-10**30, max_value=10**30).map(str),
        st.sampled_from(["", " ", "-", "--json", "9" * 60, "1e309", "nan", "\u202e", "\x1b[31m", "%s", "{}", "null",
                         "x" * 5000]),
    )


def not_utf8() -> st.SearchStrategy[str]:
    """Bytes that are not UTF-8, as argv holds them (surrogate escapes)."""
    return st.binary(min_size=1, max_size=8).map(os.fsdecode).filter(lambda s: not s.isascii())


def value_for(param, files: list[str], folder: Path) -> st.SearchStrategy[str]:
    annotation = param.type_descriptor.annotation
    annotation = (get_args(annotation) or (str,))[0] if get_origin(annotation) is list else annotation
    if annotation is Path:  # never a path outside the test's folder: `portfolio export` writes there
        return st.one_of(st.sampled_from(files),
                         st.text(st.characters(blacklist_characters="/\0"), min_size=1, max_size=12)
                         .filter(lambda n: n not in (".", "..")).map(lambda n: str(folder / n)))
    plausible = PLAUSIBLE.get(param.name)
    if param.name == "set_":
        return st.one_of(set_values(), junk())
    return st.one_of(st.sampled_from(plausible), st.sampled_from(plausible), junk()) if plausible else junk()


@st.composite
def command_lines(draw, files: list[str], folder: Path) -> list[str]:
    words, command = draw(st.sampled_from(COMMANDS))
    argv = [draw(st.sampled_from(["-v", "-vv"]))] if draw(st.integers(0, 9)) == 0 else []
    argv += list(words)
    if words[0] in NOT_RUN:
        return argv + [draw(st.sampled_from(["--help", "extra"]))]
    for param in command.params:
        if param.param_type_name == "argument":
            if draw(st.integers(0, 19)):  # now and then a missing argument
                argv.append(draw(value_for(param, files, folder)))
            continue
        times = st.sampled_from([0, 1, 1, 1]) if param.name == "actor" else st.integers(0, 3 if param.multiple else 1)
        for _ in range(draw(times)):  # (without a person most commands stop at once)
            argv.append(draw(st.sampled_from(param.opts)))
            if not (param.is_flag or param.count):
                argv.append(draw(value_for(param, files, folder)))
    if draw(st.integers(0, 9)) == 0:
        argv.insert(draw(st.integers(0, len(argv))), draw(junk()))
    if len(argv) > 1 and draw(st.integers(0, 9)) == 0:
        argv[draw(st.integers(1, len(argv) - 1))] = draw(not_utf8())
    return argv


SETTINGS = {  # MIEUX_* variables a person may get wrong; the data directory and store stay the test's
    "actor": PEOPLE, "log_level": ["debug", "INFO", "loud", ""], "prefect_port": ["0", "4200", "99999999999999999999"],
    "sweep_seconds": ["abc", "-1", "60"], "dispatch_seconds": ["nan", "inf", "0.5"], "ui_url": ["http://ui", "\x01"],
    "outbox_max_attempts": ["0", "16", "1e3"], "outbox_lease_seconds": ["-5", "300"],
}
FILE_SETTINGS = ["facility_file", "deadlines_file", "channels_file", "secrets_file"]


@st.composite
def environments(draw, files: list[str]) -> dict[str, str]:
    """Mostly nothing; now and then one MIEUX_* variable set to something plausible, odd or wrong."""
    if draw(st.integers(0, 9)):
        return {}
    name = draw(st.sampled_from([*SETTINGS, *FILE_SETTINGS]))
    values = st.sampled_from(files) if name in FILE_SETTINGS else st.sampled_from(SETTINGS[name]) | junk()
    return {f"MIEUX_{name.upper()}": draw(values.filter(lambda v: "\0" not in v))}


def check(result: tuple[int, str, str], before: dict, after: dict, argv: list[str]) -> None:
    code, out, err = result
    shown = f"mieux {argv!r} -> {code}\n--- stdout\n{out}\n--- stderr\n{err}"
    assert "Traceback" not in out + err, shown
    assert code in (0, 1, 2), shown
    if code == 1:
        assert any(line.startswith("error:") for line in err.splitlines()), shown
    if code == 2:
        assert "Usage:" in err or err.startswith("error:"), shown
    if code:
        assert after == before, f"the store changed after a refusal: {shown}"


def test_no_command_line_gets_a_traceback_a_strange_exit_or_a_changed_store_after_a_refusal(fuzzed_store, tmp_path):
    mieux, files, engine, kind = fuzzed_store
    folder = tmp_path / "files"
    examples = campaign(60, 3000) if kind == "sqlite" else campaign(15, 600)

    @settings(max_examples=examples, deadline=None, derandomize=not os.environ.get("MIEUX_FAULT_CAMPAIGN"),
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(argv=command_lines(files, folder), environment=environments(files))
    def run(argv, environment):
        before = dump(engine)
        saved = {name: os.environ.get(name) for name in environment}
        os.environ.update(environment)
        try:
            result = mieux(*argv)
        finally:
            for name, value in saved.items():
                os.environ.pop(name) if value is None else os.environ.__setitem__(name, value)
        event(f"exit {result[0]}")
        check(result, before, dump(engine), [*argv, environment])

    run()


RAW = [b"\xff\xfe", b"Gh\xe2na", b"\xc0\x80", b"\xed\xa0\x80", b"2026-01\x80", b"--as=\xff"]


def test_raw_bytes_that_are_not_utf8_in_a_real_process_are_a_usage_error_naming_the_argument(tmp_path):
    mieux = Cli(tmp_path, data_dir=tmp_path / "data").init()
    lines = [["action", "show", os.fsdecode(raw)] for raw in RAW] + [
        ["request", "add", "--name", os.fsdecode(RAW[1]), "--as", "ana"],
        ["action", "list", "--state", os.fsdecode(RAW[0])], [os.fsdecode(RAW[0])]]
    for argv, run in zip(lines, mieux.many(*lines)):
        assert run.code == 2 and "Traceback" not in run.err, run
        assert run.err.startswith("error: argument ") and "is not UTF-8 text" in run.err, run
    assert mieux("action", "list", "--json").json() == []
