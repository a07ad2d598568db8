"""index threads by last activity

Revision ID: b7d41c9e2a53
Revises: e83cfe1e1608
Create Date: 2026-11-27 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7d41c9e2a53'
down_revision = 'e83cfe1e1608'
branch_labels = None
depends_on = None


def upgrade():
    # The front page's latest threads across every readable space: read from the index newest
    # first and stop after a page, instead of sorting every thread on each request.
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.create_index('ix_threads_activity', ['last_activity_at'], unique=False)


def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_activity')
