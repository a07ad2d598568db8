"""Notification mails: what they may say (only what is safe in a mailbox) and their headers.

A mail says what happened and where, from `Told.summary`, which never holds a thread's title or
a post's words, and gives a link; it never names the account behind a pseudonym (it greets
nobody by username) nor a moderator. What a recipient can no longer read is told as the
notifications page tells it: nothing from it.
"""

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from urllib.parse import urlsplit

from flask import current_app, render_template

from forum.links import absolute_url, on_site
from forum.models import NotificationKind
from forum.notifications.queries import Told

SITE_NAME = "Safe Spaces"

SUBJECTS = {
    NotificationKind.DECISION: "A moderator's decision about your post",
    NotificationKind.APPEAL_OUTCOME: "Your appeal was decided",
    NotificationKind.REVEAL: "Your pseudonym was revealed to a site admin",
    NotificationKind.REPLY: "A new reply",
    NotificationKind.MENTION: "You were mentioned",
    NotificationKind.JOIN_APPROVED: "Your request to join was approved",
    NotificationKind.JOIN_DECLINED: "Your request to join was declined",
    NotificationKind.INVITATION: "You were invited to a space",
    NotificationKind.SPACE_CHANGE: "A change was announced in a space of yours",
    NotificationKind.JOIN_REQUEST: "A request to join waits for you",
    NotificationKind.QUEUE_WAITING: "An item waits in the moderation queue",
}

# How a digest counts each kind: one, several, and the word before the space's name.
COUNTED = {
    NotificationKind.DECISION: ("moderation decision", "moderation decisions", "in"),
    NotificationKind.APPEAL_OUTCOME: ("appeal decided", "appeals decided", "in"),
    NotificationKind.REVEAL: ("pseudonym revealed", "pseudonyms revealed", "in"),
    NotificationKind.REPLY: ("new reply", "new replies", "in"),
    NotificationKind.MENTION: ("mention of you", "mentions of you", "in"),
    NotificationKind.JOIN_APPROVED: ("request approved", "requests approved", "to join"),
    NotificationKind.JOIN_DECLINED: ("request declined", "requests declined", "to join"),
    NotificationKind.INVITATION: ("invitation", "invitations", "to"),
    NotificationKind.SPACE_CHANGE: ("announced change", "announced changes", "in"),
    NotificationKind.JOIN_REQUEST: ("request to join", "requests to join", "waiting in"),
    NotificationKind.QUEUE_WAITING: ("queue item", "queue items", "waiting in"),
}
NO_LONGER_READ = "a space you can no longer read"


@dataclass(frozen=True)
class Entry:
    """One notification in a mail: what it says and where it leads."""

    summary: str
    link: str


@dataclass(frozen=True)
class DigestGroup:
    """Notifications of one kind in one space: "3 new replies in The public circle"."""

    heading: str
    entries: list[Entry]


def link_of(told: Told) -> str:
    """Where a mail about this notification leads: where the page's link leads, while the
    recipient may follow it, else their notifications page."""
    if told.link:
        return on_site(told.link)
    return absolute_url("notifications.index")


def entry_of(told: Told) -> Entry:
    return Entry(told.summary, link_of(told))


def notification_mail(address: str, kind: NotificationKind, told: Told, token: str, now: datetime):
    """The mail of one notification."""
    body = render_template("mail/notification.txt", entry=entry_of(told), **_footer(token))
    return _message(address, SUBJECTS[kind], body, token, now)


def digest_groups(
    told_rows: list[tuple[int | None, NotificationKind, Told]], readable_names: dict[int, str]
) -> list[DigestGroup]:
    """The digest's notifications (space id, kind, told) by space and kind, in the order given;
    spaces the recipient can no longer read are not named, and make one group of each kind."""
    grouped: dict[tuple, list[Entry]] = {}
    for space_id, kind, told in told_rows:
        key = (_place(space_id, readable_names), kind)
        grouped.setdefault(key, []).append(entry_of(told))
    return [
        DigestGroup(_heading(kind, len(entries), where), entries)
        for (where, kind), entries in grouped.items()
    ]


def _place(space_id: int | None, readable_names: dict[int, str]) -> str:
    """Where a notification happened, as a digest may say it ("" when in no space)."""
    if space_id is None:
        return ""
    return readable_names.get(space_id, NO_LONGER_READ)


def _heading(kind: NotificationKind, count: int, where: str) -> str:
    one, several, preposition = COUNTED[kind]
    counted = f"{count} {one if count == 1 else several}"
    return f"{counted} {preposition} {where}" if where else counted


def digest_mail(address: str, groups: list[DigestGroup], token: str, now: datetime):
    """The daily digest of an account's notifications."""
    count = sum(len(group.entries) for group in groups)
    subject = f"Your daily digest: {count} notification{'' if count == 1 else 's'}"
    body = render_template("mail/digest.txt", groups=groups, **_footer(token))
    return _message(address, subject, body, token, now)


def _footer(token: str) -> dict:
    return {
        "site_name": SITE_NAME,
        "settings_url": absolute_url("notifications.settings"),
        "unsubscribe_url": absolute_url("mail.unsubscribe", token=token),
    }


def site_host() -> str:
    return urlsplit(current_app.config["SITE_URL"]).hostname


def sender_address() -> str:
    """MAIL_FROM, or a no-reply address at the site's host."""
    return current_app.config["MAIL_FROM"] or formataddr((SITE_NAME, f"no-reply@{site_host()}"))


def _message(address: str, subject: str, body: str, token: str, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"[{SITE_NAME}] {subject}"
    message["From"] = sender_address()
    message["To"] = address
    message["Date"] = format_datetime(now)
    # The site's host, not this machine's name (make_msgid's default).
    message["Message-ID"] = make_msgid(domain=site_host())
    # RFC 8058 one-click unsubscribing: the mail client POSTs to the link, no page to open.
    message["List-Unsubscribe"] = f"<{absolute_url('mail.unsubscribe', token=token)}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(body)
    return message
