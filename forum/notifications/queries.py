"""Reading notifications: the viewer's page of them in words, and their unread count.

Each notification is told from its log entry as the recipient may read it now: a space they can
no longer read shows nothing from it (no name, handle, reason or link), only that a decision was
made, and the way to appeal it when they may. The moderator's name and private note never
appear.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased

from forum import header_counts, policy
from forum.extensions import db
from forum.models import (
    ActionKind,
    ModAction,
    Notification,
    NotificationKind,
    Persona,
    Post,
    PostStatus,
    QueueItem,
    Space,
    User,
)
from forum.pagination import Page, paginate
from forum.policy import APPEALABLE, Action

NOTIFICATIONS_PER_PAGE = 30


@dataclass(frozen=True)
class Told:
    """One notification as its page shows it."""

    id: int
    at: datetime
    is_unread: bool
    text: str  # what the page says
    # What a mail may say: what happened and where, never a thread's title or a post's words
    # from a space that is not public (mailboxes are less private than the site).
    summary: str
    reason: str  # the decision's public reason; "" when none or not to be shown
    post_public_id: str | None  # a link to the post, when the recipient may read it
    appeal_entry_id: int | None  # a link to appeal, when they may
    has_appealed: bool


def unread_count_column():
    """The header's count of the viewer's unread notifications, with the viewer as parameter."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == bindparam("viewer_id"), Notification.read_at.is_(None))
        .scalar_subquery()
    )


def _when(moment: datetime) -> str:
    return f"{moment:%d %B %Y, %H:%M} UTC"


def _sanction_end(entry: ModAction) -> str:
    days = (entry.changes or {}).get("days")
    return (
        "with no end date"
        if days is None
        else f"until {_when(entry.created_at + timedelta(days=days))}"
    )


def _decision_text(entry: ModAction, where: str) -> str:
    if entry.action == ActionKind.POST_REMOVED:
        return f"A moderator removed your post in {where}."
    if entry.action == ActionKind.POST_REMOVED_AND_MUTED:
        return (
            f"A moderator removed your post in {where} and muted you there "
            f"{_sanction_end(entry)}: you can read the space but not post."
        )
    if entry.action == ActionKind.PERSONA_BANNED:
        return f"A moderator banned you from {where} {_sanction_end(entry)}."
    if entry.action == ActionKind.POST_APPROVED:
        return f"A moderator approved your post in {where}: it is published."
    if entry.action == ActionKind.THREAD_LOCKED:
        return f"A moderator locked your thread in {where}: it takes no new replies."
    return f"A moderator made a decision about your post in {where}."


def _appeal_text(entry: ModAction, where: str) -> str:
    if entry.action == ActionKind.APPEAL_GRANTED:
        return f"Your appeal in {where} was granted: the decision is undone."
    return f"Your appeal in {where} was refused: the decision stands."


def _text(kind: NotificationKind, entry: ModAction | None, space_name: str, handle: str) -> str:
    if kind == NotificationKind.REVEAL:
        return f"Your pseudonym {handle} in {space_name} was revealed to a site admin."
    if entry is None:
        return f"A moderator made a decision in {space_name}."
    if kind == NotificationKind.APPEAL_OUTCOME:
        return _appeal_text(entry, space_name)
    return _decision_text(entry, space_name)


def _unreadable_text(kind: NotificationKind) -> str:
    if kind == NotificationKind.REVEAL:
        return "Your pseudonym in a space you can no longer read was revealed to a site admin."
    if kind == NotificationKind.APPEAL_OUTCOME:
        return "Your appeal in a space you can no longer read was decided."
    return (
        "A moderator made a decision about your post or pseudonym in a space you can no "
        "longer read."
    )


def _reason(notification: Notification, entry: ModAction | None) -> str:
    if notification.kind == NotificationKind.REVEAL:
        return (notification.data or {}).get("reason", "")  # why the asker asked
    return entry.public_reason if entry is not None else ""


def _told(viewer: User, row) -> Told:
    notification, entry, space, handle, post_id, post_status, appeal_id = row
    readable = space is not None and policy.can(viewer, Action.READ_SPACE, space)
    may_appeal = (
        entry is not None
        and notification.kind == NotificationKind.DECISION
        and entry.action in APPEALABLE
        and (appeal_id is not None or policy.can(viewer, Action.APPEAL_DECISION, entry))
    )
    if readable:
        text = _text(notification.kind, entry, space.name, handle or "")
        reason = _reason(notification, entry)
        shows_post = post_id is not None and post_status != PostStatus.DELETED
    else:
        text, reason, shows_post = _unreadable_text(notification.kind), "", False
    return Told(
        id=notification.id,
        at=notification.created_at,
        is_unread=notification.read_at is None,
        text=text,
        summary=text,  # these kinds name only the space and the recipient's own handle
        reason=reason,
        post_public_id=post_id if shows_post else None,
        appeal_entry_id=entry.id if may_appeal else None,
        has_appealed=appeal_id is not None,
    )


def _statement():
    target = aliased(Persona)
    return (
        select(
            Notification,
            ModAction,
            Space,
            target.handle,
            Post.public_id,
            Post.status,
            QueueItem.id,
        )
        .outerjoin(ModAction, ModAction.id == Notification.mod_action_id)
        .outerjoin(Space, Space.id == Notification.space_id)
        .outerjoin(target, target.id == ModAction.target_persona_id)
        .outerjoin(Post, Post.id == Notification.post_id)
        .outerjoin(QueueItem, QueueItem.appeal_of_id == ModAction.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def notification_page(viewer: User, number: int) -> Page:
    """One page of the viewer's notifications, newest first, told as they may read them now:
    a count and one query, whatever the page holds, besides the viewer's standing."""
    statement = _statement().where(Notification.user_id == viewer.id)
    page = paginate(statement, number, NOTIFICATIONS_PER_PAGE, scalars=False)
    policy.memberships_of(viewer)  # the viewer's standing in every space, read at once
    told = [_told(viewer, row) for row in page.items]
    return Page(told, page.number, page.per_page, page.total)


def told(viewer: User, notification_ids: list[int]) -> list[Told]:
    """The viewer's notifications of these ids, told as the page tells them (the mail sender's
    reading): one query, besides the viewer's standing."""
    statement = _statement().where(
        Notification.user_id == viewer.id, Notification.id.in_(notification_ids)
    )
    rows = db.session.execute(statement).all()
    policy.memberships_of(viewer)
    return [_told(viewer, row) for row in rows]


def init_app(app) -> None:
    """Give the site header the viewer's unread count (a column of its one query)."""
    header_counts.add_column(app, "unread", unread_count_column)
