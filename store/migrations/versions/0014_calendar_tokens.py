"""calendar feed tokens: one live token per person, stored only as its hash

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 01:10:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    text, utc = sqlmodel.sql.sqltypes.AutoString(), sqlmodel.sql.sqltypes.UTCDateTime()
    op.create_table(
        'calendar_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person', text, nullable=False),
        sa.Column('token_hash', text, nullable=False),
        sa.Column('created_at', utc, nullable=False),
        sa.Column('created_by', text, nullable=False),
        sa.Column('revoked_at', utc, nullable=True),
        sa.Column('revoked_by', text, nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_token_token_hash')),
    )
    op.create_index(op.f('ix_calendar_token_person'), 'calendar_token', ['person'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_calendar_token_person'), table_name='calendar_token')
    op.drop_table('calendar_token')
