"""One engine per store: `mieux serve` holds a lock on its data directory while it runs, so that
a command that must not run beside it (the demo, which creates and fills a store) can tell.

The lock is an OS file lock (flock): it goes with the process, however it ends, so a crashed
engine never leaves a stale lock behind.
"""
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from domain.errors import Conflict

LOCK_FILE = "engine.lock"


@contextmanager
def engine_lock(data_dir: Path, *, what: str):
    """Hold the data directory's engine lock for the block, or raise Conflict naming who holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise Conflict(f"the store in {data_dir} is in use by {holder}; stop it first ({what})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"mieux serve (pid {os.getpid()})" if what == "serve" else f"mieux {what} (pid {os.getpid()})")
        handle.flush()
        yield
    finally:
        handle.close()
