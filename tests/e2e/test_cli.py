"""The `mieux` command line, run as a real process against real stores (SQLite and PostgreSQL).

Exit status 0 on success, 1 on a refusal or bad input (one `error:` line, never a traceback),
2 on a usage error. Independent commands run side by side to keep the module fast.
"""
import getpass
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer

from loopback.servers import free_port
from mieux.cli import app
from states.action import ACTION

MIEUX = Path(sys.executable).parent / "mieux"
TIMEOUT = 120
PASSWORD = "S3cretPassw0rd"

REQUEST_FLAGS = ["--name", "Ghana II", "--requester", "Ghana Immigration Service", "--type", "national_authority",
                 "--countries", "GH TG", "--region", "Africa (West)", "--theme", "legal_migration",
                 "--channel", "email", "--received-on", "2026-02-27", "--officer", "ana"]
REQUEST_FILE = {"name": "Togo I", "requester": "Ministry of Security", "requester_type": "national_authority",
                "countries": ["TG"], "region": "Africa (West)", "theme": "irregular_migration",
                "channel": "post", "received_on": "2026-03-01", "project_officer": "ana"}
FICHE_YAML = """\
objective: Support the national labour migration strategy
intervention_logic: Peer review, then training of trainers
activities:
  - type: workshop
    title: Kick-off workshop
    place: Accra
"""
HEADER = "reference,name,requester,requester_type,countries,region,theme,received_on,status,closed_on"
GOOD_ROWS = [
    "2017-01,Ghana I,Ghana Immigration Service,national_authority,GH,Africa (West),legal_migration,"
    "2017-02-10,closed,2018-11-30",
    '2018-02,ECOWAS II,ECOWAS Commission,regional_organisation,"GH TG SN",Africa (West),horizontal,'
    "2018-04-01,rejected,2018-05-02",
    "2019-03,Philippines III,Commission on Filipinos Overseas,national_authority,PH,Asia,"
    "migration_development,2019-06-28,implementation,",
    "2021-04,Moldova Ombudsperson,People's Advocate Office,ombudsperson,MD,EU Neighbourhood (East),"
    "international_protection,2021-09-05,on_hold,",
    "2023-05,Costa Rica,Dirección General de Migración,national_authority,CR,Latin America and the Caribbean,"
    "irregular_migration,2023-01-15,pre_implementation,",
    "2024-06,Jordan,Ministry of Labour,national_authority,JO,EU Neighbourhood (South),legal_migration,"
    "2024-03-03,forwarded,2024-03-20",
]
# Lines 3, 5 and 7 are bad (line 1 is the header): a bad date, an unknown region, a missing field.
BAD_ROWS = [
    GOOD_ROWS[0],
    "2018-02,ECOWAS II,ECOWAS Commission,regional_organisation,GH,Africa (West),horizontal,2018-02-31,request,",
    GOOD_ROWS[2],
    "2021-04,Moldova,Bureau for Migration,national_authority,MD,Atlantis,legal_migration,2021-09-05,request,",
    GOOD_ROWS[4],
    "2024-06,Jordan,Ministry of Labour,national_authority,JO,EU Neighbourhood (South),legal_migration,2024-03-03",
]
REPORT_KEYS = {"requests_received", "completed", "ongoing", "in_preparation", "rejected", "forwarded", "withdrawn",
               "on_hold", "by_region", "by_requester_type", "by_theme", "countries_requesting", "fiche_timeliness",
               "participants_skills_enhanced_share", "experts_peer_to_peer_share", "partners_good_or_excellent_share",
               "evaluation"}


