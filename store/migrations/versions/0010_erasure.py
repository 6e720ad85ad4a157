"""erasure of an expert's personal data: its own record, and the one door through the append-only audit trail

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 00:30:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# An audit row may change only while an erasure is open in the same transaction, and then only in
# its reason and payload: what happened, when, by whom and through which door stays as it was.
SAME = ("NEW.id = OLD.id AND NEW.action_id = OLD.action_id AND NEW.subject_kind = OLD.subject_kind "
        "AND NEW.subject_id = OLD.subject_id AND NEW.at = OLD.at AND NEW.\"trigger\" = OLD.\"trigger\" "
        "AND NEW.from_state {same} OLD.from_state AND NEW.to_state = OLD.to_state AND NEW.actor = OLD.actor "
        "AND NEW.via {same} OLD.via")
OPEN = "EXISTS (SELECT 1 FROM erasure WHERE closed_at IS NULL)"


def upgrade() -> None:
    text, utc = sqlmodel.sql.sqltypes.AutoString(), sqlmodel.sql.sqltypes.UTCDateTime()
    op.create_table(
        'erasure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person', text, nullable=False),
        sa.Column('at', utc, nullable=False),
        sa.Column('actor', text, nullable=False),
        sa.Column('via', text, nullable=True),
        sa.Column('changed', sa.JSON(), nullable=False),
        sa.Column('closed_at', utc, nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure')),
    )
    op.create_index(op.f('ix_erasure_person'), 'erasure', ['person'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_no_update")
        op.execute(f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN NOT ({OPEN} AND "
                   f"{SAME.format(same='IS')}) BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END")
        return
    op.execute("CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               f"IF TG_OP = 'UPDATE' AND {OPEN} AND {SAME.format(same='IS NOT DISTINCT FROM')} THEN RETURN NEW; END IF; "
               "RAISE EXCEPTION 'the audit trail is append-only'; END $$")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_no_update")
        op.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
                   "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END")
    else:
        op.execute("CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$")
    op.drop_index(op.f('ix_erasure_person'), table_name='erasure')
    op.drop_table('erasure')
