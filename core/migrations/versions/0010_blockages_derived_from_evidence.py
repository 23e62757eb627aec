"""A blockage may come from an entry of the evidence log (a PAN attempt with
no slot, a screenshot the volunteer says shows a blockage): it keeps the
entry it comes from, so that it is shown as such and counted once
(issue 16, point 7).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_blockages') as batch:
        batch.add_column(sa.Column('from_entry_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_case_blockages_from_entry_id_evidence_entries'), 'evidence_entries',
                                 ['from_entry_id'], ['id'], ondelete='SET NULL')
        batch.create_index(batch.f('ix_case_blockages_from_entry_id'), ['from_entry_id'], unique=False)


def downgrade():
    with op.batch_alter_table('case_blockages') as batch:
        batch.drop_index(batch.f('ix_case_blockages_from_entry_id'))
        batch.drop_constraint(batch.f('fk_case_blockages_from_entry_id_evidence_entries'), type_='foreignkey')
        batch.drop_column('from_entry_id')
