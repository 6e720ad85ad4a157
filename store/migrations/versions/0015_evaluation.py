"""evaluation: participants, an activity's evaluation collection, its form links and answers

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 03:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    text, utc = sqlmodel.sql.sqltypes.AutoString(), sqlmodel.sql.sqltypes.UTCDateTime()
    op.create_table(
        'participant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('name', text, nullable=False),
        sa.Column('email', text, nullable=False),
        sa.Column('sex', text, nullable=False),
        sa.Column('institution', text, nullable=True),
        sa.Column('created_at', utc, nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_participant_action_id_action')),
        sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_participant_activity_id_activity')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
        sa.UniqueConstraint('activity_id', 'email', name=op.f('uq_participant_activity_id')),
    )
    op.create_index(op.f('ix_participant_action_id'), 'participant', ['action_id'], unique=False)
    op.create_index(op.f('ix_participant_activity_id'), 'participant', ['activity_id'], unique=False)
    op.create_table(
        'evaluation_collection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('state', text, nullable=False),
        sa.Column('state_since', utc, nullable=False),
        sa.Column('dispatched_at', utc, nullable=True),
        sa.Column('reminders_sent', sa.Integer(), nullable=False),
        sa.Column('created_at', utc, nullable=False),
        sa.Column('updated_at', utc, nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_evaluation_collection_action_id_action')),
        sa.ForeignKeyConstraint(['activity_id'], ['activity.id'],
                                name=op.f('fk_evaluation_collection_activity_id_activity')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_collection')),
        sa.UniqueConstraint('activity_id', name=op.f('uq_evaluation_collection_activity_id')),
    )
    op.create_index(op.f('ix_evaluation_collection_action_id'), 'evaluation_collection', ['action_id'], unique=False)
    op.create_index(op.f('ix_evaluation_collection_state'), 'evaluation_collection', ['state'], unique=False)
    op.create_table(
        'form_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('collection_id', sa.Integer(), nullable=False),
        sa.Column('form', text, nullable=False),
        sa.Column('role', text, nullable=False),
        sa.Column('recipient', text, nullable=False),
        sa.Column('language', text, nullable=False),
        sa.Column('nonce', text, nullable=False),
        sa.Column('token_hash', text, nullable=False),
        sa.Column('created_at', utc, nullable=False),
        sa.Column('reminders', sa.Integer(), nullable=False),
        sa.Column('answered_at', utc, nullable=True),
        sa.ForeignKeyConstraint(['collection_id'], ['evaluation_collection.id'],
                                name=op.f('fk_form_link_collection_id_evaluation_collection')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_form_link')),
        sa.UniqueConstraint('collection_id', 'recipient', name=op.f('uq_form_link_collection_id')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_form_link_token_hash')),
    )
    op.create_index(op.f('ix_form_link_collection_id'), 'form_link', ['collection_id'], unique=False)
    op.create_table(
        'form_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('collection_id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('form', text, nullable=False),
        sa.Column('role', text, nullable=False),
        sa.Column('language', text, nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('score', sa.Float(), nullable=True),
        sa.Column('after_reminders', sa.Integer(), nullable=False),
        sa.Column('submitted_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['collection_id'], ['evaluation_collection.id'],
                                name=op.f('fk_form_answer_collection_id_evaluation_collection')),
        sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_form_answer_action_id_action')),
        sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_form_answer_activity_id_activity')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_form_answer')),
    )
    op.create_index(op.f('ix_form_answer_collection_id'), 'form_answer', ['collection_id'], unique=False)
    op.create_index(op.f('ix_form_answer_action_id'), 'form_answer', ['action_id'], unique=False)


def downgrade() -> None:
    for table in ('form_answer', 'form_link', 'evaluation_collection', 'participant'):
        op.drop_table(table)
