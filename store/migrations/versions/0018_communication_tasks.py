"""communication tasks: a news item about an Action, drafted on approval and on closure, reviewed, published

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 07:15:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    text, utc = sqlmodel.sql.sqltypes.AutoString(), sqlmodel.sql.sqltypes.UTCDateTime()
    op.create_table(
        'communication_task',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('occasion', text, nullable=False),
        sa.Column('title', text, nullable=False),
        sa.Column('draft', text, nullable=False),
        sa.Column('eu_funding_acknowledged', sa.Boolean(), nullable=False),
        sa.Column('partner_approved', sa.Boolean(), nullable=False),
        sa.Column('photos_consented', sa.Boolean(), nullable=True),
        sa.Column('published_url', text, nullable=True),
        sa.Column('state', text, nullable=False),
        sa.Column('state_since', utc, nullable=False),
        sa.Column('created_at', utc, nullable=False),
        sa.Column('updated_at', utc, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_communication_task_action_id_action')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_communication_task')),
        sa.UniqueConstraint('action_id', 'number', name=op.f('uq_communication_task_action_id')),
    )
    op.create_index(op.f('ix_communication_task_action_id'), 'communication_task', ['action_id'], unique=False)
    op.create_index(op.f('ix_communication_task_state'), 'communication_task', ['state'], unique=False)


def downgrade() -> None:
    op.drop_table('communication_task')
