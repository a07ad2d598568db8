"""Two moderators deciding one item at the same instant: exactly one decision takes effect."""

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    ModAction,
    Notification,
    NotificationKind,
    Post,
    PostStatus,
    QueueItem,
    Role,
)
from tests.factories import first_post, reply, start_thread
from tests.support.concurrency import post_at_once
from tests.support.pages import csrf_token
from tests.support.queue import flag_post, reload


def test_two_concurrent_decisions_settle_once(staffed, sign_in, make_user, add_member):
    space = staffed("public")
    second = make_user("second_mod")
    add_member(space.space, second, Role.MODERATOR)
    thread = start_thread(space.member, space.space)
    post = reply(space.member, first_post(thread), body="Reported words.")
    item = flag_post(post, [space.owner])
    page = f"/mod/items/{item.id}"
    clients = [sign_in(space.moderator), sign_in(second)]
    tokens = [csrf_token(client, "/") for client in clients]  # neither opens (claims) the item
    choices = [{"decision": "remove", "reason": "spam"}, {"decision": "approve"}]
    forms = [{"csrf_token": token, **choice} for token, choice in zip(tokens, choices, strict=True)]
    statuses = post_at_once(clients, page, forms)
    assert sorted(statuses) == [302, 409]
    winner = statuses.index(302)
    decided = reload(QueueItem, item.id)
    assert decided.decision == choices[winner]["decision"]
    assert (
        db.session.scalar(
            select(func.count()).select_from(ModAction).where(ModAction.target_post_id == post.id)
        )
        == 1
    )
    # A removal tells the author; so does approving a post they saw hidden.
    decided = select(func.count()).where(Notification.kind == NotificationKind.DECISION)
    assert db.session.scalar(decided) == 1  # the author is told once
    expected = PostStatus.REMOVED if winner == 0 else PostStatus.VISIBLE
    assert reload(Post, post.id).status == expected
