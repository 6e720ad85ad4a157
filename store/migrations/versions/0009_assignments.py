"""expert assignments: one expert on one activity, a subject with its own lifecycle

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 00:15:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    text, utc = sqlmodel.sql.sqltypes.AutoString(), sqlmodel.sql.sqltypes.UTCDateTime()
    op.create_table(
        'assignment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('expert_id', sa.Integer(), nullable=False),
        sa.Column('working_days', sa.Integer(), nullable=True),
        sa.Column('travel_days', sa.Integer(), nullable=True),
        sa.Column('fee_per_day', text, nullable=True),
        sa.Column('contract_on', sa.Date(), nullable=True),
        sa.Column('report_on', sa.Date(), nullable=True),
        sa.Column('state', text, nullable=False),
        sa.Column('state_since', utc, nullable=False),
        sa.Column('created_at', utc, nullable=False),
        sa.Column('updated_at', utc, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_assignment_action_id_action')),
        sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_assignment_activity_id_activity')),
        sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_assignment_expert_id_expert')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
        sa.UniqueConstraint('activity_id', 'expert_id', name=op.f('uq_assignment_activity_id')),
    )
    for column in ('action_id', 'activity_id', 'expert_id', 'state'):
        op.create_index(op.f(f'ix_assignment_{column}'), 'assignment', [column], unique=False)


def downgrade() -> None:
    for column in ('action_id', 'activity_id', 'expert_id', 'state'):
        op.drop_index(op.f(f'ix_assignment_{column}'), table_name='assignment')
    op.drop_table('assignment')
