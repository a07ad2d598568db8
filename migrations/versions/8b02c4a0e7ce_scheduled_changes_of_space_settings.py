"""scheduled changes of space settings: loosenings announced before they take effect

Revision ID: 8b02c4a0e7ce
Revises: 8a01a5e55105
Create Date: 2026-12-08 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import forum.models.types


# revision identifiers, used by Alembic.
revision = '8b02c4a0e7ce'
down_revision = '8a01a5e55105'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scheduled_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('space_id', sa.Integer(), nullable=False),
    sa.Column('setting', sa.Enum('visibility', 'identity_mode', 'required_label', name='scheduledsetting', native_enum=False, length=20), nullable=False),
    sa.Column('value', sa.String(length=20), nullable=True),
    sa.Column('label', sa.String(length=60), nullable=True),
    sa.Column('scheduled_by_id', sa.Integer(), nullable=True),
    sa.Column('scheduled_at', forum.models.types.UTCDateTime(), nullable=False),
    sa.Column('takes_effect_at', forum.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['label'], ['labels.name'], name=op.f('fk_scheduled_changes_label_labels'), onupdate='CASCADE'),
    sa.ForeignKeyConstraint(['scheduled_by_id'], ['users.id'], name=op.f('fk_scheduled_changes_scheduled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['space_id'], ['spaces.id'], name=op.f('fk_scheduled_changes_space_id_spaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_changes')),
    sa.UniqueConstraint('space_id', 'setting', name=op.f('uq_scheduled_changes_space_id'))
    )
    with op.batch_alter_table('scheduled_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduled_changes_takes_effect_at'), ['takes_effect_at'], unique=False)

    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_change_at', forum.models.types.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.drop_column('next_change_at')

    with op.batch_alter_table('scheduled_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduled_changes_takes_effect_at'))

    op.drop_table('scheduled_changes')
