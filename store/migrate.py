"""Schema management through Alembic, driven from code (`mieux init`), not from an alembic.ini."""
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from store.db import connected

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (creating it from nothing if need be).

    On SQLite, foreign keys are off while migrations run: changing a column there rebuilds its
    table, and dropping the old copy would otherwise fail on the rows that refer to it. The
    references are checked once the migrations are done; a broken one stops the upgrade."""
    sqlite = engine.dialect.name == "sqlite"
    with connected(engine) as connection:
        if sqlite:  # before any statement: the pragma is ignored inside a transaction
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            command.upgrade(_config(connection), revision)
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                raise RuntimeError(f"the upgrade would break {len(broken)} reference(s): {broken[:3]}")
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


def head() -> str:
    """The newest revision the migrations define."""
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def autogenerate(engine: Engine, message: str, revision_id: str) -> None:
    """Write a new migration from the difference between the tables and the database (dev only)."""
    with engine.connect() as connection:
        command.revision(_config(connection), message=message, autogenerate=True, rev_id=revision_id)
