"""Fixtures of the mail tests: a real SMTP server on loopback, and accounts that get mail."""

import pytest

from forum.extensions import db
from forum.models import MailMode, MailStatus, Notification, NotificationKind, User
from forum.notifications.services import notify
from tests.support.mailbox import Mailbox, start_server

SITE_URL = "https://forum.example.org"


@pytest.fixture(scope="module")
def smtp_server():
    """One SMTP server for the module's tests, on a free port of the loopback."""
    mailbox = Mailbox()
    controller = start_server(mailbox)
    yield mailbox
    controller.stop()


@pytest.fixture
def mailbox(app, smtp_server) -> Mailbox:
    """The app sends to the test's SMTP server, and builds links from SITE_URL."""
    smtp_server.clear()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SITE_URL=SITE_URL)
    return smtp_server


def address_for(username: str) -> str:
    """An address that does not spell the username, so a mail naming the account shows."""
    return f"inbox-{len(username)}-{sum(map(ord, username))}@example.org"


@pytest.fixture
def mail_reader(make_user):
    """An account with an address and mail on: immediate unless told otherwise."""

    def make(username: str, mode: MailMode = MailMode.IMMEDIATE, **kwargs) -> User:
        user = make_user(username, email=address_for(username), **kwargs)
        user.mail_mode = mode
        db.session.commit()
        return user

    return make


def mailed_notification(user: User, kind: NotificationKind, **about) -> Notification:
    """Tell the account something; it waits for the mail, as for anyone with mail on."""
    notification = notify(user.id, kind, **about)
    db.session.commit()
    assert notification.mail_status == MailStatus.WAITING
    return notification


def told_of_reply(user: User, answer) -> Notification:
    """What the account was told of a reply to its thread (posting the reply told it)."""
    return db.session.scalars(
        db.select(Notification).filter_by(
            user_id=user.id, kind=NotificationKind.REPLY, post_id=answer.id
        )
    ).one()


def to_be_mailed(user: User) -> None:
    """Mark what the account was told as waiting for the mail, as notify() does for someone
    with mail on (for notifications a use case made, such as a moderator's decision)."""
    for notification in db.session.scalars(
        db.select(Notification).where(Notification.user_id == user.id)
    ):
        notification.mail_status = MailStatus.WAITING
    db.session.commit()
