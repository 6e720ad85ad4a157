"""a subject may belong to no Action: the month's newsletter, a communications task of its own

The deadline and timer tables keep the Action a subject belongs to only when it has one; a
communications task names a month instead (`NL-2026-11`). On SQLite the deadline table is rebuilt,
which drops the trigger of 0006: it is made again here.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 12:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

CANCEL = "UPDATE timer SET status = 'cancelled' WHERE deadline_id = NEW.id AND status = 'pending'"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _deadline_trigger() -> None:
    op.execute("CREATE TRIGGER deadline_stopped_cancels_timers AFTER UPDATE OF status ON deadline "
               f"WHEN OLD.status = 'pending' AND NEW.status != 'pending' BEGIN {CANCEL}; END")


def upgrade() -> None:
    for table in ('deadline', 'timer'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('action_id', existing_type=sa.Integer(), nullable=True)
    if _sqlite():
        _deadline_trigger()
    with op.batch_alter_table('communication_task', schema=None) as batch_op:
        batch_op.alter_column('action_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('month', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_communication_task_month'), ['month'])


def downgrade() -> None:
    op.execute("DELETE FROM timer WHERE action_id IS NULL")
    op.execute("DELETE FROM deadline WHERE action_id IS NULL")
    op.execute("DELETE FROM communication_task WHERE action_id IS NULL")
    with op.batch_alter_table('communication_task', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_communication_task_month'), type_='unique')
        batch_op.drop_column('month')
        batch_op.alter_column('action_id', existing_type=sa.Integer(), nullable=False)
    for table in ('deadline', 'timer'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('action_id', existing_type=sa.Integer(), nullable=False)
    if _sqlite():
        _deadline_trigger()
