"""A correction follows its fact by identity (section, département, name), not by content: a
plugin update no longer detaches it silently; the content seen then is kept as its version. A
report remembers when its author saw the outcome (issue 15).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23
"""
import hashlib

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TABLES = ('fact_reports', 'fact_corrections')
#: As core.corrections.facts.fact_identity computes it (copied: a migration must not change
#: when the application's code does).
ONE_PER_DEPARTEMENT = ('tribunals', 'substitution_modalities')


def _identity(section, departement, label):
    parts = (section, departement) if section in ONE_PER_DEPARTEMENT else (section, departement, label)
    return hashlib.sha256('\x1f'.join(parts).encode()).hexdigest()[:16]


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_fact_key'))
            batch_op.alter_column('fact_key', new_column_name='fact_version', existing_type=sa.String(length=32),
                                  existing_nullable=False)
            batch_op.add_column(sa.Column('fact_identity', sa.String(length=32), nullable=True))
        connection = op.get_bind()
        rows = connection.execute(sa.text(f'SELECT id, section, departement, fact_label FROM {table}')).all()
        for row in rows:
            connection.execute(sa.text(f'UPDATE {table} SET fact_identity = :identity WHERE id = :id'),
                               {'identity': _identity(row.section, row.departement, row.fact_label), 'id': row.id})
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('fact_identity', existing_type=sa.String(length=32), nullable=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_fact_version'), ['fact_version'], unique=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_fact_identity'), ['fact_identity'], unique=False)
    with op.batch_alter_table('fact_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_seen_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_fact_reports_reported_by'), ['reported_by'], unique=False)


def downgrade():
    with op.batch_alter_table('fact_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fact_reports_reported_by'))
        batch_op.drop_column('outcome_seen_at')
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_fact_identity'))
            batch_op.drop_index(batch_op.f(f'ix_{table}_fact_version'))
            batch_op.drop_column('fact_identity')
            batch_op.alter_column('fact_version', new_column_name='fact_key', existing_type=sa.String(length=32),
                                  existing_nullable=False)
        with op.batch_alter_table(table, schema=None) as batch_op:  # once renamed (SQLite rebuilds the table)
            batch_op.create_index(batch_op.f(f'ix_{table}_fact_key'), ['fact_key'], unique=False)
