"""Telling people: notify() and notify_many() add notifications in the action's transaction.

notify_many() tells many accounts at once, in one statement."""

from sqlalchemy import Integer, Select, String, and_, case, insert, literal, not_, select, true
from sqlalchemy.types import JSON

from forum import policy
from forum.extensions import db
from forum.models import (
    Delivery,
    Event,
    Invitation,
    MailStatus,
    Membership,
    MembershipStatus,
    ModAction,
    Notification,
    NotificationKind,
    Post,
    Space,
    Thread,
    User,
)
from forum.models.types import UTCDateTime, utcnow
from forum.notifications import preferences
from forum.notifications.preferences import ALWAYS_TOLD


def notify(
    user_id: int,
    kind: NotificationKind,
    *,
    space: Space | None = None,
    thread: Thread | None = None,
    post: Post | None = None,
    entry: ModAction | None = None,
    invitation: Invitation | None = None,
    event: Event | None = None,
    data: dict | None = None,
) -> Notification | None:
    """Tell one account that something happened, as they chose to be told of this kind (None
    when they turned it off); the caller's commit makes it so.

    `entry` is the mod log entry of a decision, an appeal's outcome or a reveal: the page shows
    its action and public reason, never its actor or private note.
    """
    user = db.session.get(User, user_id)
    delivery = preferences.delivery_of(user, kind)
    if delivery == Delivery.OFF and kind not in ALWAYS_TOLD:
        return None
    notification = Notification(
        user_id=user_id,
        kind=kind,
        space_id=space.id if space else None,
        thread_id=thread.id if thread else (post.thread_id if post else None),
        post_id=post.id if post else None,
        mod_action_id=entry.id if entry else None,
        invitation_id=invitation.id if invitation else None,
        event_id=event.id if event else None,
        data=data or {},
        mail_status=MailStatus.WAITING
        if preferences.is_mailed(user, delivery)
        else MailStatus.NONE,
    )
    db.session.add(notification)
    db.session.flush()
    return notification


def notify_many(
    recipients: Select,
    kind: NotificationKind,
    *,
    space: Space,
    actor_id: int | None = None,
    thread_id: int | None = None,
    post: Post | None = None,
    event_id: int | None = None,
    data: dict | None = None,
    staff_only: bool = False,
    unless_unread_of_space: bool = False,
) -> int:
    """Tell every account whose id `recipients` selects, in one INSERT … SELECT: only those who
    may read the space now (with `staff_only`, who run it), never the actor, never someone who
    turned the kind off, and at most once per post. With `unless_unread_of_space`, nobody who
    has an unread notification of this kind about the space already (a busy queue tells once).
    Return how many were told."""
    delivery = preferences.delivery_column(kind)
    told_already = select(Notification.id).where(Notification.user_id == User.id)
    conditions = [
        User.id.in_(recipients),
        policy.readers_condition(space, staff=staff_only),
        User.id != actor_id if actor_id is not None else true(),
        delivery != Delivery.OFF.value if kind not in ALWAYS_TOLD else true(),
    ]
    if post is not None:  # one notification per person and post, whatever the reasons
        conditions.append(not_(told_already.where(Notification.post_id == post.id).exists()))
    if unless_unread_of_space:
        conditions.append(
            not_(
                told_already.where(
                    Notification.kind == kind,
                    Notification.space_id == space.id,
                    Notification.read_at.is_(None),
                ).exists()
            )
        )
    if thread_id is None and post is not None:
        thread_id = post.thread_id
    mail_status = case(
        (preferences.is_mailed_condition(delivery), MailStatus.WAITING.value),
        else_=MailStatus.NONE.value,
    )
    rows = select(
        User.id,
        literal(kind.value, String),
        literal(space.id, Integer),
        literal(thread_id, Integer),
        literal(post.id if post else None, Integer),
        literal(event_id, Integer),
        literal(data or {}, JSON),
        literal(utcnow(), UTCDateTime),
        mail_status,
        literal(0, Integer),
    ).where(and_(*conditions))
    # The clauses decide a lapsed persona ban by the time, bound here.
    rows = rows.params(now=utcnow())
    statement = insert(Notification.__table__).from_select(
        [
            "user_id",
            "kind",
            "space_id",
            "thread_id",
            "post_id",
            "event_id",
            "data",
            "created_at",
            "mail_status",
            "mail_attempts",
        ],
        rows,
    )
    return db.session.execute(statement).rowcount


def _members_of(space: Space):
    return select(Membership.user_id).where(
        Membership.space_id == space.id, Membership.status == MembershipStatus.ACTIVE
    )


def tell_members(
    space: Space, kind: NotificationKind, *, actor_id: int | None, data: dict | None = None
) -> int:
    """Tell every active member with access to the space now (not the actor): one statement."""
    return notify_many(_members_of(space), kind, space=space, actor_id=actor_id, data=data)


def tell_staff(
    space: Space, kind: NotificationKind, *, actor_id: int | None = None, once: bool = False
) -> int:
    """Tell the space's moderators and owners that something waits for them; with `once`, not
    again until they read it (a busy queue leaves one unread notification each)."""
    return notify_many(
        _members_of(space),
        kind,
        space=space,
        actor_id=actor_id,
        staff_only=True,
        unless_unread_of_space=once,
    )
