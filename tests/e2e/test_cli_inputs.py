"""Every input that once made the CLI print a traceback (issue 8, section 3), one test per cause, run
the way it was found: the CLI as a process, given the argument, file or setting.

Each answer is one line on stderr and an exit status that says what kind: 1 refused or invalid
input (naming the field, file or variable and the place), 2 a malformed command line, 3 an
unexpected failure (with the report under the data directory), 130 interrupted. Nothing a
refused command was given is stored.
"""
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from loopback.servers import free_port
from tests.e2e.test_cli import HEADER, PASSWORD, REQUEST_FLAGS, Cli, Run, registered, write

pytestmark = pytest.mark.slow

REQUEST = {"name": "Ghana II", "requester": "Ghana Immigration Service", "requester_type": "national_authority",
           "countries": ["GH"], "region": "Africa (West)", "theme": "legal_migration", "channel": "email",
           "received_on": "2026-02-27", "project_officer": "ana"}
ROW = "{reference},{name},Ministry,national_authority,GH,Asia,horizontal,2018-03-01,closed,2018-11-30"
CHANNELS = 'version: 1\nurls:\n  - "json://127.0.0.1:{port}/${{HOOK}}":\n      - tag: email\n'
SECRET = "t0ken-s3cret-value"


@pytest.fixture
def store(tmp_path) -> Cli:
    """The CLI on a fresh SQLite store in its own MIEUX_DATA_DIR, after `mieux init`."""
    return Cli(tmp_path, data_dir=tmp_path / "data").init()


@pytest.fixture
def any_store(database_url, tmp_path) -> Cli:
    """The CLI on a fresh SQLite or PostgreSQL store (MIEUX_DATABASE_URL), after `mieux init`."""
    return Cli(tmp_path, database_url=database_url, data_dir=tmp_path / "data").init()


def request(**changes) -> list[str]:
    flags = dict(zip(REQUEST_FLAGS[::2], REQUEST_FLAGS[1::2])) | changes
    return ["request", "add", *[x for kv in flags.items() for x in kv], "--as", "ana"]


def usage_error(run: Run, *fragments: str) -> str:
    """Exit 2, one `error:` or usage message, no traceback."""
    assert run.code == 2, run
    assert "Traceback" not in run.out + run.err, run
    for fragment in fragments:
        assert fragment in run.err, run
    return run.err


def nothing_stored(store: Cli) -> None:
    assert store("action", "list", "--json").json() == []


def not_utf8(raw: bytes) -> str:
    """An argument holding these bytes, as Python passes it on (surrogate escapes)."""
    return os.fsdecode(raw)


# -- arguments ----------------------------------------------------------------------------------
def test_an_argument_that_is_not_utf8_is_a_usage_error_naming_it(store, tmp_path):
    show, name, path = store.many(["action", "show", not_utf8(b"\xff\xfe")],
                                  request(**{"--name": not_utf8(b"Gh\xe2na")}),
                                  ["request", "add", "--file", str(tmp_path / not_utf8(b"r\xe9q.json")), "--as", "ana"])
    assert usage_error(show, "argument 3 (after show) is not UTF-8", r"b'\xff\xfe'").startswith("error:")
    usage_error(name, "(after --name) is not UTF-8", r"b'Gh\xe2na'")
    usage_error(path, "(after --file) is not UTF-8")
    nothing_stored(store)


def test_a_date_beyond_the_calendar_is_refused_naming_the_field(store):
    far, report, decision = store.many(request(**{"--received-on": "9999-12-31"}), ["report", "--to", "9999-12-31"],
                                       ["action", "fire", "2026-01", "approve", "--decision-date", "0200-01-01",
                                        "--as", "psg-devco"])
    far.refused_in_one_line("--received-on", "9999-12-31 is not between the years 1900 and 2999")
    report.refused_in_one_line("--to: 9999-12-31 is not between the years 1900 and 2999")
    decision.refused_in_one_line("--decision-date")
    nothing_stored(store)


def test_the_year_1_is_refused_and_a_reference_an_older_engine_wrote_for_it_still_exports(store, tmp_path):
    store(*request(**{"--received-on": "0001-01-01"})).refused_in_one_line("0001-01-01 is not between the years")
    reference = registered(store(*request()))
    with sqlite3.connect(tmp_path / "data" / "mieux.db") as db:  # what `request add` stored before the fix
        db.execute("UPDATE action SET reference = '1-01', received_on = '0001-01-01' WHERE reference = ?",
                   (reference,))
    exported = tmp_path / "portfolio.csv"
    store("portfolio", "export", str(exported)).ok()
    assert exported.read_text(encoding="utf-8").splitlines()[1].startswith("1-01,Ghana II,")


