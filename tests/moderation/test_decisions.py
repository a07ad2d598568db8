"""Decisions on queue items: each one's effect, its one log entry and the author's notification."""

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    ActionKind,
    Decision,
    Flag,
    Notification,
    PersonaSanction,
    Post,
    PostStatus,
    QueueItem,
    QueueStatus,
    Role,
    Thread,
    User,
)
from tests.factories import first_post, membership_of, reply, start_thread
from tests.support.log import mod_log
from tests.support.pages import csrf_token, form_errors, text
from tests.support.queue import flag_post, hold_post, reload


@pytest.fixture
def world(staffed, make_user, add_member):
    """A members-only space whose member wrote a post three others reported."""
    space = staffed("members")
    reporters = [make_user(f"reporter{n}") for n in range(3)]
    for reporter in reporters:
        add_member(space.space, reporter)
    thread = start_thread(space.member, space.space, title="Heated thread", body="Opening words.")
    post = reply(space.member, first_post(thread), body="You are all idiots.")
    item = flag_post(post, reporters)
    space.post, space.item, space.thread, space.reporters = post, item, thread, reporters
    return space


def decide(client, item, **fields):
    return client.submit(f"/mod/items/{item.id}", fields, action=f"/mod/items/{item.id}")


def notifications_of(user):
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def entries(space, action):
    return [entry for entry in mod_log(space) if entry.action == action]


def test_remove_with_a_reason_tells_the_author(world, sign_in):
    response = decide(
        sign_in(world.moderator),
        world.item,
        decision="remove",
        reason="harassment",
        reason_text="Name-calling.",
        note="Third time this week.",
    )
    assert response.status_code == 302
    post = reload(Post, world.post.id)
    assert post.status == PostStatus.REMOVED
    assert post.decision_reason == "Harassment or hate: Name-calling."
    item = reload(QueueItem, world.item.id)
    assert (item.status, item.decision) == (QueueStatus.DECIDED, Decision.REMOVE)
    [entry] = entries(world.space, ActionKind.POST_REMOVED)
    assert item.decision_action_id == entry.id
    assert (entry.target_persona_id, entry.target_post_id) == (post.persona_id, post.id)
    assert entry.private_note == "Third time this week."
    [told] = notifications_of(world.member)
    assert (told.mod_action_id, told.post_id) == (entry.id, post.id)


def test_the_author_reads_their_removed_post_with_the_reason(world, sign_in):
    decide(sign_in(world.moderator), world.item, decision="remove", reason="rules")
    page = text(sign_in(world.member).get(f"/p/{world.post.public_id}", follow_redirects=True))
    assert "You are all idiots." in page
    assert 'Reason: <span dir="auto">Breaks the space\'s rules</span>' in page
    bystander = text(
        sign_in(world.reporters[0]).get(f"/p/{world.post.public_id}", follow_redirects=True)
    )
    assert "You are all idiots." not in bystander
    assert "Breaks the space's rules" not in bystander


def test_removing_needs_a_reason_from_the_list_and_keeps_the_form(world, sign_in):
    response = decide(
        sign_in(world.moderator), world.item, decision="remove", reason_text="Because."
    )
    assert response.status_code == 400
    assert "Please choose a reason from the list" in form_errors(text(response))
    assert 'value="Because."' in text(response)
    assert reload(QueueItem, world.item.id).is_open
    assert reload(Post, world.post.id).status == PostStatus.HIDDEN


@pytest.mark.parametrize(
    "fields",
    [
        {"decision": "obliterate"},
        {"decision": "remove", "reason": "i-made-this-up"},
        {"decision": "remove_and_mute", "reason": "spam", "mute_days": "365"},
        {"decision": "ban", "reason": "spam", "ban_days": "forever"},
        {"decision": "remove", "reason": "spam", "reason_text": "x" * 500},
        {"decision": "approve", "note": "x" * 2001},
    ],
)
def test_bad_decision_values_are_refused_and_change_nothing(world, sign_in, fields):
    response = decide(sign_in(world.moderator), world.item, **fields)
    assert response.status_code == 400
    assert reload(QueueItem, world.item.id).is_open
    assert entries(world.space, ActionKind.POST_REMOVED) == []


def test_approve_makes_a_hidden_post_visible_and_dismisses_its_flags(world, sign_in):
    response = decide(sign_in(world.moderator), world.item, decision="approve")
    assert response.status_code == 302
    assert reload(Post, world.post.id).status == PostStatus.VISIBLE
    standing = db.session.scalar(
        select(func.count()).select_from(Flag).where(Flag.dismissed_at.is_(None))
    )
    assert standing == 0
    assert len(entries(world.space, ActionKind.POST_APPROVED)) == 1
    # The author saw it marked under review: they are told it is visible again.
    assert len(notifications_of(world.member)) == 1


def test_approving_a_visible_flagged_post_does_not_tell_the_author(world, sign_in, make_user):
    other = reply(world.member, first_post(world.thread), body="A calm reply.")
    item = flag_post(other, world.reporters[:1], hide=False)
    decide(sign_in(world.moderator), item, decision="approve")
    assert reload(Post, other.id).status == PostStatus.VISIBLE
    assert notifications_of(world.member) == []


