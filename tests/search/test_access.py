"""The search access matrix: each kind of viewer × each kind of space × each post status.

Every post carries the word `needle` and one word of its own, `needle<space kind><status>`, and
each viewer searches for `needle`: the words found must be exactly those of the visible posts in
visible threads of the spaces the viewer may read, and nothing of any other space shows on the
page (its name included). Run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

import re

import pytest
from sqlalchemy import update

from forum.extensions import db
from forum.models import Post, PostStatus, Thread
from forum.threads import deletion, statuses
from tests import factories
from tests.leaks.checks import CSRF_VALUE
from tests.support.access import KINDS
from tests.threads.test_query_counts import limits_off as limits_lifted

STATUSES = ["first", "visible", "pending", "declined", "hidden", "removed", "deleted"]
FOUND_WORD = re.compile(r"needle(public|members|hidden|labelled)([a-z]+)")

# The spaces each viewer may read (the access world's people, and two more: a member whose
# required label was revoked, and a member of none).
READS = {
    "visitor": {"public"},
    "outsider": {"public"},
    "pending": {"public"},
    "banned": {"public"},
    "member": {"public", "members", "hidden", "labelled"},
    "moderator": {"public", "members", "hidden", "labelled"},
    "owner": {"public", "members", "hidden", "labelled"},
    "admin": {"public"},  # site admins do not read closed spaces they are not members of
    "revoked": {"public", "members", "hidden"},
}


def _reply(author, parent, word):
    return factories.reply(author, parent, body=f"A reply about needle {word} and more.")


def _set_status(post: Post, status: PostStatus) -> None:
    post = db.session.get(Post, post.id)
    if status == PostStatus.PENDING:
        statuses.hold_again(post, None)
    elif status == PostStatus.DECLINED:
        statuses.hold_again(post, None)
        statuses.withdraw_post(post, "Not for this space.")
    elif status == PostStatus.REMOVED:
        statuses.withdraw_post(post, "Personal attack.")
    elif status == PostStatus.HIDDEN:  # what enough reports do
        post.status = PostStatus.HIDDEN
    db.session.commit()


# Every test here only reads: they share one world, with posts of every status in each space.
pytestmark = pytest.mark.shared_world


@pytest.fixture(scope="module")
def world(shared_app, shared_world):
    with limits_lifted():
        return _posts_of_every_status(shared_world)


def _posts_of_every_status(access_world):
    users = access_world.users
    revoked = factories.make_user("revoked_u", label=factories.POLICE)
    for space in access_world.spaces.values():
        factories.add_member(space, revoked)
    factories.grant_label(revoked, None)
    users["revoked"] = revoked
    author = users["member"]
    for kind, space in access_world.spaces.items():
        thread = factories.start_thread(
            author, space, title="A conversation", body=f"Opening needle needle{kind}first words."
        )
        first = factories.first_post(thread)
        for status in STATUSES[1:]:
            post = _reply(author, first, f"needle{kind}{status}")
            if status == "deleted":
                deletion.delete_post(author, db.session.get(Post, post.id))
                db.session.commit()
            elif status != "visible":
                _set_status(post, PostStatus(status))
        # A thread whose first post is hidden: its visible reply is not found either.
        hidden = factories.start_thread(author, space, title="Another one", body="Hidden opener")
        _reply(author, factories.first_post(hidden), f"needle{kind}inhiddenthread")
        hidden_first = factories.first_post(hidden)
        _set_status(hidden_first, PostStatus.HIDDEN)
        db.session.execute(
            update(Thread).where(Thread.id == hidden.id).values(status=PostStatus.HIDDEN)
        )
        db.session.commit()
    return access_world


@pytest.mark.parametrize("viewer", list(READS))
def test_search_finds_exactly_the_visible_posts_of_the_spaces_the_viewer_reads(
    world, client, sign_in, viewer
):
    browser = client if viewer == "visitor" else sign_in(world.users[viewer])
    response = browser.get("/search?q=needle")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = {match.groups() for match in FOUND_WORD.finditer(html)}
    expected = {(kind, status) for kind in READS[viewer] for status in ("first", "visible")}
    assert found == expected
    for kind, values in KINDS.items():
        if kind not in READS[viewer]:
            assert values["name"] not in html, f"{viewer} is shown the name of the {kind} space"


def same_page(response) -> str:
    return CSRF_VALUE.sub(r"\1…", response.get_data(as_text=True))


@pytest.mark.parametrize("viewer", ["visitor", "outsider", "banned", "admin"])
def test_a_space_the_viewer_may_not_read_answers_like_one_that_does_not_exist(
    world, client, sign_in, viewer
):
    browser = client if viewer == "visitor" else sign_in(world.users[viewer])
    closed = browser.get("/search?q=needle&space=hidden-space")
    unknown = browser.get("/search?q=needle&space=no-such-space")
    assert closed.status_code == unknown.status_code == 400
    # The same page, but for the CSRF token's timestamp (the two may be a second apart).
    assert same_page(closed) == same_page(unknown)
    assert "There is no such space for you to search in." in closed.get_data(as_text=True)
    assert not FOUND_WORD.search(closed.get_data(as_text=True))


def test_a_member_searching_one_space_finds_only_its_posts(world, sign_in):
    browser = sign_in(world.users["member"])
    html = browser.get("/search?q=needle&space=hidden-space").get_data(as_text=True)
    assert {match.groups() for match in FOUND_WORD.finditer(html)} == {
        ("hidden", "first"),
        ("hidden", "visible"),
    }
