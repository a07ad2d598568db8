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
from forum.identity import authors
from forum.models import (
    ActionKind,
    Event,
    Invitation,
    ModAction,
    Notification,
    NotificationKind,
    Persona,
    Post,
    PostStatus,
    QueueItem,
    Space,
    Thread,
    User,
)
from forum.notifications import words
from forum.pagination import Page, paginate
from forum.policy import APPEALABLE, Action

# Kinds told from a mod log entry (decisions, appeals, the reveal); the others by words.py.
FROM_THE_LOG = frozenset(
    {NotificationKind.DECISION, NotificationKind.APPEAL_OUTCOME, NotificationKind.REVEAL}
)
# Consecutive unread notifications of these kinds about one thread, or one space, are one entry.
GROUPED_BY_THREAD = frozenset({NotificationKind.REPLY})
GROUPED_BY_SPACE = frozenset({NotificationKind.JOIN_REQUEST, NotificationKind.QUEUE_WAITING})

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
    link: str | None = None  # the path to follow, when the recipient may follow it now
    link_text: str = ""
    # Every notification the entry stands for (a group: "3 new replies in …"), this one first.
    ids: tuple[int, ...] = ()


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


def _told_from_the_log(viewer: User, row) -> Told:
    notification, entry, space = row.Notification, row.ModAction, row.Space
    readable = space is not None and policy.can(viewer, Action.READ_SPACE, space)
    may_appeal = (
        entry is not None
        and notification.kind == NotificationKind.DECISION
        and entry.action in APPEALABLE
        and (row.appeal_id is not None or policy.can(viewer, Action.APPEAL_DECISION, entry))
    )
    if readable:
        text = _text(notification.kind, entry, space.name, row.target_handle or "")
        reason = _reason(notification, entry)
        shows_post = row.post_public_id is not None and row.post_status != PostStatus.DELETED
    else:
        text, reason, shows_post = _unreadable_text(notification.kind), "", False
    post_public_id = row.post_public_id if shows_post else None
    return Told(
        id=notification.id,
        at=notification.created_at,
        is_unread=notification.read_at is None,
        text=text,
        summary=text,  # these kinds name only the space and the recipient's own handle
        reason=reason,
        post_public_id=post_public_id,
        appeal_entry_id=entry.id if may_appeal else None,
        has_appealed=row.appeal_id is not None,
        link=words.path("threads.permalink", post_public_id=post_public_id)
        if post_public_id
        else None,
        link_text="See the post",
        ids=(notification.id,),
    )


def _told(viewer: User, rows: list) -> Told:
    """One entry of the page: a notification, or a group of them (newest first)."""
    row = rows[0]
    if row.Notification.kind in FROM_THE_LOG:
        return _told_from_the_log(viewer, row)
    first = rows[-1]  # a group links to its earliest: the first new reply
    notification = row.Notification
    target = words.Target(
        kind=notification.kind,
        data=first.Notification.data or {},
        space=row.Space,
        reason=row.ModAction.public_reason if row.ModAction is not None else "",
        post_public_id=first.post_public_id,
        post_status=first.post_status,
        thread_title=row.thread_title,
        thread_status=row.thread_status,
        author=authors.author(first) if first.handle is not None else None,
        invitation=row.Invitation,
        event=row.Event,
        count=len(rows),
    )
    said = words.telling(viewer, target)
    return Told(
        id=notification.id,
        at=notification.created_at,
        is_unread=notification.read_at is None,
        text=said.text,
        summary=said.summary,
        reason=said.reason,
        post_public_id=None,
        appeal_entry_id=None,
        has_appealed=False,
        link=said.link,
        link_text=said.link_text,
        ids=tuple(r.Notification.id for r in rows),
    )


def _group_key(notification: Notification):
    if notification.read_at is not None:
        return None
    if notification.kind in GROUPED_BY_THREAD and notification.thread_id is not None:
        return (notification.kind, "thread", notification.thread_id)
    if notification.kind in GROUPED_BY_SPACE:
        return (notification.kind, "space", notification.space_id)
    return None


def _grouped(rows) -> list[list]:
    """Consecutive unread rows about the same thread (replies) or space (what waits for
    staff) as one group; every other row alone."""
    groups: list[list] = []
    for row in rows:
        key = _group_key(row.Notification)
        if groups and key is not None and _group_key(groups[-1][0].Notification) == key:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def _statement():
    target = aliased(Persona)
    statement = (
        select(
            Notification,
            ModAction,
            Space,
            target.handle.label("target_handle"),
            Post.public_id.label("post_public_id"),
            Post.status.label("post_status"),
            QueueItem.id.label("appeal_id"),
            Thread.title.label("thread_title"),
            Thread.status.label("thread_status"),
            Invitation,
            Event,
            *authors.author_columns(True),
        )
        .outerjoin(ModAction, ModAction.id == Notification.mod_action_id)
        .outerjoin(Space, Space.id == Notification.space_id)
        .outerjoin(target, target.id == ModAction.target_persona_id)
        .outerjoin(Post, Post.id == Notification.post_id)
        .outerjoin(Thread, Thread.id == Notification.thread_id)
        .outerjoin(QueueItem, QueueItem.appeal_of_id == ModAction.id)
        .outerjoin(Invitation, Invitation.id == Notification.invitation_id)
        .outerjoin(Event, Event.id == Notification.event_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    # The author of the post a reply or mention is about: as the space shows it.
    return authors.join_author(statement, Post.persona_id, outer=True)


def notification_page(viewer: User, number: int) -> Page:
    """One page of the viewer's notifications, newest first, told as they may read them now:
    a count and one query, whatever the page holds, besides the viewer's standing."""
    statement = (
        _statement()
        .where(Notification.user_id == viewer.id)
        .params(authors.viewer_parameters(viewer))
    )
    page = paginate(statement, number, NOTIFICATIONS_PER_PAGE, scalars=False)
    policy.memberships_of(viewer)  # the viewer's standing in every space, read at once
    told = [_told(viewer, rows) for rows in _grouped(page.items)]
    return Page(told, page.number, page.per_page, page.total)


def told(viewer: User, notification_ids: list[int]) -> list[Told]:
    """The viewer's notifications of these ids, told as the page tells them (the mail sender's
    reading): one query, besides the viewer's standing."""
    statement = (
        _statement()
        .where(Notification.user_id == viewer.id, Notification.id.in_(notification_ids))
        .params(authors.viewer_parameters(viewer))
    )
    rows = db.session.execute(statement).all()
    policy.memberships_of(viewer)
    return [_told(viewer, [row]) for row in rows]


def init_app(app) -> None:
    """Give the site header the viewer's unread count (a column of its one query)."""
    header_counts.add_column(app, "unread", unread_count_column)
