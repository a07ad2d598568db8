"""What a thread page offers to do with each post: asked of the policy once per kind of post,
it must still differ post by post as the rules say (own posts, statuses, moderators)."""

import re

import pytest

from forum.extensions import db
from forum.models import PostStatus
from tests.factories import add_member, first_post, reply, start_thread


def actions_of(page: str, post) -> set[str]:
    """The links under one post on the page."""
    found = re.search(rf'id="p{post.public_id}".*?(?=<li class="reply|</ol>|$)', page, re.S)
    assert found, f"post {post.public_id} is not on the page"
    block = found.group(0)
    links = {"Reply": "reply-link", "Report": "flag-link", "Delete": "delete-link"}
    shown = {name for name, css in links.items() if f'class="{css}"' in block}
    shown |= {name for name in ("Edit", "Moderate") if f">{name}</a>" in block}
    return shown


@pytest.fixture
def world(staffed, make_user):
    """A public space's thread by its member, with replies by another member: one published,
    one hidden by reports, one waiting for approval."""
    space = staffed("public")
    other = make_user("other_otter")
    add_member(space.space, other)
    thread = start_thread(space.member, space.space, body="The first post.")
    published, hidden, pending = (
        reply(other, first_post(thread), body) for body in ("Published.", "Hidden.", "Waiting.")
    )
    hidden.status, pending.status = PostStatus.HIDDEN, PostStatus.PENDING
    db.session.commit()
    return space, thread, published, hidden, pending


def test_a_moderator_may_report_published_and_hidden_posts_but_not_waiting_ones(world, sign_in):
    space, thread, published, hidden, pending = world
    page = sign_in(space.moderator).get(f"/s/{space.space.slug}/t/{thread.public_id}").text
    assert actions_of(page, published) == {"Reply", "Report", "Moderate"}
    assert actions_of(page, hidden) == {"Report", "Moderate"}
    assert actions_of(page, pending) == {"Moderate"}


def test_a_member_reports_others_posts_and_edits_their_own(world, sign_in):
    space, thread, published, hidden, pending = world
    page = sign_in(space.member).get(f"/s/{space.space.slug}/t/{thread.public_id}").text
    assert actions_of(page, first_post(thread)) == {"Reply", "Edit", "Delete"}
    assert actions_of(page, published) == {"Reply", "Report"}
    assert actions_of(page, hidden) == set()  # a placeholder, nothing to do with it
