"""Notification: something a person is told in the app, read or not."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.space import enum_column
from forum.models.types import UTCDateTime, utcnow


class NotificationKind(StrEnum):
    DECISION = "decision"  # a moderator decided about your post or your persona
    APPEAL_OUTCOME = "appeal_outcome"
    REVEAL = "reveal"  # your pseudonym in a space was revealed to the site admins


class Notification(db.Model):
    """What happened is told by structured data (`kind`, the log entry, `data`) that the page
    renders as the recipient may read it then, never by stored prose: a notification about a
    space the recipient left shows nothing from it."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = enum_column(NotificationKind, NotificationKind.DECISION)
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    # The log entry of the decision, appeal or reveal: its action and public reason.
    mod_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("mod_actions.id", ondelete="SET NULL")
    )
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