def test_one_number_is_one_action_so_a_padded_reference_is_refused(store, tmp_path):
    twice = write(tmp_path / "twice.csv", "\n".join([HEADER, ROW.format(reference="2018-01", name="Peru"),
                                                     ROW.format(reference="2018-001", name="Peru again")]) + "\n")
    problems = store("portfolio", "import", str(twice), "--as", "pieter").refused("1 problem(s), nothing imported")
    assert "line 3, column reference: '2018-001' is not a reference like 2017-03" in problems
    assert "the engine writes this number 2018-01" in problems
    nothing_stored(store)


def test_a_huge_or_impossible_number_is_a_usage_error(store):
    huge, zero, beyond_postgres, version = store.many(
        ["outbox", "retry", "99999999999999999999"], ["outbox", "retry", "0"], ["outbox", "retry", "2147483648"],
        ["action", "fire", "2026-01", "accept", "--if-version", "99999999999999999999", "--as", "ana"])
    for run in (huge, zero, beyond_postgres):
        usage_error(run, "Invalid value for 'delivery'")
    assert version.code in (1, 2) and "Traceback" not in version.err, version
    nothing_stored(store)


# -- request and fiche files ---------------------------------------------------------------------
def test_a_request_or_fiche_file_that_is_not_utf8_is_refused_naming_it(store, tmp_path):
    latin1 = tmp_path / "request.yaml"
    latin1.write_bytes("name: Direcci\xf3n General\n".encode("latin-1"))
    fiche = tmp_path / "fiche.json"
    fiche.write_bytes(b'{"objective": "\xff"}')
    by_file, by_fiche = store.many(["request", "add", "--file", str(latin1), "--as", "ana"],
                                   ["action", "update", "2026-01", "--fiche", str(fiche), "--as", "ana"])
    by_file.refused_in_one_line(f"{latin1}: not UTF-8 (byte 13)")
    by_fiche.refused_in_one_line(f"{fiche}: not UTF-8")
    nothing_stored(store)


def test_an_impossible_date_in_a_request_or_fiche_file_is_refused_with_its_place(store, tmp_path):
    yaml_file = write(tmp_path / "request.yaml", "name: Ghana II\nreceived_on: 2026-02-30\n")
    json_file = write(tmp_path / "request.json", json.dumps(REQUEST | {"received_on": "2026-02-30"}))
    fiche = write(tmp_path / "fiche.yaml", "activities:\n  - {type: workshop, title: Kick-off, start: 2026-13-01}\n")
    reference = registered(store(*request()))
    in_yaml, in_json, in_fiche = store.many(
        ["request", "add", "--file", str(yaml_file), "--as", "ana"],
        ["request", "add", "--file", str(json_file), "--as", "ana"],
        ["action", "update", reference, "--fiche", str(fiche), "--as", "ana"])
    in_yaml.refused_in_one_line(f"{yaml_file}, line 2, column 14: not valid YAML or JSON: '2026-02-30' cannot be read")
    in_json.refused_in_one_line("received_on")
    in_fiche.refused_in_one_line(f"{fiche}, line 2", "'2026-13-01' cannot be read")
    assert [a["reference"] for a in store("action", "list", "--json").json()] == [reference]


def test_a_file_nested_too_deeply_is_refused(store, tmp_path):
    deep = write(tmp_path / "deep.json", "[" * 100_000 + "]" * 100_000)
    deep_yaml = write(tmp_path / "deep.yaml", "objective: " + "{a: " * 20_000 + "1" + "}" * 20_000 + "\n")
    by_file, by_fiche = store.many(["request", "add", "--file", str(deep), "--as", "ana"],
                                   ["action", "update", "2026-01", "--fiche", str(deep_yaml), "--as", "ana"])
    by_file.refused_in_one_line(f"{deep}: not readable: lists or mappings are nested too deeply")
    by_fiche.refused_in_one_line(f"{deep_yaml}: not readable")
    nothing_stored(store)


