"""The resident: a warm `mieux` process that answers the command a person repeats and waits for,
`mieux expert match`, without Python's start-up of the whole CLI and a cold read of the roster
each time (about a second together on a 10,000-expert roster; bench/expert_match.py).

`mieux expert match ...` first asks the resident of its settings, over a Unix socket. If there is
none, it starts one in the background and answers itself, as it always did. The resident runs
the very same command code (mieux.cli.commands.run) on a runtime it keeps: the settings, the
store's connections, and the roster matching read with the fingerprint it read it at (a roster,
assignment or activity changed since: it is read again). It answers one request at a time, and
exits after MIEUX_RESIDENT_SECONDS without one (600 by default; 0: no resident at all), when a
file of the engine's code or one its settings name (the facility, the matching weights ...)
changes, or the SQLite store is replaced (restored); the request that finds out is answered by
the command itself; or on SIGTERM.

A resident serves one set of settings: its socket is named after an HMAC, under a secret of the
user's, of the working directory and of every MIEUX_* variable but the actor's (the settings are
read from both), so a command with other settings never reaches it. The actor goes with each request. The socket lives
in a directory only its user may enter ($XDG_RUNTIME_DIR/mieux, else /tmp/mieux-<uid>, mode 0700,
refused if anyone else owns it), and the resident answers only its own user (SO_PEERCRED): the
same trust as the store's files.

This module is imported by every `mieux` command before anything else: it imports only the
standard library, and the commands only in the resident itself.
"""
import os
import sys
from pathlib import Path

ANSWERED = (("expert", "match"),)
"""The commands the resident answers: reads a person repeats, slow cold, that write nothing."""
IDLE_SECONDS = 600
ACCEPT_TIMEOUT = 3
"""How long a command waits for the resident to take its request (a byte at once) before it takes
the resident for hung, removes its socket (the next command starts a new one) and answers itself."""
ANSWER_TIMEOUT = 120
"""How long a command waits for the answer once the resident took the request."""
TAKEN = b"\x06"
PRIVATE = {"MIEUX_ACTOR", "MIEUX_RESIDENT_SECONDS"}
"""Variables that do not make the settings: the actor goes with each request."""
PRODUCT = ("mieux", "domain", "states", "store", "flows", "notifications", "config")
"""The engine's packages: a resident whose code changed on disk (an upgrade) stops."""


def answerable(args: list[str]) -> bool:
    return tuple(args[:2]) in ANSWERED and not {"--help", "-h"} & set(args)


def idle_seconds(environ) -> int | None:
    """MIEUX_RESIDENT_SECONDS: how long a resident waits for a request (0: none; unset or empty:
    IDLE_SECONDS), or None for a value that is not a whole number of seconds: the command runs by
    itself, and its settings say what is wrong with it."""
    value = environ.get("MIEUX_RESIDENT_SECONDS", "").strip()
    if not value:
        return IDLE_SECONDS
    return int(value) if value.isascii() and value.isdigit() and int(value) <= 86_400 else None


