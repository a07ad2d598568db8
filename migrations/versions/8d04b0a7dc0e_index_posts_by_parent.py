"""index posts by parent

Revision ID: 8d04b0a7dc0e
Revises: 8c03b1d5ef1d
Create Date: 2026-12-01 14:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '8d04b0a7dc0e'
down_revision = '8c03b1d5ef1d'
branch_labels = None
depends_on = None


def upgrade():
    # Deleting a post (or its thread or space) finds its replies through parent_id, for the
    # foreign key's cascade: without an index, a scan of every post for each post deleted.
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_parent_id', ['parent_id'], unique=False)


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_parent_id')
