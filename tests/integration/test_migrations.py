"""The schema is managed by Alembic, on both stores."""
import pytest
from sqlalchemy import inspect

from domain.errors import StoreNotReady
from store.db import SCHEMA_REVISION, check_schema, make_engine
from store.migrate import head, upgrade


def test_the_engine_expects_the_newest_migration():
    assert SCHEMA_REVISION == head()


def test_an_empty_database_is_not_ready_until_migrated(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(StoreNotReady, match="has no schema: run `mieux init`"):
        check_schema(engine)
    upgrade(engine)
    check_schema(engine)
    upgrade(engine)  # running init twice is harmless
    check_schema(engine)


def test_migrations_create_every_table_on_both_stores(engine):
    check_schema(engine)
    assert {"action", "audit", "reference_counter", "alembic_version"} <= set(inspect(engine).get_table_names())