def test_a_small_file_whose_aliases_stand_for_billions_of_values_is_refused(store, tmp_path):
    levels = "".join(f"{name}: &{name} [{', '.join([f'*{below}'] * 9)}]\n" for below, name in zip("abcdefgh", "bcdefghi"))
    bomb = write(tmp_path / "fiche.yaml", f"a: &a [x, x, x, x, x, x, x, x, x]\n{levels}activities: *i\n")
    cycle = write(tmp_path / "request.yaml", "name: &n [*n]\n")
    by_fiche, by_file = store.many(["action", "update", "2026-01", "--fiche", str(bomb), "--as", "ana"],
                                   ["request", "add", "--file", str(cycle), "--as", "ana"])
    by_fiche.refused_in_one_line(f"{bomb}, line 1, column 1", "more than 1,000,000 values (through aliases)")
    by_file.refused_in_one_line(f"{cycle}, line 1, column 1", "more than 1,000,000 values")
    nothing_stored(store)


def test_a_device_a_pipe_or_a_huge_file_is_refused_without_reading_it(store, tmp_path):
    fifo = tmp_path / "request.pipe"
    os.mkfifo(fifo)
    huge = write(tmp_path / "huge.yaml", "name: " + "x" * 2_000_000 + "\n")
    zero, pipe, big, fiche, portfolio = store.many(
        ["request", "add", "--file", "/dev/zero", "--as", "ana"], ["request", "add", "--file", str(fifo), "--as", "ana"],
        ["request", "add", "--file", str(huge), "--as", "ana"],
        ["action", "update", "2026-01", "--fiche", "/dev/zero", "--as", "ana"],
        ["portfolio", "import", "/dev/zero", "--as", "pieter"])
    zero.refused_in_one_line("cannot read the request file /dev/zero: it is not a regular file")
    pipe.refused_in_one_line(f"cannot read the request file {fifo}: it is not a regular file")
    big.refused_in_one_line(f"cannot read the request file {huge}: it is larger than 1,000,000 bytes")
    fiche.refused_in_one_line("/dev/zero: it is not a regular file")
    portfolio.refused_in_one_line("cannot read the portfolio /dev/zero: it is not a regular file")
    nothing_stored(store)


# -- portfolio CSV -------------------------------------------------------------------------------
def test_a_csv_field_longer_than_the_csv_module_reads_is_refused_naming_the_line(store, tmp_path):
    long = write(tmp_path / "long.csv", "\n".join([HEADER, ROW.format(reference="2018-01", name="Peru"),
                                                   ROW.format(reference="2018-02", name="x" * 200_000)]) + "\n")
    problems = store("portfolio", "import", str(long), "--as", "pieter").refused("nothing imported")
    assert "line 3: a field is longer than 131,072 characters" in problems
    nothing_stored(store)


