"""Appeals: the author of a removed post or a sanction appeals once, within the window, and a
different moderator upholds or overturns the decision; the author is told."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import (
    ActionKind,
    Notification,
    NotificationKind,
    PersonaSanction,
    Post,
    PostStatus,
    QueueItem,
    QueueKind,
    Role,
    Thread,
)
from tests.factories import add_member, make_user, membership_of, start_thread
from tests.support.decisions import age, decide, first_post
from tests.support.log import last_log_entry
from tests.support.pages import csrf_token, form_errors, text

MESSAGE = "I was quoting the other post to criticise it, not agreeing with it."


@pytest.fixture
def removed(staffed):
    """A members-only space where the moderator removed the member's thread."""
    space = staffed("members")
    thread = start_thread(space.member, space.space, title="Bus routes after dark")
    entry = decide(space.moderator, first_post(thread))
    return space, thread, entry


def appeal(client, entry, message=MESSAGE):
    return client.submit(f"/appeal/{entry.id}", {"message": message})


def the_appeal(entry) -> QueueItem:
    db.session.expire_all()
    return db.session.scalar(select(QueueItem).where(QueueItem.appeal_of_id == entry.id))


def test_the_author_appeals_once_and_it_becomes_a_queue_item(removed, sign_in):
    space, thread, entry = removed
    author = sign_in(space.member)
    response = appeal(author, entry)
    assert response.status_code == 302
    item = the_appeal(entry)
    assert (item.kind, item.appeal_message, item.is_open) == (QueueKind.APPEAL, MESSAGE, True)
    assert item.post_id == first_post(thread).id
    page = text(author.get(f"/appeal/{entry.id}"))
    assert "You have appealed this decision" in page
    # A second appeal, from a form loaded before the first was sent.
    again = author.post(
        f"/appeal/{entry.id}", data={"message": "Again", "csrf_token": csrf_token(author)}
    )
    assert again.status_code == 409
    assert "You have already appealed this decision." in form_errors(text(again))
    assert db.session.scalars(
        select(QueueItem).where(QueueItem.kind == QueueKind.APPEAL)
    ).all() == [item]


def test_an_appeal_needs_a_message_and_keeps_it_when_too_long(removed, sign_in):
    space, _, entry = removed
    author = sign_in(space.member)
    empty = appeal(author, entry, "   ")
    assert empty.status_code == 400
    assert "Please write why the decision should be looked at again." in form_errors(text(empty))
    long = "My reasons. " * 200
    refused = appeal(author, entry, long)
    assert refused.status_code == 400
    assert "under 2,000 characters" in form_errors(text(refused))
    assert long.strip() in text(refused)  # nothing the person typed is lost
    assert the_appeal(entry) is None


def test_no_appeal_after_the_window(removed, sign_in):
    space, _, entry = removed
    age(entry, 15)
    author = sign_in(space.member)
    page = author.get(f"/appeal/{entry.id}")
    assert "The time to appeal this decision has passed" in text(page)
    late = author.post(
        f"/appeal/{entry.id}", data={"message": MESSAGE, "csrf_token": csrf_token(author)}
    )
    assert late.status_code == 403
    assert the_appeal(entry) is None


def test_someone_else_cannot_appeal_or_see_the_decision(removed, sign_in, make_user):
    space, _, entry = removed
    for person in (space.owner, make_user("nosy_neighbour")):
        client = sign_in(person)
        assert client.get(f"/appeal/{entry.id}").status_code == 404
        forced = client.post(
            f"/appeal/{entry.id}", data={"message": MESSAGE, "csrf_token": csrf_token(client)}
        )
        assert forced.status_code == 404
    assert client.get("/appeal/999999").status_code == 404
    assert the_appeal(entry) is None


def test_a_banned_member_appeals_their_ban(staffed, sign_in):
    space = staffed("members")
    thread = start_thread(space.member, space.space)
    entry = decide(space.moderator, first_post(thread), ActionKind.PERSONA_BANNED, days=None)
    author = sign_in(space.member)
    assert appeal(author, entry).status_code == 302
    assert the_appeal(entry).is_open


def test_the_removed_post_links_to_its_appeal(removed, sign_in):
    space, thread, entry = removed
    author = sign_in(space.member)
    post = first_post(thread)
    page = text(author.get(f"/s/{space.slug}/t/{thread.public_id}"))
    assert f"/p/{post.public_id}/appeal" in page
    assert (
        author.get(f"/p/{post.public_id}/appeal")
        .headers["Location"]
        .endswith(f"/appeal/{entry.id}")
    )
    assert sign_in(space.owner).get(f"/p/{post.public_id}/appeal").status_code == 404


def decide_appeal(client, item, decision="overturn", reason="The quote was critical.", **kwargs):
    return client.submit(
        f"/mod/appeals/{item.id}", {"decision": decision, "reason": reason}, **kwargs
    )


def test_the_original_moderator_may_not_decide_the_appeal(removed, sign_in):
    space, _, entry = removed
    appeal(sign_in(space.member), entry)
    item = the_appeal(entry)
    original = sign_in(space.moderator)
    page = original.get(f"/mod/appeals/{item.id}")
    assert page.status_code == 200
    assert "A different moderator must decide this appeal." in text(page)
    assert the_appeal(entry).claimed_by_id is None  # opening it claimed nothing
    forced = original.post(
        f"/mod/appeals/{item.id}",
        data={"decision": "overturn", "reason": "Mine to undo", "csrf_token": csrf_token(original)},
    )
    assert forced.status_code == 403
    assert the_appeal(entry).is_open


