"""every audit row says through which door the act came (the command line, a Prefect flow run)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 21:15:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN, not batch_alter_table: rebuilding the table on SQLite would drop the append-only triggers
    op.add_column('audit', sa.Column('via', sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_column('via')
