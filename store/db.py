"""Database engines for SQLite (the embedded default) and PostgreSQL (scale-out).

SQLite: WAL, and every write transaction starts with BEGIN IMMEDIATE so that a read-modify-write
cannot interleave with another writer (Python's sqlite3 otherwise begins only at the first
write, and concurrent updates were measured to be lost). Reads (`reading`) begin a plain deferred
transaction: in WAL mode they see a consistent snapshot and never wait for a writer (a list took
3.3 s behind a 3 s writer when reads took the write lock too). PostgreSQL: READ COMMITTED; writers
lock the row they change (FOR UPDATE) and the version column catches any other race
(StaleDataError, turned into Conflict).
"""
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlmodel import Session

from domain.errors import Conflict, StoreNotReady, StoreUnavailable

SCHEMA_REVISION = "0022"
"""The Alembic revision this code expects; a test checks it is the migrations' head."""


def make_engine(url: str) -> Engine:
    """An engine for `url`, configured for safe concurrent writes."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        kept = _KEPT[engine] = _Kept()
        event.listen(engine, "engine_disposed", kept.close_all)
        return engine
    return create_engine(url, pool_pre_ping=True)


SQLITE_PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000",
                  "mmap_size=268435456", "wal_autocheckpoint=4000")
"""Each SQLite connection's settings (bench/lifecycle_rate.py measured the last two):
- WAL with NORMAL sync: a commit is durable against a crash of the process, and against power
  loss up to the last checkpoint.
- Memory-mapped reads of up to 256 MB of the store: a checkpoint and the B-tree reads of a
  transition copy pages from the OS's cache instead of a read() each (3 to 4% more transitions/s);
  the mapping is shared with the OS's cache, not extra memory.
