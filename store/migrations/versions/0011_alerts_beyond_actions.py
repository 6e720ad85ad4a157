"""an alert may concern no Action (an expert's consent to renew); an Action may ask for triangular cooperation

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 01:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # On SQLite this rebuilds the alert table (its indexes, the partial one included, come back);
    # the alert table has no trigger to lose.
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.alter_column('action_id', existing_type=sa.Integer(), nullable=True)
    # ADD COLUMN, not a batch: the action table keeps what it has
    op.add_column('action', sa.Column('triangular', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_column('triangular')
    op.execute("DELETE FROM delivery WHERE alert_id IN (SELECT id FROM alert WHERE action_id IS NULL)")
    op.execute("DELETE FROM alert WHERE action_id IS NULL")
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.alter_column('action_id', existing_type=sa.Integer(), nullable=False)
