"""The evidence chain anchored in time by RFC 3161 tokens, and each letter
generated from now on covered by its entry's hash (issue 13, item 12).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evidence_entries') as batch:
        batch.add_column(sa.Column('letter_digest', sa.String(length=64), nullable=True))
    op.create_table(
        'evidence_timestamps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('entry_hash', sa.String(length=64), nullable=False),
        sa.Column('reply', sa.LargeBinary(), nullable=False),
        sa.Column('stamped_at', sa.DateTime(), nullable=False),
        sa.Column('authority_url', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_evidence_timestamps_case_id_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_timestamps')),
    )
    with op.batch_alter_table('evidence_timestamps') as batch:
        batch.create_index(batch.f('ix_evidence_timestamps_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('evidence_timestamps') as batch:
        batch.drop_index(batch.f('ix_evidence_timestamps_case_id'))
    op.drop_table('evidence_timestamps')
    with op.batch_alter_table('evidence_entries') as batch:
        batch.drop_column('letter_digest')
