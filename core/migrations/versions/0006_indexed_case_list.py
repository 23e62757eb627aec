"""The case list, the dashboard and search served by indexes with years of
cases: the next deadline stored on the case, indexes for each sort, and the
database's own text search on the person's name (SQLite FTS5 with trigrams,
kept by triggers; PostgreSQL pg_trgm). See core/cases/search.py.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

SQLITE_SEARCH = (
    # External content: the names stay in `cases`; the FTS table holds only their trigrams.
    "CREATE VIRTUAL TABLE cases_search USING fts5(person_name, content='cases', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN "
    "INSERT INTO cases_search(rowid, person_name) VALUES (new.id, new.person_name); END",
    "CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN "
    "INSERT INTO cases_search(cases_search, rowid, person_name) VALUES ('delete', old.id, old.person_name); END",
    "CREATE TRIGGER cases_search_update AFTER UPDATE OF person_name ON cases BEGIN "
    "INSERT INTO cases_search(cases_search, rowid, person_name) VALUES ('delete', old.id, old.person_name); "
    "INSERT INTO cases_search(rowid, person_name) VALUES (new.id, new.person_name); END",
    "INSERT INTO cases_search(cases_search) VALUES ('rebuild')",
)
POSTGRESQL_SEARCH = (
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX cases_search_trgm ON cases USING gin (person_name gin_trgm_ops)",
)


def upgrade():
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('next_deadline_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('next_deadline_kind', sa.String(length=60), nullable=True))
        batch.create_index(batch.f('ix_cases_next_deadline_on'), ['next_deadline_on'], unique=False)
        batch.create_index(batch.f('ix_cases_updated_at'), ['updated_at'], unique=False)
    op.create_index('ix_cases_next_deadline', 'cases',
                    [sa.text('(next_deadline_on IS NULL)'), 'next_deadline_on', sa.text('updated_at DESC')])
    with op.batch_alter_table('case_deadlines') as batch:
        # "document-ends:attestation-decision-favorable" is 44 characters: PostgreSQL refused it.
        batch.alter_column('kind', existing_type=sa.String(length=40), type_=sa.String(length=60),
                           existing_nullable=False)
        batch.drop_index(batch.f('ix_case_deadlines_date'))
        batch.create_index('ix_case_deadlines_date_case', ['date', 'case_id'], unique=False)
    # From today on; the list's own catch-up and the daily refresh keep it right afterwards.
    coming = ("FROM case_deadlines WHERE case_deadlines.case_id = cases.id AND date >= :today "
              "ORDER BY date, id LIMIT 1")
    op.execute(sa.text(f"UPDATE cases SET next_deadline_on = (SELECT date {coming}), "
                       f"next_deadline_kind = (SELECT kind {coming})").bindparams(today=dt.date.today()))
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_SEARCH, "postgresql": POSTGRESQL_SEARCH}.get(dialect, ()):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS cases_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS cases_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS cases_search_trgm")
    with op.batch_alter_table('case_deadlines') as batch:
        batch.drop_index('ix_case_deadlines_date_case')
        batch.create_index(batch.f('ix_case_deadlines_date'), ['date'], unique=False)
        batch.alter_column('kind', existing_type=sa.String(length=60), type_=sa.String(length=40),
                           existing_nullable=False)
    op.drop_index('ix_cases_next_deadline', table_name='cases')
    with op.batch_alter_table('cases') as batch:
        batch.drop_index(batch.f('ix_cases_updated_at'))
        batch.drop_index(batch.f('ix_cases_next_deadline_on'))
        batch.drop_column('next_deadline_kind')
        batch.drop_column('next_deadline_on')
