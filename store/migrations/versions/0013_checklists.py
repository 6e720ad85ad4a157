"""logistics checklists: the items a mission needs, each a subject with its own small lifecycle

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 01:20:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    text, utc = sqlmodel.sql.sqltypes.AutoString(), sqlmodel.sql.sqltypes.UTCDateTime()
    op.create_table(
        'checklist_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('kind', text, nullable=False),
        sa.Column('label', text, nullable=False),
        sa.Column('expert_id', sa.Integer(), nullable=True),
        sa.Column('owner', text, nullable=False),
        sa.Column('state', text, nullable=False),
        sa.Column('state_since', utc, nullable=False),
        sa.Column('created_at', utc, nullable=False),
        sa.Column('updated_at', utc, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_checklist_item_action_id_action')),
        sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_checklist_item_activity_id_activity')),
        sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_checklist_item_expert_id_expert')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_item')),
        sa.UniqueConstraint('activity_id', 'number', name=op.f('uq_checklist_item_activity_id')),
    )
    for column in ('action_id', 'activity_id', 'expert_id', 'state'):
        op.create_index(op.f(f'ix_checklist_item_{column}'), 'checklist_item', [column], unique=False)


def downgrade() -> None:
    for column in ('action_id', 'activity_id', 'expert_id', 'state'):
        op.drop_index(op.f(f'ix_checklist_item_{column}'), table_name='checklist_item')
    op.drop_table('checklist_item')
