"""Alembic environment: runs on the connection `store.migrate` hands over."""
from alembic import context

from sqlmodel import SQLModel

from store.tables import described_here  # registers the tables on the metadata too

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata, include_object=described_here,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