def test_another_moderator_overturns_a_removal_and_the_author_is_told(removed, sign_in):
    space, thread, entry = removed
    appeal(sign_in(space.member), entry)
    item = the_appeal(entry)
    owner = sign_in(space.owner)
    page = text(owner.get(f"/mod/appeals/{item.id}"))
    for shown in (MESSAGE, entry.public_reason, entry.private_note, "Bus routes after dark"):
        assert shown in page
    assert the_appeal(entry).claimed_by_id == space.owner.id  # opening it claimed it
    assert decide_appeal(owner, item).status_code == 302
    db.session.expire_all()
    post = first_post(thread)
    assert (post.status, post.decision_reason) == (PostStatus.VISIBLE, None)
    assert db.session.get(Thread, thread.id).status == PostStatus.VISIBLE
    logged = last_log_entry(space.space)
    assert logged.action == ActionKind.APPEAL_GRANTED
    assert logged.changes == {"appeal_of": entry.id}
    assert (logged.target_persona_id, logged.target_post_id) == (post.persona_id, post.id)
    told = db.session.scalar(
        select(Notification).where(Notification.kind == NotificationKind.APPEAL_OUTCOME)
    )
    assert (told.user_id, told.mod_action_id) == (space.member.id, logged.id)
    assert the_appeal(entry).decision == "overturn"


def test_upholding_keeps_the_decision_and_a_second_decision_changes_nothing(removed, sign_in):
    space, thread, entry = removed
    appeal(sign_in(space.member), entry)
    item = the_appeal(entry)
    owner = sign_in(space.owner)
    stale = owner.get(f"/mod/appeals/{item.id}")  # a second tab, loaded before the decision
    assert (
        decide_appeal(owner, item, "uphold", "Quoting it repeated the attack.").status_code == 302
    )
    assert first_post(thread).status == PostStatus.REMOVED
    assert last_log_entry(space.space).action == ActionKind.APPEAL_UPHELD
    token = csrf_token(owner)
    assert stale.status_code == 200
    late = owner.post(
        f"/mod/appeals/{item.id}",
        data={"decision": "overturn", "reason": "Changed my mind", "csrf_token": token},
    )
    assert late.status_code == 409
    assert "This item was already decided." in text(late)
    assert first_post(thread).status == PostStatus.REMOVED
    assert last_log_entry(space.space).action == ActionKind.APPEAL_UPHELD


def test_overturning_a_mute_lifts_it(staffed, sign_in):
    space = staffed("public")
    thread = start_thread(space.member, space.space)
    entry = decide(space.moderator, first_post(thread), ActionKind.POST_REMOVED_AND_MUTED, days=7)
    assert membership_of(space.space, space.member).sanction_now() == PersonaSanction.MUTED
    appeal(sign_in(space.member), entry)
    assert decide_appeal(sign_in(space.owner), the_appeal(entry)).status_code == 302
    assert membership_of(space.space, space.member).sanction_now() is None


def test_a_decision_needs_a_reason_and_keeps_the_choice(removed, sign_in):
    space, _, entry = removed
    appeal(sign_in(space.member), entry)
    item = the_appeal(entry)
    response = decide_appeal(sign_in(space.owner), item, "overturn", " ")
    assert response.status_code == 400
    assert "Please give a reason: the author is told it." in form_errors(text(response))
    assert 'value="overturn" checked' in text(response) or "checked" in text(response)
    assert the_appeal(entry).is_open


def test_moderators_of_other_spaces_and_members_get_404(removed, sign_in, make_space):
    space, _, entry = removed
    appeal(sign_in(space.member), entry)
    item = the_appeal(entry)
    elsewhere = make_user("other_mod")
    other = make_space("elsewhere", elsewhere)
    add_member(other, make_user("other_member"), Role.MEMBER)
    for person in (elsewhere, space.member):
        client = sign_in(person)
        assert client.get(f"/mod/appeals/{item.id}").status_code == 404
        forced = client.post(
            f"/mod/appeals/{item.id}",
            data={"decision": "overturn", "reason": "x", "csrf_token": csrf_token(client)},
        )
        assert forced.status_code == 404
    assert the_appeal(entry).is_open
    assert db.session.get(Post, entry.target_post_id).status == PostStatus.REMOVED


def test_the_queue_links_an_appeal_to_its_own_page_with_the_message(removed, sign_in):
    space, _, entry = removed
    appeal(sign_in(space.member), entry)
    item = the_appeal(entry)
    other = make_user("kit_second")
    add_member(space.space, other, Role.MODERATOR)
    moderator = sign_in(other)
    queue = moderator.get("/mod").get_data(as_text=True)
    assert f'href="/mod/appeals/{item.id}"' in queue
    assert f'href="/mod/items/{item.id}"' not in queue
    # An old link to the generic item page leads to the appeal's page, where the message is.
    response = moderator.get(f"/mod/items/{item.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/mod/appeals/{item.id}")
    assert MESSAGE in text(moderator.get(f"/mod/appeals/{item.id}"))


def test_an_appeal_held_by_another_moderator_is_not_decided_meanwhile(removed, sign_in):
    space, thread, entry = removed
    appeal(sign_in(space.member), entry)
    item = the_appeal(entry)
    second = make_user("second_mod_appeals")
    add_member(space.space, second, Role.MODERATOR)
    assert sign_in(space.owner).get(f"/mod/appeals/{item.id}").status_code == 200  # claims it
    other = sign_in(second)
    assert "Another moderator is reviewing this appeal now." in text(
        other.get(f"/mod/appeals/{item.id}")
    )
    refused = decide_appeal(other, item, "overturn", "Looks fine to me.")
    assert refused.status_code == 409
    assert "Another moderator is reviewing this item until" in text(refused)
    assert "Looks fine to me." in text(refused)  # the reason typed is kept
    assert the_appeal(entry).is_open
    assert first_post(thread).status == PostStatus.REMOVED