@pytest.mark.parametrize("database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_nul_in_a_csv_field_or_a_request_file_is_refused_on_either_store(any_store, tmp_path):
    csv_file = write(tmp_path / "nul.csv", "\n".join([HEADER, ROW.format(reference="2018-01", name="Pe\0ru")]) + "\n")
    json_file = write(tmp_path / "nul.json", json.dumps(REQUEST | {"name": "Gha\0na"}))
    in_csv, in_json, control = any_store.many(
        ["portfolio", "import", str(csv_file), "--as", "pieter"],
        ["request", "add", "--file", str(json_file), "--as", "ana"],
        request(**{"--name": "Ghana \x01 II"}))
    assert "line 2, column name: contains a NUL character (at 3)" in in_csv.refused("nothing imported")
    in_json.refused_in_one_line("name: contains a NUL character (at 4)")
    control.refused_in_one_line("name: contains the control character U+0001")
    assert any_store("action", "list", "--json").json() == []


# -- configuration -------------------------------------------------------------------------------
def test_a_data_directory_that_is_a_file_is_refused_naming_the_variable(tmp_path):
    file = write(tmp_path / "not-a-directory", "")
    runs = [Cli(tmp_path, data_dir=file).start("action", "list"),
            Cli(tmp_path, data_dir=file / "data").start("action", "list")]
    inside, under = (r.result() for r in runs)
    inside.refused_in_one_line(f"MIEUX_DATA_DIR: {file} is a file, not a directory")
    under.refused_in_one_line(f"MIEUX_DATA_DIR: {file / 'data'} cannot be created: {file} is a file")


def test_a_garbage_or_unsupported_database_url_is_refused_without_its_password(tmp_path):
    urls = ["garbage", f"mysql://u:{PASSWORD}@db/mieux", f"postgresql+asyncpg://u:{PASSWORD}@db/mieux",
            f"postgresql+psycopg://u:{PASSWORD}@db:notaport/mieux", f"postgresql://u:{PASSWORD}@db/mieux?colour=blue",
            "sqlite+nosuchdriver:///mieux.db"]
    runs = [r.result() for r in [Cli(tmp_path, data_dir=tmp_path / "data", database_url=url).start("action", "list")
                                 for url in urls]]
    for run in runs:
        run.refused_in_one_line("MIEUX_DATABASE_URL: ")
        assert PASSWORD not in run.err, run
    assert "not a database URL" in runs[0].err and "mysql is not supported" in runs[1].err
    assert "the asyncpg driver is not installed" in runs[2].err and "not a database URL" in runs[3].err
    assert 'invalid connection option "colour"' in runs[4].err


def test_a_setting_that_is_not_a_number_or_out_of_range_is_refused_naming_the_variable(tmp_path):
    bad = {"sweep_seconds": "abc", "outbox_max_attempts": "0", "dispatch_seconds": "nan",
           "prefect_port": "99999999999999999999", "log_level": "loud"}
    runs = [Cli(tmp_path, data_dir=tmp_path / "data", **{name: value}).start("action", "list")
            for name, value in bad.items()]
    for name, run in zip(bad, runs):
        run.result().refused_in_one_line(f"MIEUX_{name.upper()}: ")


def test_configuration_files_that_are_not_utf8_are_refused_naming_the_file(store, tmp_path):
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("name: Direcci\xf3n\n".encode("latin-1"))
    channels = write(tmp_path / "channels.yaml", CHANNELS.format(port=free_port()))
    facility, policy, channels_file, secrets = [
        store.start(*args, **settings) for args, settings in [
            (["action", "list"], {"facility_file": latin1}),
            (request(), {"deadlines_file": latin1}),
            (["outbox"], {"channels_file": latin1}),
            (["outbox"], {"channels_file": channels, "secrets_file": latin1})]]
    for pending in (facility, policy, channels_file, secrets):
        pending.result().refused_in_one_line(f"{latin1}: not UTF-8 (byte 13)")
    nothing_stored(store)


@pytest.mark.parametrize("entry,message", [
    ("urls: [42]", "urls.0: expected a URL, or a URL with a list of options"),
    ("urls: [[json://127.0.0.1/x]]", "urls.0: expected a URL"),
    ('urls: [{"json://127.0.0.1/x": [{tag: {email: yes}}]}]', "urls.0: tag must be a name"),
    ('urls: [{"json://127.0.0.1/x": [{tag: [email, 7]}]}]', "urls.0: tag must be a name"),
    ('urls: [{"json://127.0.0.1/x": [email]}]', "urls.0: the options of a URL are a list"),
    ('urls: [{"json://127.0.0.1/x": [{method: [POST]}]}]', "urls.0: option 'method' must be a name with one value"),
    ('urls: [{42: [{tag: email}]}]', "urls.0: expected a URL"),
])
def test_a_malformed_channel_entry_is_refused_naming_it(tmp_path, entry, message):
    channels = write(tmp_path / "channels.yaml", f"version: 1\n{entry}\n")
    run = Cli(tmp_path, data_dir=tmp_path / "data", channels_file=channels).init()("outbox")
    run.refused_in_one_line(f"{channels}: {message}")


# -- the last line of defence --------------------------------------------------------------------
CRASH = """\
import os, shutil, sys
from pathlib import Path
import mieux.service
from mieux.cli import main

def broken(*args, **kwargs):
    if os.environ.get("BREAK_DATA_DIR"):  # the data directory becomes unusable too
        shutil.rmtree(os.environ["MIEUX_DATA_DIR"])
        Path(os.environ["MIEUX_DATA_DIR"]).write_text("")
    raise {error}

mieux.service.ActionService.summaries = broken
sys.argv = ["mieux", "action", "list"]
main()
"""


def crash_probe(error: str) -> list[str]:
    return [sys.executable, "-c", CRASH.format(error=error)]


def test_an_unexpected_failure_is_one_line_naming_a_report_without_secrets_and_exit_3(tmp_path):
    data = tmp_path / "data"
    channels = write(tmp_path / "channels.yaml", CHANNELS.format(port=free_port()))
    secrets = write(tmp_path / "secrets.env", f"HOOK={SECRET}\n")
    url = f"sqlite:///{data / 'mieux.db'}"
    mieux = Cli(tmp_path, data_dir=data, database_url=url, channels_file=channels, secrets_file=secrets).init()
    leaky = f"KeyError('token {SECRET}')"
    crashed, interrupted = mieux.many(crash_probe(leaky), crash_probe("KeyboardInterrupt"))
    assert crashed.code == 3 and crashed.out == "", crashed
    line = crashed.err.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line, crashed
    assert line.startswith("error: unexpected failure in `mieux action list` (KeyError); the full report is in "
                           f"{data / 'crash'}/"), crashed
    report = Path(line.rsplit(" ", 1)[1]).read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in report and "KeyError: 'token ***'" in report
    log = (data / "logs" / "mieux.log").read_text(encoding="utf-8")
    assert "unexpected failure in `mieux action list`" in log and "KeyError: 'token ***'" in log
    assert SECRET not in report + log + crashed.err
    assert interrupted.code == 130 and "Traceback" not in interrupted.err, interrupted


def test_an_unexpected_failure_with_an_unusable_data_directory_reports_in_the_temporary_directory(tmp_path):
    data, temporary = tmp_path / "data", tmp_path / "tmp"
    temporary.mkdir()
    with_password = f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:{free_port()}/mieux"
    probe = Cli(tmp_path, data_dir=data, database_url=with_password)
    probe.env |= {"BREAK_DATA_DIR": "1", "TMPDIR": str(temporary)}
    summaries = f"RuntimeError('cannot reach postgresql+psycopg://postgres:{PASSWORD}@db')"
    crash = crash_probe(summaries).copy()
    crash[-1] = crash[-1].replace("mieux.service.ActionService.summaries = broken",
                                  "import mieux.bootstrap\nmieux.bootstrap.check_schema = broken")
    run = probe(*crash)
    assert run.code == 3, run
    assert f"the data directory {data} is unusable" in run.err and f"{temporary / 'mieux-crash'}/" in run.err, run
    report = next((temporary / "mieux-crash").iterdir()).read_text(encoding="utf-8")
    assert "RuntimeError: cannot reach postgresql+psycopg://postgres:***@db" in report
    assert PASSWORD not in report + run.err


# -- logging (section 6b) ------------------------------------------------------------------------
def test_verbose_shows_what_the_log_file_records_and_the_file_has_every_command(store, tmp_path):
    quiet, verbose, warnings_only = store.start("action", "list"), store.start("-v", "action", "list"), \
        store.start("report", log_level="warning")
    assert quiet.result().ok().err == ""
    assert "INFO mieux: run: mieux -v action list" in verbose.result().ok().err
    warnings_only.result().ok()
    log = (tmp_path / "data" / "logs" / "mieux.log").read_text(encoding="utf-8").splitlines()
    assert any(line.endswith("INFO mieux: run: mieux action list") for line in log)
    assert any(" INFO mieux: exit 0 after " in line for line in log)
    assert not any("mieux report" in line for line in log)  # MIEUX_LOG_LEVEL=WARNING: nothing for that run
    store("action", "show", "2030-99").refused_in_one_line("no Action '2030-99'")
    assert "INFO mieux: refused: no Action '2030-99'" in (tmp_path / "data" / "logs" / "mieux.log").read_text()


def test_the_log_file_never_holds_the_database_password_or_a_channel_secret(store, tmp_path):
    channels = write(tmp_path / "channels.yaml", CHANNELS.format(port=free_port()))
    secrets = write(tmp_path / "secrets.env", f"HOOK={SECRET}\n")
    registered(store(*request()))
    unreachable = f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:{free_port()}/mieux"
    down, dispatch = (store.start("action", "list", database_url=unreachable),
                      store.start("-vv", "outbox", "dispatch", channels_file=channels, secrets_file=secrets))
    down.result().refused_in_one_line("cannot reach the store at postgresql+psycopg://postgres:***@127.0.0.1")
    assert "failed 2 (will retry)" in dispatch.result().ok().out
    log = (tmp_path / "data" / "logs" / "mieux.log").read_text(encoding="utf-8")
    assert "postgres:***@127.0.0.1" in log and "apprise" in log
    assert PASSWORD not in log + down.result().err and SECRET not in log + dispatch.result().err