def identity(environ, cwd: str, key: bytes) -> str:
    """What the settings are read from: the working directory, every MIEUX_* variable but the
    actor's, where the default data directory is, and which installation runs; keyed with the
    user's own secret (`key`), so that the name, which anyone may see, tells nothing about the
    settings (a database password among them)."""
    import hashlib
    import hmac
    import json

    given = {k: v for k, v in environ.items() if k.startswith("MIEUX_") and k not in PRIVATE}
    made = json.dumps({"cwd": cwd, "env": given, "home": [environ.get("XDG_DATA_HOME"), environ.get("HOME")],
                       "python": sys.executable, "code": str(Path(__file__).resolve().parents[1])}, sort_keys=True)
    return hmac.new(key, made.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()[:32]


def socket_path(environ, cwd: str) -> Path:
    """Where the resident of these settings listens (OSError if the user's directory is unusable)."""
    where = directory(environ)
    return where / f"{identity(environ, cwd, _key(where))}.sock"


def _key(where: Path) -> bytes:
    """The user's secret for naming sockets, made once in their private directory."""
    path = where / "key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as made:
            made.write(os.urandom(32))
    except FileExistsError:
        pass  # another command made it first
    return path.read_bytes()


def directory(environ) -> Path:
    """The user's private directory for residents' sockets, made if missing; OSError if it is
    anyone else's or others may enter it."""
    import stat

    runtime = environ.get("XDG_RUNTIME_DIR")
    path = Path(runtime) / "mieux" if runtime else Path("/tmp") / f"mieux-{os.getuid()}"
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        pass
    found = os.lstat(path)
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid() or found.st_mode & 0o077:
        raise PermissionError(f"{path} is not a private directory of this user")
    return path


def ask(args: list[str], environ=os.environ) -> int | None:
    """The command's exit status if the resident answered it (its output already printed), or
    None: this process runs the command (and a resident is started for the next one)."""
    import socket

    if not answerable(args) or not (seconds := idle_seconds(environ)) or not hasattr(socket, "AF_UNIX"):
        return None
    if not _utf8(*args, *(v for k, v in environ.items() if k.startswith("MIEUX_"))):
        return None  # what is wrong with it is said by the command itself
    try:
        path = socket_path(environ, os.getcwd())
    except OSError:
        return None
    if len(os.fsencode(path)) >= 104:  # longer than a socket address may be
        return None
    try:
        reply = _exchange(path, {"args": args, "actor": environ.get("MIEUX_ACTOR"), "columns": _columns(environ)})
    except _Hung:
        path.unlink(missing_ok=True)  # the next command starts a new resident; this one answers itself
        return None
    except (OSError, ValueError):
        _start(path, seconds, environ)
        return None
    except KeyboardInterrupt:
        return 130  # Ctrl-C while waiting: as the command itself, no traceback
    if reply.get("stale"):  # out of date: that resident has gone; the next command starts one
        return None
    try:
        _write(sys.stdout, reply["out"])
        _write(sys.stderr, reply["err"])
    except BrokenPipeError:  # `| head`: as the command itself
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return int(reply["code"])


def _utf8(*texts: str) -> bool:
    try:
        for text in texts:
            text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _write(stream, text: str) -> None:
    """Print as click does: a stream that says it is ASCII is taken for misconfigured and gets
    UTF-8 (with replacements), any other its own encoding."""
    import codecs

    if not text:
        return
    encoding = getattr(stream, "encoding", None) or "ascii"
    if codecs.lookup(encoding).name == "ascii" and hasattr(stream, "buffer"):
        stream.flush()
        stream.buffer.write(text.encode("utf-8", "replace"))
        stream.buffer.flush()
    else:
        stream.write(text)
        stream.flush()


class _Hung(Exception):
    """The resident did not take the request in time."""


def _columns(environ) -> str | None:
    """How wide this command's terminal is, for the resident to lay out what it prints (a usage
    error's box) as this process would."""
    if environ.get("COLUMNS"):
        return environ["COLUMNS"]
    for stream in (sys.stderr, sys.stdout):
        try:
            columns = os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            continue
        return str(columns) if columns > 0 else None
    return None


def _exchange(path: Path, request: dict) -> dict:
    import json
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(ACCEPT_TIMEOUT)
        connection.connect(str(path))
        connection.sendall(json.dumps(request).encode() + b"\n")
        connection.shutdown(socket.SHUT_WR)
        try:
            taken = connection.recv(1)
        except TimeoutError:
            raise _Hung from None
        if taken != TAKEN:
            raise ValueError("not a resident's answer")
        connection.settimeout(ANSWER_TIMEOUT)
        return json.loads(_read(connection))


def _read(connection) -> bytes:
    chunks = []
    while chunk := connection.recv(1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _start(path: Path, seconds: int, environ) -> None:
    """A resident for these settings, in the background, detached from this command's terminal."""
    import subprocess

    try:
        # -P: the working directory is not put on the import path (a `config/` there would be run)
        subprocess.Popen([sys.executable, "-P", "-m", "mieux.cli.resident", str(path), str(seconds)], env=dict(environ),
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    except OSError:
        pass  # no resident: every command answers itself


# -- the resident itself -------------------------------------------------------------------------
def serve(path: Path, seconds: int) -> None:
    """Answer requests on `path` until `seconds` pass without one, the code changes, or SIGTERM."""
    import gc
    import io
    import json
    import signal
    import socket
    import time
    from contextlib import redirect_stderr, redirect_stdout

    from mieux.cli import commands, common

    warm = common.Runtime(0)
    warm.app  # noqa: B018 - open the store now: a store it cannot open ends the resident here
    code = _code_files() | _settings_files(warm.settings)
    if _answering(path):
        return  # another resident of these settings started first
    path.unlink(missing_ok=True)  # a socket left by a resident that was killed
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    os.chmod(path, 0o600)
    listener.listen(16)
    listener.settimeout(min(seconds, 5))
    ours, last = os.stat(path).st_ino, time.monotonic()
    common.LOG.info("resident: answering `mieux %s` for %s on %s", "`, `mieux ".join(" ".join(c) for c in ANSWERED),
                    warm.settings.data_dir, path)
    signal.signal(signal.SIGTERM, _stop)  # (until now SIGTERM simply ended it: there was nothing to tidy)
    try:
        while True:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                if time.monotonic() - last > seconds or not _still(path, ours):
                    break
                continue
            with connection:
                try:
                    connection.settimeout(ANSWER_TIMEOUT)
                    if _peer_uid(connection) != os.getuid():
                        continue
                    request = json.loads(_read_line(connection))
                    connection.sendall(TAKEN)
                    if _changed(code):
                        connection.sendall(json.dumps({"stale": True}).encode())
                        break
                    args = [str(a) for a in request["args"]]
                    actor, columns = request.get("actor"), request.get("columns")
                except (OSError, ValueError, KeyError, TypeError):
                    continue  # not a request (another resident checking that this one answers), or gone
                if not answerable(args):
                    continue
                warm.settings = warm.settings.model_copy(update={"actor": actor or None})
                sys.argv = ["mieux", *args]
                out, err = io.StringIO(), io.StringIO()
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # a request is answered whole
                try:
                    with redirect_stdout(out), redirect_stderr(err), _screen(err), _columns_of(columns):
                        common.LOG.info("run (resident): mieux %s", " ".join(args))
                        status = commands.run(args, warm=warm)
                    try:
                        connection.sendall(json.dumps({"code": status, "out": out.getvalue(),
                                                       "err": err.getvalue()}).encode())
                    except OSError:
                        pass  # the command stopped waiting (Ctrl-C)
                finally:
                    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})  # a SIGTERM that came: now
            gc.unfreeze()  # answered: collect now, and keep what remains (the roster) out of later collections
            gc.collect()
            gc.freeze()
            last = time.monotonic()
    except _Stopped:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if _still(path, ours):
            path.unlink(missing_ok=True)
        listener.close()
        common.LOG.info("resident: stopped")


class _Stopped(BaseException):
    """SIGTERM: the resident stops between requests (during one, the signal waits for its end)."""


def _stop(_signum, _frame) -> None:
    raise _Stopped


def _answering(path: Path) -> bool:
    """Does a resident listen on `path`? (Two that start together may both find none: the one whose
    socket the other replaced sees it gone within seconds, and stops.)"""
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def _read_line(connection) -> bytes:
    chunks = []
    while not chunks or not chunks[-1].endswith(b"\n"):
        chunk = connection.recv(1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _peer_uid(connection) -> int:
    """The user id of the process at the other end (Linux); elsewhere, the directory's mode alone."""
    import socket
    import struct

    if not hasattr(socket, "SO_PEERCRED"):
        return os.getuid()
    _pid, uid, _gid = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                                struct.calcsize("3i")))
    return uid


