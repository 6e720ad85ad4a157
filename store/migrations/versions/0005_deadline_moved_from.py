"""deadlines remember the non-working day their count gave when the due date moved off it

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 19:35:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moved_from', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_column('moved_from')
