"""ModAction: the moderation log, one row for every use of moderator or admin power."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models import Space, User
from forum.models.space import enum_column
from forum.models.types import UTCDateTime, utcnow


class ActionKind(StrEnum):
    LABEL_GRANTED = "label_granted"
    LABEL_REVOKED = "label_revoked"
    SPACE_CREATED = "space_created"
    SETTINGS_CHANGED = "settings_changed"
    REQUEST_APPROVED = "request_approved"
    REQUEST_DECLINED = "request_declined"
    INVITATION_CREATED = "invitation_created"
    INVITATION_REVOKED = "invitation_revoked"
    MEMBER_REMOVED = "member_removed"
    MEMBER_BANNED = "member_banned"
    MEMBER_UNBANNED = "member_unbanned"
    ROLE_CHANGED = "role_changed"
    THREAD_LOCKED = "thread_locked"
    THREAD_UNLOCKED = "thread_unlocked"
    THREAD_PINNED = "thread_pinned"
    THREAD_UNPINNED = "thread_unpinned"


class ModAction(db.Model):
    __tablename__ = "mod_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for site-wide actions such as granting a verified label.
    space_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[ActionKind] = enum_column(ActionKind, ActionKind.SETTINGS_CHANGED, length=40)
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What the action was, in words (e.g. "moderator → owner", "label: Police officer").
    detail: Mapped[str] = mapped_column(String(200), default="")
    public_reason: Mapped[str] = mapped_column(String(500), default="")
    private_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    space: Mapped[Space | None] = relationship(lazy="raise")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="raise")
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id], lazy="raise")