def _still(path: Path, inode: int) -> bool:
    """Is the socket at `path` still this resident's (not removed, nor another's since)?"""
    try:
        return os.stat(path).st_ino == inode
    except OSError:
        return False


def _code_files() -> dict[tuple[str, bool], tuple]:
    """Every source file of the engine's packages, loaded yet or not (a command imports some only
    when it runs), each with its signature."""
    import importlib.util

    found = {}
    for name in PRODUCT:
        spec = importlib.util.find_spec(name)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            for file in Path(folder).rglob("*.py"):
                try:
                    found[str(file), False] = _signature(str(file), False)
                except OSError:
                    pass
    return found


def _settings_files(settings) -> dict[tuple[str, bool], tuple]:
    """The files the settings name (facility, policy, matching ...), and the SQLite store: a command
    started afresh would read each again, so one edited, or the store replaced (restored from a
    backup), makes the resident out of date too."""
    named = [(value, False) for value in settings.model_dump().values() if isinstance(value, Path) and value.is_file()]
    store = settings.database()
    if store.startswith("sqlite:///"):
        named.append((Path(store.removeprefix("sqlite:///")), True))
    found = {}
    for path, is_store in named:
        try:
            found[str(path), is_store] = _signature(str(path), is_store)
        except OSError:
            pass
    return found


def _signature(file: str, is_store: bool) -> tuple:
    """Which file is there and, but for the store (which changes with every write), when it changed."""
    found = os.stat(file)
    return (found.st_dev, found.st_ino) if is_store else (found.st_dev, found.st_ino, found.st_mtime_ns)


def _changed(watched: dict) -> bool:
    for (file, is_store), signature in watched.items():
        try:
            if _signature(file, is_store) != signature:
                return True
        except OSError:
            return True
    return False


class _columns_of:
    """While a request runs, COLUMNS is the width of the asking command's terminal, if it has one."""

    def __init__(self, columns):
        self.columns = str(columns) if columns and str(columns).isdigit() else None

    def __enter__(self):
        self.before = os.environ.pop("COLUMNS", None)
        if self.columns:
            os.environ["COLUMNS"] = self.columns

    def __exit__(self, *_):
        os.environ.pop("COLUMNS", None)
        if self.before is not None:
            os.environ["COLUMNS"] = self.before


class _screen:
    """While a request runs, the log's screen handler writes where the command's stderr goes."""

    def __init__(self, stream):
        self.stream, self.handlers = stream, []

    def __enter__(self):
        import logging

        from mieux.cli.common import ScreenLog

        self.handlers = [(h, h.setStream(self.stream)) for h in logging.getLogger().handlers if isinstance(h, ScreenLog)]

    def __exit__(self, *_):
        for handler, previous in self.handlers:
            handler.setStream(previous)


if __name__ == "__main__":
    serve(Path(sys.argv[1]), int(sys.argv[2]))
