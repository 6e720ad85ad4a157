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
    """Bring the database to `revision` (creating it from nothing if need be)."""
    with connected(engine) as connection:
        command.upgrade(_config(connection), revision)
        connection.commit()


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