def test_approving_a_held_post_publishes_it(staffed, sign_in):
    space = staffed("public")
    thread = start_thread(space.member, space.space)
    post = reply(space.member, first_post(thread), body="Held words.")
    item = hold_post(post)
    assert decide(sign_in(space.moderator), item, decision="approve").status_code == 302
    assert reload(Post, post.id).status == PostStatus.VISIBLE
    assert reload(Thread, thread.id).reply_count == 1
    assert len(notifications_of(space.member)) == 1


def test_declining_a_held_first_post_declines_its_thread_and_keeps_the_text(
    staffed, sign_in, client
):
    space = staffed("public")
    thread = start_thread(space.member, space.space, title="Held thread", body="Held words.")
    item = hold_post(first_post(thread))
    decide(sign_in(space.moderator), item, decision="remove", reason="off_topic")
    assert reload(Thread, thread.id).status == PostStatus.DECLINED
    page = text(sign_in(space.member).get(f"/s/{space.slug}/t/{thread.public_id}"))
    assert "Held words." in page and 'Reason: <span dir="auto">Off-topic</span>' in page
    assert "Not published: a moderator declined it." in page
    # Never published, so never there for anyone else: no placeholder in the space's list.
    assert client.get(f"/s/{space.slug}/t/{thread.public_id}").status_code == 404
    assert "declined by a moderator" not in text(client.get(f"/s/{space.slug}"))


def test_a_declined_reply_leaves_no_trace_and_an_overturn_publishes_it(staffed, sign_in, client):
    from moderation.appeals import decide_appeal, file_appeal

    space = staffed("public")
    thread = start_thread(space.owner, space.space, title="Open thread", body="Start.")
    held = reply(space.member, first_post(thread), body="A held reply.")
    decide(sign_in(space.moderator), hold_post(held), decision="remove", reason="off_topic")
    assert reload(Post, held.id).status == PostStatus.DECLINED
    page = text(client.get(f"/s/{space.slug}/t/{thread.public_id}"))
    assert "declined by a moderator" not in page and "removed by a moderator" not in page
    assert reload(Thread, thread.id).reply_count == 0
    [entry] = entries(space.space, ActionKind.POST_REMOVED)
    appeal = file_appeal(reload(User, space.member.id), entry, "It was on topic.")
    decide_appeal(reload(User, space.owner.id), appeal, overturn=True, reason="It was.")
    db.session.commit()
    assert reload(Post, held.id).status == PostStatus.VISIBLE
    assert reload(Thread, thread.id).reply_count == 1  # published now, so counted now
    assert "A held reply." in text(client.get(f"/s/{space.slug}/t/{thread.public_id}"))


@pytest.mark.parametrize(("days", "action"), [("1", "remove_and_mute"), ("30", "remove_and_mute")])
def test_remove_and_mute_reaches_the_member_behind_the_persona(world, sign_in, days, action):
    response = decide(
        sign_in(world.moderator), world.item, decision=action, reason="harassment", mute_days=days
    )
    assert response.status_code == 302
    membership = membership_of(world.space, world.member)
    assert membership.sanction_now() == PersonaSanction.MUTED
    [entry] = entries(world.space, ActionKind.POST_REMOVED_AND_MUTED)
    assert entry.changes == {"days": int(days)}
    assert entry.target_user_id is None and entry.target_membership_id is None
    # The moderator's page after the decision does not name whom it reached.
    page = text(sign_in(world.moderator).get("/mod"))
    assert world.member.username not in page


@pytest.mark.parametrize(("days", "logged"), [("7", 7), ("permanent", None)])
def test_ban_removes_the_post_and_bans_the_persona(world, sign_in, days, logged):
    decide(sign_in(world.moderator), world.item, decision="ban", reason="threat", ban_days=days)
    assert reload(Post, world.post.id).status == PostStatus.REMOVED
    membership = membership_of(world.space, world.member)
    assert membership.sanction_now() == PersonaSanction.BANNED
    assert (membership.persona_sanction_until is None) == (logged is None)
    [entry] = entries(world.space, ActionKind.PERSONA_BANNED)
    assert entry.changes == {"days": logged}


def test_lock_approves_the_post_and_locks_its_thread(world, sign_in):
    decide(sign_in(world.moderator), world.item, decision="lock", reason_text="Cooling off.")
    assert reload(Post, world.post.id).status == PostStatus.VISIBLE
    assert reload(Thread, world.thread.id).locked
    [entry] = entries(world.space, ActionKind.THREAD_LOCKED)
    assert entry.public_reason == "Cooling off."


