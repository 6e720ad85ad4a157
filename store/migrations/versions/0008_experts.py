"""the Expert and Action Roster: experts held in the store

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 22:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    text, json, utc = sqlmodel.sql.sqltypes.AutoString(), sa.JSON(), sqlmodel.sql.sqltypes.UTCDateTime()
    op.create_table(
        'expert',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', text, nullable=False),
        sa.Column('email', text, nullable=False),
        sa.Column('phone', text, nullable=True),
        sa.Column('sex', text, nullable=False),
        sa.Column('nationality', text, nullable=False),
        sa.Column('category', text, nullable=False),
        sa.Column('administration', text, nullable=False),
        sa.Column('administration_country', text, nullable=False),
        sa.Column('languages', json, nullable=False),
        sa.Column('themes', json, nullable=False),
        sa.Column('keywords', json, nullable=False),
        sa.Column('cv', text, nullable=True),
        sa.Column('available', json, nullable=False),
        sa.Column('unavailable', json, nullable=False),
        sa.Column('consent_on', sa.Date(), nullable=False),
        sa.Column('consent_purpose', text, nullable=False),
        sa.Column('proposed_by', text, nullable=True),
        sa.Column('created_at', utc, nullable=False),
        sa.Column('updated_at', utc, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_expert')),
        sa.UniqueConstraint('email', name=op.f('uq_expert_email')),
    )
    op.create_index(op.f('ix_expert_category'), 'expert', ['category'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_expert_category'), table_name='expert')
    op.drop_table('expert')
