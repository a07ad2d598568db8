"""User: an account. Posts never point here directly; they point to a persona."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.label import LABEL_MAX_LENGTH
from forum.models.space import enum_column
from forum.models.types import UTCDateTime, utcnow

USERNAME_MAX_LENGTH = 30


class MailMode(StrEnum):
    """Whether an account with an address gets its notifications by mail, and how often."""

    OFF = "off"
    IMMEDIATE = "immediate"  # one mail per notification, at the sender's next run
    DAILY = "daily"  # one digest a day


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX_LENGTH))
    # The username lower-cased: uniqueness and look-ups ignore case.
    username_key: Mapped[str] = mapped_column(String(USERNAME_MAX_LENGTH), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))
    mail_mode: Mapped[MailMode] = enum_column(MailMode, MailMode.OFF)
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An IANA zone ("Europe/London") for event times; None shows them in the event's own zone.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # A verified practitioner label ("Police officer"), granted only by an admin.
    label: Mapped[str | None] = mapped_column(
        String(LABEL_MAX_LENGTH), ForeignKey("labels.name", onupdate="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the owner deleted the account: everything about them is erased, and the row stays
    # (scrubbed, its username freed) only so that placeholders and log entries keep their place.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Hash of the one-time recovery code that lets the owner set a new password.
    recovery_code_hash: Mapped[str | None] = mapped_column(String(255))

    def is_suspended(self, now: datetime | None = None) -> bool:
        return self.suspended_until is not None and self.suspended_until > (now or utcnow())

    def __repr__(self) -> str:
        return f"<User {self.id}>"
