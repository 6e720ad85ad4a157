"""Backups of the embedded store, and restoring one.

`backup` copies the SQLite store with SQLite's online backup API in one step: the copy is the
store as one read transaction saw it, consistent while the engine goes on writing (in WAL mode a
reader holds no writer back). It goes to a temporary file beside FILE, is checked (integrity, a
schema this engine knows) and only then renamed into place, so FILE is a whole backup or nothing.

`restore` refuses while the store is in use (`mieux serve` holds the data directory's lock), and
refuses a file that is not a sound store of this engine's schema or an older one (an older one
is migrated by `mieux init` afterwards). The store it replaces is checkpointed and kept beside it
as `mieux.db.replaced-<UTC time>` (with its WAL, if any is left); nothing is deleted. A store still
open in another process (its checkpoint cannot finish) is not replaced.

A PostgreSQL store is backed up with `pg_dump` and restored with `pg_restore` (README: Operations).
"""
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url

from domain.errors import Conflict, InvalidInput, NotFound
from mieux.lock import engine_lock

ADMINS = ("admin",)
"""Who may back up or restore: the copy holds every person's data."""


@dataclass(frozen=True)
class Copied:
    """What a backup or restore wrote."""

    path: Path
    revision: str
    tables: int
    rows: int
    size: int
    kept: Path | None = None
    """The store a restore replaced, kept aside."""


def sqlite_path(url: str) -> Path:
    """The file of a SQLite store; InvalidInput for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise InvalidInput("mieux backup and mieux restore copy the embedded SQLite store; this store is on "
                           f"{parsed.get_backend_name()}: use pg_dump and pg_restore (README: Operations)")
    if not parsed.database or parsed.database == ":memory:":
        raise InvalidInput("the store is in memory: there is no file to copy")
    return Path(parsed.database)


def backup(url: str, target: Path, *, overwrite: bool = False) -> Copied:
    """Copy the store at `url` to `target`, consistent while the engine runs."""
    source = sqlite_path(url)
    if not source.is_file():
        raise NotFound(f"there is no store at {source} to back up (mieux init creates it)")
    target = target.absolute()
    if target.resolve() == source.resolve():
        raise InvalidInput(f"{target} is the store itself: back it up to another file")
    if target.exists() and not overwrite:
        raise Conflict(f"{target} exists: give another file, or --overwrite to replace it")
    if not target.parent.is_dir():
        raise InvalidInput(f"{target.parent} is not a directory")
    partial = target.with_name(f".{target.name}.partial")
    try:
        _copy(source, partial)
        copied = check(partial)
        os.replace(partial, target)
        _sync_directory(target.parent)  # the rename itself survives a power cut
    finally:
        partial.unlink(missing_ok=True)
    return Copied(target, copied.revision, copied.tables, copied.rows, target.stat().st_size)


def restore(url: str, source: Path, *, data_dir: Path, head: str, now: datetime) -> Copied:
    """Make the backup at `source` the store at `url`, keeping the replaced store aside."""
    store = sqlite_path(url)
    source = source.absolute()
    if not source.is_file():
        raise NotFound(f"there is no backup at {source}")
    if store.exists() and source.resolve() == store.resolve():
        raise InvalidInput(f"{source} is the store itself")
    found = check(source)
    if found.revision > head:
        raise InvalidInput(f"{source} is a store of schema {found.revision}, newer than this engine's {head}: "
                           "restore it with the release that made it")
    with engine_lock(data_dir, what="restore"):
        store.parent.mkdir(parents=True, exist_ok=True)
        incoming = store.with_name(f".{store.name}.restoring")
        try:
            _copy(source, incoming)
            kept = None
            if store.exists():
                _same_owner_and_mode(store, incoming)  # the restored store is read by whoever read the old one
                with sqlite3.connect(store) as old:  # its last writes out of the WAL, into the file kept
                    busy = old.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                old.close()
                if busy:
                    raise Conflict(f"the store {store} is open in another process (mieux web, a sweep, a command): "
                                   "stop every process using it, then restore")
                stamp = f"{store.name}.replaced-{now.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}"
                kept = store.with_name(stamp)
                n = 1
                while kept.exists():
                    n += 1
                    kept = store.with_name(f"{stamp}-{n}")
                os.replace(store, kept)
                for part in ("-wal", "-shm"):  # whatever is left of them goes with the store they belong to
                    if store.with_name(store.name + part).exists():
                        os.replace(store.with_name(store.name + part), kept.with_name(kept.name + part))
            os.replace(incoming, store)
            _sync_directory(store.parent)
        finally:
            incoming.unlink(missing_ok=True)
    return Copied(store, found.revision, found.tables, found.rows, store.stat().st_size, kept)


def check(path: Path) -> Copied:
    """A sound store of this engine: SQLite's integrity check passes and it knows its schema revision."""
    try:
        with sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True) as db:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise InvalidInput(f"{path} is damaged: {'; '.join(problems[:3])}")
            revision = db.execute("SELECT version_num FROM alembic_version").fetchone()
            tables = [name for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'knowledge_fts%'")]
            rows = sum(db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables)
        db.close()
    except sqlite3.DatabaseError as error:
        if isinstance(error, sqlite3.OperationalError) and "alembic_version" in str(error):
            raise InvalidInput(f"{path} is a SQLite database but not a mieux store (it has no schema revision)") from None
        raise InvalidInput(f"{path} is not a SQLite database ({error})") from None
    if revision is None:
        raise InvalidInput(f"{path} is a SQLite database but not a mieux store (it has no schema revision)")
    return Copied(path, revision[0], len(tables), rows, path.stat().st_size)


def _copy(source: Path, target: Path) -> None:
    """The store as one read transaction sees it, written to `target` (made anew, readable by its
    owner only: it holds everyone's data) and on disk before it is renamed into place."""
    target.unlink(missing_ok=True)
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # SQLite writes into it, mode kept
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)  # every page in one step: one consistent snapshot
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, whatever the store's mode
    src.close()
    dst.close()
    descriptor = os.open(target, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _same_owner_and_mode(model: Path, path: Path) -> None:
    found = model.stat()
    os.chmod(path, found.st_mode & 0o7777)
    if os.geteuid() == 0:  # only root may give a file away
        os.chown(path, found.st_uid, found.st_gid)


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
