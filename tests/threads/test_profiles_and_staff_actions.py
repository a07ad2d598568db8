"""Profiles show named posts only, in readable spaces; staff lock and pin from the thread page."""

import re

from sqlalchemy import select

from forum.extensions import db
from forum.models import ActionKind, ModAction, Thread
from forum.spaces.membership import admit
from tests.threads.conftest import start_thread


def test_profile_lists_named_posts_only(member_client, space):
    start_thread(member_client, title="Under my name", body="Named words.", identity="named")
    start_thread(member_client, title="Under a pseudonym", body="Hidden words.")
    page = member_client.get("/u/member_mo").get_data(as_text=True)
    assert "Named words." in page
    assert "Under my name" in page
    assert "Hidden words." not in page
    assert "Under a pseudonym" not in page


def test_profile_hides_posts_in_spaces_the_viewer_cannot_read(
    sign_in, make_user, make_space, owner, client
):
    closed = make_space("closed", owner=owner, visibility="members", join_policy="request")
    author = make_user("author_a")
    admit(author, closed)
    db.session.commit()
    start_thread(
        sign_in(author),
        slug="closed",
        title="Closed talk",
        body="Members only words.",
        identity="named",
    )
    assert "Members only words." in sign_in(author).get("/u/author_a").get_data(as_text=True)
    for viewer in (client, sign_in(make_user("stranger"))):
        response = viewer.get("/u/author_a")
        assert response.status_code == 404  # as if there were no such account
        assert "Members only words." not in response.get_data(as_text=True)


def test_unknown_profile_is_404(client):
    assert client.get("/u/nobody_here").status_code == 404


def test_moderator_locks_and_pins_from_the_thread_page(member_client, space, owner, sign_in):
    url = start_thread(member_client).headers["Location"]
    thread_id = url.rpartition("/t/")[2]
    staff = sign_in(owner)
    assert staff.submit(url, {}, action=f"/s/talk/t/{thread_id}/lock").status_code == 302
    assert staff.submit(url, {}, action=f"/s/talk/t/{thread_id}/pin").status_code == 302
    thread = db.session.scalar(select(Thread).where(Thread.public_id == thread_id))
    db.session.refresh(thread)
    assert thread.locked and thread.pinned
    actions = set(db.session.scalars(select(ModAction.action)))
    assert {ActionKind.THREAD_LOCKED, ActionKind.THREAD_PINNED} <= actions
    page = member_client.get(url).get_data(as_text=True)
    assert "This thread is locked" in page
    assert "Reply to the thread" not in page
    assert staff.submit(url, {}, action=f"/s/talk/t/{thread_id}/lock").status_code == 302
    db.session.refresh(thread)
    assert not thread.locked


def test_members_cannot_lock_or_pin(member_client, space):
    url = start_thread(member_client).headers["Location"]
    thread_id = url.rpartition("/t/")[2]
    page = member_client.get(url).get_data(as_text=True)
    assert f"/t/{thread_id}/lock" not in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    for action in ("lock", "pin"):
        response = member_client.post(f"/s/talk/t/{thread_id}/{action}", data={"csrf_token": token})
        assert response.status_code == 403
    thread = db.session.scalar(select(Thread).where(Thread.public_id == thread_id))
    db.session.refresh(thread)
    assert not thread.locked and not thread.pinned


def test_a_profile_with_no_named_posts_is_404_to_others_but_its_owner_sees_it(
    member_client, member, sign_in, make_user
):
    # The settings page links to it: its owner is shown the empty profile, not a 404.
    own = member_client.get(f"/u/{member.username}")
    assert own.status_code == 200
    assert "No posts under this name" in own.get_data(as_text=True)
    assert sign_in(make_user("someone_else")).get(f"/u/{member.username}").status_code == 404
