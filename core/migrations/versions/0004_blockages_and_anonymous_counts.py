"""Blockages met on cases, erasure of a person, and the anonymous counts kept after
personal data is deleted.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('anonymous_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('departement', sa.String(length=3), nullable=False),
    sa.Column('demarche', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('opened_month', sa.String(length=7), nullable=False),
    sa.Column('renewal_break', sa.Boolean(), nullable=False),
    sa.Column('days_to_api', sa.Integer(), nullable=True),
    sa.Column('days_to_pan', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('removed_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anonymous_cases'))
    )
    op.create_table('anonymous_blockages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('anonymous_case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.ForeignKeyConstraint(['anonymous_case_id'], ['anonymous_cases.id'], name=op.f('fk_anonymous_blockages_anonymous_case_id_anonymous_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anonymous_blockages'))
    )
    with op.batch_alter_table('anonymous_blockages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_anonymous_blockages_anonymous_case_id'), ['anonymous_case_id'], unique=False)

    op.create_table('case_blockages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_blockages_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_blockages'))
    )
    with op.batch_alter_table('case_blockages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_blockages_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_blockages_kind'), ['kind'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('erased_at')

    with op.batch_alter_table('case_blockages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_blockages_kind'))
        batch_op.drop_index(batch_op.f('ix_case_blockages_case_id'))

    op.drop_table('case_blockages')
    with op.batch_alter_table('anonymous_blockages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_anonymous_blockages_anonymous_case_id'))

    op.drop_table('anonymous_blockages')
    op.drop_table('anonymous_cases')
