"""Failed logins from a browser where the account already logged in are
counted apart (a device cookie), so that a flood of failures from an office's
shared address no longer locks out every volunteer there (issue 13, item 9).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_failures') as batch:
        batch.add_column(sa.Column('device', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('login_failures') as batch:
        batch.drop_column('device')
