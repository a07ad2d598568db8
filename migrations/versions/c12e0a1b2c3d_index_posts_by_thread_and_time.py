"""index posts by thread and time

Revision ID: c12e0a1b2c3d
Revises: dacf1f5e187a
Create Date: 2026-12-02 03:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c12e0a1b2c3d'
down_revision = 'dacf1f5e187a'
branch_labels = None
depends_on = None


def upgrade():
    # What is new to a member: a thread's posts after a moment, read from the index alone (its
    # status and persona are in it) instead of walking every post of the thread in the table.
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(
            'ix_posts_thread_news',
            ['thread_id', 'created_at', 'status', 'persona_id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_thread_news')