def test_escalate_keeps_the_item_open_for_the_site_admins(world, sign_in, admin_client):
    moderator = sign_in(world.moderator)
    response = decide(moderator, world.item, decision="escalate", note="Possible threat.")
    assert response.status_code == 302
    item = reload(QueueItem, world.item.id)
    assert item.is_open and item.escalated and item.claimed_by_id is None
    assert len(entries(world.space, ActionKind.ITEM_ESCALATED)) == 1
    assert notifications_of(world.member) == []
    queue = text(admin_client.get("/mod"))
    assert "Escalated to site admins" in queue
    assert "You are all idiots." in queue
    # The admin, who is no member of this closed space, decides it.
    assert decide(admin_client, item, decision="remove", reason="threat").status_code == 302
    assert reload(Post, world.post.id).status == PostStatus.REMOVED


def test_a_decided_item_answers_already_decided_and_changes_nothing(
    world, sign_in, make_user, add_member
):
    other = make_user("second_mod")
    add_member(world.space, other, Role.MODERATOR)
    first, second = sign_in(world.moderator), sign_in(other)
    page = f"/mod/items/{world.item.id}"
    second.get(page)  # a form loaded before the first decision...
    token = csrf_token(second, "/")
    # ...and the first moderator decides once the other's claim has lapsed.
    db.session.execute(db.update(QueueItem).values(claimed_until=None, claimed_by_id=None))
    db.session.commit()
    assert decide(first, world.item, decision="remove", reason="spam").status_code == 302
    response = second.post(page, data={"csrf_token": token, "decision": "approve"})
    assert response.status_code == 409
    assert "This item was already decided." in text(response)
    assert reload(Post, world.post.id).status == PostStatus.REMOVED
    assert len(entries(world.space, ActionKind.POST_APPROVED)) == 0
    assert len(notifications_of(world.member)) == 1


def test_a_double_submit_decides_once(world, sign_in):
    moderator = sign_in(world.moderator)
    page = f"/mod/items/{world.item.id}"
    token = csrf_token(moderator, page)
    data = {"csrf_token": token, "decision": "remove", "reason": "spam"}
    assert moderator.post(page, data=data).status_code == 302
    assert moderator.post(page, data=data).status_code == 409
    assert len(entries(world.space, ActionKind.POST_REMOVED)) == 1
    assert len(notifications_of(world.member)) == 1


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.OWNER])
@pytest.mark.parametrize("decision", ["remove_and_mute", "ban"])
def test_a_sanction_on_staff_is_refused_with_a_way_forward(
    staffed, sign_in, make_user, role, decision
):
    space = staffed("public")
    author = space.owner if role == Role.OWNER else make_user("fellow_mod")
    if role == Role.MODERATOR:
        from tests.factories import add_member

        add_member(space.space, author, Role.MODERATOR)
    thread = start_thread(author, space.space)
    item = flag_post(first_post(thread), [space.member])
    response = decide(sign_in(space.moderator), item, decision=decision, reason="spam")
    assert response.status_code == 400
    assert "escalate it to the site admins" in form_errors(text(response))
    assert reload(QueueItem, item.id).is_open
    assert membership_of(space.space, author).persona_sanction is None


def test_a_moderator_may_not_decide_about_their_own_post(staffed, sign_in):
    space = staffed("public")
    thread = start_thread(space.moderator, space.space)
    item = flag_post(first_post(thread), [space.member])
    response = decide(sign_in(space.moderator), item, decision="approve")
    assert "This is your own post" in form_errors(text(response))
    assert reload(QueueItem, item.id).is_open


def test_moderate_link_on_posts_opens_the_decision_page(world, sign_in):
    calm = reply(world.member, first_post(world.thread), body="Something calm.")
    moderator = sign_in(world.moderator)
    thread_page = text(moderator.get(f"/s/{world.slug}/t/{world.thread.public_id}"))
    assert f"/p/{calm.public_id}/moderate" in thread_page
    member_page = text(
        sign_in(world.reporters[0]).get(f"/s/{world.slug}/t/{world.thread.public_id}")
    )
    assert "/moderate" not in member_page
    # A post with an open item: its page.
    response = moderator.get(f"/p/{world.post.public_id}/moderate")
    assert response.headers["Location"].endswith(f"/mod/items/{world.item.id}")
    # A post with none: deciding opens a review item and decides it at once.
    response = moderator.submit(
        f"/p/{calm.public_id}/moderate",
        {"decision": "remove", "reason": "off_topic"},
        action=f"/p/{calm.public_id}/moderate",
    )
    assert response.status_code == 302
    review = db.session.scalar(select(QueueItem).where(QueueItem.post_id == calm.id))
    assert (review.kind, review.decision) == ("review", Decision.REMOVE)
    assert reload(Post, calm.id).status == PostStatus.REMOVED


def test_a_member_may_not_moderate_a_post(world, sign_in):
    reader = sign_in(world.reporters[0])
    assert reader.get(f"/p/{world.post.public_id}/moderate").status_code in (403, 404)
    token = csrf_token(reader, "/")
    response = reader.post(
        f"/p/{first_post(world.thread).public_id}/moderate",
        data={"csrf_token": token, "decision": "remove", "reason": "spam"},
    )
    assert response.status_code == 403
    assert reload(Post, first_post(world.thread).id).status == PostStatus.VISIBLE
