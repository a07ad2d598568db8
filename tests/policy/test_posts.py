"""The read rule for a post's status: who sees its body, who a placeholder, who nothing. The
Python rule, the SQL rule and the pages agree for every status and every kind of viewer."""

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import Boolean, bindparam, literal, select

from forum import policy
from forum.extensions import db
from forum.models import Persona, Post, PostStatus, Role
from forum.policy import Action
from forum.policy import posts as rule
from forum.threads import trees
from tests.factories import add_member, first_post, make_space, make_user, reply, start_thread

VIEWERS = ["author", "moderator", "member", "visitor"]

# status -> (viewers who read the body, viewers who see only a placeholder)
EXPECTED = {
    PostStatus.VISIBLE: (set(VIEWERS), set()),
    PostStatus.PENDING: ({"author", "moderator"}, set()),
    PostStatus.HIDDEN: ({"author", "moderator"}, {"member", "visitor"}),
    PostStatus.REMOVED: ({"author", "moderator"}, {"member", "visitor"}),
    PostStatus.DECLINED: ({"author", "moderator"}, set()),  # never published: never there
    PostStatus.DELETED: (set(), set(VIEWERS)),
}


@pytest.fixture
def scene(app):
    owner = make_user("owner_p")
    space = make_space("posts", owner, "public")
    people = {"author": make_user("author_p"), "moderator": make_user("staff_p")}
    people["member"] = make_user("member_p")
    add_member(space, people["author"])
    add_member(space, people["moderator"], Role.MODERATOR)
    add_member(space, people["member"])
    thread = start_thread(people["member"], space, title="Statuses", body="Opening.")
    post = reply(people["author"], first_post(thread), "The post under test.")
    people["visitor"] = AnonymousUserMixin()
    return space, thread, post, people


def set_status(post: Post, status: PostStatus) -> None:
    post.status = status
    db.session.commit()


@pytest.mark.parametrize("status", list(PostStatus))
def test_the_rule_says_who_reads_the_body_and_who_a_placeholder(scene, status):
    space, thread, post, people = scene
    set_status(post, status)
    reads, placeholder = EXPECTED[status]
    for viewer in VIEWERS:
        user = people[viewer]
        is_author = viewer == "author"
        is_staff = policy.is_space_staff(user, space)
        assert rule.shows_body(status, is_author=is_author, is_staff=is_staff) == (
            viewer in reads
        ), viewer
        listed = rule.is_listed(status, is_author=is_author, is_staff=is_staff)
        assert listed == (viewer in reads | placeholder), viewer
        assert policy.can(user, Action.READ_POST, post) == listed, viewer


@pytest.mark.parametrize("status", list(PostStatus))
@pytest.mark.parametrize("is_author", [True, False])
@pytest.mark.parametrize("is_staff", [True, False])
def test_the_sql_rule_agrees_with_the_python_rule(scene, status, is_author, is_staff):
    _, _, post, _ = scene
    set_status(post, status)
    author = literal(is_author, Boolean)
    staff = bindparam("staff", is_staff, Boolean)
    statement = select(
        rule.listed_clause(Post.status, author, staff),
        rule.body_shown_clause(Post.status, author, staff),
    ).where(Post.id == post.id)
    listed, shown = db.session.execute(statement).one()
    assert bool(listed) == rule.is_listed(status, is_author=is_author, is_staff=is_staff)
    assert bool(shown) == rule.shows_body(status, is_author=is_author, is_staff=is_staff)


@pytest.mark.parametrize("status", list(PostStatus))
def test_thread_pages_show_each_viewer_what_the_rule_says(scene, status):
    space, thread, post, people = scene
    set_status(post, status)
    reads, placeholder = EXPECTED[status]
    for viewer in VIEWERS:
        page = trees.thread_page(people[viewer], thread, 1)
        shown = {view.id: view for view in page.replies}
        if viewer not in reads | placeholder:
            assert post.id not in shown, viewer
            continue
        view = shown[post.id]
        assert view.shows_body == (viewer in reads), viewer
        # A body the viewer may not read never leaves the database.
        assert ("The post under test." in view.body_html) == (viewer in reads), viewer


def test_a_post_the_viewer_may_not_see_is_404_everywhere(scene, client, sign_in):
    space, thread, post, people = scene
    set_status(post, PostStatus.PENDING)
    member = sign_in(people["member"])
    for path in (f"/p/{post.public_id}", *(f"/p/{post.public_id}/{a}" for a in ("reply", "edit"))):
        assert member.get(path).status_code == 404, path
        assert client.get(path).status_code in (302, 404), path
    assert sign_in(people["author"]).get(f"/p/{post.public_id}").status_code == 302


def test_the_viewer_context_knows_the_authors_personas(scene):
    _, _, post, people = scene
    persona = db.session.get(Persona, post.persona_id)
    assert persona.user_id == people["author"].id
    assert policy.is_author(people["author"], post)
    assert not policy.is_author(people["member"], post)
    assert not policy.is_author(people["visitor"], post)
