"""the indexes a transition rewrites: none on an activity's state, no status in a deadline's keys

A postponed activity wrote some 31 pages to the store; three of its indexes took a fifth of them
(bench/lifecycle_rate.py, counted in the WAL):
- `ix_activity_state`: every transition moved the activity's entry, and no query looks
  activities up by their state (they are found by their Action, their dates or their key).
- `ix_deadline_action_status` and `ix_deadline_subject` held the status, so stopping a deadline
  moved its entry in both. Every lookup names the Action or the subject first, and one has a
  handful of deadlines: the status is read from the row.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 21:00:00
"""
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_activity_state', table_name='activity')
    op.drop_index('ix_deadline_action_status', table_name='deadline')
    op.drop_index('ix_deadline_subject', table_name='deadline')
    op.create_index('ix_deadline_action_id', 'deadline', ['action_id'])
    op.create_index('ix_deadline_subject', 'deadline', ['subject_kind', 'subject_id'])


def downgrade() -> None:
    op.drop_index('ix_deadline_subject', table_name='deadline')
    op.drop_index('ix_deadline_action_id', table_name='deadline')
    op.create_index('ix_deadline_subject', 'deadline', ['subject_kind', 'subject_id', 'status'])
    op.create_index('ix_deadline_action_status', 'deadline', ['action_id', 'status'])
    op.create_index('ix_activity_state', 'activity', ['state'])