# -- helpers -----------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class Run:
    """What one `mieux` process did."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str

    def __repr__(self) -> str:
        return f"mieux {' '.join(self.args)} -> {self.code}\n--- stdout\n{self.out}--- stderr\n{self.err}"

    def ok(self) -> "Run":
        assert self.code == 0, self
        return self

    def json(self):
        return json.loads(self.ok().out)

    def refused(self, *fragments: str) -> str:
        """Exit 1, no traceback, stderr opening with `error:` and naming every fragment; returns stderr."""
        assert self.code == 1, self
        assert "Traceback" not in self.out + self.err, self
        assert self.err.startswith("error:"), self
        for fragment in fragments:
            assert fragment in self.err, self
        return self.err.strip()

    def refused_in_one_line(self, *fragments: str) -> str:
        """As `refused`, and the message is a single line."""
        line = self.refused(*fragments)
        assert len(line.splitlines()) == 1, self
        return line


class Pending:
    """A `mieux` process under way."""

    def __init__(self, args: tuple[str, ...], process: subprocess.Popen):
        self.args, self.process, self.run = args, process, None

    def result(self) -> Run:
        """Wait for the process (once) and return what it did."""
        if self.run is None:
            out, err = self.process.communicate(timeout=TIMEOUT)
            self.run = Run(self.args, self.process.returncode, out, err)
        return self.run


class Cli:
    """`mieux` as a person runs it: a fresh process, settings from MIEUX_* variables only."""

    def __init__(self, cwd: Path, **settings):
        self.cwd = cwd
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MIEUX_")} | _variables(
            {"resident_seconds": 15} | settings)  # a resident a test starts (mieux expert match) goes soon

    def start(self, *args: str, **settings) -> Pending:
        """Start one command; `settings` add MIEUX_* variables for it alone."""
        command = list(args) if args[0] == sys.executable else [str(MIEUX), *args]
        return Pending(args, subprocess.Popen(command, cwd=self.cwd, env=self.env | _variables(settings), text=True,
                                              stdout=subprocess.PIPE, stderr=subprocess.PIPE))

    def __call__(self, *args: str, **settings) -> Run:
        return self.start(*args, **settings).result()

    def many(self, *commands) -> list[Run]:
        """Run independent commands side by side."""
        return [pending.result() for pending in [self.start(*args) for args in commands]]

    def init(self) -> "Cli":
        assert self("init").ok().out.startswith("store ready:")
        return self


def _variables(settings: dict) -> dict:
    return {f"MIEUX_{k.upper()}": str(v) for k, v in settings.items()}


def registered(run: Run) -> str:
    """The reference `request add` printed."""
    found = re.fullmatch(r"registered (\d{4}-\d{2,4}) .+ \(state: request\)\n", run.ok().out)
    assert found, run
    return found.group(1)


@pytest.fixture
def store(tmp_path) -> Cli:
    """The CLI on an embedded SQLite store in a fresh MIEUX_DATA_DIR, created by `mieux init`."""
    return Cli(tmp_path, data_dir=tmp_path / "data").init()


@pytest.fixture
def any_store(database_url, tmp_path) -> Cli:
    """The CLI on a fresh SQLite or PostgreSQL store given by MIEUX_DATABASE_URL, after `mieux init`."""
    return Cli(tmp_path, database_url=database_url).init()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- usage -------------------------------------------------------------------------------------
NAMED = [[], ["request", "add"], ["action", "list"], ["action", "show"], ["action", "fire"], ["action", "update"],
         ["activity", "add"], ["activity", "list"], ["activity", "show"], ["activity", "fire"], ["activity", "update"],
         ["action", "history"], ["machine", "diagram"], ["portfolio", "import"], ["portfolio", "export"],
         ["report"], ["init"], ["demo"], ["sweep"], ["evaluation", "show"], ["evaluation", "send"],
         ["report", "annual"], ["report", "period"]]


def command_paths(command, path=()) -> list[list[str]]:
    """Every command of the CLI, groups included, as the words that call it."""
    found = [list(path)]
    for name, sub in getattr(command, "commands", {}).items():
        found += command_paths(sub, (*path, name))
    return found


@pytest.mark.slow
def test_help_on_every_command_and_sub_command_exits_0_and_prints_its_usage(tmp_path):
    commands = command_paths(typer.main.get_command(app))
    assert [c for c in NAMED if c not in commands] == []
    runs = Cli(tmp_path, data_dir=tmp_path / "data").many(*[[*c, "--help"] for c in commands])
    for command, run in zip(commands, runs):
        run.ok()
        assert f"Usage: {' '.join(['mieux', *command])} [OPTIONS]" in run.out, run
    assert not (tmp_path / "data").exists()


def test_a_usage_error_exits_2_without_a_traceback(tmp_path):
    runs = Cli(tmp_path, data_dir=tmp_path / "data").many(
        ["bogus"], ["action", "fire"], ["action", "list", "--bogus"], ["action", "fire", "2026-01"])
    for run in runs:
        assert run.code == 2, run
        assert "Usage:" in run.err and "Traceback" not in run.out + run.err, run
    assert "No such command 'bogus'" in runs[0].err
    assert "Missing argument" in runs[1].err and "No such option: --bogus" in runs[2].err


# -- the lifecycle ------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_request_is_registered_accepted_and_refused_through_the_cli(any_store, tmp_path):
    mieux = any_store
    togo = write(tmp_path / "togo.json", json.dumps(REQUEST_FILE))
    by_flags, by_file = mieux.many(["request", "add", *REQUEST_FLAGS, "--as", "ana"],
                                   ["request", "add", "--file", str(togo), "--as", "ana"])
    assert by_flags.out.endswith(" Ghana II (state: request)\n") and by_file.out.endswith(" Togo I (state: request)\n")
    reference = registered(by_flags)
    assert {reference, registered(by_file)} == {"2026-01", "2026-02"}

    accepted = mieux("action", "fire", reference, "accept", "--as", "ana").ok()
    assert f"{reference} Ghana II: request -> pre_implementation (accept by ana)" in accepted.out
    approve, show, history, listed, unknown = mieux.many(
        ["action", "fire", reference, "approve", "--as", "ana"],
        ["action", "show", reference, "--json"], ["action", "history", reference, "--json"],
        ["action", "list", "--state", "pre_implementation", "--json"], ["action", "list", "--state", "nonsense"])
    refusal = approve.refused_in_one_line(f"cannot approve {reference} Ghana II", "it is in pre_implementation")
    assert "where the triggers are submit_fiche, withdraw, suspend" in refusal
    shown = show.json()
    assert shown["state"] == "pre_implementation" and shown["version"] == 2
    assert shown["available_triggers"] == ["submit_fiche", "withdraw", "suspend"]
    assert shown["countries"] == ["GH", "TG"] and shown["project_officer"] == "ana"
    assert [(e["trigger"], e["from_state"], e["to_state"], e["actor"]) for e in history.json()] == [
        ("register", None, "request", "ana"), ("accept", "request", "pre_implementation", "ana")]
    user = getpass.getuser()  # the audit says through which door each act came
    assert {e["via"] for e in history.json()} == {f"command line (Unix user {user})"}
    assert [(a["reference"], a["state"]) for a in listed.json()] == [(reference, "pre_implementation")]
    unknown.refused_in_one_line("unknown state nonsense", "states are request, pre_implementation")


@pytest.mark.slow
def test_the_acting_person_comes_from_as_or_mieux_actor_and_must_be_known(store):
    reference = registered(store("request", "add", *REQUEST_FLAGS, actor="ana"))
    nobody, bob = store.many(["action", "fire", reference, "accept"],
                             ["action", "fire", reference, "accept", "--as", "bob"])
    nobody.refused_in_one_line("--as PERSON", "MIEUX_ACTOR")
    bob.refused_in_one_line("unknown person 'bob'")
    assert "request -> pre_implementation (accept by ana)" in store(
        "action", "fire", reference, "accept", actor="ana").ok().out


@pytest.mark.slow
def test_a_fiche_from_yaml_moves_the_action_to_approval_where_only_the_psg_may_approve(store, tmp_path):
    reference = registered(store("request", "add", *REQUEST_FLAGS, "--as", "ana"))
    store("action", "fire", reference, "accept", "--as", "ana").ok()
    fiche = write(tmp_path / "fiche.yaml", FICHE_YAML)
    submitted = store("action", "fire", reference, "submit_fiche", "--fiche", str(fiche), "--as", "lea").ok()
    assert "pre_implementation -> approval (submit_fiche by lea)" in submitted.out
    approve, listed = store.many(["action", "fire", reference, "approve", "--as", "ana"],
                                 ["activity", "list", reference, "--json"])
    approve.refused_in_one_line("only a psg_member may", "the acting person is project_officer")
    shown = store("action", "show", reference, "--json").json()
    assert shown["activities"] == listed.json()
    assert shown["state"] == "approval"
    assert shown["fiche"]["objective"] == "Support the national labour migration strategy"
    assert [(a["activity"], a["title"], a["state"], a["city"]) for a in shown["activities"]] == [
        (f"{reference}/1", "Kick-off workshop", "planned", "Accra")]


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_bad_input_exits_1_with_an_error_line_and_never_a_traceback(store, tmp_path):
    flags = dict(zip(REQUEST_FLAGS[::2], REQUEST_FLAGS[1::2]))

    def request(**changes):
        return ["request", "add", *[x for kv in (flags | changes).items() for x in kv], "--as", "ana"]

    not_csv = write(tmp_path / "notes.csv", "this is not a portfolio\n")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(f"{HEADER}\n2023-05,Costa Rica,Direcci\xf3n,national_authority,CR,Asia,horizontal,"
                       "2023-01-15,request,\n".encode("latin-1"))
    date, region, header, encoding, member_state = store.many(
        request(**{"--received-on": "2026-02-30"}), request(**{"--region": "Atlantis"}),
        ["portfolio", "import", str(not_csv), "--as", "pieter"], ["portfolio", "import", str(latin1), "--as", "pieter"],
        request(**{"--countries": "FR GH"}))
    date.refused_in_one_line("--received-on")  # named by the flag typed
    region.refused_in_one_line("region 'Atlantis' is not one of")
    header.refused("the header must be exactly", "nothing imported")
    encoding.refused_in_one_line("not UTF-8")

    reference = registered(member_state)
    store("action", "fire", reference, "accept", "--as", "ana").refused_in_one_line(
        "FR: an EU Member State cannot request")
    assert [(a["reference"], a["state"]) for a in store("action", "list", "--json").json()] == [
        (reference, "request")]


# -- portfolio and report -----------------------------------------------------------------------
@pytest.mark.slow
def test_a_portfolio_with_bad_rows_imports_nothing_and_an_export_reimports_to_the_same_report(store, tmp_path):
    second = Cli(tmp_path, data_dir=tmp_path / "second")
    second_init = second.start("init")
    bad = write(tmp_path / "bad.csv", "\n".join([HEADER, *BAD_ROWS]) + "\n")
    problems = store("portfolio", "import", str(bad), "--as", "pieter").refused("3 problem(s), nothing imported")
    for line in (3, 5, 7):
        assert f"line {line}" in problems
    for line in (2, 4, 6):
        assert f"line {line}," not in problems and f"line {line}:" not in problems
    assert store("action", "list", "--json").json() == []

    good = write(tmp_path / "good.csv", "\n".join([HEADER, *GOOD_ROWS]) + "\n")
    assert "6 created, 0 updated" in store("portfolio", "import", str(good), "--as", "pieter").ok().out
    exported = tmp_path / "export.csv"
    assert "exported 6 Action(s)" in store("portfolio", "export", str(exported)).ok().out

    second_init.result().ok()
    assert "6 created" in second("portfolio", "import", str(exported), "--as", "pieter").ok().out
    first_report, second_report = store.start("report", "--json"), second.start("report", "--json")
    assert first_report.result().json() == second_report.result().json()
    assert second_report.result().json()["requests_received"] == 6


def test_the_report_has_every_figure_and_refuses_a_period_that_ends_before_it_starts(store):
    figures, backwards = store.many(["report", "--json"], ["report", "--from", "2030-01-01", "--to", "2020-01-01"])
    assert REPORT_KEYS <= figures.json().keys()
    assert figures.json()["requests_received"] == 0
    backwards.refused_in_one_line("the period ends (2020-01-01) before it starts (2030-01-01)")


def test_an_actions_evaluation_is_shown_by_its_reference_and_wrong_collections_are_one_line(store):
    reference = registered(store("request", "add", *REQUEST_FLAGS, "--focal-point-email", "focal@gh.example",
                                 "--as", "ana"))
    shown, as_json, unknown, early, badly, report = store.many(
        ["evaluation", reference], ["evaluation", "show", reference, "--json"], ["evaluation", "2026-99"],
        ["evaluation", "close", f"{reference}/P", "--reason", "x", "--as", "ana"],
        ["evaluation", "send", f"{reference}/X", "--as", "ana"], ["report"])
    assert "no evaluation yet" in shown.ok().out
    assert as_json.json() == {"action": reference, "name": "Ghana II", "collections": [], "overall": {}}
    unknown.refused_in_one_line("no Action '2026-99'")
    early.refused_in_one_line(f"{reference} has no partner evaluation collection: it opens when the Action enters "
                              "monitoring (the Action is request)")
    badly.refused_in_one_line("is not an evaluation collection", "2026-07/P")
    assert "Evaluation forms sent from the beginning to today: 0 collection(s)" in report.ok().out


def test_the_annual_report_counts_the_year_and_refuses_a_year_out_of_range(store, tmp_path):
    registered(store("request", "add", *REQUEST_FLAGS, "--as", "ana"))
    figures, text, wrong, period, nowhere = store.many(
        ["report", "annual", "2026", "--json"], ["report", "annual", "2026", "--html", str(tmp_path / "2026.html")],
        ["report", "annual", "99999"], ["report", "--json", "--from", "2026-01-01"],
        ["report", "annual", "2026", "--html", str(tmp_path / "missing" / "2026.html")])
    assert "<svg" in (tmp_path / "2026.html").read_text(encoding="utf-8")
    nowhere.refused_in_one_line("cannot write", "No such file or directory")
    assert figures.json()["requests_received"] == 1 and figures.json()["actions"]["in_preparation"] == 1
    assert figures.json()["evaluation"]["collections"] == 0
    assert text.ok().out.startswith("2026 at a glance\n  1 new requests;")
    wrong.refused_in_one_line("99999 is not a year")
    assert period.json()["requests_received"] == 1  # `mieux report` with options is still the period's report


def test_the_machine_diagram_is_mermaid_with_a_line_for_every_transition(tmp_path):
    diagram = Cli(tmp_path, data_dir=tmp_path / "data")("machine", "diagram").ok().out
    assert "stateDiagram-v2" in diagram
    for r in ACTION.rules:
        for source in r.source:
            assert f"{source} --> {r.dest}: {r.trigger}" in diagram, (source, r.trigger)
    assert {t for t in ACTION.triggers if f": {t}" not in diagram} == set()


def test_exporting_into_a_folder_that_does_not_exist_exits_1_without_a_traceback(store, tmp_path):
    store("portfolio", "export", str(tmp_path / "missing" / "portfolio.csv")).refused_in_one_line("missing")


# -- the store ----------------------------------------------------------------------------------
def test_reading_the_store_imports_neither_prefect_nor_alembic(store):
    probe = ("import json, sys\n"
             "from mieux.cli import main\n"
             "sys.argv = ['mieux', 'action', 'list', '--json']\n"
             "try:\n    main()\n    code = 0\n"
             "except SystemExit as exit:\n    code = exit.code\n"
             "print(json.dumps({'code': code, 'loaded': sorted(m for m in ('prefect', 'alembic') "
             "if m in sys.modules)}))\n")
    run = store(sys.executable, "-c", probe).ok()
    listed, result = run.out.splitlines()
    assert json.loads(listed) == [] and json.loads(result) == {"code": 0, "loaded": []}


def test_a_store_that_was_never_initialised_says_to_run_mieux_init(tmp_path):
    Cli(tmp_path, data_dir=tmp_path / "empty")("action", "list").refused_in_one_line(
        "has no schema", "run `mieux init`")


@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_password_in_the_database_url_never_appears_in_the_output(database_url, tmp_path):
    with_password = database_url.replace("://postgres@", f"://postgres:{PASSWORD}@")
    assert PASSWORD in with_password
    mieux = Cli(tmp_path, database_url=with_password)
    runs = [mieux("init").ok(), mieux("action", "list").ok()]
    assert "0 Action(s)" in runs[1].out and "***" in runs[0].out
    for run in runs:
        assert PASSWORD not in run.out + run.err


def test_init_against_an_unreachable_database_exits_1_without_a_traceback_or_the_password(tmp_path):
    url = f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:{free_port()}/mieux"
    run = Cli(tmp_path, database_url=url)("init")
    assert PASSWORD not in run.out + run.err
    run.refused_in_one_line()


# -- the demo -----------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_demo_runs_in_an_empty_data_directory_reports_and_runs_a_sweep_on_prefect(tmp_path):
    port = free_port()
    run = Cli(tmp_path, data_dir=tmp_path / "data", prefect_port=port)("demo").ok()
    for fragment in ("refused", "implementation", "Requests received", "timer(s) scheduled as Prefect flow runs",
                     f"Prefect UI (up while this runs): http://127.0.0.1:{port}",
                     "/1 Review of the draft strategy · activity dates due"):  # 45 days before its start: soon
        assert fragment in run.out, run
    assert (tmp_path / "data" / "mieux.db").exists()
    assert "Traceback" not in run.out + run.err


# -- deadlines ----------------------------------------------------------------------------------
def test_deadlines_lists_what_is_due_and_what_is_overdue(store):
    from datetime import date, timedelta

    received = date.today() - timedelta(days=30)
    store("request", "add", "--name", "Ghana II", "--requester", "GIS", "--type", "national_authority",
          "--countries", "GH", "--region", "Africa (West)", "--theme", "legal_migration", "--channel", "email",
          "--received-on", received.isoformat(), "--officer", "ana", "--as", "ana").ok()
    listed = json.loads(store("deadlines", "--json").ok().out)
    assert [(d["kind"], d["deadline"], d["overdue"]) for d in listed] == [("fiche", "Action Fiche due", True)]
    assert json.loads(store("deadlines", "--overdue", "--json").ok().out) == listed
    table = store("deadlines").ok().out
    assert "Action Fiche due" in table and "overdue" in table and "1 deadline(s)" in table
