"""a cursor's position is a 64-bit integer: the event publishers keep microseconds since the epoch

On PostgreSQL the column was a 32-bit INTEGER, so the first sweep that published alert events failed
with "integer out of range" (SQLite's INTEGER is 64-bit, and hid it). Found by the workers test.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 16:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cursor', schema=None) as batch_op:
        batch_op.alter_column('position', existing_type=sa.Integer(), type_=sa.BigInteger(),
                              existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('cursor', schema=None) as batch_op:
        batch_op.alter_column('position', existing_type=sa.BigInteger(), type_=sa.Integer(),
                              existing_nullable=False)
