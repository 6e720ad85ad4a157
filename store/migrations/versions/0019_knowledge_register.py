"""knowledge register: lessons learnt, deliverables, good practices and case studies, searched in full text
(SQLite FTS5 kept in step by triggers; PostgreSQL a generated tsvector with a GIN index)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 07:30:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    text, utc = sqlmodel.sql.sqltypes.AutoString(), sqlmodel.sql.sqltypes.UTCDateTime()
    op.create_table(
        'knowledge_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=True),
        sa.Column('kind', text, nullable=False),
        sa.Column('title', text, nullable=False),
        sa.Column('body', text, nullable=False),
        sa.Column('theme', text, nullable=True),
        sa.Column('region', text, nullable=True),
        sa.Column('activity_type', text, nullable=True),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('created_at', utc, nullable=False),
        sa.Column('created_by', text, nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_knowledge_entry_action_id_action')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_entry')),
    )
    op.create_index(op.f('ix_knowledge_entry_action_id'), 'knowledge_entry', ['action_id'], unique=False)
    op.create_index(op.f('ix_knowledge_entry_kind'), 'knowledge_entry', ['kind'], unique=False)
    op.create_index(op.f('ix_knowledge_entry_year'), 'knowledge_entry', ['year'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE knowledge_fts USING fts5(title, body, content='knowledge_entry', "
                   "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')")
        op.execute("CREATE TRIGGER knowledge_fts_insert AFTER INSERT ON knowledge_entry BEGIN "
                   "INSERT INTO knowledge_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END")
        op.execute("CREATE TRIGGER knowledge_fts_delete AFTER DELETE ON knowledge_entry BEGIN "
                   "INSERT INTO knowledge_fts(knowledge_fts, rowid, title, body) "
                   "VALUES ('delete', old.id, old.title, old.body); END")
        op.execute("CREATE TRIGGER knowledge_fts_update AFTER UPDATE ON knowledge_entry BEGIN "
                   "INSERT INTO knowledge_fts(knowledge_fts, rowid, title, body) "
                   "VALUES ('delete', old.id, old.title, old.body); "
                   "INSERT INTO knowledge_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END")
    else:
        op.execute("ALTER TABLE knowledge_entry ADD COLUMN search tsvector GENERATED ALWAYS AS ("
                   "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
                   "setweight(to_tsvector('english', coalesce(body, '')), 'B')) STORED")
        op.execute("CREATE INDEX ix_knowledge_entry_search ON knowledge_entry USING gin (search)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS knowledge_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS knowledge_fts")
    op.drop_table('knowledge_entry')
