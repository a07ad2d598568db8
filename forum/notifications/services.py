"""Telling people: notify() adds a notification in the transaction of the action that causes it."""

from forum.extensions import db
from forum.models import ModAction, Notification, NotificationKind, Post, Space


def notify(
    user_id: int,
    kind: NotificationKind,
    *,
    space: Space | None = None,
    post: Post | None = None,
    entry: ModAction | None = None,
    data: dict | None = None,
) -> Notification:
    """Tell one account that something happened; the caller's commit makes it so.

    `entry` is the mod log entry of a decision, an appeal's outcome or a reveal: the page shows
    its action and public reason, never its actor or private note.
    """
    notification = Notification(
        user_id=user_id,
        kind=kind,
        space_id=space.id if space else None,
        post_id=post.id if post else None,
        mod_action_id=entry.id if entry else None,
        data=data or {},
    )
    db.session.add(notification)
    db.session.flush()
    return notification
