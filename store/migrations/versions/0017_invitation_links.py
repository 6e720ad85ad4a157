"""invitation links: an expert answers their invitation to an activity (accept or decline) through
their own link

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 07:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    text, utc = sqlmodel.sql.sqltypes.AutoString(), sqlmodel.sql.sqltypes.UTCDateTime()
    op.create_table(
        'invitation_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('nonce', text, nullable=False),
        sa.Column('token_hash', text, nullable=False),
        sa.Column('created_at', utc, nullable=False),
        sa.Column('answered_at', utc, nullable=True),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'],
                                name=op.f('fk_invitation_link_assignment_id_assignment')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_link')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_link_token_hash')),
    )
    op.create_index(op.f('ix_invitation_link_assignment_id'), 'invitation_link', ['assignment_id'], unique=False)


def downgrade() -> None:
    op.drop_table('invitation_link')
