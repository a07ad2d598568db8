"""Moderation decisions for the trail's tests, made by the decisions use case itself."""

from datetime import timedelta

from sqlalchemy import select

from forum.extensions import db
from forum.models import ActionKind, Decision, ModAction, Post, QueueKind, Thread, User
from forum.models.types import utcnow
from moderation import decisions
from moderation.decisions import Choice
from moderation.items import open_item_for

# The log's actions of the decisions these tests make, as the decision form names them.
DECISIONS = {
    ActionKind.POST_REMOVED: Decision.REMOVE,
    ActionKind.POST_REMOVED_AND_MUTED: Decision.REMOVE_AND_MUTE,
    ActionKind.PERSONA_BANNED: Decision.BAN,
}


def decide(
    moderator: User,
    post: Post,
    action: ActionKind = ActionKind.POST_REMOVED,
    *,
    reason: str = "Personal attacks are not allowed here.",
    note: str = "Third warning this month.",
    days: int | None = 7,
) -> ModAction:
    """Remove a post (and mute or ban the member behind its persona) through the decisions
    use case, as a moderator does from the post's "Moderate" link; return the log entry."""
    post = db.session.get(Post, post.id)
    item = open_item_for(post, QueueKind.REVIEW)
    choice = Choice(DECISIONS[action], reason="rules", reason_text=reason, note=note, days=days)
    entry = decisions.decide(db.session.get(User, moderator.id), item, choice)
    db.session.commit()
    return entry


def age(entry: ModAction, days: int) -> None:
    """Move a log entry back in time, as if the decision had been made `days` ago."""
    entry = db.session.get(ModAction, entry.id)
    entry.created_at = utcnow() - timedelta(days=days)
    db.session.commit()


def first_post(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.depth == 0))
