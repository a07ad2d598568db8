"""full-text search index of posts, kept current by triggers

Revision ID: d4e5f6a7b8c9
Revises: 9f06c2b8a4d1
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op

from forum.search import index


# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b8c9'
down_revision = '9f06c2b8a4d1'
branch_labels = None
depends_on = None


# The DDL is forum/search/index.py's, as create_all() uses it, so the migrated schema and the
# tests' schema cannot differ. A later change to it comes with a migration of its own.


def upgrade():
    connection = op.get_bind()
    index.install(connection)
    # The posts written before this revision.
    index.rebuild(connection)


def downgrade():
    index.remove(op.get_bind())
