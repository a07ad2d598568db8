"""random public ids for threads and posts, so URLs no longer carry row ids

Revision ID: 8c03b1d5ef1d
Revises: 8b02c4a0e7ce
Create Date: 2026-12-08 10:00:00.000000

"""
import base64
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c03b1d5ef1d'
down_revision = '8b02c4a0e7ce'
branch_labels = None
depends_on = None

TABLES = ('threads', 'posts')


def _new_public_id():
    # The model's generator as it is today, copied so this migration never changes.
    return base64.b32encode(secrets.token_bytes(8)).decode().lower()[:12]


def upgrade():
    bind = op.get_bind()
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('public_id', sa.String(length=12), nullable=True))
        # Existing rows get random ids too: their old row ids stay out of every URL.
        ids = [row[0] for row in bind.execute(sa.text(f'SELECT id FROM {table}'))]
        given = set()
        for row_id in ids:
            public_id = _new_public_id()
            while public_id in given:
                public_id = _new_public_id()
            given.add(public_id)
            bind.execute(sa.text(f'UPDATE {table} SET public_id = :p WHERE id = :i'),
                         {'p': public_id, 'i': row_id})
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('public_id', existing_type=sa.String(length=12), nullable=False)
            batch_op.create_index(f'ix_{table}_public_id', ['public_id'], unique=True)


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_public_id')
            batch_op.drop_column('public_id')
