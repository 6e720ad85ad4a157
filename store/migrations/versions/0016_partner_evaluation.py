"""partner evaluation: an Action's partner authority answers forms of its own (on entering monitoring,
six months after closing), sent to the focal point's email

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 06:30:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

OF_ACTION = sa.text("activity_id IS NULL")


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString()
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('focal_point_email', text, nullable=True))
    with op.batch_alter_table('evaluation_collection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', text, nullable=False, server_default='activity'))
        batch_op.alter_column('activity_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('evaluation_collection', schema=None) as batch_op:
        batch_op.alter_column('purpose', existing_type=text, server_default=None)
    op.create_index('uq_evaluation_collection_of_action', 'evaluation_collection', ['action_id', 'purpose'],
                    unique=True, sqlite_where=OF_ACTION, postgresql_where=OF_ACTION)
    with op.batch_alter_table('form_answer', schema=None) as batch_op:
        batch_op.alter_column('activity_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM form_answer WHERE activity_id IS NULL")
    op.execute("DELETE FROM form_link WHERE collection_id IN "
               "(SELECT id FROM evaluation_collection WHERE activity_id IS NULL)")
    op.execute("DELETE FROM evaluation_collection WHERE activity_id IS NULL")
    with op.batch_alter_table('form_answer', schema=None) as batch_op:
        batch_op.alter_column('activity_id', existing_type=sa.Integer(), nullable=False)
    op.drop_index('uq_evaluation_collection_of_action', table_name='evaluation_collection')
    with op.batch_alter_table('evaluation_collection', schema=None) as batch_op:
        batch_op.alter_column('activity_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('purpose')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_column('focal_point_email')
