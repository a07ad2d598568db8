"""How each person wants each kind of notification: off, in the app, or also by mail."""

from forum.extensions import db
from forum.models import Delivery, MailMode, NotificationKind, NotificationPreference, User

# Kinds a person is always told in the app: what was decided about them, and the promises of a
# space they belong to. They may still choose whether these come by mail.
ALWAYS_TOLD = frozenset(
    {
        NotificationKind.DECISION,
        NotificationKind.APPEAL_OUTCOME,
        NotificationKind.REVEAL,
        NotificationKind.SPACE_CHANGE,
    }
)

DEFAULT_DELIVERY = {
    kind: Delivery.APP
    if kind in (NotificationKind.JOIN_REQUEST, NotificationKind.QUEUE_WAITING)
    else Delivery.MAIL
    for kind in NotificationKind
}


def deliveries_of(user: User) -> dict[NotificationKind, Delivery]:
    """The person's choice for every kind, the defaults filled in: one query."""
    chosen = dict(
        db.session.execute(
            db.select(NotificationPreference.kind, NotificationPreference.delivery).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in NotificationKind}


def is_mailed(user: User, delivery: Delivery) -> bool:
    """Whether a notification delivered so goes out by mail to this person now."""
    return delivery == Delivery.MAIL and bool(user.email) and user.mail_mode != MailMode.OFF
