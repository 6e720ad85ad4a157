"""The resident that answers `mieux expert match` warm: started by the first command, answering the
next ones with exactly what the command prints by itself, seeing every change to the roster,
serving one set of settings, and gone when idle, stopped or out of date."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mieux.cli.resident import directory, socket_path
from tests.e2e.test_cli import Cli, Run
from tests.e2e.test_cli_experts import two_experts_and_a_workshop
from tests.e2e.test_serve import wait_for

pytestmark = pytest.mark.slow


def socket_of(cli: Cli, **settings) -> Path:
    env = cli.env | {f"MIEUX_{k.upper()}": str(v) for k, v in settings.items()}
    return socket_path(env, str(cli.cwd))


def resident_pid(sock: Path) -> int | None:
    """The resident serving `sock` (its command line names it)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"mieux.cli.resident" in command and os.fsencode(sock) in command:
                return int(entry.name)
    return None


def wait(what: str, condition, timeout: float = 60):
    return wait_for(what, condition, timeout=timeout, every=0.1)


def answered_by_resident(cli: Cli, run: Run) -> bool:
    log = (cli.cwd / "data" / "logs" / "mieux.log").read_text(encoding="utf-8")
    return f"run (resident): mieux {' '.join(run.args)}" in log


@pytest.fixture
def matching(tmp_path):
    """A store with two experts and an activity, its CLI, and the resident left behind stopped."""
    cli = Cli(tmp_path, data_dir=tmp_path / "data", resident_seconds=60).init()
    yield cli, two_experts_and_a_workshop(cli, tmp_path)
    for sock in Path(directory(cli.env)).glob("*.sock"):
        if (pid := resident_pid(sock)) is not None and str(tmp_path) in (
                Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")):
            os.kill(pid, signal.SIGTERM)
            wait("the resident stopped", lambda: resident_pid(sock) is None, timeout=30)


def test_the_first_match_starts_the_resident_and_the_next_get_the_same_answer_from_it(matching):
    cli, activity = matching
    planted = cli.cwd / "config" / "__init__.py"  # code in the working directory is never run
    planted.parent.mkdir()
    planted.write_text(f"open({str(cli.cwd / 'ran')!r}, 'w').close()\n", encoding="utf-8")
    sock = socket_of(cli)
    cold = [cli("expert", "match", activity, *extra) for extra in ([], ["--all"], ["--json"])]
    wait("the resident's socket", sock.exists)
    assert oct(sock.stat().st_mode & 0o777) == "0o600" and oct(sock.parent.stat().st_mode & 0o777) == "0o700"
    warm = [cli("expert", "match", activity, *extra) for extra in ([], ["--all"], ["--json"])]
    for before, after in zip(cold, warm):
        assert (after.code, after.out, after.err) == (before.code, before.out, before.err) and after.code == 0
        assert answered_by_resident(cli, after)
    assert "1. E1 Ana Müller: 95 = 40 (works on legal migration)" in warm[0].out
    # mistakes: the same one line and exit status as the command gives by itself
    unknown = cli("expert", "match", "2026-99/1")
    assert unknown.refused_in_one_line("2026-99") and answered_by_resident(cli, unknown)
    assert (unknown.out, unknown.err) == (lambda r: (r.out, r.err))(cli("expert", "match", "2026-99/1",
                                                                        resident_seconds=0))
    assert not (cli.cwd / "ran").exists()
    usage = cli("expert", "match", activity, "--count", "0")
    assert usage.code == 2 and "--count" in usage.err and "Traceback" not in usage.err
    by_itself = cli("expert", "match", activity, "--count", "0", resident_seconds=0)
    assert (usage.out, usage.err) == (by_itself.out, by_itself.err)


def test_the_resident_sees_every_change_to_the_roster_and_serves_only_its_own_settings(matching, tmp_path):
    cli, activity = matching
    cli("backup", str(tmp_path / "before.db"), "--as", "pieter").ok()
    cli("expert", "match", activity).ok()
    wait("the resident's socket", socket_of(cli).exists)
    assert "Luc Martin" not in cli("expert", "match", activity).ok().out  # works in French only
    cli("expert", "update", "E2", "--languages", "fr:native en:C1", "--as", "ana").ok()
    after = cli("expert", "match", activity).ok()
    assert answered_by_resident(cli, after) and "E2 Luc Martin" in after.out
    # the store restored from the backup made before: the resident is out of date, the command
    # answers itself from the store as it now is, and the next one has a new resident
    cli("restore", str(tmp_path / "before.db"), "--as", "pieter").ok()
    restored = cli("expert", "match", activity, "--count", "4").ok()
    assert "Luc Martin" not in restored.out and not answered_by_resident(cli, restored)
    cli("expert", "match", activity, "--count", "3").ok()
    wait("a new resident", lambda: resident_pid(socket_of(cli)))
    again = cli("expert", "match", activity, "--count", "2").ok()
    assert answered_by_resident(cli, again) and "Luc Martin" not in again.out
    # a command with other settings never reaches this resident: a bad matching file is refused as ever
    bad = tmp_path / "matching.yaml"
    bad.write_text("theme: -3\n", encoding="utf-8")
    assert socket_of(cli, matching_file=bad) != socket_of(cli)
    cli("expert", "match", activity, matching_file=bad).refused_in_one_line("matching.yaml: theme")
    # other commands are never sent to it
    listed = cli("expert", "list", "--json")
    assert listed.code == 0 and not answered_by_resident(cli, listed)


def test_the_resident_goes_when_idle_when_stopped_and_never_answers_another_user(matching):
    cli, activity = matching
    quick = {"resident_seconds": 4}  # (long enough to be seen even on a busy machine)
    cli("expert", "match", activity, **quick).ok()
    sock = socket_of(cli)  # MIEUX_RESIDENT_SECONDS does not change which resident serves
    pid = wait("the resident", lambda: sock.exists() and resident_pid(sock))
    wait("the idle resident gone", lambda: resident_pid(sock) is None, timeout=30)
    assert not sock.exists()
    cli("expert", "match", activity).ok()
    pid = wait("a new resident", lambda: sock.exists() and resident_pid(sock))
    os.kill(pid, signal.SIGTERM)
    wait("the stopped resident gone", lambda: resident_pid(sock) is None, timeout=30)
    assert not sock.exists()
    # a hung resident: the command waits a few seconds for it to take the request, then answers
    # itself and removes the socket; the next command starts a new resident, and the old one goes
    cli("expert", "match", activity).ok()
    hung = wait("a new resident", lambda: sock.exists() and resident_pid(sock))
    os.kill(hung, signal.SIGSTOP)
    try:
        started = time.monotonic()
        answered = cli("expert", "match", activity, "--count", "1").ok()
        assert time.monotonic() - started < 30 and "1. E1 Ana Müller" in answered.out
        assert not answered_by_resident(cli, answered) and not sock.exists()
    finally:
        os.kill(hung, signal.SIGCONT)
    wait("the hung resident gone", lambda: not Path(f"/proc/{hung}").exists()
         or Path(f"/proc/{hung}/stat").read_text().split()[2] == "Z", timeout=30)
    cli("expert", "match", activity).ok()
    wait("a new resident", lambda: sock.exists() and resident_pid(sock) not in (None, hung))
    # another user cannot even reach the socket: the directory is its owner's alone
    if os.getuid() != 0:
        return  # (only root can be another user here)
    cli("expert", "match", activity).ok()
    wait("a new resident", lambda: sock.exists() and resident_pid(sock))
    probe = ("import socket, sys\ns = socket.socket(socket.AF_UNIX)\ntry:\n    s.connect(sys.argv[1])\n"
             "except PermissionError:\n    print('refused')\n")
    other = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c",
                            probe, str(sock)], capture_output=True, text=True, timeout=60)
    assert other.stdout == "refused\n", other
