"""Notification: something a person is told in the app (and perhaps by mail), read or not."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.space import enum_column
from forum.models.types import UTCDateTime, utcnow


class NotificationKind(StrEnum):
    DECISION = "decision"  # a moderator decided about your post or your persona
    APPEAL_OUTCOME = "appeal_outcome"
    REVEAL = "reveal"  # your pseudonym in a space was revealed to the site admins
    REPLY = "reply"  # a reply to your post, or in a thread you watch
    MENTION = "mention"  # @handle or @username, resolved within one space
    JOIN_APPROVED = "join_approved"  # with the moderator's message
    JOIN_DECLINED = "join_declined"
    INVITATION = "invitation"  # a space's staff invited you by name
    SPACE_CHANGE = "space_change"  # a change of a space's settings was scheduled
    JOIN_REQUEST = "join_request"  # for a space's staff: a request waits
    QUEUE_WAITING = "queue_waiting"  # for a space's staff: an item waits in the queue
    EVENT_ACCEPTED = "event_accepted"  # your registration was accepted
    EVENT_DECLINED = "event_declined"
    EVENT_CHANGED = "event_changed"  # the time, place or link of an event you registered for
    EVENT_CANCELLED = "event_cancelled"
    EVENT_REMINDER = "event_reminder"  # a day before an event you are accepted for
    EVENT_REGISTRATION = "event_registration"  # for organisers: a registration waits


class MailStatus(StrEnum):
    """Where a notification stands with the mail sender."""

    NONE = "none"  # not to be mailed: no address, not opted in, or the kind is app-only
    WAITING = "waiting"  # to be mailed (alone or in the next digest); retried after a failure
    SENT = "sent"
    SKIPPED = "skipped"  # the person opted out, or lost the address, before it was sent


class Notification(db.Model):
    """What happened is told by structured data (`kind`, the log entry, `data`) that the page
    renders as the recipient may read it then, never by stored prose: a notification about a
    space the recipient left shows nothing from it."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at", "created_at"),
        Index("ix_notifications_mail", "mail_status", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = enum_column(NotificationKind, NotificationKind.DECISION)
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    # The thread it is about, so that the page groups ("3 new replies in …").
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    # The log entry of the decision, appeal or reveal: its action and public reason.
    mod_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("mod_actions.id", ondelete="SET NULL")
    )
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_status: Mapped[MailStatus] = enum_column(MailStatus, MailStatus.NONE)
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # After a failed send: not before this time (backing off).
    mail_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Delivery(StrEnum):
    """How a person wants one kind of notification."""

    OFF = "off"
    APP = "app"  # in the app only
    MAIL = "mail"  # in the app, and by mail when the account has mail on


class NotificationPreference(db.Model):
    """A person's choice for one kind; without a row the kind's default holds."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[NotificationKind] = enum_column(NotificationKind, None, primary_key=True)
    delivery: Mapped[Delivery] = enum_column(Delivery, Delivery.APP)
