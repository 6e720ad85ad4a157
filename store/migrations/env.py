"""Alembic environment: runs on the connection `store.migrate` hands over."""
from alembic import context

import store.tables  # noqa: F401  (registers the tables on the metadata)
from sqlmodel import SQLModel

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
