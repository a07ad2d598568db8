"""Premoderation: held posts wait for a moderator, seen by their author alone (and staff), and
move no count or activity until they are published."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    ActionKind,
    Post,
    PostStatus,
    Premoderation,
    QueueItem,
    QueueKind,
    QueueStatus,
    Role,
    Space,
    Thread,
)
from forum.threads.statuses import publish_post
from tests.factories import add_member, first_post, reply, start_thread
from tests.support.log import mod_log
from tests.support.pages import form_errors, text

HELD_TITLE = "Zephyr lantern festival plans"
HELD_BODY = "Saffron otters deserve a bigger pond."


@pytest.fixture
def premoderated(staffed, make_user):
    """A public space whose every post waits, with a thread already published by the owner."""
    space = staffed("public", premoderation=Premoderation.ALL)
    other = make_user("onlooker_oona")
    add_member(space.space, other)
    thread = start_thread(space.owner, space.space, title="Welcome", body="Say hello.")
    return space, other, thread


def reload(model, row):
    db.session.expire_all()
    return db.session.get(model, row.id)


def held_item(post: Post) -> QueueItem | None:
    return db.session.scalar(
        select(QueueItem).where(
            QueueItem.post_id == post.id,
            QueueItem.status == QueueStatus.OPEN,
            QueueItem.kind == QueueKind.HELD,
        )
    )


def test_a_held_thread_waits_and_its_author_is_told(premoderated, sign_in):
    space, other, _ = premoderated
    before = reload(Space, space.space).last_activity_at
    author = sign_in(space.member)
    response = author.submit(
        f"/s/{space.slug}/new", {"title": HELD_TITLE, "body": HELD_BODY, "identity": "pseudonym"}
    )
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread).where(Thread.title == HELD_TITLE))
    post = first_post(thread)
    assert thread.status == post.status == PostStatus.PENDING
    assert held_item(post) is not None
    [entry] = [e for e in mod_log(space.space) if e.action == ActionKind.POST_HELD]
    assert entry.actor_id is None and entry.changes == {"by": "premoderation"}
    assert (entry.target_persona_id, entry.target_post_id) == (post.persona_id, post.id)
    assert reload(Space, space.space).last_activity_at == before
    landing = text(author.get(response.headers["Location"], follow_redirects=True))
    assert "waits for a moderator's approval" in landing
    assert HELD_BODY in landing and "Awaiting review" in landing


def test_nobody_else_sees_a_held_thread_anywhere(premoderated, sign_in, client):
    space, other, _ = premoderated
    thread = start_thread(space.member, space.space, title=HELD_TITLE, body=HELD_BODY, kind="named")
    thread_url = f"/s/{space.slug}/t/{thread.public_id}"
    for viewer in (sign_in(other), client):
        for url in (f"/s/{space.slug}", "/", f"/u/{space.member.username}"):
            page = text(viewer.get(url))
            assert HELD_TITLE not in page and HELD_BODY not in page, url
        assert viewer.get(thread_url).status_code == 404
    # The space's moderators see it, to decide.
    assert HELD_TITLE in text(sign_in(space.moderator).get(f"/s/{space.slug}"))


def test_a_held_reply_moves_no_count_until_it_is_published(premoderated, sign_in):
    space, other, thread = premoderated
    before = reload(Thread, thread)
    count, activity = before.reply_count, before.last_activity_at
    space_activity = reload(Space, space.space).last_activity_at
    author = sign_in(space.member)
    response = author.submit(
        f"/p/{first_post(thread).public_id}/reply", {"body": HELD_BODY, "identity": "pseudonym"}
    )
    assert response.status_code == 302
    post = db.session.scalar(select(Post).where(Post.body_source == HELD_BODY))
    assert post.status == PostStatus.PENDING and held_item(post) is not None
    after = reload(Thread, thread)
    assert (after.reply_count, after.last_activity_at) == (count, activity)
    assert reload(Space, space.space).last_activity_at == space_activity
    url = f"/s/{space.slug}/t/{thread.public_id}"
    assert HELD_BODY not in text(sign_in(other).get(url))
    assert "0 replies" in text(sign_in(other).get(url))
    landing = text(author.get(response.headers["Location"], follow_redirects=True))
    assert HELD_BODY in landing and "waits for a moderator's approval" in landing

    publish_post(reload(Post, post))  # what approving it does
    db.session.commit()
    assert reload(Thread, thread).reply_count == count + 1
    assert HELD_BODY in text(sign_in(other).get(url))


def test_nobody_may_reply_to_a_held_post(premoderated, sign_in):
    space, _, thread = premoderated
    held = reply(space.member, first_post(thread), HELD_BODY)
    response = sign_in(space.member).submit(
        f"/p/{held.public_id}/reply", {"body": "Answering myself.", "identity": "pseudonym"}
    )
    assert response.status_code == 403
    assert "waiting for a moderator" in form_errors(text(response))
    assert "Answering myself." in text(response)


@pytest.mark.parametrize("role", ["moderator", "owner", "admin"])
def test_staff_and_site_admins_are_never_held(premoderated, make_user, role):
    space, _, thread = premoderated
    if role == "admin":
        poster = make_user("root_rita", is_admin=True)
        add_member(space.space, poster)
    else:
        poster = space.moderator if role == "moderator" else space.owner
    post = reply(poster, first_post(thread), "Straight through.")
    assert post.status == PostStatus.VISIBLE
    assert db.session.scalar(select(QueueItem.id)) is None


def test_new_members_wait_for_their_first_three_posts(staffed):
    space = staffed("public", premoderation=Premoderation.NEW_MEMBERS)
    welcome = start_thread(space.owner, space.space, title="Welcome", body="Say hello.")
    statuses = []
    for number in range(4):
        post = reply(space.member, first_post(welcome), f"Reply {number}.")
        statuses.append(post.status)
        publish_post(post)  # a moderator approves each
        db.session.commit()
    assert statuses == [PostStatus.PENDING] * 3 + [PostStatus.VISIBLE]


def test_posts_still_waiting_or_removed_do_not_count_as_gone_through(staffed):
    space = staffed("public", premoderation=Premoderation.NEW_MEMBERS)
    welcome = start_thread(space.owner, space.space, title="Welcome", body="Say hello.")
    posts = [reply(space.member, first_post(welcome), f"Reply {n}.") for n in range(3)]
    posts[0].status = PostStatus.REMOVED
    publish_post(posts[1])
    db.session.commit()
    # One went through: the member's fourth post still waits.
    assert reply(space.member, first_post(welcome), "Fourth.").status == PostStatus.PENDING


def test_premoderation_off_publishes_at_once(staffed):
    space = staffed("public")
    thread = start_thread(space.member, space.space, body=HELD_BODY)
    assert first_post(thread).status == PostStatus.VISIBLE
    assert db.session.scalar(select(QueueItem.id)) is None


def test_a_member_who_became_a_moderator_is_not_held(staffed, make_user):
    space = staffed("public", premoderation=Premoderation.ALL)
    promoted = make_user("new_steward")
    add_member(space.space, promoted, Role.MODERATOR)
    thread = start_thread(promoted, space.space, body=HELD_BODY)
    assert thread.status == PostStatus.VISIBLE