- A checkpoint every 4,000 pages of WAL (16 MB) instead of 1,000: a transition writes some 27
  pages, many the same ones (index roots, a table's last page), so a longer WAL copies each of
  them once for more transitions, and syncs the store a quarter as often (2 to 5% more)."""


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


READ_ONLY = "mieux_read_only"  # an execution option: this transaction only reads


def _sqlite_begin(conn: Connection) -> None:
    # on the DBAPI connection itself: SQLAlchemy's statement machinery would double the cost of a begin
    conn.connection.driver_connection.execute("BEGIN" if conn.get_execution_options().get(READ_ONLY)
                                              else "BEGIN IMMEDIATE")


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: everything inside commits together or not at all."""
    with _busy_is_a_conflict(), Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def _busy_is_a_conflict() -> Iterator[None]:
    """SQLite's lock timeout as a person reads it: nothing written, try again; a connection to the
    store lost in the middle (PostgreSQL restarted) as StoreUnavailable. The next unit of work gets a
    new connection (the pool checks each one before use)."""
    try:
        yield
    except OperationalError as error:
        if "database is locked" in str(error.orig):
            raise Conflict("the store stayed busy for 30 s (another writer); nothing was written: try again") from None
        if _connection_lost(error):
            raise StoreUnavailable(_lost(error)) from None
        raise
    except DBAPIError as error:
        if _connection_lost(error):
            raise StoreUnavailable(_lost(error)) from None
        raise


def _connection_lost(error: DBAPIError) -> bool:
    """Did the store go away (a connection cut, refused, the server shutting down), as opposed to a
    statement failing?"""
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", "")
    return type(error.orig).__module__.startswith("psycopg") and (
        (state is None and isinstance(error, OperationalError)) or (state or "")[:2] == "08"
        or (state or "").startswith("57P"))


def _lost(error: DBAPIError) -> str:
    reason = str(error.orig).strip().splitlines()[0] if error.orig else "no answer"
    return (f"the connection to the store was lost ({reason}): the change was not written, unless the loss "
            "came as it was committing; look (its history shows it), then try again")


DRIVER = "mieux_driver"
"""Where a session's info keeps the dialect and DBAPI connection of its transaction (store.rows)."""


class _Kept:
    """The write connections of one SQLite engine kept between units of work, instead of going back
    to the pool after each: checking a connection out of SQLAlchemy's pool, building its Connection
    and giving it back cost 30 to 50 us, about a twentieth of an activity's transition
    (bench/lifecycle_rate.py). Up to KEEP are kept for an engine, one per writer at once, and
    KEEP_IN_PROCESS for all engines (the least recently used go back first); the others go back to
    the pool as before.

    Nothing else changes: each is a connection of the engine's own pool, idle between units of
    work as it would be in the pool (no transaction open: it holds no lock and no snapshot). The
    engine's `dispose()` closes those kept and closes those in use when they are given back; a
    forked child never uses its parent's. A kept connection holds its engine: the process-wide cap
    is what releases those of an engine dropped without `dispose()`. PostgreSQL's are not kept:
    its pool checks each connection before use, so a server restarted between two transitions
    costs nothing but a new connection."""

    KEEP = 2
    KEEP_IN_PROCESS = 4
    _lock = threading.Lock()
    _everywhere: list[tuple["_Kept", Connection]] = []
    """Every kept connection of the process with its owner, least recently given back first."""

    def __init__(self):
        self.idle: list[Connection] = []
        self.generation = 0
        self.pid = os.getpid()

    def take(self, engine: Engine) -> tuple[Connection, int]:
        with self._lock:
            self._forked()
            generation = self.generation
            if self.idle:
                connection = self.idle.pop()
                self._everywhere.remove((self, connection))
                return connection, generation
        return engine.connect(), generation

    def give_back(self, connection: Connection, generation: int) -> None:
        if generation != self.generation:  # the engine was disposed meanwhile
            self._close(connection)
            return
        if connection.closed or connection.invalidated or connection.in_transaction():
            connection.close()
            return
        with self._lock:
            self._forked()
            if len(self.idle) >= self.KEEP:
                evicted = connection
            else:
                self.idle.append(connection)
                self._everywhere.append((self, connection))
                evicted = None
                if len(self._everywhere) > self.KEEP_IN_PROCESS:
                    owner, evicted = self._everywhere.pop(0)
                    owner.idle.remove(evicted)
        if evicted is not None:
            evicted.close()  # idle: back to its own engine's pool (the least recently used anywhere)

    def close_all(self, _engine=None) -> None:
        """The engine is disposed: close those kept; those in use close when given back."""
        with self._lock:
            self.generation += 1
            self._forked()
            closing, self.idle = self.idle, []
            _Kept._everywhere = [(owner, c) for owner, c in self._everywhere if owner is not self]
        for connection in closing:
            self._close(connection)

    def _forked(self) -> None:
        """In a forked child, forget what the parent kept for this engine (the parent's to use and close)."""
        if self.pid != os.getpid():
            self.idle, self.pid = [], os.getpid()

    @classmethod
    def _after_fork_in_child(cls) -> None:
        """A forked child starts with nothing kept (and a lock no parent's thread may hold)."""
        cls._lock, cls._everywhere = threading.Lock(), []

    @staticmethod
    def _close(connection: Connection) -> None:
        """Close the connection itself, not only give it back: its pool was the disposed one."""
        if not connection.closed:
            connection.invalidate()
            connection.close()


os.register_at_fork(after_in_child=_Kept._after_fork_in_child)
_KEPT: "weakref.WeakKeyDictionary[Engine, _Kept]" = weakref.WeakKeyDictionary()


class Unit:
    """What `writing` yields: a unit of work that is a Session to whoever uses it as one, made only
    when ORM work first asks for it. A transition writes through store.rows, which needs nothing
    but `info` (the transaction's DBAPI connection, the rows it loaded), and making and closing a
    Session for nothing cost about 20 us of a transition (bench/lifecycle_rate.py)."""

    __slots__ = ("info", "_connection", "_autoflush", "_session")

    def __init__(self, connection: Connection, *, autoflush: bool):
        self.info: dict = {DRIVER: (connection.dialect, connection.connection.driver_connection)}
        self._connection, self._autoflush, self._session = connection, autoflush, None

    @property
    def orm(self) -> Session:
        """The Session on this unit's transaction: it joins it and begins only if ORM work asks."""
        if self._session is None:
            self._session = Session(bind=self._connection, expire_on_commit=False, autoflush=self._autoflush,
                                    join_transaction_mode="rollback_only")
            vars(self._session)["info"] = self.info  # one dict, whichever way it is reached (a memoized property)
        return self._session

    def __getattr__(self, name: str):
        return getattr(self.orm, name)

    def __contains__(self, instance) -> bool:
        return self._session is not None and instance in self._session

    def _flush(self) -> None:
        """Write what ORM work changed, if it made a Session."""
        if self._session is not None and (self._session.new or self._session.dirty or self._session.deleted):
            self._session.flush()

    def _close(self) -> None:
        if self._session is not None:
            self._session.close()


@contextmanager
def writing(engine: Engine, *, autoflush: bool = True) -> Iterator[Unit]:
    """A unit of work for a transition: the transaction is a Core connection's, and what the
    transition writes goes straight to its DBAPI cursor (store.rows). The unit yielded is a Session
    to ORM work (`Unit`), joining that transaction: a Session's own begin and commit cost more than
    all of a transition's SQL (bench/lifecycle_rate.py). ORM changes are flushed at the end;
    everything inside commits together or not at all. On SQLite the connection is one kept between
    units of work (`_Kept`)."""
    kept = _KEPT.get(engine)
    with _busy_is_a_conflict():
        connection, generation = kept.take(engine) if kept is not None else (engine.connect(), 0)
        try:
            with connection.begin():
                unit = Unit(connection, autoflush=autoflush)
                try:
                    yield unit
                    unit._flush()
                finally:
                    unit._close()
        finally:
            if kept is not None:
                kept.give_back(connection, generation)
            else:
                connection.close()


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A read-only unit of work: a consistent snapshot that never waits for a writer on SQLite."""
    with transaction(engine.execution_options(**{READ_ONLY: True})) as session:
        yield session


@contextmanager
def connected(engine: Engine) -> Iterator[Connection]:
    """A connection, or StoreUnavailable saying which store (never its password) and why."""
    try:
        connection = engine.connect()
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "no answer"
        raise StoreUnavailable(f"cannot reach the store at {engine.url.render_as_string()}: {reason}") from None
    with connection:
        yield connection


def check_schema(engine: Engine) -> None:
    """Raise StoreUnavailable or StoreNotReady unless the database is at the schema this code expects."""
    with connected(engine.execution_options(**{READ_ONLY: True})) as conn:
        try:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except (OperationalError, ProgrammingError):
            raise StoreNotReady(f"the store at {engine.url.render_as_string()} has no schema: "
                                "run `mieux init`") from None
    if found != SCHEMA_REVISION:
        raise StoreNotReady(f"the store's schema is at {found}, this engine needs {SCHEMA_REVISION}: "
                            "run `mieux init` to migrate")
