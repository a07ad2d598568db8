"""the list of verified labels, content warnings on every post, mod log targets in columns

Revision ID: 37e0c0b631b3
Revises: b7d41c9e2a53
Create Date: 2026-12-01 11:08:40.927370

"""
import json
import re

from alembic import op
import sqlalchemy as sa

import forum.models.types


# revision identifiers, used by Alembic.
revision = '37e0c0b631b3'
down_revision = 'b7d41c9e2a53'
branch_labels = None
depends_on = None


def _label_key(name):
    return " ".join(name.split()).casefold()


def _list_the_labels_in_use(bind):
    """Every label held or required becomes a listed label; spellings that differ only in case
    or spacing become one, under the spelling first met (accounts before spaces)."""
    names = [row[0] for row in bind.execute(sa.text(
        "SELECT label FROM users WHERE label IS NOT NULL ORDER BY id"))]
    names += [row[0] for row in bind.execute(sa.text(
        "SELECT required_label FROM spaces WHERE required_label IS NOT NULL ORDER BY id"))]
    listed = {}
    for name in names:
        listed.setdefault(_label_key(name), " ".join(name.split()))
    now = sa.func.now()
    for key, name in listed.items():
        bind.execute(sa.text("INSERT INTO labels (name, name_key, created_at) VALUES (:n, :k, :t)"),
                     {"n": name, "k": key, "t": bind.execute(sa.select(now)).scalar()})
    for table, column in (("users", "label"), ("spaces", "required_label")):
        rows = bind.execute(sa.text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL"))
        for row_id, name in list(rows):
            bind.execute(sa.text(f"UPDATE {table} SET {column} = :n WHERE id = :i"),
                         {"n": listed[_label_key(name)], "i": row_id})


_DETAILS = [
    (re.compile(r"label: (?P<label>.+)"), lambda m: {"label": m["label"]}),
    (re.compile(r"(?P<from>\w+) → (?P<to>\w+)"), lambda m: {"from": m["from"], "to": m["to"]}),
    (re.compile(r"changed (?P<changed>.+)"), lambda m: {"changed": m["changed"].split(", ")}),
    (re.compile(r"created /s/(?P<slug>.+)"), lambda m: {"slug": m["slug"]}),
    (re.compile(r"invitation #(?P<id>\d+).*"), lambda m: {"invitation": int(m["id"])}),
    (re.compile(r"until (?P<until>.+) UTC"), lambda m: {"until": m["until"].replace(" ", "T")}),
    (re.compile(r"without end"), lambda m: {"until": None}),
]
_THREAD = re.compile(r"thread #(?P<id>\d+)")


def _structure_the_log(bind):
    """Each log entry's detail text becomes structured `changes`, and a thread it names
    becomes its target_thread_id: the last time this text is ever parsed."""
    rows = bind.execute(sa.text("SELECT id, detail FROM mod_actions WHERE detail != ''"))
    for entry_id, detail in list(rows):
        values = {"changes": "{}", "thread": None, "i": entry_id}
        if (found := _THREAD.fullmatch(detail)):
            values["thread"] = int(found["id"])
        for pattern, read in _DETAILS:
            if (found := pattern.fullmatch(detail)):
                values["changes"] = json.dumps(read(found))
                break
        bind.execute(sa.text(
            "UPDATE mod_actions SET changes = :changes, target_thread_id = "
            "(SELECT id FROM threads WHERE id = :thread) WHERE id = :i"), values)


def upgrade():
    bind = op.get_bind()
    op.create_table('labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('name_key', sa.String(length=60), nullable=False),
    sa.Column('created_at', forum.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labels')),
    sa.UniqueConstraint('name', name=op.f('uq_labels_name')),
    sa.UniqueConstraint('name_key', name=op.f('uq_labels_name_key'))
    )
    _list_the_labels_in_use(bind)

    with op.batch_alter_table('mod_actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_persona_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('target_post_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('target_thread_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('target_membership_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('changes', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.create_foreign_key(batch_op.f('fk_mod_actions_target_thread_id_threads'), 'threads', ['target_thread_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_mod_actions_target_persona_id_personas'), 'personas', ['target_persona_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_mod_actions_target_membership_id_memberships'), 'memberships', ['target_membership_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_mod_actions_target_post_id_posts'), 'posts', ['target_post_id'], ['id'], ondelete='SET NULL')
    _structure_the_log(bind)
    with op.batch_alter_table('mod_actions', schema=None) as batch_op:
        batch_op.alter_column('changes', server_default=None)
        batch_op.drop_column('detail')

    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('content_warning', sa.String(length=200), nullable=True))

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_warning', sa.String(length=200), nullable=True))
    # A thread's content warning was its first post's: it now lives on the post, and the
    # thread keeps a copy for its lists.
    bind.execute(sa.text(
        "UPDATE posts SET content_warning = (SELECT content_warning FROM threads"
        " WHERE threads.id = posts.thread_id) WHERE depth = 0"))
    # Rules saved from a browser kept its CRLF line ends; the text is kept with LF now.
    bind.execute(sa.text(
        "UPDATE spaces SET rules = REPLACE(rules, :crlf, :lf)"), {"crlf": "\r\n", "lf": "\n"})

    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_spaces_required_label_labels'), 'labels', ['required_label'], ['name'], onupdate='CASCADE')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_label'), ['label'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_label_labels'), 'labels', ['label'], ['name'], onupdate='CASCADE')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_label_labels'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_label'))

    with op.batch_alter_table('spaces', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_spaces_required_label_labels'), type_='foreignkey')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('content_warning')

    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.drop_column('content_warning')
        batch_op.drop_column('title')

    with op.batch_alter_table('mod_actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('detail', sa.VARCHAR(length=200), nullable=False, server_default=''))
        batch_op.drop_constraint(batch_op.f('fk_mod_actions_target_post_id_posts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_mod_actions_target_membership_id_memberships'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_mod_actions_target_persona_id_personas'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_mod_actions_target_thread_id_threads'), type_='foreignkey')
        batch_op.drop_column('changes')
        batch_op.drop_column('target_membership_id')
        batch_op.drop_column('target_thread_id')
        batch_op.drop_column('target_post_id')
        batch_op.drop_column('target_persona_id')

    op.drop_table('labels')
