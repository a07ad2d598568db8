"""The index follows every change of a post: writing, editing, deleting, a title edit, a removal
and an approval; the tests' row deletion empties it; the migration indexes earlier posts."""

import flask_migrate
import pytest
from sqlalchemy import func, select, text

from forum import create_app
from forum.extensions import db
from forum.limits import current_limiter
from forum.models import Decision, Post, Premoderation, QueueItem, Role, Space, User
from forum.search.queries import Criteria, search
from forum.threads import deletion
from forum.threads import services as posting
from moderation import decisions
from moderation.decisions import Choice
from tests import factories
from tests.conftest import _delete_all_rows, settings_for_tests
from tests.support.decisions import decide
from tests.test_migrations import empty_database, preserved_logging  # noqa: F401 (fixtures)

pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


def found(client, words: str) -> str:
    response = client.get(f"/search?q={words}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def space(make_user, make_space):
    return make_space("talk", make_user("olive_owner"), identity_mode="named")


@pytest.fixture
def author(space, make_user):
    author = make_user("ed_author")
    factories.add_member(space, author)
    return author


def test_an_edit_replaces_the_old_words_with_the_new(space, author, client):
    thread = factories.start_thread(author, space, body="Marmalade recipes", kind="named")
    assert "Marmalade" in found(client, "marmalade")
    posting.edit_post(author, factories.first_post(thread), body="Chutney recipes")
    db.session.commit()
    assert "1 result" not in found(client, "marmalade")
    assert "<mark>Chutney</mark>" in found(client, "chutney")


def test_a_title_edit_is_found_by_its_new_words_only(space, author, client):
    thread = factories.start_thread(author, space, title="Allotment waiting lists", kind="named")
    reply = factories.reply(author, factories.first_post(thread), body="Me too.", kind="named")
    assert "1 result" in found(client, "allotment")
    posting.edit_post(
        author, factories.first_post(thread), body="First post.", title="Orchard waiting lists"
    )
    db.session.commit()
    assert "Nothing you can read matches" in found(client, "allotment")
    page = found(client, "orchard")
    assert "1 result" in page and "<mark>Orchard</mark> waiting lists" in page
    # A reply carries its thread's title, but is not found by it.
    assert reply.public_id not in page


def test_a_deleted_post_is_found_no_more(space, author, client):
    thread = factories.start_thread(author, space, kind="named")
    reply = factories.reply(author, factories.first_post(thread), body="Kumquat", kind="named")
    assert "1 result" in found(client, "kumquat")
    deletion.delete_post(author, db.session.get(Post, reply.id))
    db.session.commit()
    assert "Nothing you can read matches" in found(client, "kumquat")


def test_a_removal_hides_a_post_and_an_approval_brings_one_back(make_user, make_space, client):
    owner = make_user("olive_owner")
    held_space = make_space("held", owner, premoderation=Premoderation.ALL)
    moderator = make_user("max_mod")
    factories.add_member(held_space, moderator, Role.MODERATOR)
    author = make_user("ed_author")
    factories.add_member(held_space, author)

    thread = factories.start_thread(author, held_space, body="Persimmon season")
    assert "Nothing you can read matches" in found(client, "persimmon"), "held, not found"
    item = db.session.scalar(select(QueueItem).where(QueueItem.post_id == thread.id))
    decisions.decide(db.session.get(type(moderator), moderator.id), item, Choice(Decision.APPROVE))
    db.session.commit()
    assert "1 result" in found(client, "persimmon"), "approved, found"

    decide(moderator, factories.first_post(thread))
    assert "Nothing you can read matches" in found(client, "persimmon"), "removed, not found"


def _index_rows() -> int:
    table = "search_index" if db.engine.dialect.name == "sqlite" else "search_documents"
    return db.session.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608 (fixed names)


def test_the_tests_row_deletion_leaves_the_index_empty(space, author):
    factories.start_thread(author, space, kind="named")
    assert _index_rows() == 1
    db.session.remove()
    _delete_all_rows()
    assert _index_rows() == 0


# Rows in the columns of revision 9f06c2b8a4d1, as plain SQL: the models may have grown since.
_POSTS_BEFORE_THE_INDEX = [
    (
        "INSERT INTO users (username, username_key, password_hash, is_admin, created_at, "
        "mail_mode) VALUES ('olive_owner', 'olive_owner', 'x', false, '2026-01-01 00:00:00', "
        "'off')"
    ),
    (
        "INSERT INTO spaces (slug, name, description, rules, rules_html, rules_version, "
        "visibility, join_policy, identity_mode, premoderation, slow_mode_seconds, "
        "flag_hide_threshold, member_count, last_activity_at, created_at, shows_moderator_names) "
        "VALUES ('talk', 'Talk', '', '', '', 1, 'public', 'open', 'choice', 'off', 0, 3, 1, "
        "'2026-01-01 00:00:00', '2026-01-01 00:00:00', false)"
    ),
    (
        "INSERT INTO memberships (user_id, space_id, role, status, rules_version_accepted) VALUES"
        " ((SELECT id FROM users WHERE username_key = 'olive_owner'), (SELECT id FROM spaces "
        "WHERE slug = 'talk'), 'owner', 'active', 1)"
    ),
    (
        "INSERT INTO personas (space_id, user_id, kind, handle, created_at) VALUES ((SELECT id "
        "FROM spaces WHERE slug = 'talk'), (SELECT id FROM users WHERE username_key = "
        "'olive_owner'), 'named', 'olive_owner', '2026-01-01 00:00:00')"
    ),
    (
        "INSERT INTO threads (space_id, persona_id, title, pinned, locked, status, created_at, "
        "last_activity_at, reply_count, public_id) VALUES ((SELECT id FROM spaces WHERE slug = "
        "'talk'), (SELECT id FROM personas WHERE handle = 'olive_owner'), 'Quince jelly', false, "
        "false, 'visible', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 0, 'aaaaaaaaaaaa')"
    ),
    (
        "INSERT INTO posts (thread_id, space_id, persona_id, path, depth, body_source, body_html,"
        " render_version, status, created_at, public_id) VALUES ((SELECT id FROM threads WHERE "
        "public_id = 'aaaaaaaaaaaa'), (SELECT id FROM spaces WHERE slug = 'talk'), (SELECT id "
        "FROM personas WHERE handle = 'olive_owner'), '', 0, 'Older words', '<p>Older words</p>',"
        " 1, 'visible', '2026-01-01 00:00:00', 'aaaaaaaaaaab')"
    ),
]


def test_the_migration_indexes_the_posts_written_before_it(empty_database, preserved_logging):  # noqa: F811
    app = create_app(settings_for_tests(empty_database))
    with app.app_context():
        current_limiter().enabled = False  # its counts would outlive this app in Redis
        flask_migrate.upgrade(revision="9f06c2b8a4d1")
        for statement in _POSTS_BEFORE_THE_INDEX:
            db.session.execute(text(statement))
        db.session.commit()
        flask_migrate.upgrade()
        owner = db.session.scalar(select(User))
        space = db.session.scalar(select(Space))
        older = search(owner, Criteria("quince older"), 1)
        assert older.page.total == 1
        factories.start_thread(owner, space, title="Quince paste", body="Newer words")
        assert search(owner, Criteria("quince"), 1).page.total == 2
        assert db.session.scalar(select(func.count()).select_from(Post)) == 2
        db.session.remove()
        db.engine.dispose()
