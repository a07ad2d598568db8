"""Notifications never tie a pseudonym to its account, and tell nothing of what the recipient can
no longer read: no title, no handle, no words."""

from sqlalchemy import select

from forum.extensions import db
from forum.models import ActionKind, IdentityMode, Notification, Persona
from forum.spaces import membership
from forum.threads import deletion
from tests.factories import first_post, reply, start_thread
from tests.support.decisions import decide
from tests.support.pages import text
from tests.threads.test_query_counts import limits_off

TITLE = "Where the night bus stops"
WORDS = "I saw it happen at the corner"


def handle_of(post) -> str:
    return db.session.get(Persona, post.persona_id).handle


def test_a_pseudonymous_reply_is_told_by_its_handle_never_its_account(staffed, sign_in):
    space = staffed("members")
    thread = start_thread(space.owner, space.space, title=TITLE, kind="named")
    space.member.email = "mia@example.org"
    db.session.commit()
    answer = reply(space.member, first_post(thread), body=WORDS, kind="pseudonym")
    page = text(sign_in(space.owner).get("/notifications"))
    assert f"{handle_of(answer)} (pseudonym) replied to your post in “{TITLE}”" in page
    for never in (space.member.username, "mia@example.org", WORDS):
        assert never not in page


def test_mentioning_the_username_of_someone_who_writes_under_a_pseudonym_tells_nobody(
    staffed, sign_in
):
    space = staffed("members", identity_mode=IdentityMode.PSEUDONYMOUS)
    thread = start_thread(space.member, space.space, kind="pseudonym")
    db.session.execute(db.delete(Notification))
    with limits_off():
        reply(space.owner, first_post(thread), body=f"@{space.member.username} is it you?")
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == space.member.id)
    ).all()
    assert kinds == ["reply"]  # as the author of the post replied to, only


def test_a_closed_space_the_recipient_left_shows_nothing_from_it(staffed, sign_in):
    space = staffed("members")
    thread = start_thread(space.member, space.space, title=TITLE)
    answer = reply(space.moderator, first_post(thread), body=WORDS)
    handle = handle_of(answer)
    membership.leave_space(space.member, space.space)
    db.session.commit()
    page = text(sign_in(space.member).get("/notifications"))
    assert "Someone replied in a post you can no longer read." in page
    for never in (TITLE, WORDS, handle, space.space.name, answer.public_id):
        assert never not in page


def test_a_removed_reply_shows_nothing_from_it(staffed, sign_in):
    space = staffed("public")
    thread = start_thread(space.member, space.space, title=TITLE)
    answer = reply(space.owner, first_post(thread), body=WORDS)
    handle = handle_of(answer)
    decide(space.moderator, answer, ActionKind.POST_REMOVED)
    page = text(sign_in(space.member).get("/notifications"))
    assert "a post you can no longer read" in page
    for never in (TITLE, WORDS, handle, answer.public_id):
        assert never not in page


def test_a_thread_whose_first_post_was_deleted_names_no_title(staffed, sign_in):
    space = staffed("public")
    thread = start_thread(space.owner, space.space, title=TITLE)
    with limits_off():
        answer = reply(space.member, first_post(thread))
        reply(space.moderator, answer)
    deletion.delete_post(space.owner, first_post(thread))
    db.session.commit()
    page = text(sign_in(space.member).get("/notifications"))
    assert f"replied to your post in a thread in {space.space.name}" in page
    assert TITLE not in page
