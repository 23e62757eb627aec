"""What a letter may state and the rules need: civility, birth date, whether
the request was complete and whether its acknowledgement stated the voies et
délais de recours.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('civility', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('birth_date', sa.Date(), nullable=True))
        batch.add_column(sa.Column('request_complete', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('remedies_stated', sa.Boolean(), nullable=True))
        batch.create_check_constraint(op.f('ck_cases_civility'), "civility IN ('madame', 'monsieur')")


def downgrade():
    with op.batch_alter_table('cases') as batch:
        batch.drop_constraint(op.f('ck_cases_civility'), type_='check')
        batch.drop_column('remedies_stated')
        batch.drop_column('request_complete')
        batch.drop_column('birth_date')
        batch.drop_column('civility')
