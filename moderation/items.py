"""Queue items: open one for a post (or join the one already open), claim one, settle one."""

from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from forum.models import (
    Decision,
    NotificationKind,
    Post,
    QueueItem,
    QueueKind,
    QueueStatus,
    Space,
    User,
)
from forum.models.types import utcnow
from forum.notifications.services import tell_staff


def open_item_for(post: Post, kind: QueueKind) -> QueueItem:
    """The post's open item, made now when there is none: one open item per post, also when
    two reports arrive at the same instant (the unique open_post_id decides which insert wins).
    """
    item = open_item_of(post)
    if item is not None:
        return item
    item = QueueItem(
        kind=kind,
        space_id=post.space_id,
        post_id=post.id,
        open_post_id=post.id,
        persona_id=post.persona_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:
        return open_item_of(post)  # the other request made it first
    if kind != QueueKind.REVIEW:  # a review item is opened by the moderator deciding
        tell_queue_waits(post.space_id)
    return item


def tell_queue_waits(space_id: int, actor_id: int | None = None) -> None:
    """Tell the space's staff that an item waits in the queue (once until they read it)."""
    space = db.session.get(Space, space_id)
    tell_staff(space, NotificationKind.QUEUE_WAITING, actor_id=actor_id, once=True)


def open_item_of(post: Post) -> QueueItem | None:
    """The post's open flagged, held or review item, if any (appeals are not about a post)."""
    return db.session.scalar(
        select(QueueItem).where(
            QueueItem.open_post_id == post.id, QueueItem.status == QueueStatus.OPEN
        )
    )


def claimed_notice(item: QueueItem) -> str:
    """What a moderator is told while another holds the item (never who)."""
    return f"Another moderator is reviewing this item until {item.claimed_until:%H:%M} UTC."


def is_claimed_by_other(item: QueueItem, user: User) -> bool:
    return (
        item.claimed_by_id is not None
        and item.claimed_by_id != user.id
        and item.claimed_until is not None
        and item.claimed_until > utcnow()
    )


def claim(item: QueueItem, user: User, minutes: int) -> bool:
    """Hold the open item for `minutes` for this moderator, unless another holds it now.

    One conditional UPDATE, so two moderators opening the item at once do not both hold it.
    Return whether the viewer holds it afterwards.
    """
    now = utcnow()
    claimed = db.session.execute(
        update(QueueItem)
        .where(
            QueueItem.id == item.id,
            QueueItem.status == QueueStatus.OPEN,
            or_(
                QueueItem.claimed_by_id.is_(None),
                QueueItem.claimed_by_id == user.id,
                QueueItem.claimed_until <= now,
            ),
        )
        .values(claimed_by_id=user.id, claimed_until=now + timedelta(minutes=minutes))
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(item)
    return claimed.rowcount == 1


def settle(item: QueueItem, user: User, decision: Decision) -> bool:
    """Mark the open item decided by this moderator; False when it was decided already.

    One conditional UPDATE is the whole race: of two moderators deciding at the same instant,
    on SQLite or PostgreSQL, exactly one changes the row. The caller makes no other change
    unless this returns True.
    """
    settled = db.session.execute(
        update(QueueItem)
        .where(QueueItem.id == item.id, QueueItem.status == QueueStatus.OPEN)
        .values(
            status=QueueStatus.DECIDED,
            decision=decision,
            decided_by_id=user.id,
            decided_at=utcnow(),
            open_post_id=None,
            claimed_by_id=None,
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(item)
    return settled.rowcount == 1
