"""The case list filtered by status, département, démarche or volunteer read
from an index in each of its two orders, instead of every case of the filter
sorted afterwards; and SQLite's planner statistics, without which it prefers
the filter's index to the search's (see core/cases/models.py LIST_INDEXES).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

FILTERS = ("status", "departement", "demarche", "assigned_to_id")
BY_NEXT_DEADLINE = (sa.text('(next_deadline_on IS NULL)'), 'next_deadline_on', sa.text('updated_at DESC'))


def upgrade():
    for column in FILTERS:
        op.drop_index(f'ix_cases_{column}', table_name='cases')
        op.create_index(f'ix_cases_{column}_next_deadline', 'cases', [column, *BY_NEXT_DEADLINE])
        op.create_index(f'ix_cases_{column}_updated_at', 'cases', [column, 'updated_at'])
    # SQLite keeps no statistics until asked; PostgreSQL's autovacuum gathers its own.
    op.execute("ANALYZE" if op.get_bind().dialect.name == "sqlite" else "ANALYZE cases")


def downgrade():
    for column in FILTERS:
        op.drop_index(f'ix_cases_{column}_updated_at', table_name='cases')
        op.drop_index(f'ix_cases_{column}_next_deadline', table_name='cases')
        op.create_index(f'ix_cases_{column}', 'cases', [column])
