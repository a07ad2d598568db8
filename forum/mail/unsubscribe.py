"""Unsubscribe links: a signed token per account and address, and stopping an account's mail.

The token names the account's id, signed with SECRET_KEY under a salt that carries the account's
current address: a link mailed to an address stops working once the account moves to another
one, so a mailbox the person gave up cannot change their settings. It does not expire: a mail
read months later must still let its reader stop the mails (and the big mailbox providers ask
that one-click links keep working), and all it can do is turn mail off, which its owner can
undo in their settings.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import update

from forum.extensions import db
from forum.models import MailMode, MailStatus, Notification, User

SALT = "mail-unsubscribe"
LARGEST_ID = 2**31 - 1  # an integer column's largest value: a forged id beyond it is no account
ONE_CLICK = {"List-Unsubscribe": "One-Click"}  # RFC 8058's body of a one-click POST


def _serializer(address: str | None) -> URLSafeSerializer:
    salt = SALT if address is None else f"{SALT} {address.strip().lower()}"
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def unsubscribe_token(user: User) -> str:
    """The token of the account's unsubscribe link, for its current address."""
    return _serializer(user.email).dumps(user.id)


def account_of(token: str) -> User | None:
    """The account whose link this is, or None for a forged, tampered or outdated token."""
    # The id is read before it is checked: the check needs the address of the account it names.
    _, user_id = _serializer(None).loads_unsafe(token)
    if type(user_id) is not int or not 0 < user_id <= LARGEST_ID:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.email:
        return None
    try:
        _serializer(user.email).loads(token)
    except BadSignature:
        return None
    return user


def is_one_click(form) -> bool:
    """Whether a POST is the one-click unsubscribe a mail client sends (RFC 8058)."""
    return all(form.get(name) == value for name, value in ONE_CLICK.items())


def stop_mail(user: User) -> None:
    """Turn the account's mail off; what was waiting to be mailed is not mailed."""
    user.mail_mode = MailMode.OFF
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.mail_status == MailStatus.WAITING)
        .values(mail_status=MailStatus.SKIPPED)
    )
    db.session.flush()
