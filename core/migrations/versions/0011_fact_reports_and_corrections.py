"""Reports of wrong local facts by volunteers, and the corrections recorded for this instance
(issue 15, part 3).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('fact_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('what_is_wrong', sa.Text(), nullable=False),
    sa.Column('what_they_saw', sa.Text(), nullable=False),
    sa.Column('where_seen', sa.String(length=500), nullable=False),
    sa.Column('reported_by', sa.String(length=254), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reviewed_by', sa.String(length=254), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('departement', sa.String(length=3), nullable=False),
    sa.Column('section', sa.String(length=40), nullable=False),
    sa.Column('fact_key', sa.String(length=32), nullable=False),
    sa.Column('fact_label', sa.String(length=300), nullable=False),
    sa.Column('plugin', sa.String(length=100), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fact_reports'))
    )
    with op.batch_alter_table('fact_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fact_reports_departement'), ['departement'], unique=False)
        batch_op.create_index(batch_op.f('ix_fact_reports_fact_key'), ['fact_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_fact_reports_plugin'), ['plugin'], unique=False)
        batch_op.create_index(batch_op.f('ix_fact_reports_status'), ['status'], unique=False)

    op.create_table('fact_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_by', sa.String(length=254), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('departement', sa.String(length=3), nullable=False),
    sa.Column('section', sa.String(length=40), nullable=False),
    sa.Column('fact_key', sa.String(length=32), nullable=False),
    sa.Column('fact_label', sa.String(length=300), nullable=False),
    sa.Column('plugin', sa.String(length=100), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['fact_reports.id'], name=op.f('fk_fact_corrections_report_id_fact_reports'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fact_corrections'))
    )
    with op.batch_alter_table('fact_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fact_corrections_departement'), ['departement'], unique=False)
        batch_op.create_index(batch_op.f('ix_fact_corrections_fact_key'), ['fact_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_fact_corrections_plugin'), ['plugin'], unique=False)
        batch_op.create_index(batch_op.f('ix_fact_corrections_report_id'), ['report_id'], unique=False)



def downgrade():
    with op.batch_alter_table('fact_corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fact_corrections_report_id'))
        batch_op.drop_index(batch_op.f('ix_fact_corrections_plugin'))
        batch_op.drop_index(batch_op.f('ix_fact_corrections_fact_key'))
        batch_op.drop_index(batch_op.f('ix_fact_corrections_departement'))

    op.drop_table('fact_corrections')
    with op.batch_alter_table('fact_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fact_reports_status'))
        batch_op.drop_index(batch_op.f('ix_fact_reports_plugin'))
        batch_op.drop_index(batch_op.f('ix_fact_reports_fact_key'))
        batch_op.drop_index(batch_op.f('ix_fact_reports_departement'))

    op.drop_table('fact_reports')
