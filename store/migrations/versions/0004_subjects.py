"""subjects: activities become records; audit, deadlines, timers and alerts name their subject

Every existing row belongs to an Action, so its subject is that Action. The activities an Action
Fiche planned (a list inside the fiche) become Activity rows, numbered in the fiche's order, in
the state their status said (planned, delivered, cancelled); the fiche keeps its objective and
intervention logic. No audit row is written: the histories read as they did.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 18:30:00
"""
import json
from datetime import date

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

SUBJECT_TABLES = ("audit", "deadline", "timer", "alert")


def upgrade() -> None:
    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('remote', sa.Boolean(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('planned_participants', sa.JSON(), nullable=False),
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('deliverables', sa.JSON(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('state_since', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_activity_action_id_action')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity')),
    sa.UniqueConstraint('action_id', 'number', name=op.f('uq_activity_action_id'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_state'), ['state'], unique=False)

    _audit_guard(False)
    for table in SUBJECT_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('subject_kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                          server_default='action'))
            batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET subject_id = action_id")
        if table != "alert":
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.alter_column('subject_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_index('ix_audit_subject', ['subject_kind', 'subject_id'], unique=False)
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.create_index('ix_deadline_subject', ['subject_kind', 'subject_id', 'status'], unique=False)
    _audit_guard(True)
    _activities_out_of_fiches()


def _activities_out_of_fiches() -> None:
    bind = op.get_bind()
    actions = sa.table("action", sa.column("id"), sa.column("fiche", sa.JSON), sa.column("created_at"),
                       sa.column("updated_at"))
    json_columns = ("languages", "planned_participants", "participants", "deliverables")
    activity = sa.table("activity", *(sa.column(c) for c in (
        "action_id", "number", "type", "title", "start", "end", "city", "remote", "state", "state_since",
        "created_at", "updated_at", "version")), *(sa.column(c, sa.JSON) for c in json_columns))
    for row in bind.execute(sa.select(actions)).mappings().all():
        fiche = row["fiche"] if isinstance(row["fiche"], dict) or row["fiche"] is None else json.loads(row["fiche"])
        planned = (fiche or {}).get("activities")
        if not planned:
            continue
        for number, a in enumerate(planned, 1):
            bind.execute(activity.insert().values(
                action_id=row["id"], number=number, type=a["type"], title=a["title"],
                start=date.fromisoformat(a["start"]) if a.get("start") else None,
                end=date.fromisoformat(a["end"]) if a.get("end") else None, city=a.get("place"), remote=False,
                languages=[], planned_participants={}, participants={}, deliverables=[],
                state=a.get("status") or "planned", state_since=row["updated_at"], created_at=row["created_at"],
                updated_at=row["updated_at"], version=1))
        kept = {k: v for k, v in fiche.items() if k != "activities"}
        bind.execute(actions.update().where(actions.c.id == row["id"]).values(fiche=kept))


def _audit_guard(on: bool) -> None:
    """The append-only triggers of 0001, lifted while existing rows get their subject."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_no_{verb.lower()} BEFORE {verb} ON audit "
                       "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END" if on
                       else f"DROP TRIGGER IF EXISTS audit_no_{verb.lower()}")
    elif on:
        op.execute("CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
                   "FOR EACH ROW EXECUTE FUNCTION audit_append_only()")
    else:
        op.execute("DROP TRIGGER audit_append_only ON audit")


def downgrade() -> None:
    raise NotImplementedError("0004 moves the fiche's activities into their own table; restore a backup instead")
