"""Queue items made as the flag and premoderation features make them, for the queue's tests."""

from sqlalchemy import select

from forum.extensions import db
from forum.models import Flag, FlagReason, Post, PostStatus, QueueItem, QueueKind, Thread, User
from moderation.items import open_item_for


def flag_post(post: Post, reporters: list[User], reason=FlagReason.HARASSMENT, note="", hide=True):
    """Reports from these members; at the threshold the post hides and its item rises."""
    for reporter in reporters:
        db.session.add(Flag(post_id=post.id, reporter_id=reporter.id, reason=reason, note=note))
    item = open_item_for(post, QueueKind.FLAGGED)
    if hide:
        item.hidden = True
        post.status = PostStatus.HIDDEN
        if post.is_first:
            db.session.get(Thread, post.thread_id).status = PostStatus.HIDDEN
    db.session.commit()
    return item


def hold_post(post: Post) -> QueueItem:
    """Hold a post for review, as premoderation does."""
    post.status = PostStatus.PENDING
    thread = db.session.get(Thread, post.thread_id)
    if post.is_first:
        thread.status = PostStatus.PENDING
    else:
        thread.reply_count -= 1  # a held reply is not counted until it is published
    item = open_item_for(post, QueueKind.HELD)
    db.session.commit()
    return item


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def open_items() -> list[QueueItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(QueueItem).order_by(QueueItem.id)))
