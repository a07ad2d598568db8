"""A post's publication as moderation changes it: publish, restore, withdraw, hold again.

A first post carries its thread's status with it; a reply counts in its thread's reply count
and last activity only from the moment it is published.
"""

from sqlalchemy import update

from forum.extensions import db
from forum.models import Post, PostStatus, Space, Thread
from forum.models.post import UNPUBLISHED_STATUSES
from forum.models.types import utcnow
from forum.notifications.posts import tell_of_post


def restore_post(post: Post) -> None:
    """Make a post a moderator hid, removed, held or declined visible again: one never published
    is published now (publish_post), the others show again where they were."""
    if post.status in UNPUBLISHED_STATUSES:
        publish_post(post)
    elif post.status in (PostStatus.HIDDEN, PostStatus.REMOVED):
        post.status = PostStatus.VISIBLE
        if post.is_first:
            db.session.get(Thread, post.thread_id).status = PostStatus.VISIBLE
    post.decision_reason = None
    db.session.flush()


def withdraw_post(post: Post, public_reason: str) -> None:
    """A moderator's removal: a published post leaves a placeholder, a held one is declined and
    stays out of everyone else's sight; its author reads it with the reason."""
    post.status = PostStatus.DECLINED if post.status in UNPUBLISHED_STATUSES else PostStatus.REMOVED
    post.decision_reason = public_reason
    if post.is_first:
        db.session.get(Thread, post.thread_id).status = post.status
    db.session.flush()


def publish_post(post: Post) -> None:
    """Publish a held (or declined) post, once a moderator approves it: it appears, and its
    thread's reply count and last activity (and its space's) move now, not when it was written."""
    if post.status not in UNPUBLISHED_STATUSES:
        return
    post.status = PostStatus.VISIBLE
    now = utcnow()
    thread = db.session.get(Thread, post.thread_id)
    if post.is_first:
        thread.status = PostStatus.VISIBLE
        thread.last_activity_at = now
    else:
        db.session.execute(
            update(Thread)
            .where(Thread.id == thread.id)
            .values(reply_count=Thread.reply_count + 1, last_activity_at=now)
        )
    db.session.get(Space, post.space_id).last_activity_at = now
    db.session.flush()
    db.session.refresh(thread)
    tell_of_post(post)  # only now: a held post told nobody


def hold_again(post: Post, thread: Thread | None) -> None:
    """Take a published post back to waiting for approval: it leaves the lists and counts it
    was in until publish_post() puts it back."""
    post.status = PostStatus.PENDING
    if thread is not None:  # the first post: its thread waits with it
        thread.status = PostStatus.PENDING
    else:
        db.session.execute(
            update(Thread)
            .where(Thread.id == post.thread_id)
            .values(reply_count=Thread.reply_count - 1)
        )
