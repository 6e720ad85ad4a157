"""Database engines for SQLite (the embedded default) and PostgreSQL (scale-out).

SQLite: WAL, and every write transaction starts with BEGIN IMMEDIATE so that a read-modify-write
cannot interleave with another writer (Python's sqlite3 otherwise begins only at the first
write, and concurrent updates were measured to be lost). Reads (`reading`) begin a plain deferred
transaction: in WAL mode they see a consistent snapshot and never wait for a writer (a list took
3.3 s behind a 3 s writer when reads took the write lock too). PostgreSQL: READ COMMITTED; writers
lock the row they change (FOR UPDATE) and the version column catches any other race
(StaleDataError, turned into Conflict).
"""
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


@contextmanager
def writing(engine: Engine) -> Iterator[Session]:
    """A unit of work for a transition: the transaction is a Core connection's, and what the
    transition writes goes straight to its DBAPI cursor (store.rows). The session yielded joins
    that transaction and begins only if ORM work asks for it: a Session's own begin and commit
    cost more than all of a transition's SQL (bench/lifecycle_rate.py). ORM changes are flushed
    at the end; everything inside commits together or not at all."""
    with _busy_is_a_conflict(), engine.connect() as connection, connection.begin():
        session = Session(bind=connection, expire_on_commit=False, join_transaction_mode="rollback_only")
        session.info[DRIVER] = (connection.dialect, connection.connection.driver_connection)
        try:
            yield session
            if session.new or session.dirty or session.deleted:
                session.flush()
        finally:
            session.close()


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
