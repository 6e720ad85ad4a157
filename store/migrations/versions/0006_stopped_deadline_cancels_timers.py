"""a deadline that stops (met, missed, cancelled, replanned) cancels its pending timers, in the store

One statement fewer on every transition that stops a deadline, and no code path can leave a timer
pending on a stopped deadline. A later migration that rebuilds the deadline table on SQLite
(batch_alter_table) drops this trigger and must create it again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 20:55:00
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

CANCEL = "UPDATE timer SET status = 'cancelled' WHERE deadline_id = NEW.id AND status = 'pending'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TRIGGER deadline_stopped_cancels_timers AFTER UPDATE OF status ON deadline "
                   f"WHEN OLD.status = 'pending' AND NEW.status != 'pending' BEGIN {CANCEL}; END")
        return
    op.execute("CREATE FUNCTION deadline_stopped_cancels_timers() RETURNS trigger LANGUAGE plpgsql AS "
               f"$$ BEGIN {CANCEL}; RETURN NULL; END $$")
    op.execute("CREATE TRIGGER deadline_stopped_cancels_timers AFTER UPDATE OF status ON deadline FOR EACH ROW "
               "WHEN (OLD.status = 'pending' AND NEW.status != 'pending') "
               "EXECUTE FUNCTION deadline_stopped_cancels_timers()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER deadline_stopped_cancels_timers")
        return
    op.execute("DROP TRIGGER deadline_stopped_cancels_timers ON deadline")
    op.execute("DROP FUNCTION deadline_stopped_cancels_timers()")
