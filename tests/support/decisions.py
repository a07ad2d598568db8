"""Moderation decisions made the way the queue's decisions make them: a log entry, the post's
and membership's new state, and the author told. The tests of the trail build on these."""

from datetime import timedelta

from sqlalchemy import select

from forum import audit
from forum.extensions import db
from forum.models import (
    ActionKind,
    Membership,
    ModAction,
    NotificationKind,
    Persona,
    PersonaSanction,
    Post,
    PostStatus,
    Space,
    Thread,
    User,
)
from forum.models.types import utcnow
from forum.notifications.services import notify


def _membership_behind(persona: Persona) -> Membership:
    return db.session.scalar(
        select(Membership).where(
            Membership.space_id == persona.space_id, Membership.user_id == persona.user_id
        )
    )


def decide(
    moderator: User | None,
    post: Post,
    action: ActionKind = ActionKind.POST_REMOVED,
    *,
    reason: str = "Personal attacks are not allowed here.",
    note: str = "Third warning this month.",
    days: int | None = 7,
) -> ModAction:
    """Remove a post (and mute or ban the member behind its persona), as a moderator would."""
    post = db.session.get(Post, post.id)
    persona = db.session.get(Persona, post.persona_id)
    thread = db.session.get(Thread, post.thread_id)
    space = db.session.get(Space, post.space_id)
    changes = {}
    if action in (ActionKind.POST_REMOVED, ActionKind.POST_REMOVED_AND_MUTED):
        post.status = PostStatus.REMOVED
        post.decision_reason = reason
        if post.is_first:
            thread.status = PostStatus.REMOVED
    if action != ActionKind.POST_REMOVED:
        changes = {"days": days}
        membership = _membership_behind(persona)
        membership.persona_sanction = (
            PersonaSanction.MUTED
            if action == ActionKind.POST_REMOVED_AND_MUTED
            else PersonaSanction.BANNED
        )
        membership.persona_sanction_until = utcnow() + timedelta(days=days) if days else None
        membership.persona_sanction_reason = reason
    entry = audit.record(
        moderator,
        action,
        space=space,
        persona=persona,
        post=post,
        thread=thread,
        changes=changes,
        reason=reason,
        note=note,
    )
    notify(persona.user_id, NotificationKind.DECISION, space=space, post=post, entry=entry)
    db.session.commit()
    return entry


def age(entry: ModAction, days: int) -> None:
    """Move a log entry back in time, as if the decision had been made `days` ago."""
    entry = db.session.get(ModAction, entry.id)
    entry.created_at = utcnow() - timedelta(days=days)
    db.session.commit()


def first_post(thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.depth == 0))
