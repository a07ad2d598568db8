"""How each person wants each kind of notification: off, in the app, or also by mail."""

from sqlalchemy import ColumnElement, and_, func, literal, select

from forum.errors import DomainError
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

# What waits for staff and organisers is told in the app by default, where they do the work.
IN_THE_APP_BY_DEFAULT = frozenset(
    {
        NotificationKind.JOIN_REQUEST,
        NotificationKind.QUEUE_WAITING,
        NotificationKind.EVENT_REGISTRATION,
    }
)

DEFAULT_DELIVERY = {
    kind: Delivery.APP if kind in IN_THE_APP_BY_DEFAULT else Delivery.MAIL
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


def delivery_of(user: User, kind: NotificationKind) -> Delivery:
    """The person's choice for one kind, the default when they made none: one query."""
    chosen = db.session.scalar(
        select(NotificationPreference.delivery).where(
            NotificationPreference.user_id == user.id, NotificationPreference.kind == kind
        )
    )
    return chosen or DEFAULT_DELIVERY[kind]


def delivery_column(kind: NotificationKind) -> ColumnElement[str]:
    """delivery_of() as SQL, per row of `users`: for telling many people at once."""
    chosen = (
        select(NotificationPreference.delivery)
        .where(NotificationPreference.user_id == User.id, NotificationPreference.kind == kind)
        .scalar_subquery()
    )
    return func.coalesce(chosen, literal(DEFAULT_DELIVERY[kind].value))


def is_mailed_condition(delivery: ColumnElement[str]) -> ColumnElement[bool]:
    """is_mailed() as SQL, per row of `users`."""
    return and_(
        delivery == Delivery.MAIL.value,
        User.email.is_not(None),
        User.email != "",
        User.mail_mode != MailMode.OFF,
    )


NEEDS_AN_ADDRESS = (
    "To get notifications by e-mail, first give an e-mail address in your settings. "
    "Nothing was saved."
)


def save_preferences(
    user: User, deliveries: dict[NotificationKind, Delivery], mail_mode: MailMode
) -> None:
    """Keep the person's choice for each kind and their mail mode; a row only where the choice
    differs from the kind's default. Refused: an always-told kind off, or mail without an
    address."""
    if mail_mode != MailMode.OFF and not user.email:
        raise DomainError(NEEDS_AN_ADDRESS)
    for kind, delivery in deliveries.items():
        if kind in ALWAYS_TOLD and delivery == Delivery.OFF:
            raise DomainError("You are always told of that in the app. Nothing was saved.")
    db.session.execute(
        db.delete(NotificationPreference).where(NotificationPreference.user_id == user.id)
    )
    db.session.add_all(
        NotificationPreference(user_id=user.id, kind=kind, delivery=delivery)
        for kind, delivery in deliveries.items()
        if delivery != DEFAULT_DELIVERY[kind]
    )
    user.mail_mode = mail_mode
    db.session.flush()
