"""the roster is audited: an audit row may concern no Action (an expert added, changed, imported)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 01:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


# 0010's append-only triggers, copied (a migration is a snapshot): a rebuilt SQLite table loses its triggers
SAME = ("NEW.id = OLD.id AND NEW.action_id IS OLD.action_id AND NEW.subject_kind = OLD.subject_kind "
        "AND NEW.subject_id = OLD.subject_id AND NEW.at = OLD.at AND NEW.\"trigger\" = OLD.\"trigger\" "
        "AND NEW.from_state IS OLD.from_state AND NEW.to_state = OLD.to_state AND NEW.actor = OLD.actor "
        "AND NEW.via IS OLD.via")
OPEN = "EXISTS (SELECT 1 FROM erasure WHERE closed_at IS NULL)"


def _triggers() -> None:
    op.execute(f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN NOT ({OPEN} AND {SAME}) "
               "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END")
    op.execute("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
               "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('audit', 'action_id', existing_type=sa.Integer(), nullable=True)
        same = SAME.replace(" IS ", " IS NOT DISTINCT FROM ")  # an empty action_id equals an empty one
        op.execute("CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   f"IF TG_OP = 'UPDATE' AND {OPEN} AND {same} THEN RETURN NEW; END IF; "
                   "RAISE EXCEPTION 'the audit trail is append-only'; END $$")
        return
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.alter_column('action_id', existing_type=sa.Integer(), nullable=True)
    _triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("ALTER TABLE audit DISABLE TRIGGER audit_append_only")
        op.execute("DELETE FROM audit WHERE action_id IS NULL")
        op.execute("ALTER TABLE audit ENABLE TRIGGER audit_append_only")
        op.alter_column('audit', 'action_id', existing_type=sa.Integer(), nullable=False)
        return
    op.execute("DROP TRIGGER IF EXISTS audit_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    op.execute("DELETE FROM audit WHERE action_id IS NULL")
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.alter_column('action_id', existing_type=sa.Integer(), nullable=False)
    _triggers()
